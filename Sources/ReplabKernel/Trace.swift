/// Why a message left the network without being handled.
public enum DropReason: String, Sendable, Hashable {
    /// The teacher dropped it (`drop`).
    case dropped
    /// Its receiver was crashed when the network tried to deliver it.
    case receiverCrashed = "receiver crashed"
    /// Its sender crashed before it left (not used by the default network: a sent message is on the wire).
    case discarded
}

/// One thing that happened. The trace is the record every view and export is drawn from. It
/// holds data (the message itself, not words about it): the renderers make the words.
public enum TraceEvent<Message, Note> {
    /// The line the user typed that caused the events after it (until the next `command`).
    case command(String)
    /// A message was put in flight.
    case sent(MessageID, from: Address, to: Address, Message)
    case delivered(MessageID)
    case dropped(MessageID, DropReason)
    case duplicated(original: MessageID, copy: MessageID)
    case partitioned([[Address]])
    case healed
    case crashed(Address)
    case recovered(Address)
    /// Virtual time advanced to this tick.
    case ticked(UInt64)
    /// A client operation began (`op` numbers start at 1).
    case opStarted(op: Int, client: Address, text: String)
    /// A client operation completed or failed.
    case opCompleted(op: Int, client: Address, ok: Bool, text: String)
    /// A state change worth showing where it happened (sibling created, tombstone written, …),
    /// as the model's data.
    case note(Address, Note)
    /// A cluster was built; its participants in column order.
    case cluster(description: String, replicas: [Address])
}

public struct TraceEntry<Message, Note> {
    /// The step: one delivery, drop, operation start, fault or tick each.
    public let step: UInt32
    /// Virtual time.
    public let time: UInt64
    public let event: TraceEvent<Message, Note>
}

/// The append-only record of a session. Entries are never changed; `undo` truncates to an
/// earlier length (the trace of the state it restores), which is cheap.
///
/// `sentAt` indexes the `sent` entry of every message id, so a view can find what a message
/// carried without scanning history: rendering cost follows what is shown, not what happened.
public struct Trace<Message, Note> {
    public private(set) var entries: [TraceEntry<Message, Note>] = []
    /// Entry index of the `sent` event for message id `i` (index `i - 1`); -1 if none.
    public private(set) var sentIndex: [Int32] = []

    public init() {}

    public var count: Int { entries.count }

    public mutating func append(step: UInt32, time: UInt64, _ event: TraceEvent<Message, Note>) {
        if case .sent(let id, _, _, _) = event {
            let slot = Int(id.raw) - 1
            if sentIndex.count <= slot { sentIndex.append(contentsOf: repeatElement(-1, count: slot + 1 - sentIndex.count)) }
            sentIndex[slot] = Int32(entries.count)
        }
        entries.append(TraceEntry(step: step, time: time, event: event))
    }

    /// The `sent` entry of a message, if it was recorded.
    public func sentEntry(_ id: MessageID) -> TraceEntry<Message, Note>? {
        let slot = Int(id.raw) - 1
        guard slot >= 0, slot < sentIndex.count, sentIndex[slot] >= 0 else { return nil }
        return entries[Int(sentIndex[slot])]
    }

    /// Drops every entry after the first `length` (used by `undo`).
    public mutating func truncate(to length: Int) {
        guard length < entries.count else { return }
        entries.removeSubrange(length...)
        for slot in sentIndex.indices where Int(sentIndex[slot]) >= length { sentIndex[slot] = -1 }
        while let last = sentIndex.last, last < 0 { sentIndex.removeLast() }
    }
}

extension TraceEvent: Sendable where Message: Sendable, Note: Sendable {}
extension TraceEvent: Equatable where Message: Equatable, Note: Equatable {}
extension TraceEvent: Hashable where Message: Hashable, Note: Hashable {}
extension TraceEntry: Sendable where Message: Sendable, Note: Sendable {}
extension TraceEntry: Equatable where Message: Equatable, Note: Equatable {}
extension TraceEntry: Hashable where Message: Hashable, Note: Hashable {}
extension Trace: Sendable where Message: Sendable, Note: Sendable {}
