import ReplabKernel

/// Who coordinates a leaderless operation.
public enum Coordination: String, Sendable, Hashable, CaseIterable {
    /// The client sends to the key's replicas itself and counts the replies (the chapter's picture).
    /// The client also makes the version: its dot is the client's own (`c1:3`), so every replica
    /// stores the same version for the same write.
    case client
    /// The client asks one node (`via`, default the key's first primary); that node makes the
    /// version (dot `A:3`), applies it if it is a replica of the key, forwards it to the other
    /// replicas and answers after w acknowledgements, itself included.
    case node
}

public struct LeaderlessConfig: Sendable, Hashable {
    public var nodes: Int
    public var n: Int
    public var w: Int
    public var r: Int
    public var coordinator: Coordination
    public var resolve: Resolution
    /// Dotted version vectors (the default) or one version vector per key.
    public var clocks: Clocks

    public init(
        nodes: Int = 3, n: Int = 3, w: Int = 2, r: Int = 2, coordinator: Coordination = .client, resolve: Resolution = .siblings,
        clocks: Clocks = .dvv
    ) {
        self.nodes = nodes
        self.n = n
        self.w = w
        self.r = r
        self.coordinator = coordinator
        self.resolve = resolve
        self.clocks = clocks
    }

    /// The options as `cluster` takes them; `clocks` is named only when it is not the default.
    public var summary: String {
        "leaderless nodes=\(nodes) n=\(n) w=\(w) r=\(r) coordinator=\(coordinator.rawValue) resolve=\(resolve.rawValue)"
            + (clocks == .dvv ? "" : " clocks=\(clocks.rawValue)")
    }
}

/// How leaders propagate writes in a multi-leader cluster.
public enum Topology: String, Sendable, Hashable, CaseIterable {
    /// Every leader sends its writes to every other leader.
    case allToAll = "all-to-all"
    /// Leaders send to the hub (A), which forwards to the others.
    case star
    /// Each leader sends to the next (A→B→C→…→A), which forwards onwards.
    case ring
}

/// How a multi-leader cluster resolves concurrent writes.
public enum MultiResolution: String, Sendable, Hashable, CaseIterable {
    case lww
    case siblings
    /// Values are sets of comma-separated items; concurrent versions are read as their union.
    case union
}

public struct SingleLeaderConfig: Sendable, Hashable {
    public var replicas: Int
    /// The first `sync` followers are synchronous.
    public var sync: Int
    public init(replicas: Int = 3, sync: Int = 0) {
        self.replicas = replicas
        self.sync = sync
    }
    public var summary: String { "single-leader replicas=\(replicas) sync=\(sync)" }
}

public struct MultiLeaderConfig: Sendable, Hashable {
    public var leaders: Int
    public var topology: Topology
    public var resolve: MultiResolution
    public var causal: Bool
    public init(leaders: Int = 3, topology: Topology = .allToAll, resolve: MultiResolution = .lww, causal: Bool = false) {
        self.leaders = leaders
        self.topology = topology
        self.resolve = resolve
        self.causal = causal
    }
    public var summary: String {
        "multi-leader leaders=\(leaders) topology=\(topology.rawValue) resolve=\(resolve.rawValue) causal=\(causal ? "on" : "off")"
    }
}

/// The replication model of a cluster and its options.
public enum ClusterModel: Sendable, Hashable {
    case leaderless(LeaderlessConfig)
    case singleLeader(SingleLeaderConfig)
    case multiLeader(MultiLeaderConfig)

    public var summary: String {
        switch self {
        case .leaderless(let c): return c.summary
        case .singleLeader(let c): return c.summary
        case .multiLeader(let c): return c.summary
        }
    }

    public var name: String {
        switch self {
        case .leaderless: return "leaderless"
        case .singleLeader: return "single-leader"
        case .multiLeader: return "multi-leader"
        }
    }

    public var isLeaderless: Bool {
        if case .leaderless = self { return true }
        return false
    }

    /// The placement and quorum view shared code uses: for leader-based models every replica
    /// holds every key.
    var placement: LeaderlessConfig {
        switch self {
        case .leaderless(let c): return c
        case .singleLeader(let c):
            return LeaderlessConfig(nodes: c.replicas, n: c.replicas, w: 1, r: 1, coordinator: .node, resolve: .lww)
        case .multiLeader(let c):
            return LeaderlessConfig(
                nodes: c.leaders, n: c.leaders, w: 1, r: 1, coordinator: .node, resolve: c.resolve == .lww ? .lww : .siblings)
        }
    }
}

