import ReplabKernel

/// What the nodes and clients of a single-leader cluster send each other.
public enum SingleLeaderMessage: Sendable, Hashable, CarriesClientTraffic {
    /// A client's request or its answer (ClientMessage).
    case client(ClientMessage)
    /// Single-leader: a log entry shipped from the leader to a follower, and its acknowledgement.
    indirect case replicate(ReplicatedWrite)
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
    indirect case catchUp(ReplicatedWrite?, length: UInt64, epoch: Int)

    /// A short kind name for lists and JSON (`write`, `ack`, …).
    public var kind: String {
        switch self {
        case .client(let message): return message.kind
        case .replicate: return "log"
        case .replicateAck: return "ack"
        case .fenced: return "fenced"
        case .newLeader: return "new-leader"
        case .catchUpRequest: return "catch-up?"
        case .catchUp: return "catch-up"
        }
    }

    /// What it carries, for people: `write x=5 {c1:1}`.
    public var label: String {
        switch self {
        case .client(let message): return message.label
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
        }
    }
}
