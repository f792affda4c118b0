import ReplabKernel

/// What the session (and tests) ask of a cluster beyond deliveries, faults and ticks, which the
/// driver owns: client operations and operator actions. Each runs the model's action through
/// the driver, which applies its effects; each is a step of its own. A refused action throws
/// and leaves the simulation as it was.
extension Simulation {
    /// Starts a client operation; it sends its messages and returns its op number at once.
    @discardableResult
    public mutating func startOperation(
        kind: OpKind, key: String, value: Value?, client: Address, via: Address?, blind: Bool
    ) throws(SimulationError) -> Int {
        try perform(asStep: true) { (cluster, world, effects) throws(SimulationError) -> Int in
            try cluster.kind.startOperation(kind: kind, key: key, value: value, client: client, via: via, blind: blind, world, &effects)
        }
    }

    /// Single-leader: promotes a follower (with none given, the most up-to-date live one).
    public mutating func failover(to requested: Address?) throws(SimulationError) {
        try perform(asStep: true) { (cluster, world, effects) throws(SimulationError) in
            try cluster.kind.failover(to: requested, world, &effects)
        }
    }

    /// One anti-entropy exchange: `a` sends its root hash to `b`; the rest follows as messages.
    public mutating func startAntiEntropy(_ a: Address, _ b: Address) {
        perform(asStep: true) { cluster, world, effects in cluster.kind.startAntiEntropy(a, b, world, &effects) }
    }

    // Questions the views ask of the model's state (properties are read through the driver).

    public func role(of node: Address) -> ReplicaRole { state.role(of: node) }
    public func primaries(for key: String) -> [Address] { state.primaries(for: key) }
    public func progress(of op: Int) -> String? { state.progress(of: op) }
    public func merkleTree(of node: Address, with peer: Address? = nil) -> MerkleTree { state.merkleTree(of: node, with: peer) }
    public func homeNode(of client: Address) -> Address { state.homeNode(of: client) }
    public func synchronousFollowers(of leader: Address) -> [Address] { state.synchronousFollowers(of: leader) }
    public func lag(of node: Address) -> Int { state.lag(of: node) }
    public func hints(at node: Address) -> [Hint] { state.hints(at: node) }
    public func replication(at node: Address) -> ReplicationState { state.replication(at: node) }

    public static var siblingWarning: Int { LeaderlessModel.siblingWarning }
    public static var siblingLimit: Int { LeaderlessModel.siblingLimit }
    public static var antiEntropyConcurrency: Int { LeaderlessModel.antiEntropyConcurrency }

    /// Messages in flight, in the scheduler's order.
    public var inFlight: [Envelope<Message>] { network.inOrder }
}
