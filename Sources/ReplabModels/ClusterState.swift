import ReplabKernel

/// The cluster as a value: two simulations are equal when their futures are the same, whatever
/// schedule led to them. Equality and hashing therefore look at what a later delivery, tick or
/// command can depend on (replicas, clients, operations in progress and their outcomes, the
/// messages in flight, pending timers, faults, settings, virtual time, the seed's position) and
/// leave out what only records or words the past:
/// - message ids, send steps and send times (the network is compared as a multiset of
///   `from → to: payload`);
/// - timer sequence numbers (timers are a multiset of `fireAt: event`);
/// - the step counter, the trace, and the completions and notes of the current command;
/// - when an operation started or ended (its outcome, the version it wrote and what it read stay).
/// The explorer's visited set and the undo tests rely on this: two schedules that reach the
/// same cluster give equal, equally hashed states.
extension Simulation: Hashable {
    public static func == (lhs: Simulation, rhs: Simulation) -> Bool {
        lhs.stateKey == rhs.stateKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(stateKey)
    }

    /// The part of a message in flight that matters to the future.
    struct InFlight: Hashable {
        let from: Address
        let to: Address
        let deliverAt: UInt64
        let payload: Message
    }

    /// What the history says of an operation that later events can read.
    struct Outcome: Hashable {
        let op: Int
        let outcome: OperationRecord.Outcome
        let written: Version?
        let read: [Version]
    }

    struct Coordinated: Hashable {
        let node: Address
        let state: PendingOp
    }

    struct Key: Hashable {
        let model: ClusterModel
        let settings: Settings
        let now: UInt64
        let prng: SplitMix64
        let network: [InFlight: Int]
        let timers: [Timers<TimerEvent>.Key: Int]
        let faults: Faults
        let replicas: [ReplicaState]
        let clientContexts: [[String: VersionVector]]
        let clientCounters: [[String: UInt64]]
        let history: [Outcome]
        let pending: [Int: PendingOp]
        let coordinating: [Int: Coordinated]
        let nextTimestamp: UInt64
        let leadership: Leadership
        let exchanges: Int
    }

    var stateKey: Key {
        var flight: [InFlight: Int] = [:]
        for envelope in network.inOrder {
            flight[InFlight(from: envelope.from, to: envelope.to, deliverAt: envelope.deliverAt, payload: envelope.payload), default: 0] +=
                1
        }
        return Key(
            model: model, settings: settings, now: now, prng: prng, network: flight, timers: timers.multiset, faults: faults,
            replicas: replicas, clientContexts: clientContexts, clientCounters: clientCounters,
            history: history.map { Outcome(op: $0.op, outcome: $0.outcome, written: $0.written, read: $0.read) },
            pending: pending, coordinating: coordinating.mapValues { Coordinated(node: $0.node, state: $0.state) },
            nextTimestamp: nextTimestamp, leadership: leadership, exchanges: exchanges)
    }
}
