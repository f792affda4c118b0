extension Network {
    /// Calls `body` for every message in flight, in no particular order (the heap's): for
    /// order-independent uses such as hashing the in-flight multiset, without sorting.
    @inlinable
    public func forEachInFlight(_ body: (Envelope<Payload>) -> Void) {
        for envelope in heap { body(envelope) }
    }
}
