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

/// Every message the models send. One enum for all models keeps the kernel's network concrete
/// (no existential boxes on the delivery path).
public enum Message: Sendable, Hashable {
    /// A version to store (client or coordinator → replica). `op` is 0 for repairs and handoffs.
    case write(op: Int, key: String, version: Version)
    case writeAck(op: Int, key: String)
    case read(op: Int, key: String)
    case readReply(op: Int, key: String, versions: [Version])
    /// Node-coordinated clusters: a client's request to its coordinator.
    /// `timestamp` is the last-write-wins timestamp the client stamped on the write.
    case request(op: Int, kind: OpKind, key: String, value: Value?, context: VersionVector, timestamp: UInt64)
    /// Node-coordinated clusters: the coordinator's answer.
    case response(op: Int, ok: Bool, versions: [Version], reason: String)
    /// Read repair: the newest versions for a replica that answered with older ones.
    case repair(key: String, versions: [Version])
    /// Sloppy quorums: a write for an unreachable primary, stored apart by a fallback as a hint
    /// naming `owner`.
    case hintedWrite(op: Int, key: String, version: Version, owner: Address)
    /// Hinted handoff: a fallback hands a hint to its owner, which acknowledges it.
    case handoff(HandoffMessage)
    /// A replica refuses a write (too many siblings); the operation fails with `reason`.
    case writeRefused(op: Int, key: String, reason: String)
    /// Anti-entropy: one step of a Merkle-tree exchange.
    case merkle(MerkleMessage)
    /// Leader-based models: a client's write to a leader, and its answer.
    case clientWrite(op: Int, kind: OpKind, key: String, value: Value?, timestamp: UInt64)
    case writeResult(op: Int, ok: Bool, reason: String)
    /// Leader-based models: a client's read of one node's copy, and its answer.
    case clientRead(op: Int, key: String)
    case readResult(op: Int, key: String, versions: [Version])
    /// Single-leader: a log entry shipped from the leader to a follower, and its acknowledgement.
    case replicate(ReplicatedWrite)
    case replicateAck(op: Int, index: UInt64, epoch: Int)
    /// Single-leader with fencing: "your epoch is old; the leader is now …".
    case fenced(epoch: Int, leader: Address)
    /// Single-leader: a new leader announces itself.
    case newLeader(epoch: Int, leader: Address)
    /// Single-leader catch-up (see CatchUp.swift): a follower's answer to an entry whose
    /// predecessor it lacks, or a deposed leader's first word to the new one: "send me the
    /// entries after #have".
    case catchUpRequest(have: UInt64, epoch: Int)
    /// Single-leader catch-up: one entry of the leader's log resent to a follower that lacks it,
    /// with the length of the leader's log and the leader's epoch (nil entry: the leader's log is
    /// empty).
    case catchUp(ReplicatedWrite?, length: UInt64, epoch: Int)
    /// Multi-leader catch-up: a peer tells a neighbour every write it has applied, and asks for
    /// the ones it lacks.
    case missing(have: VersionVector)
    /// Multi-leader: a write propagating along the topology, with the leaders it has passed.
    case propagate(ReplicatedWrite, path: [Address])

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
        case .clientWrite: return "write"
        case .writeResult: return "result"
        case .clientRead: return "read"
        case .readResult: return "reply"
        case .replicate: return "log"
        case .replicateAck: return "ack"
        case .fenced: return "fenced"
        case .newLeader: return "new-leader"
        case .catchUpRequest, .missing: return "catch-up?"
        case .catchUp: return "catch-up"
        case .propagate: return "replicate"
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
        case .clientWrite(_, let kind, let key, let value, _):
            return kind == .delete ? "delete \(key)" : "\(kind.rawValue) \(key)=\(value?.description ?? "")"
        case .writeResult(_, let ok, let reason):
            return (ok ? "ok" : "failed") + (reason.isEmpty ? "" : ": \(reason)")
        case .clientRead(_, let key):
            return "read \(key)"
        case .readResult(_, let key, let versions):
            return "reply \(key)=\(Message.describe(versions))"
        case .replicate(let write):
            return "#\(write.index) \(write.text) (epoch \(write.epoch))"
        case .replicateAck(_, let index, _):
            return "ack #\(index)"
        case .fenced(let epoch, let leader):
            return "fenced: epoch \(epoch) belongs to \(leader.name)"
        case .newLeader(let epoch, let leader):
            return "\(leader.name) leads epoch \(epoch)"
        case .catchUpRequest(let have, let epoch):
            return "send the entries after #\(have) (epoch \(epoch))"
        case .catchUp(let write, let length, _):
            guard let write else { return "the log is empty" }
            return "#\(write.index) \(write.text) (epoch \(write.epoch)), log to #\(length)"
        case .missing(let have):
            return "I have \(have): send what I lack"
        case .propagate(let write, let path):
            return "\(write.text) \(write.version.label) via \(path.map(\.name).joined(separator: ">"))"
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