/// Behaviour switches a teacher flips with `set`.
public struct Settings: Sendable, Hashable {
    /// Business rules (`rule unique …`), checked by leaders and coordinators: Rules.swift.
    public var rules: [UniqueRule] = []
    public var tombstones = true
    /// Ticks a client (or coordinator) waits for its quorum.
    public var timeoutTicks: UInt64 = 5
    public var readRepair = false
    /// Periodic anti-entropy: every this many ticks; nil when off.
    public var antiEntropyEveryTicks: UInt64? = nil
    /// Tombstones older than this many ticks are purged; nil: never.
    public var gcGraceTicks: UInt64? = nil
    /// Sloppy quorums with hinted handoff (leaderless; see Hints.swift).
    public var sloppy = false
    /// Single-leader: leadership epochs are enforced (a node that sees a higher epoch steps down,
    /// writes from an older epoch are rejected).
    public var fencing = false
    /// Single-leader: promote a follower automatically after the leader has been unreachable for
    /// this many ticks; nil: only `failover` promotes.
    public var failoverTimeoutTicks: UInt64? = nil

    public init() {}
}

public enum TimerEvent: Sendable, Hashable {
    case opTimeout(op: Int)
}

/// A client operation's record, as the history and the checker see it.
public struct OperationRecord: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case pending
        case ok
        case failed(String)
    }
    public let op: Int
    public let client: Address
    public let kind: OpKind
    public let key: String
    public let value: Value?
    public let via: Address?
    public let blind: Bool
    public let startStep: UInt32
    public let startTime: UInt64
    public var endStep: UInt32? = nil
    public var endTime: UInt64? = nil
    public var outcome: Outcome = .pending
    /// For writes: the version made (known at once when the client coordinates, on the reply
    /// when a node does).
    public var written: Version? = nil
    /// The context the write carried.
    public var context: VersionVector
    /// For reads: every version returned (tombstones included), sorted by dot.
    public var read: [Version] = []
    /// Who answered, in arrival order.
    public var repliedBy: [Address] = []

    public var isAcknowledged: Bool { outcome == .ok }
    public var isWrite: Bool { kind != .get }

    /// `put x=5`, `get x`, `delete x`.
    public var text: String {
        switch kind {
        case .put, .insert, .update: return "\(kind.rawValue) \(key)=\(value?.description ?? "")"
        case .get: return "get \(key)"
        case .delete: return "delete \(key)"
        }
    }

    /// Values a read returned (tombstones left out), as strings, sorted.
    public var readValues: [String] { read.compactMap { $0.value?.text }.sorted() }
}

/// An operation finished during the current command.
public struct Completion: Sendable, Hashable {
    public let op: Int
    public let client: Address
    public let kind: OpKind
    public let key: String
    public let ok: Bool
    public let values: [String]
    public let text: String
}

/// A replica's durable state.
public struct ReplicaState: Sendable, Hashable {
    public var store: [String: [Version]] = [:]
    /// The highest counter this replica has used in a dot for each key (node-coordinated
    /// writes), kept even when the key is deleted so dots are never reused.
    public var counters: [String: UInt64] = [:]
    /// Writes held for unreachable primaries (sloppy quorums), apart from `store`; sorted by owner and key.
    public var hints: [Hint] = []

    public var keys: [String] { store.keys.sorted() }

    /// Single- and multi-leader replication state (unused by leaderless clusters).
    public var replication = ReplicationState()
}

struct PendingOp: Sendable, Hashable {
    let op: Int
    let client: Address
    let kind: OpKind
    let key: String
    /// The replicas asked.
    var targets: [Address]
    var needed: Int
    var acks: [Address] = []
    var replies: [Address] = []
    var replyVersions: [Address: [Version]] = [:]
    var merged: [Version] = []
    var version: Version? = nil
    var done = false
}

public enum SimulationError: Error, Equatable, Sendable {
    case invalid(String)
    public var message: String {
        switch self {
        case .invalid(let text): return text
        }
    }
}

/// A cluster of one of the replication models on the kernel's driver: the driver owns time,
/// the messages in flight, faults, timers, the scheduler and the trace; `Cluster` is the model.
public typealias Simulation = Driver<Cluster>

extension Driver where Model == Cluster {
    public init(config: LeaderlessConfig, seed: UInt64) {
        self.init(model: .leaderless(config), seed: seed)
    }

    public init(model: ClusterModel, seed: UInt64) {
        let cluster = Cluster(model: model)
        self.init(cluster, seed: seed)
        record(.cluster(description: model.summary, replicas: cluster.replicaAddresses))
    }
}

