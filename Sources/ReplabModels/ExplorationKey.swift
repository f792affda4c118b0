import ReplabKernel

extension Simulation {
    /// What decides this cluster's future and what `explore` reports about it, as a list of
    /// 64-bit words: two clusters with the same words behave alike under every schedule (but for
    /// a hash collision, below). The explorer turns the list into its 128-bit fingerprint.
    ///
    /// Left out, because no future step depends on them: the trace, the step counter, message ids
    /// (the messages in flight count as a multiset of sender, receiver and payload), when each
    /// message was sent, the next message id, when an operation completed (`explore` starts no
    /// operation, so no later read compares against those times), and the notes and completions
    /// a command collects for its report.
    ///
    /// Numbers go in as they are; each component (a replica's state, an operation record, a
    /// message, a timer) goes in as its 64-bit hash under Swift's hasher, which is seeded afresh
    /// in every process. What an exploration finds does not depend on those values, only on which
    /// states are equal, so it is the same in every run unless two distinct values of one component
    /// share a hash: about m² / 2⁶⁵ for m distinct values of a component, far fewer than states.
    public var explorationWords: [UInt64] {
        var words: [UInt64] = []
        words.reserveCapacity(16 + replicas.count + history.count + 2 * network.count)
        func add<T: Hashable>(_ value: T) {
            var hasher = Hasher()
            hasher.combine(value)
            words.append(UInt64(bitPattern: Int64(hasher.finalize())))
        }
        add(model)
        add(settings)
        words.append(now)
        add(prng)
        add(faults)
        let timers = self.timers.all
        words.append(UInt64(timers.count))
        for timer in timers {
            words.append(timer.fireAt)
            add(timer.payload)
        }
        words.append(UInt64(replicas.count))
        for replica in replicas { add(replica) }
        add(clientContexts)
        add(clientCounters)
        words.append(UInt64(history.count))
        for record in history {
            var record = record
            record.endStep = nil
            record.endTime = nil
            add(record)
        }
        words.append(UInt64(pending.count))
        for op in pending.keys.sorted() {
            words.append(UInt64(op))
            add(pending[op]!)
        }
        words.append(UInt64(coordinating.count))
        for op in coordinating.keys.sorted() {
            words.append(UInt64(op))
            add(coordinating[op]!.node)
            add(coordinating[op]!.state)
        }
        words.append(nextTimestamp)
        add(pendingTimestamps)
        add(leadership)
        words.append(UInt64(exchanges))
        // The messages in flight as a multiset: each one's hash, sorted.
        var messages: [UInt64] = []
        messages.reserveCapacity(network.count)
        network.forEachInFlight { envelope in
            var hasher = Hasher()
            hasher.combine(envelope.from)
            hasher.combine(envelope.to)
            hasher.combine(envelope.payload)
            messages.append(UInt64(bitPattern: Int64(hasher.finalize())))
        }
        messages.sort()
        words.append(UInt64(messages.count))
        words += messages
        return words
    }
}
