import ReplabKernel
import Testing

@testable import ReplabModels

@Suite struct LostWriteCheck {
    /// Delivers everything in flight, oldest first.
    func drain(_ sim: inout Simulation) {
        while let next = sim.inFlight.first { sim.deliver(next.id) }
    }

    /// A put, then a delete of the same key whose request the network delivers twice: the leader
    /// logs the delete twice, and the history keeps the second copy's version, written when the
    /// row was already gone (so its context is empty). The put is still in every log, before the
    /// delete that removed it: nothing was lost. `check` used to call the put a lost write.
    @Test func aDuplicatedDeleteDoesNotMakeThePutBeforeItLost() throws {
        var sim = Simulation(model: .singleLeader(SingleLeaderConfig(replicas: 3)), seed: 1)
        try sim.startOperation(kind: .put, key: "x", value: Value("1"), client: .client(1), via: nil, blind: false)
        drain(&sim)
        try sim.startOperation(kind: .delete, key: "x", value: nil, client: .client(2), via: nil, blind: false)
        #expect(sim.inFlight.count == 1)
        sim.duplicate(sim.inFlight[0].id)
        drain(&sim)
        let acknowledged: [Bool] = sim.history.map(\.isAcknowledged)
        #expect(acknowledged == [true, true])
        for node in sim.replicaAddresses {
            let entries: [String] = sim.replication(at: node).log.map { "#\($0.index) op \($0.op) \($0.kind) \($0.key)" }
            #expect(entries == ["#1 op 1 put x", "#2 op 2 delete x", "#3 op 2 delete x"])
            #expect(sim.replicas[node.replicaIndex].store["x"] == nil)
        }
        let deleteContext: String = sim.history[1].written.map { "\($0.context)" } ?? "none"
        #expect(deleteContext == "{}")
        let lost: [String] = Checker.check(sim).filter { $0.kind == .lostWrite }.map(\.detail)
        #expect(lost == [])
    }
}
