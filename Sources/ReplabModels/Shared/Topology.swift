import ReplabKernel

/// What a replica is in its cluster, for views.
public enum ReplicaRole: Sendable, Hashable {
    /// A leaderless replica: accepts reads and writes for the keys it holds.
    case replica
    /// The single leader (or one that still believes it leads), with its leadership epoch.
    case leader(epoch: Int)
    /// A follower: whom it follows, how many log entries it is behind, whether it is synchronous.
    case follower(of: Address?, lag: Int, synchronous: Bool)
    /// A leader of a multi-leader cluster; `hub` for the centre of a star.
    case multiLeader(hub: Bool)

    public var name: String {
        switch self {
        case .replica: return "replica"
        case .leader(let epoch): return "leader (epoch \(epoch))"
        case .follower(let leader, let lag, let synchronous):
            return "\(synchronous ? "sync" : "async") follower of \(leader?.name ?? "?"), lag \(lag)"
        case .multiLeader(let hub): return hub ? "leader (hub)" : "leader"
        }
    }
}

/// A directed link the model sends on: replication links between replicas, and client links.
public struct ModelLink: Sendable, Hashable, Comparable {
    public let from: Address
    public let to: Address
    public init(_ from: Address, _ to: Address) {
        self.from = from
        self.to = to
    }
    public static func < (lhs: ModelLink, rhs: ModelLink) -> Bool { (lhs.from, lhs.to) < (rhs.from, rhs.to) }
}
