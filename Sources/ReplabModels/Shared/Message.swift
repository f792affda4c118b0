import ReplabKernel

/// What a client asks for.
public enum OpKind: String, Sendable, Hashable {
    case put, get, delete
    /// Single- and multi-leader row operations: insert fails where the row exists, update does
    /// nothing where it is missing.
    case insert, update

    /// Whether the operation writes a value (not a read or a delete).
    public var writesValue: Bool { self == .put || self == .insert || self == .update }
}

/// Every message on the REPL's network: each model's own messages, tagged with the model. The
/// driver's network holds one concrete type (no existential boxes on the delivery path); a
/// model sends and receives only its own.
public enum Message: Sendable, Hashable {
    case leaderless(LeaderlessMessage)
    case singleLeader(SingleLeaderMessage)
    case multiLeader(MultiLeaderMessage)

    /// A short kind name for lists and JSON (`write`, `ack`, …).
    public var kind: String {
        switch self {
        case .leaderless(let message): return message.kind
        case .singleLeader(let message): return message.kind
        case .multiLeader(let message): return message.kind
        }
    }

    /// What it carries, for people: `write x=5 {c1:1}`.
    public var label: String {
        switch self {
        case .leaderless(let message): return message.label
        case .singleLeader(let message): return message.label
        case .multiLeader(let message): return message.label
        }
    }

    /// `5 {c1:1}`, `5 {c1:1} | 7 {c2:1}`, or `nothing`.
    public static func describe(_ versions: [Version]) -> String {
        if versions.isEmpty { return "nothing" }
        return versions.map { "\($0.valueText) \($0.label)" }.joined(separator: " | ")
    }
}

/// `1 version`, `2 versions`.
public func plural(_ count: Int, _ noun: String) -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
}