/// The state of every replica and client of a cluster (leaderless, single-leader or
/// multi-leader), and the handlers the kernel's driver calls: a delivered message, a fired
/// timer, a tick, a crash, a recovery, and the client and operator actions the session asks
/// for. Handlers change this state and ask for effects (messages to send, timers, notes,
/// operations started and completed); they read the world (time, faults, what is in flight)
/// and never touch the network, the timers or the trace. Nothing here reads a clock, a random
/// source or the terminal.
public struct Cluster: ReplicationModel, Sendable {
    public typealias Timer = TimerEvent
    public let model: ClusterModel
    /// Placement and quorums (for leader-based models: every replica holds every key).
    public let config: LeaderlessConfig
    public var settings = Settings()
    public internal(set) var replicas: [ReplicaState]
    public let ring: Ring
    /// Per client (index = number - 1): the context of the last version it read or wrote, per key.
    public internal(set) var clientContexts: [[String: VersionVector]] = []
    /// Per client, per key: the last dot counter it used (client-coordinated writes). Counting per
    /// key keeps each key's clocks contiguous ({c1:2} rather than {c1:7 after c1:3}).
    var clientCounters: [[String: UInt64]] = []
    public internal(set) var history = OperationHistory()
    var pending: [Int: PendingOp] = [:]
    /// Coordinator-side state in node-coordinated clusters, keyed by op (volatile: lost on crash).
    var coordinating: [Int: (node: Address, state: PendingOp)] = [:]
    var nextTimestamp: UInt64 = 1
    /// Leader-based models: the cluster-wide facts (who was last promoted, pending sync acks).
    var leadership = Leadership()
    var exchanges = 0
    /// Filled while a command runs; the session takes them.
    public var completions: [Completion] = []
    public var notes: [String] = []
    /// While a handler runs: the world it may read, and the effects it asks for. Between
    /// handlers the world is an empty one and the buffer is empty.
    var world = Cluster.idle
    var effects = Effects<Message, TimerEvent>()

    static let idle = World<Message>(now: 0, step: 0, faults: Faults(), network: Network())

    public init(model: ClusterModel) {
        self.model = model
        config = model.placement
        replicas = Array(repeating: ReplicaState(), count: config.nodes)
        ring = Ring(replicaCount: config.nodes)
        setUpReplication()
    }

    public var replicaAddresses: [Address] { (0..<config.nodes).map(Address.replica) }

    /// Clients that have been named so far, in number order.
    public var knownClients: [Address] {
        (0..<clientContexts.count).map { Address.client($0 + 1) }
    }

    public var knownKeys: [String] {
        var keys = Set<String>(history.keys)
        for replica in replicas { keys.formUnion(replica.store.keys) }
        return keys.sorted()
    }

    /// The replicas that hold a key: its primaries on the ring (leaderless), or every replica.
    public func primaries(for key: String) -> [Address] {
        model.isLeaderless ? Array(ring.preferenceList(for: key).prefix(config.n)) : replicaAddresses
    }

    // MARK: - The world a handler sees, and the effects it asks for

    var now: UInt64 { world.now }
    var step: UInt32 { world.step }
    var faults: Faults { world.faults }
    var network: Network<Message> { world.network }

    func isReachable(from: Address, to: Address) -> Bool { world.isReachable(from: from, to: to) }

    /// Runs `body` as a handler: with the world it may read, collecting its effects.
    mutating func handling<Result, Failure: Error>(
        _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent>, _ body: (inout Cluster) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        self.world = world
        swap(&self.effects, &effects)
        defer {
            swap(&self.effects, &effects)
            // Let go of the world's network, so the driver's next send does not copy it.
            self.world = Cluster.idle
        }
        return try body(&self)
    }

    mutating func send(from: Address, to: Address, _ message: Message) { effects.send(from: from, to: to, message) }

    mutating func note(_ node: Address, kind: String, text: String) { effects.note(node, kind: kind, text: text) }

    // MARK: - The handlers the driver calls

    public mutating func receive(_ envelope: Envelope<Message>, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent>) {
        handling(world, &effects) { cluster in
            cluster.handle(envelope)
            cluster.retireSettledOperations()
        }
    }

    public mutating func fire(_ timer: TimerEvent, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent>) {
        handling(world, &effects) { cluster in cluster.fire(timer) }
    }

