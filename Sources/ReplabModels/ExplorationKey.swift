import ReplabKernel

extension Simulation {
    /// Feeds `hasher` with what decides this cluster's future and what `explore` reports about it:
    /// two clusters that feed the same words behave alike under every schedule.
    ///
    /// Left out, because no future step depends on them: the trace, the step counter, message ids
    /// (the messages in flight count as a multiset of sender, receiver and payload), when each
    /// message was sent, the next message id, when an operation completed (`explore` starts no
    /// operation, so no later read can compare against those times), and the notes and completions
    /// a command collects for its report.
    public func hashExplorationKey(into hasher: inout Hasher) {
        hasher.combine(model)
        hasher.combine(settings)
        hasher.combine(now)
        hasher.combine(prng)
        hasher.combine(faults)
        for timer in timers.all {
            hasher.combine(timer.fireAt)
            hasher.combine(timer.payload)
        }
        hasher.combine(timers.count)
        hasher.combine(replicas)
        hasher.combine(clientContexts)
        hasher.combine(clientCounters)
        hasher.combine(history.count)
        for record in history {
            var record = record
            record.endStep = nil
            record.endTime = nil
            hasher.combine(record)
        }
        for op in pending.keys.sorted() {
            hasher.combine(op)
            hasher.combine(pending[op]!)
        }
        hasher.combine(pending.count)
        for op in coordinating.keys.sorted() {
            hasher.combine(op)
            hasher.combine(coordinating[op]!.node)
            hasher.combine(coordinating[op]!.state)
        }
        hasher.combine(coordinating.count)
        hasher.combine(nextTimestamp)
        hasher.combine(pendingTimestamps)
        hasher.combine(leadership)
        hasher.combine(exchanges)
        // The messages in flight as a multiset: each one's hash, sorted.
        var messages: [Int] = []
        messages.reserveCapacity(network.count)
        for envelope in network.inOrder {
            var one = hasher
            one.combine(envelope.from)
            one.combine(envelope.to)
            one.combine(envelope.payload)
            messages.append(one.finalize())
        }
        messages.sort()
        hasher.combine(messages)
    }

    /// A 128-bit key of `hashExplorationKey`: two passes of Swift's hasher, told apart by a salt.
    /// Swift seeds its hasher afresh in every process, so the key differs from run to run; what an
    /// exploration finds does not, for it depends on which states are equal, not on their keys
    /// (but for a collision: about n² / 2¹²⁹ for n states).
    public var explorationKey: (UInt64, UInt64) {
        var first = Hasher()
        first.combine(0x5EED as UInt64)
        hashExplorationKey(into: &first)
        var second = Hasher()
        second.combine(0xFACADE as UInt64)
        hashExplorationKey(into: &second)
        return (UInt64(bitPattern: Int64(first.finalize())), UInt64(bitPattern: Int64(second.finalize())))
    }
}
