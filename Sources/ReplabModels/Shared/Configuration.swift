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

    /// Where keys live and how a replica merges versions, as the shared code and the views
    /// read it.
    var placement: Placement {
        switch self {
        case .leaderless(let c):
            return Placement(nodes: c.nodes, n: c.n, w: c.w, r: c.r, coordinator: c.coordinator, resolve: c.resolve, clocks: c.clocks)
        case .singleLeader(let c):
            return Placement(nodes: c.replicas, n: c.replicas, w: 1, r: 1, coordinator: .node, resolve: .lww, clocks: .dvv)
        case .multiLeader(let c):
            return Placement(
                nodes: c.leaders, n: c.leaders, w: 1, r: 1, coordinator: .node, resolve: c.resolve == .lww ? .lww : .siblings,
                clocks: .dvv)
        }
    }
}

/// Where a cluster's keys live and how its replicas merge versions: for leaderless clusters
/// their options; for leader-based ones every replica holds every key (n = the replica count),
/// an operation waits for the one node it asked (w = r = 1, coordinator=node), and versions
/// merge by last-write-wins (single-leader, multi-leader `resolve=lww`) or as siblings.
public struct Placement: Sendable, Hashable {
    public let nodes: Int
    public let n: Int
    public let w: Int
    public let r: Int
    public let coordinator: Coordination
    public let resolve: Resolution
    public let clocks: Clocks
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

    public var keys: [String] { store.keys.sorted() }

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
