import ReplabKernel

/// A cluster of one of the replication models on the kernel's driver: the driver owns time,
/// the messages in flight, faults, timers, the scheduler and the trace; `Cluster` is the model.
public typealias Simulation = Driver<Cluster>

/// One replication model of the REPL: its own state next to a `ClusterCore`, and its handlers.
/// `Cluster` runs whichever model a `cluster` command chose through these requirements, so
/// nothing outside a model's folder branches on which model it is.
protocol ClusterKind: ReplicaCluster, Sendable {
    /// The model's own messages; on the REPL's network they travel tagged with the model.
    associatedtype ModelMessage
    static func wrap(_ message: ModelMessage) -> Message
    static func unwrap(_ message: Message) -> ModelMessage?
    /// One of the model's messages arrived at `me` (which is up).
    mutating func handle(_ message: ModelMessage, from: Address, at me: Address)
    /// A client starts an operation; returns its op number.
    mutating func startOperation(
        kind: OpKind, key: String, value: Value?, client: Address, via: Address?, blind: Bool
    ) throws(SimulationError) -> Int
    /// An operation's timeout fired while it was still waiting: why it failed.
    func timeoutReason(_ state: PendingOp) -> String
    /// Once a tick's timers have fired: the model's periodic work.
    mutating func ticked()
    /// A participant crashed: what it held in volatile memory is gone.
    mutating func crashed(_ node: Address)
    /// A participant came back.
    mutating func recovered(_ node: Address)
    /// Forgets operations that are over and that nothing still in flight can matter to.
    mutating func retireSettledOperations()
    /// An operation timed out: whatever still arrives for it is ignored.
    mutating func forget(op: Int)

    func primaries(for key: String) -> [Address]
    func homeNode(of client: Address) -> Address
    func role(of node: Address) -> ReplicaRole
    var modelLinks: [ModelLink] { get }
    /// Single-leader: the leader most recently promoted; others: A.
    var currentLeader: Address { get }
    func synchronousFollowers(of leader: Address) -> [Address]
    func lag(of node: Address) -> Int
    /// Leaderless: the writes a replica holds as hints for others.
    func hints(at node: Address) -> [Hint]
    /// Leader-based: a replica's log and replication bookkeeping.
    func replication(at node: Address) -> ReplicationState

    /// Promotes a follower (single-leader); other models refuse.
    mutating func failover(to requested: Address?) throws(SimulationError)
    /// Starts one anti-entropy exchange (leaderless); the session offers it only there.
    mutating func startAntiEntropy(_ a: Address, _ b: Address)

    /// The model's own state, for equality and the explorer's fingerprint.
    func hashOwnState(into hasher: inout Hasher)
    func ownStateEquals(_ other: Self) -> Bool
}

extension ClusterKind {
    /// Puts one of the model's messages in flight.
    mutating func send(from: Address, to: Address, _ message: ModelMessage) {
        core.effects.send(from: from, to: to, Self.wrap(message))
    }

    func primaries(for key: String) -> [Address] { replicaAddresses }
    /// The client's home node: c1 → A, c2 → B, …
    func homeNode(of client: Address) -> Address { .replica((client.clientNumber - 1) % config.nodes) }
    var currentLeader: Address { .replica(0) }
    func synchronousFollowers(of leader: Address) -> [Address] { [] }
    func lag(of node: Address) -> Int { 0 }
    func hints(at node: Address) -> [Hint] { [] }
    func replication(at node: Address) -> ReplicationState { ReplicationState() }
    mutating func crashed(_ node: Address) {}
    mutating func failover(to requested: Address?) throws(SimulationError) {
        throw .invalid("failover belongs to single-leader clusters; this cluster is \(model.name)")
    }
    mutating func startAntiEntropy(_ a: Address, _ b: Address) {}
}

/// The REPL's replication model: whichever model a `cluster` command chose, run by the driver.
///
/// The registry is `Cluster.make`: one line per model, from the `cluster` command's options to
/// the model's value. Everything else a model does is behind `ClusterKind`.
public struct Cluster: ReplicationModel, Sendable {
    public typealias Timer = TimerEvent

    var kind: any ClusterKind

    /// The registry: the model each `cluster` command builds.
    static func make(_ model: ClusterModel) -> any ClusterKind {
        switch model {
        case .leaderless(let config): return LeaderlessModel(config)
        case .singleLeader(let config): return SingleLeaderModel(config)
        case .multiLeader(let config): return MultiLeaderModel(config)
        }
    }

    public init(model: ClusterModel) {
        kind = Cluster.make(model)
    }

    // MARK: - What the views read

