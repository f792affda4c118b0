import ReplabKernel

/// Single-leader and multi-leader models (filled in by the leader-based work).
extension Simulation {
    func leaderRole(of node: Address) -> ReplicaRole { .replica }
    var leaderLinks: [ModelLink] { [] }
}
