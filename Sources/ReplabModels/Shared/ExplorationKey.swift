import ReplabKernel

extension Simulation {
    /// The cluster's state key (`ClusterState.swift`: what decides its future, message ids,
    /// steps and the trace left out) as a list of 64-bit words, for the explorer's 128-bit
    /// fingerprint: equal simulations give equal words. It reads the same fields as `stateKey`
    /// without building its dictionaries (the explorer computes it for every state it meets).
    ///
    /// Numbers go in as they are; each component (a replica's state, an operation's outcome, a
    /// message in flight, a timer) goes in as its 64-bit hash under Swift's hasher, which is seeded
    /// afresh in every process; multisets (messages, timers) as their members' hashes, sorted.
    /// What an exploration finds does not depend on those values, only on which states are equal,
    /// so it is the same in every run unless two distinct values of one component share a hash:
    /// about m² / 2⁶⁵ for m distinct values of a component, far fewer than the states explored.
    public var explorationWords: [UInt64] {
        var words: [UInt64] = []
        words.reserveCapacity(24 + state.replicas.count + state.history.count + network.count + timers.count)
        func hash<T: Hashable>(_ value: T) -> UInt64 {
            var hasher = Hasher()
            hasher.combine(value)
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
        words.append(hash(state.model))
        words.append(hash(state.settings))
        words.append(now)
        words.append(hash(prng))
        var flight: [UInt64] = []
        flight.reserveCapacity(network.count)
        network.forEachInFlight { envelope in
            flight.append(
                hash(InFlight<Message>(from: envelope.from, to: envelope.to, deliverAt: envelope.deliverAt, payload: envelope.payload)))
        }
        flight.sort()
        words.append(UInt64(flight.count))
        words += flight
        var pendingTimers = timers.all.map { timer in
            var hasher = Hasher()
            hasher.combine(timer.fireAt)
            hasher.combine(timer.payload)
            return UInt64(bitPattern: Int64(hasher.finalize()))
        }
        pendingTimers.sort()
        words.append(UInt64(pendingTimers.count))
        words += pendingTimers
        words.append(hash(faults))
        words.append(UInt64(state.replicas.count))
        for replica in state.replicas { words.append(hash(replica)) }
        words.append(hash(state.clientContexts))
        words.append(hash(state.kind.core.clientCounters))
        words.append(UInt64(state.history.count))
        for record in state.history {
            words.append(hash(ClusterCore.Outcome(op: record.op, outcome: record.outcome, written: record.written, read: record.read)))
        }
        words.append(hash(state.kind.core.pending))
        words.append(state.kind.core.nextTimestamp)
        // The model's own state (coordinators' tallies, leadership, exchange counters).
        var own = Hasher()
        state.kind.hashOwnState(into: &own)
        words.append(UInt64(bitPattern: Int64(own.finalize())))
        return words
    }
}