    public var model: ClusterModel { kind.core.model }
    public var config: Placement { kind.core.config }
    public var settings: Settings {
        get { kind.core.settings }
        set { kind.core.settings = newValue }
    }
    public var replicas: [ReplicaState] { kind.core.replicas }
    public var ring: Ring { kind.core.ring }
    public var clientContexts: [[String: VersionVector]] { kind.core.clientContexts }
    public var history: OperationHistory { kind.core.history }
    public var completions: [Completion] {
        get { kind.core.completions }
        set { kind.core.completions = newValue }
    }
    public var notes: [String] {
        get { kind.core.notes }
        set { kind.core.notes = newValue }
    }
    public var replicaAddresses: [Address] { kind.replicaAddresses }
    public var knownClients: [Address] { kind.knownClients }
    public var knownKeys: [String] { kind.knownKeys }
    public var pendingOperations: [OperationRecord] { kind.pendingOperations }
    public var modelLinks: [ModelLink] { kind.modelLinks }
    public var currentLeader: Address { kind.currentLeader }

    public func primaries(for key: String) -> [Address] { kind.primaries(for: key) }
    public func progress(of op: Int) -> String? { kind.progress(of: op) }
    public func role(of node: Address) -> ReplicaRole { kind.role(of: node) }
    public func homeNode(of client: Address) -> Address { kind.homeNode(of: client) }
    public func synchronousFollowers(of leader: Address) -> [Address] { kind.synchronousFollowers(of: leader) }
    public func lag(of node: Address) -> Int { kind.lag(of: node) }
    /// The writes a replica holds as hints for others (leaderless, sloppy quorums; empty elsewhere).
    public func hints(at node: Address) -> [Hint] { kind.hints(at: node) }
    /// A replica's log and replication bookkeeping (leader-based models; empty for leaderless).
    public func replication(at node: Address) -> ReplicationState { kind.replication(at: node) }
    public func merkleTree(of node: Address, with peer: Address? = nil) -> MerkleTree {
        let kind = self.kind
        return kind.merkleTree(of: node, with: peer) { kind.primaries(for: $0) }
    }
    public func brokenRule(key: String, value: Value?, at node: Address) -> (rule: UniqueRule, other: String)? {
        kind.brokenRule(key: key, value: value, at: node)
    }

    // MARK: - The handlers the driver calls

    public mutating func receive(
        _ envelope: Envelope<Message>, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>
    ) {
        kind.receive(envelope, world, &effects)
    }

    public mutating func fire(_ timer: TimerEvent, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        kind.fire(timer, world, &effects)
    }

    public mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        kind.ticked(world, &effects)
    }

    public mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        kind.crashed(node, world, &effects)
    }

    public mutating func recovered(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        kind.recovered(node, world, &effects)
    }
}

/// The driver's handlers for any model: each runs the model's own handler with the world it may
/// read and the effects buffer it fills.
extension ClusterKind {
    mutating func receive(_ envelope: Envelope<Message>, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        handling(world, &effects) { model in
            // Another model's message cannot reach this cluster: each cluster's network carries its own.
            if let message = Self.unwrap(envelope.payload) { model.handle(message, from: envelope.from, at: envelope.to) }
            model.retireSettledOperations()
        }
    }

    mutating func fire(_ timer: TimerEvent, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        handling(world, &effects) { model in
            switch timer {
            case .opTimeout(let op):
                if let state = model.pending[op], !state.done { model.fail(op: op, reason: model.timeoutReason(state)) }
                model.pending[op] = nil
                model.forget(op: op)
            }
        }
    }

    /// After the due timers: the model's periodic work.
    mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        handling(world, &effects) { model in
            model.ticked()
            model.retireSettledOperations()
        }
    }

    mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        handling(world, &effects) { model in model.crashed(node) }
    }

    mutating func recovered(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>) {
        handling(world, &effects) { model in model.recovered(node) }
    }

    mutating func startOperation(
        kind: OpKind, key: String, value: Value?, client: Address, via: Address?, blind: Bool,
        _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>
    ) throws(SimulationError) -> Int {
        try handling(world, &effects) { (model) throws(SimulationError) -> Int in
            try model.startOperation(kind: kind, key: key, value: value, client: client, via: via, blind: blind)
        }
    }

    mutating func failover(to requested: Address?, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>)
        throws(SimulationError)
    {
        try handling(world, &effects) { (model) throws(SimulationError) in try model.failover(to: requested) }
    }

    mutating func startAntiEntropy(_ a: Address, _ b: Address, _ world: World<Message>, _ effects: inout Effects<Message, TimerEvent, Note>)
    {
        handling(world, &effects) { model in model.startAntiEntropy(a, b) }
    }

    func isEqual(to other: any ClusterKind) -> Bool {
        guard let other = other as? Self else { return false }
        return core.stateKey == other.core.stateKey && ownStateEquals(other)
    }
}

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
