import ReplabKernel

/// The cluster as a value: two simulations are equal when their futures are the same, whatever
/// schedule led to them. The driver compares its part (the messages in flight as a multiset of
/// `from → to: payload` without ids, timers as a multiset without their order, faults, virtual
/// time, the seed's position; `Driver`'s `Hashable`); the cluster compares what a later
/// delivery, tick or command can depend on (its model and that model's own state, the replicas'
/// tables, clients, operations in progress and their outcomes, settings) and leaves out what
/// only records or words the past:
/// - when an operation started or ended (its outcome, the version it wrote and what it read stay);
/// - the completions and notes of the current command.
/// The explorer's visited set and the undo tests rely on this: two schedules that reach the
/// same cluster give equal, equally hashed states.
extension Cluster: Hashable {
    public static func == (lhs: Cluster, rhs: Cluster) -> Bool {
        lhs.kind.isEqual(to: rhs.kind)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind.core.stateKey)
        kind.hashOwnState(into: &hasher)
    }
}

extension ClusterCore {
    /// What the history says of an operation that later events can read.
    struct Outcome: Hashable {
        let op: Int
        let outcome: OperationRecord.Outcome
        let written: Version?
        let read: [Version]
    }

    struct Key: Hashable {
        let model: ClusterModel
        let settings: Settings
        let replicas: [ReplicaState]
        let clientContexts: [[String: VersionVector]]
        let clientCounters: [[String: UInt64]]
        let history: [Outcome]
        let pending: [Int: PendingOp]
        let nextTimestamp: UInt64
    }

    var stateKey: Key {
        Key(
            model: model, settings: settings, replicas: replicas, clientContexts: clientContexts, clientCounters: clientCounters,
            history: history.map { Outcome(op: $0.op, outcome: $0.outcome, written: $0.written, read: $0.read) },
            pending: pending, nextTimestamp: nextTimestamp)
    }
}
