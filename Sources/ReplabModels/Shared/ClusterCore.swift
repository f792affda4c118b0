import ReplabKernel

/// What every replication model of the REPL keeps alike: the replicas' tables, the clients,
/// the operation history and the operations in progress. Each model (`LeaderlessModel`,
/// `SingleLeaderModel`, `MultiLeaderModel`) holds one, next to its own state.
public struct ClusterCore: Sendable {
    public let model: ClusterModel
    /// Placement and quorums (for leader-based models: every replica holds every key).
    public let config: Placement
    public var settings = Settings()
    public internal(set) var replicas: [ReplicaState]
    public let ring: Ring
    /// Per client (index = number - 1): the context of the last version it read or wrote, per key.
    public internal(set) var clientContexts: [[String: VersionVector]] = []
    /// Per client, per key: the last dot counter it used (client-coordinated writes). Counting per
    /// key keeps each key's clocks contiguous ({c1:2} rather than {c1:7 after c1:3}).
    var clientCounters: [[String: UInt64]] = []
    public internal(set) var history = OperationHistory()
    /// Client-side state of the operations in progress, keyed by op.
    var pending: [Int: PendingOp] = [:]
    var nextTimestamp: UInt64 = 1
    /// Filled while a command runs; the session takes them.
    public var completions: [Completion] = []
    public var notes: [String] = []
    /// While a handler runs: the world it may read, and the effects it asks for. Between
    /// handlers the world is an empty one and the buffer is empty.
    var world = ClusterCore.idle
    var effects = Effects<Message, TimerEvent, Note>()

    static let idle = World<Message>(now: 0, step: 0, faults: Faults(), network: Network())

    init(model: ClusterModel) {
        self.model = model
        config = model.placement
        replicas = Array(repeating: ReplicaState(), count: config.nodes)
        ring = Ring(replicaCount: config.nodes)
    }
}

/// A model built on `ClusterCore`. Its code reads and changes the core's fields by their own
/// names (`replicas`, `history`, …) and shares the helpers below: storing a version, completing
/// or failing an operation, sending and noting.
protocol ReplicaCluster {
    var core: ClusterCore { get set }
}

extension ReplicaCluster {
    var model: ClusterModel { core.model }
    var config: Placement { core.config }
    var ring: Ring { core.ring }
    var settings: Settings {
        get { core.settings }
        _modify { yield &core.settings }
    }
    var replicas: [ReplicaState] {
        get { core.replicas }
        _modify { yield &core.replicas }
    }
    var clientContexts: [[String: VersionVector]] {
        get { core.clientContexts }
        _modify { yield &core.clientContexts }
    }
    var clientCounters: [[String: UInt64]] {
        get { core.clientCounters }
        _modify { yield &core.clientCounters }
    }
    var history: OperationHistory {
        get { core.history }
        _modify { yield &core.history }
    }
    var pending: [Int: PendingOp] {
        get { core.pending }
        _modify { yield &core.pending }
    }
    var notes: [String] {
        get { core.notes }
        _modify { yield &core.notes }
    }
    var effects: Effects<Message, TimerEvent, Note> {
        get { core.effects }
        _modify { yield &core.effects }
    }

    var replicaAddresses: [Address] { (0..<config.nodes).map(Address.replica) }

    var replicaList: String { replicaAddresses.map(\.name).joined(separator: " ") }

    /// Clients that have been named so far, in number order.
    var knownClients: [Address] { (0..<clientContexts.count).map { Address.client($0 + 1) } }

    var knownKeys: [String] {
        var keys = Set<String>(history.keys)
        for replica in replicas { keys.formUnion(replica.store.keys) }
        return keys.sorted()
    }

    // MARK: - The world a handler sees, and the effects it asks for

    var now: UInt64 { core.world.now }
    var step: UInt32 { core.world.step }
    var faults: Faults { core.world.faults }
    var network: Network<Message> { core.world.network }

    func isReachable(from: Address, to: Address) -> Bool { core.world.isReachable(from: from, to: to) }

    /// Runs `body` as a handler: with the world it may read, collecting its effects.
    mutating func handling<Result, Failure: Error>(
        _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>, _ body: (inout Self) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        core.world = world
        swap(&core.effects, &effects)
        defer {
            swap(&core.effects, &effects)
            // Let go of the world's network, so the driver's next send does not copy it.
            core.world = ClusterCore.idle
        }
        return try body(&self)
    }

    mutating func note(_ node: Address, _ note: Note) { core.effects.note(node, note) }

    // MARK: - Clients and operations

    mutating func ensureClient(_ client: Address) {
        while clientContexts.count < client.clientNumber {
            clientContexts.append([:])
            clientCounters.append([:])
        }
    }

    mutating func takeTimestamp() -> UInt64 {
        defer { core.nextTimestamp += 1 }
        return core.nextTimestamp
    }

    /// Stores a version at a replica; returns whether the replica's state changed.
    @discardableResult
    mutating func store(_ version: Version, key: String, at node: Address, cause: String?) -> Bool {
        let index = node.replicaIndex
        let existing = replicas[index].store[key] ?? []
        let (versions, outcome) = VersionMerge.merge(
            existing, version, resolution: config.resolve, tombstones: settings.tombstones, clocks: config.clocks)
        if versions.isEmpty { replicas[index].store[key] = nil } else { replicas[index].store[key] = versions }
        if version.dot.node == node { replicas[index].counters[key] = max(replicas[index].counters[key] ?? 0, version.dot.counter) }
        switch outcome {
        case .unchanged:
            return false
        case .stored:
            if version.isTombstone {
                note(node, .tombstone(key: key, version: version, cause: cause))
            } else if let cause {
                note(node, .stored(key: key, version: version, cause: cause))
            }
        case .sibling:
            note(node, .siblings(key: key, versions: versions, cause: cause))
        case .lwwWon, .lwwLost:
            note(node, .lastWriteWins(key: key, incoming: version, outcome: outcome, cause: cause))
        case .removed(let removed):
            note(node, .removedOutright(key: key, count: removed.count, cause: cause))
        }
        return true
    }

