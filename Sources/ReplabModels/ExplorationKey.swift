extension Simulation {
    /// The cluster's state key (`ClusterState.swift`: what decides its future, message ids,
    /// steps and the trace left out) as a list of 64-bit words, for the explorer's 128-bit
    /// fingerprint: equal simulations give equal words.
    ///
    /// Numbers go in as they are; each component (a replica's state, an operation's outcome, the
    /// multiset of messages in flight, the pending timers) goes in as its 64-bit hash under
    /// Swift's hasher, which is seeded afresh in every process. What an exploration finds does not
    /// depend on those values, only on which states are equal, so it is the same in every run
    /// unless two distinct values of one component share a hash: about m² / 2⁶⁵ for m distinct
    /// values of a component, far fewer than the states explored.
    public var explorationWords: [UInt64] {
        let key = stateKey
        var words: [UInt64] = []
        words.reserveCapacity(24 + key.replicas.count + key.history.count)
        func add<T: Hashable>(_ value: T) {
            var hasher = Hasher()
            hasher.combine(value)
            words.append(UInt64(bitPattern: Int64(hasher.finalize())))
        }
        add(key.model)
        add(key.settings)
        words.append(key.now)
        add(key.prng)
        add(key.network)
        add(key.timers)
        add(key.faults)
        words.append(UInt64(key.replicas.count))
        for replica in key.replicas { add(replica) }
        add(key.clientContexts)
        add(key.clientCounters)
        words.append(UInt64(key.history.count))
        for outcome in key.history { add(outcome) }
        add(key.pending)
        add(key.coordinating)
        words.append(key.nextTimestamp)
        add(key.leadership)
        words.append(UInt64(key.exchanges))
        return words
    }
}
