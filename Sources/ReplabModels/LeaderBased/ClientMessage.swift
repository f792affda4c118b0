import ReplabKernel

/// What a client and the node it asks send each other in the leader-based models.
public enum ClientMessage: Sendable, Hashable {
    /// Leader-based models: a client's write to a leader, and its answer.
    indirect case clientWrite(op: Int, kind: OpKind, key: String, value: Value?, timestamp: UInt64)
    case writeResult(op: Int, ok: Bool, reason: String)
    /// Leader-based models: a client's read of one node's copy, and its answer.
    case clientRead(op: Int, key: String)
    case readResult(op: Int, key: String, versions: [Version])

    /// A short kind name for lists and JSON (`write`, `ack`, …).
    public var kind: String {
        switch self {
        case .clientWrite: return "write"
        case .writeResult: return "result"
        case .clientRead: return "read"
        case .readResult: return "reply"
        }
    }

    /// What it carries, for people: `write x=5 {c1:1}`.
    public var label: String {
        switch self {
        case .clientWrite(_, let kind, let key, let value, _):
            return kind == .delete ? "delete \(key)" : "\(kind.rawValue) \(key)=\(value?.description ?? "")"
        case .writeResult(_, let ok, let reason):
            return (ok ? "ok" : "failed") + (reason.isEmpty ? "" : ": \(reason)")
        case .clientRead(_, let key):
            return "read \(key)"
        case .readResult(_, let key, let versions):
            return "reply \(key)=\(Message.describe(versions))"
        }
    }
}