    mutating func completeWrite(op: Int, version: Version?, by: [Address], how: String? = nil) {
        guard var state = pending[op] else { return }
        state.done = true
        pending[op] = state
        var record = history[op - 1]
        record.outcome = .ok
        record.endStep = step
        record.endTime = now
        if let version { record.written = version }
        history[op - 1] = record
        if let version {
            ensureClient(record.client)
            clientContexts[record.client.clientNumber - 1][record.key] = version.clock
        }
        let who = how.map { " (\($0))" } ?? " (acks from \(by.map(\.name).joined(separator: ", ")))"
        let text = "\(record.client.name) \(record.text): ok\(who)"
        recordCompletion(record, ok: true, values: [], text: text)
    }

    mutating func completeRead(op: Int, versions: [Version], by: [Address], how: String? = nil) {
        guard var state = pending[op] else { return }
        state.done = true
        pending[op] = state
        var record = history[op - 1]
        record.outcome = .ok
        record.endStep = step
        record.endTime = now
        record.read = versions.sorted { $0.dot < $1.dot }
        record.repliedBy = by
        history[op - 1] = record
        ensureClient(record.client)
        clientContexts[record.client.clientNumber - 1][record.key] = VersionMerge.context(of: versions)
        let live = versions.filter { !$0.isTombstone }
        var result: String
        if live.isEmpty {
            result = versions.isEmpty ? "not found" : "not found (deleted \(VersionMerge.context(of: versions)))"
        } else if live.count == 1 {
            result = "\(live[0].valueText) \(live[0].label)"
        } else {
            result = live.map { "\($0.valueText) \($0.label)" }.joined(separator: " | ") + " (\(live.count) siblings)"
        }
        if !live.isEmpty && live.count < versions.count { result += " and a concurrent delete" }
        let who = how.map { " (\($0))" } ?? " (replies from \(by.map(\.name).joined(separator: ", ")))"
        recordCompletion(record, ok: true, values: record.readValues, text: "\(record.client.name) \(record.text): \(result)\(who)")
    }

    mutating func fail(op: Int, reason: String) {
        guard var state = pending[op], !state.done else { return }
        state.done = true
        pending[op] = state
        var record = history[op - 1]
        record.outcome = .failed(reason)
        record.endStep = step
        record.endTime = now
        history[op - 1] = record
        recordCompletion(record, ok: false, values: [], text: "\(record.client.name) \(record.text): FAILED: \(reason)")
    }

    mutating func recordCompletion(_ record: OperationRecord, ok: Bool, values: [String], text: String) {
        effects.complete(op: record.op, client: record.client, ok: ok, text: text)
        core.completions.append(
            Completion(op: record.op, client: record.client, kind: record.kind, key: record.key, ok: ok, values: values, text: text))
    }

    /// Forgets the client-side bookkeeping of operations that are over (`keep` says which a
    /// model still needs: read repair uses late replies) and returns their op numbers. Keeps
    /// `pending` and the timers as small as what is in progress, so a long session does not
    /// carry, and copy at every command, a table that grows with its history.
    mutating func retireFinished(keeping keep: (PendingOp) -> Bool) -> [Int] {
        var retired: [Int] = []
        for (op, state) in pending where state.done && !keep(state) { retired.append(op) }
        for op in retired { pending[op] = nil }
        return retired
    }

    /// The timeout of each of these operations, which nobody tracks any more, is cancelled.
    mutating func cancelTimeouts(_ ops: [Int], unless tracked: (Int) -> Bool) {
        for op in Set(ops).sorted() where pending[op] == nil && !tracked(op) {
            effects.cancelTimer(.opTimeout(op: op))
        }
    }

    mutating func purgeTombstones(olderThan grace: UInt64) {
        for index in replicas.indices where !faults.isCrashed(.replica(index)) {
            for key in replicas[index].keys {
                let versions = replicas[index].store[key] ?? []
                let kept = versions.filter { !($0.isTombstone && now - $0.writtenAt > grace) }
                guard kept.count != versions.count else { continue }
                replicas[index].store[key] = kept.isEmpty ? nil : kept
                note(.replica(index), .purged(key: key, graceTicks: grace))
            }
        }
    }

    /// The operations still waiting for their quorum, in op order.
    var pendingOperations: [OperationRecord] {
        history.filter { $0.outcome == .pending }
    }

    /// The acks or replies an operation has so far, for `show history`.
    func progress(of op: Int) -> String? {
        guard let state = pending[op], !state.done else { return nil }
        if config.coordinator == .node { return "waiting for \(state.targets.first?.name ?? "?")" }
        let got = state.kind == .get ? state.replies : state.acks
        let noun = state.kind == .get ? "replies" : "acks"
        return "\(got.count) of \(state.needed) \(noun)" + (got.isEmpty ? "" : " (\(got.map(\.name).joined(separator: ", ")))")
    }

    /// A replica's Merkle tree over the keys it is a primary for, or (with `peer`) over the keys
    /// both are primaries for: the range an anti-entropy exchange between them compares.
    func merkleTree(of node: Address, with peer: Address?, primaries: (String) -> [Address]) -> MerkleTree {
        MerkleTree(store: replicas[node.replicaIndex].store) { key in
            let owners = primaries(key)
            return owners.contains(node) && (peer.map { owners.contains($0) } ?? true)
        }
    }
}
