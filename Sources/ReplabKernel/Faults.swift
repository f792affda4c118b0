/// The faults a teacher injects: partitions and crashed replicas. Data, not behaviour: the
/// kernel asks it whether a message may move.
///
/// - A partition splits the named participants into groups; a link between two different groups
///   is cut. Participants not named in any group (typically clients) reach everyone. Messages on
///   a cut link stay in flight, undeliverable, until `heal`.
/// - A crashed replica receives nothing and sends nothing; it keeps its durable state.
public struct Faults: Hashable, Sendable {
    @usableFromInline var storedGroups: [[Address]] = []
    /// Crashed replicas, sorted.
    @usableFromInline var storedCrashed: [Address] = []

    /// The groups of the current partition, each sorted; empty when there is no partition.
    @inlinable public var groups: [[Address]] { storedGroups }
    /// Crashed replicas, sorted.
    @inlinable public var crashed: [Address] { storedCrashed }

    public init() {}

    @inlinable public var isPartitioned: Bool { !storedGroups.isEmpty }

    public func group(of address: Address) -> Int? {
        groups.firstIndex { $0.contains(address) }
    }

    /// Whether the partition cuts the link between `a` and `b`.
    public func isCut(_ a: Address, _ b: Address) -> Bool {
        guard !groups.isEmpty, let ga = group(of: a), let gb = group(of: b) else { return false }
        return ga != gb
    }

    @inlinable public func isCrashed(_ address: Address) -> Bool { !storedCrashed.isEmpty && storedCrashed.contains(address) }

    public mutating func partition(_ newGroups: [[Address]]) {
        storedGroups = newGroups.map { $0.sorted() }.filter { !$0.isEmpty }
    }

    public mutating func heal() { storedGroups = [] }

    public mutating func crash(_ address: Address) {
        if !storedCrashed.contains(address) {
            storedCrashed.append(address)
            storedCrashed.sort()
        }
    }

    public mutating func recover(_ address: Address) { storedCrashed.removeAll { $0 == address } }
}

/// Timers: callbacks a model asked for at a future virtual time. They fire in `(fireAt, order
/// set)` order when time passes. A timer is never cancelled; its handler checks whether it still
/// matters (a timeout for an operation that already completed does nothing).
public struct Timers<Payload> {
    public struct Timer {
        public let fireAt: UInt64
        public let sequence: UInt64
        public let payload: Payload
    }
    @usableFromInline var pending: [Timer] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { pending.count }
    public var all: [Timer] { pending.sorted { ($0.fireAt, $0.sequence) < ($1.fireAt, $1.sequence) } }

    public mutating func schedule(at time: UInt64, _ payload: Payload) {
        pending.append(Timer(fireAt: time, sequence: nextSequence, payload: payload))
        nextSequence += 1
    }

    /// Removes and returns every timer due at or before `time`, in firing order.
    public mutating func takeDue(atOrBefore time: UInt64) -> [Timer] {
        let due = pending.filter { $0.fireAt <= time }
        guard !due.isEmpty else { return [] }
        pending.removeAll { $0.fireAt <= time }
        return due.sorted { ($0.fireAt, $0.sequence) < ($1.fireAt, $1.sequence) }
    }

    /// Removes the timers whose payload matches.
    public mutating func cancel(where predicate: (Payload) -> Bool) {
        pending.removeAll { predicate($0.payload) }
    }
}

extension Timers where Payload: Hashable {
    /// A pending timer as far as the future is concerned: when it fires and what it carries
    /// (not the order it was set in).
    public struct Key: Hashable {
        public let fireAt: UInt64
        public let payload: Payload
    }

    /// The pending timers as a multiset, for comparing cluster states.
    public var multiset: [Key: Int] {
        var counts: [Key: Int] = [:]
        for timer in pending { counts[Key(fireAt: timer.fireAt, payload: timer.payload), default: 0] += 1 }
        return counts
    }
}

extension Timers: Sendable where Payload: Sendable {}
extension Timers.Key: Sendable where Payload: Sendable {}
extension Timers.Timer: Sendable where Payload: Sendable {}
