/// Message ids: `m1`, `m2`, … in send order, never reused.
public struct MessageID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let raw: UInt32
    @inlinable public init(_ raw: UInt32) { self.raw = raw }
    @inlinable public static func < (lhs: MessageID, rhs: MessageID) -> Bool { lhs.raw < rhs.raw }
    public var description: String { "m\(raw)" }

    /// Parses `m12`.
    public init?(name: String) {
        guard name.hasPrefix("m"), let value = UInt32(name.dropFirst()), value > 0,
            String(value) == name.dropFirst()
        else { return nil }
        raw = value
    }
}

/// A message on the wire. Its place in the scheduler's order is `(deliverAt, id)`: the earliest
/// delivery time first, and among equal times the one sent first.
public struct Envelope<Payload> {
    public let id: MessageID
    public let from: Address
    public let to: Address
    /// Virtual time at which it was sent.
    public let sentAt: UInt64
    /// Virtual time at which the scheduler may deliver it.
    public let deliverAt: UInt64
    /// The trace step in which it was sent (shown as `m7 (sent 3)` so overtaking is visible).
    public let sentStep: UInt32
    public var payload: Payload

    @inlinable
    public init(
        id: MessageID, from: Address, to: Address, sentAt: UInt64, deliverAt: UInt64, sentStep: UInt32,
        payload: Payload
    ) {
        self.id = id
        self.from = from
        self.to = to
        self.sentAt = sentAt
        self.deliverAt = deliverAt
        self.sentStep = sentStep
        self.payload = payload
    }

    @inlinable
    func precedes(_ other: Envelope) -> Bool {
        deliverAt != other.deliverAt ? deliverAt < other.deliverAt : id.raw < other.id.raw
    }
}

/// The set of messages in flight, ordered for the scheduler as a binary heap.
///
/// A value type: copying a `Network` (for `undo`, or to explore another schedule) copies only
/// a reference until one of the copies changes. Sending, taking the next message and taking the
/// next one a gate lets through are O(log n) (plus O(log n) for each message the gate holds
/// back). Finding one message by id (the teacher's `deliver m7`) is a linear scan of the
/// heap's array, with an O(log n) repair after removing it; a selection of many messages
/// (`deliver all`, `drop to B`) is taken out in one pass, O(n + k log k), never one scan each.
public struct Network<Payload> {
    @usableFromInline var heap: [Envelope<Payload>] = []
    @usableFromInline var nextID: UInt32 = 1

    public init() {}

    /// The id the next message sent will get.
    public var nextMessageID: MessageID { MessageID(nextID) }

    @inlinable public var count: Int { heap.count }
    @inlinable public var isEmpty: Bool { heap.isEmpty }

    /// Puts a message in flight and returns its id.
    @inlinable @inline(__always)
    @discardableResult
    public mutating func send(
        from: Address, to: Address, payload: Payload, now: UInt64, latency: UInt64 = 0, step: UInt32 = 0
    ) -> MessageID {
        let id = MessageID(nextID)
        nextID &+= 1
        push(
            Envelope(
                id: id, from: from, to: to, sentAt: now, deliverAt: now &+ latency, sentStep: step,
                payload: payload))
        return id
    }

