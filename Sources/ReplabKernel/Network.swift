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
/// a reference until one of the copies changes. Sending and taking the next message are
/// O(log n); choosing a particular message (the teacher's `deliver m7`) is O(n), which is fine
/// for the few messages a person can follow.
public struct Network<Payload> {
    @usableFromInline var heap: [Envelope<Payload>] = []
    @usableFromInline var nextID: UInt32 = 1

    public init() {}

    /// The id the next message sent will get.
    public var nextMessageID: MessageID { MessageID(nextID) }

    @inlinable public var count: Int { heap.count }
    @inlinable public var isEmpty: Bool { heap.isEmpty }

    /// Puts a message in flight and returns its id.
    @inlinable
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
    @inlinable
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
        let removed = heap[index]
        heap.remove(at: index)
        heapify()
        return removed
    }

    /// Puts a copy of a message in flight under a new id (the network duplicated it).
    @discardableResult
    public mutating func duplicate(_ id: MessageID, now: UInt64, step: UInt32) -> MessageID? {
        guard let original = message(id) else { return nil }
        return send(
            from: original.from, to: original.to, payload: original.payload, now: now,
            latency: original.deliverAt > now ? original.deliverAt - now : 0, step: step)
    }

    // The heap operations move elements through a "hole" with unsafe pointers: no bounds or
    // uniqueness checks in the loops, and no retain/release traffic for payloads with references.

    @inlinable
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
    @inlinable
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

    mutating func heapify() {
        let items = heap.sorted { $0.precedes($1) }
        heap = items  // a sorted array is a valid heap
    }
}

extension Network: Sendable where Payload: Sendable {}
extension Envelope: Sendable where Payload: Sendable {}
