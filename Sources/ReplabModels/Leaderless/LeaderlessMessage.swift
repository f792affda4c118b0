import ReplabKernel

/// What the participants of a leaderless cluster send each other.
public enum LeaderlessMessage: Sendable, Hashable {
    /// A version to store (client or coordinator → replica). `op` is 0 for repairs and handoffs.
    indirect case write(op: Int, key: String, version: Version)
    case writeAck(op: Int, key: String)
    case read(op: Int, key: String)
    indirect case readReply(op: Int, key: String, versions: [Version])
    /// Node-coordinated clusters: a client's request to its coordinator.
    /// `timestamp` is the last-write-wins timestamp the client stamped on the write.
    indirect case request(op: Int, kind: OpKind, key: String, value: Value?, context: VersionVector, timestamp: UInt64)
    /// Node-coordinated clusters: the coordinator's answer.
    indirect case response(op: Int, ok: Bool, versions: [Version], reason: String)
    /// Read repair: the newest versions for a replica that answered with older ones.
    indirect case repair(key: String, versions: [Version])
    /// Sloppy quorums: a write for an unreachable primary, stored apart by a fallback as a hint
    /// naming `owner`.
    indirect case hintedWrite(op: Int, key: String, version: Version, owner: Address)
    /// Hinted handoff: a fallback hands a hint to its owner, which acknowledges it.
    indirect case handoff(HandoffMessage)
    /// A replica refuses a write (too many siblings); the operation fails with `reason`.
    indirect case writeRefused(op: Int, key: String, reason: String)
    /// Anti-entropy: one step of a Merkle-tree exchange.
    indirect case merkle(MerkleMessage)

    /// A short kind name for lists and JSON (`write`, `ack`, …).
    public var kind: String {
        switch self {
        case .write: return "write"
        case .writeAck: return "ack"
        case .read: return "read"
        case .readReply: return "reply"
        case .request: return "request"
        case .response: return "response"
        case .repair: return "repair"
        case .hintedWrite: return "hinted-write"
        case .handoff(let message): return message.kind
        case .writeRefused: return "refused"
        case .merkle(let message): return message.kind
        }
    }

    /// What it carries, for people: `write x=5 {c1:1}`.
    public var label: String {
        switch self {
        case .write(_, let key, let version):
            return "write \(key)=\(version.valueText) \(version.label)"
        case .writeAck(_, let key):
            return "ack \(key)"
        case .read(_, let key):
            return "read \(key)"
        case .readReply(_, let key, let versions):
            return "reply \(key)=\(Message.describe(versions))"
        case .request(_, let kind, let key, let value, let context, _):
            switch kind {
            case .put: return "put \(key)=\(value.map(\.description) ?? "") ctx \(context)"
            case .get: return "get \(key)"
            case .delete: return "delete \(key) ctx \(context)"
            case .insert, .update: return "\(kind.rawValue) \(key)=\(value.map(\.description) ?? "")"
            }
        case .response(_, let ok, let versions, let reason):
            if !ok { return "failed: \(reason)" }
            return "ok " + (versions.isEmpty ? "" : Message.describe(versions) + " ") + "(\(reason))"
        case .repair(let key, let versions):
            return "repair \(key)=\(Message.describe(versions))"
        case .hintedWrite(_, let key, let version, let owner):
            return "write \(key)=\(version.valueText) \(version.label) (hint for \(owner.name))"
        case .handoff(let message):
            return message.label
        case .writeRefused(_, let key, let reason):
            return "refused \(key): \(reason)"
        case .merkle(let message):
            return message.label
        }
    }
}