    /// The next message in the scheduler's order, removed from flight.
    @inlinable @inline(__always)
    public mutating func popNext() -> Envelope<Payload>? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        return heap.withUnsafeMutableBufferPointer { buffer in
            Network.replaceTop(of: buffer.baseAddress!, count: buffer.count, with: last)
        }
    }

    /// Every message in flight, in the scheduler's order.
    public var inOrder: [Envelope<Payload>] {
        heap.sorted { $0.precedes($1) }
    }

    /// Every message in flight in no particular order: for counting, without `inOrder`'s sort.
    public var unordered: [Envelope<Payload>] { heap }

    /// The message with this id, if it is in flight.
    public func message(_ id: MessageID) -> Envelope<Payload>? {
        heap.first { $0.id == id }
    }

    /// Removes and returns the message with this id, if it is in flight.
    @discardableResult
    public mutating func remove(_ id: MessageID) -> Envelope<Payload>? {
        guard let index = heap.firstIndex(where: { $0.id == id }) else { return nil }
        return remove(at: index)
    }

    /// Removes and returns the messages with these ids that are in flight, in id order: one
    /// pass over the heap and one O(n) rebuild, whatever the number taken.
    public mutating func take(_ ids: Set<MessageID>) -> [Envelope<Payload>] {
        guard !ids.isEmpty else { return [] }
        var taken: [Envelope<Payload>] = []
        var kept: [Envelope<Payload>] = []
        kept.reserveCapacity(heap.count)
        for envelope in heap {
            if ids.contains(envelope.id) { taken.append(envelope) } else { kept.append(envelope) }
        }
        heap = kept
        heapify()
        return taken.sorted { $0.id < $1.id }
    }

    /// The messages with these ids that are in flight, in id order, left in flight.
    public func messages(_ ids: Set<MessageID>) -> [Envelope<Payload>] {
        heap.filter { ids.contains($0.id) }.sorted { $0.id < $1.id }
    }

    /// The next message in the scheduler's order that `allowed` lets through, removed from
    /// flight; the messages it holds back stay in flight. O(log n) for each message looked at.
    public mutating func popNext(where allowed: (Envelope<Payload>) -> Bool) -> Envelope<Payload>? {
        var held: [Envelope<Payload>] = []
        defer { for envelope in held { push(envelope) } }
        while let next = popNext() {
            if allowed(next) { return next }
            held.append(next)
        }
        return nil
    }

    /// Puts a copy of a message in flight under a new id (the network duplicated it).
    @discardableResult
    public mutating func duplicate(_ id: MessageID, now: UInt64, step: UInt32) -> MessageID? {
        guard let original = message(id) else { return nil }
        return duplicate(original, now: now, step: step)
    }

    /// Puts a copy of `original` (a message in flight) in flight under a new id.
    @discardableResult
    public mutating func duplicate(_ original: Envelope<Payload>, now: UInt64, step: UInt32) -> MessageID {
        send(
            from: original.from, to: original.to, payload: original.payload, now: now,
            latency: original.deliverAt > now ? original.deliverAt - now : 0, step: step)
    }

    /// Removes the element at `index` of the heap's array and restores the heap in O(log n):
    /// the last element takes its place and climbs or sinks to where it belongs.
    mutating func remove(at index: Int) -> Envelope<Payload> {
        let last = heap.removeLast()
        guard index < heap.count else { return last }
        let removed = heap[index]
        heap[index] = last
        var hole = index
        while hole > 0 {
            let parent = (hole - 1) / 2
            guard heap[hole].precedes(heap[parent]) else { break }
            heap.swapAt(hole, parent)
            hole = parent
        }
        siftDown(from: hole)
        return removed
    }

    // The heap operations move elements through a "hole" with unsafe pointers: no bounds or
    // uniqueness checks in the loops, and no retain/release traffic for payloads with references.

    @inlinable @inline(__always)
    mutating func push(_ envelope: Envelope<Payload>) {
        heap.append(envelope)
        heap.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            var hole = buffer.count - 1
            guard hole > 0, envelope.precedes(base[(hole &- 1) &>> 1]) else { return }
            // The appended copy is dropped (not read back) and `envelope` itself climbs.
            _ = (base + hole).move()
            repeat {
                let parent = (hole &- 1) &>> 1
                if !envelope.precedes(base[parent]) { break }
                (base + hole).initialize(to: (base + parent).move())
                hole = parent
            } while hole > 0
            (base + hole).initialize(to: envelope)
        }
    }

    /// Removes and returns the root of the heap `base[0..<count]`, putting `element` in its place.
    ///
    /// Bottom-up: the hole left by the root walks down to a leaf along the earlier child (one
    /// comparison per level), then `element` climbs back up from there. `element` is the heap's
    /// former last leaf, so it rarely climbs far, which saves about half the comparisons of a
    /// textbook sift-down.
    @inlinable @inline(__always)
    static func replaceTop(
        of base: UnsafeMutablePointer<Envelope<Payload>>, count: Int, with element: Envelope<Payload>
    ) -> Envelope<Payload> {
        let top = base.move()
        var hole = 0
        var child = 1
        while child &+ 1 < count {
            if base[child &+ 1].precedes(base[child]) { child &+= 1 }
            (base + hole).initialize(to: (base + child).move())
            hole = child
            child = 2 &* hole &+ 1
        }
        if child < count {
            (base + hole).initialize(to: (base + child).move())
            hole = child
        }
        while hole > 0 {
            let parent = (hole &- 1) &>> 1
            if !element.precedes(base[parent]) { break }
            (base + hole).initialize(to: (base + parent).move())
            hole = parent
        }
        (base + hole).initialize(to: element)
        return top
    }

    /// Moves the element at `start` down until neither child precedes it.
    mutating func siftDown(from start: Int) {
        var hole = start
        while true {
            var child = 2 * hole + 1
            guard child < heap.count else { return }
            if child + 1 < heap.count && heap[child + 1].precedes(heap[child]) { child += 1 }
            guard heap[child].precedes(heap[hole]) else { return }
            heap.swapAt(hole, child)
            hole = child
        }
    }

    /// Restores the heap property over the whole array in O(n) (Floyd's method).
    mutating func heapify() {
        guard heap.count > 1 else { return }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }
}

extension Network: Sendable where Payload: Sendable {}
extension Envelope: Sendable where Payload: Sendable {}
