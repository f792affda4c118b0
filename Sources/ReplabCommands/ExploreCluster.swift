import ReplabExplore
import ReplabKernel
import ReplabModels

/// One step of a schedule: what the explorer chose, spelled as the command that replays it.
enum ClusterStep: Hashable, Sendable {
    case deliver(MessageID)
    case drop(MessageID)
    case duplicate(MessageID)
    case crash(Address)
    /// Time passes this many ticks (to the next timeout of an operation still waiting).
    case tick(Int)

    var command: String {
        switch self {
        case .deliver(let id): return "deliver \(id)"
        case .drop(let id): return "drop \(id)"
        case .duplicate(let id): return "duplicate \(id)"
        case .crash(let node): return "crash \(node.name)"
        case .tick(let count): return count == 1 ? "tick" : "tick \(count)"
        }
    }
}

/// A cluster as the explorer sees it: the simulation and what is left of the fault budgets.
struct ClusterState {
    var sim: Simulation
    var drops: Int
    var duplicates: Int
    var crashes: Int
}

/// What an exploration reports about a state.
enum ClusterObservation: Hashable, Sendable {
    /// An operation in flight when the exploration began has completed; for a read, with the
    /// values it returned (sorted, tombstones left out).
    case outcome(op: Int, ok: Bool, values: [String])
    /// `check` finds an anomaly of this kind on this key (for a broken rule, with the rule's name).
    case anomaly(Anomaly.Kind, key: String, rule: String?)
}

/// The cluster behind the explorer's protocol. From each state the transitions are, in this
/// order: delivering each deliverable message (in id order); within the budgets, losing each
/// message in flight, duplicating each, crashing each live replica; and, only when no message
/// can be delivered, letting time pass to the next timeout of an operation still waiting.
struct ClusterSystem: ExplorableSystem {
    /// The operations still waiting when the exploration began, in op order.
    let watched: [Int]

    func forEachSuccessor(of state: ClusterState, _ body: (ClusterStep, ClusterState) -> Void) {
        let sim = state.sim
        let flight = sim.inFlight
        var deliverable = false
        for envelope in flight where sim.isDeliverable(envelope) {
            deliverable = true
            var next = state
            next.sim.deliver(envelope.id)
            body(.deliver(envelope.id), next)
        }
        if state.drops > 0 {
            for envelope in flight {
                var next = state
                next.drops -= 1
                next.sim.drop(envelope.id)
                body(.drop(envelope.id), next)
            }
        }
        if state.duplicates > 0 {
            for envelope in flight {
                var next = state
                next.duplicates -= 1
                next.sim.duplicate(envelope.id)
                body(.duplicate(envelope.id), next)
            }
        }
        if state.crashes > 0 {
            for node in sim.replicaAddresses where !sim.faults.isCrashed(node) {
                var next = state
                next.crashes -= 1
                next.sim.crash(node)
                body(.crash(node), next)
            }
        }
        if !deliverable, let wait = ClusterSystem.ticksToNextTimeout(sim) {
            var next = state
            for _ in 0..<wait { next.sim.tick() }
            body(.tick(wait), next)
        }
    }

    /// Ticks until the earliest timeout of an operation that is still waiting, or nil if none is.
    static func ticksToNextTimeout(_ sim: Simulation) -> Int? {
        for timer in sim.timers.all {
            guard case .opTimeout(let op) = timer.payload, op >= 1, op <= sim.history.count,
                sim.history[op - 1].outcome == .pending
            else { continue }
            return Int(max(1, timer.fireAt > sim.now ? timer.fireAt - sim.now : 1))
        }
        return nil
    }

    func fingerprint(of state: ClusterState) -> Fingerprint {
        var hasher = StableHasher()
        for word in state.sim.explorationWords { hasher.combine(word) }
        hasher.combine(state.drops)
        hasher.combine(state.duplicates)
        hasher.combine(state.crashes)
        return hasher.finalize()
    }

    func observe(_ state: ClusterState, terminal: Bool, into observations: inout [ClusterObservation]) {
        let history = state.sim.history
        for op in watched where op >= 1 && op <= history.count {
            let record = history[op - 1]
            switch record.outcome {
            case .pending: break
            case .failed: observations.append(.outcome(op: op, ok: false, values: []))
            case .ok: observations.append(.outcome(op: op, ok: true, values: record.kind == .get ? record.readValues : []))
            }
        }
        for anomaly in Checker.check(state.sim) { observations.append(.anomaly(anomaly.kind, key: anomaly.key, rule: anomaly.rule)) }
    }

    /// How an operation ended, as `explore` names it: `ok`, `failed`, or for a read what it
    /// returned (`nothing`, a value, or siblings joined by commas).
    static func result(kind: OpKind, ok: Bool, values: [String]) -> String {
        guard ok else { return "failed" }
        guard kind == .get else { return "ok" }
        return values.isEmpty ? "nothing" : values.joined(separator: ",")
    }
}