    /// After the due timers: automatic failover, log catch-up retries, tombstone purges, hinted
    /// handoff retries and periodic anti-entropy.
    public mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, TimerEvent>) {
        handling(world, &effects) { cluster in
            cluster.checkAutomaticFailover()
            cluster.retryCatchUp()
            if let grace = cluster.settings.gcGraceTicks { cluster.purgeTombstones(olderThan: grace) }
            if cluster.model.isLeaderless { cluster.retryHints() }
            if let every = cluster.settings.antiEntropyEveryTicks, every > 0, cluster.now % every == 0 { cluster.periodicAntiEntropy() }
            cluster.retireSettledOperations()
        }
    }

    /// What a coordinator was counting is volatile: it is lost with the crash.
    public mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent>) {
        for op in coordinating.keys.sorted() where coordinating[op]?.node == node { coordinating[op] = nil }
    }

    public mutating func recovered(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent>) {
        handling(world, &effects) { cluster in cluster.resumeReplication(afterRecovering: node) }
    }

    mutating func takeTimestamp() -> UInt64 {
        defer { nextTimestamp += 1 }
        return nextTimestamp
    }

    var replicaList: String {
        replicaAddresses.map(\.name).joined(separator: " ")
    }

    /// Forgets the bookkeeping of operations that are over and that no reply still in the
    /// network can matter to (read repair uses late replies, so a leaderless client or
    /// coordinator keeps a finished operation until every replica it asked has answered), and
    /// the timeout of an operation nobody tracks any more. Keeps `pending`, `coordinating` and
    /// the timers as small as what is in progress, so a long session does not carry, and copy
    /// at every command, a table that grows with its history.
    mutating func retireSettledOperations() {
        func answeredByAll(_ state: PendingOp) -> Bool {
            state.targets.allSatisfy { state.acks.contains($0) || state.replies.contains($0) }
        }
        var retired: [Int] = []
        for (op, state) in pending where state.done {
            if model.isLeaderless && config.coordinator == .client && !answeredByAll(state) { continue }
            retired.append(op)
        }
        for op in retired { pending[op] = nil }
        var finished: [Int] = []
        for (op, entry) in coordinating where entry.state.done && answeredByAll(entry.state) { finished.append(op) }
        for op in finished { coordinating[op] = nil }
        for op in Set(retired + finished).sorted() where pending[op] == nil && coordinating[op] == nil {
            effects.cancelTimer(.opTimeout(op: op))
        }
    }

    /// Runs the receiver's handler for a delivered message.
    mutating func handle(_ envelope: Envelope<Message>) {
        switch model {
        case .leaderless: handleLeaderless(envelope)
        case .singleLeader: handleSingleLeader(envelope)
        case .multiLeader: handleMultiLeader(envelope)
        }
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
        let prefix = cause.map { "\($0): " } ?? ""
        switch outcome {
        case .unchanged:
            return false
        case .stored:
            if version.isTombstone {
                note(node, kind: "tombstone", text: "\(prefix)tombstone for \(key) \(version.label)")
            } else if cause != nil {
                note(node, kind: cause!, text: "\(prefix)\(key)=\(version.valueText) \(version.label)")
            }
        case .sibling(let count):
            note(node, kind: "sibling", text: "\(prefix)\(key) has \(count) siblings: \(Message.describe(versions))")
        case .lwwWon, .lwwLost:
            note(node, kind: "lww", text: prefix + (outcome.lwwSummary(key: key, incoming: version) ?? ""))
        case .removed(let removed):
            note(node, kind: "delete", text: "\(prefix)\(key) removed outright (\(removed.count) version(s)); no tombstone kept")
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
        completions.append(
            Completion(op: record.op, client: record.client, kind: record.kind, key: record.key, ok: ok, values: values, text: text))
    }

    // MARK: - Timers

    mutating func fire(_ timer: TimerEvent) {
        switch timer {
        case .opTimeout(let op):
            if let state = pending[op], !state.done {
                let got = state.kind == .get ? state.replies.count : state.acks.count
                let noun = state.kind == .get ? "replies" : "acks"
                var reason = "timed out at tick \(now): \(got) of \(state.needed) \(noun)"
                if !model.isLeaderless {
                    reason = "timed out at tick \(now): no answer from \(state.targets.map(\.name).joined(separator: ", "))"
                } else if config.coordinator == .node {
                    reason += " (from the coordinator)"
                }
                fail(op: op, reason: reason)
            }
            // Its time is up: whatever still arrives for it is ignored (read repair included).
            pending[op] = nil
            coordinating[op] = nil
        }
    }

    mutating func purgeTombstones(olderThan grace: UInt64) {
        for index in replicas.indices where !faults.isCrashed(.replica(index)) {
            for key in replicas[index].keys {
                let versions = replicas[index].store[key] ?? []
                let kept = versions.filter { !($0.isTombstone && now - $0.writtenAt > grace) }
                guard kept.count != versions.count else { continue }
                replicas[index].store[key] = kept.isEmpty ? nil : kept
                note(.replica(index), kind: "gc", text: "tombstone for \(key) purged (older than \(grace) ticks)")
            }
        }
    }

    /// The operations still waiting for their quorum, in op order.
    public var pendingOperations: [OperationRecord] {
        history.filter { $0.outcome == .pending }
    }

    /// The acks or replies an operation has so far, for `show history`.
    public func progress(of op: Int) -> String? {
        guard let state = pending[op], !state.done else { return nil }
        if config.coordinator == .node { return "waiting for \(state.targets.first?.name ?? "?")" }
        let got = state.kind == .get ? state.replies : state.acks
        let noun = state.kind == .get ? "replies" : "acks"
        return "\(got.count) of \(state.needed) \(noun)" + (got.isEmpty ? "" : " (\(got.map(\.name).joined(separator: ", ")))")
    }
}
