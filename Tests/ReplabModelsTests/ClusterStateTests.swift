import ReplabKernel
import Testing

@testable import ReplabModels

/// The cluster state is a value whose equality and hash ignore how it was reached: message ids,
/// steps and the trace. The explorer's visited set and undo stand on this.
@Suite struct ClusterStateTests {
    /// A leaderless cluster with c1's write to x in flight to A, B and C (m1, m2, m3).
    func writeInFlight() throws -> Simulation {
        var sim = Simulation(config: LeaderlessConfig(), seed: 7)
        try sim.startOperation(kind: .put, key: "x", value: Value("1"), client: .client(1), via: nil, blind: false)
        #expect(sim.inFlight.map(\.id.description) == ["m1", "m2", "m3"])
        return sim
    }

    @Test func twoSchedulesToTheSameClusterGiveEqualStates() throws {
        var first = try writeInFlight()
        first.deliver(MessageID(1))
        first.deliver(MessageID(2))
        var second = try writeInFlight()
        second.deliver(MessageID(2))
        second.deliver(MessageID(1))
        // The acks in flight have different ids (m4 from A and m5 from B, or the other way
        // round) and the traces differ, but the clusters are the same.
        #expect(first.inFlight.map(\.id) == second.inFlight.map(\.id))
        #expect(first.inFlight.map(\.from) != second.inFlight.map(\.from))
        #expect(first.trace.entries != second.trace.entries)
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        var seen: Set<Simulation> = [first]
        #expect(!seen.insert(second).inserted)
    }

    @Test func differentClustersAreDifferentStates() throws {
        var one = try writeInFlight()
        one.deliver(MessageID(1))
        var other = try writeInFlight()
        other.deliver(MessageID(3))
        #expect(one != other)
        var dropped = try writeInFlight()
        dropped.drop(MessageID(1))
        #expect(dropped != one)
        var crashed = one
        crashed.crash(.replica(2))
        #expect(crashed != one)
        var later = one
        later.tick()
        #expect(later != one)
    }

    @Test func aDuplicateIsAnotherMessageInFlight() throws {
        let sim = try writeInFlight()
        var twice = sim
        twice.duplicate(MessageID(1))
        #expect(twice != sim)
        var deliveredCopy = twice
        deliveredCopy.deliver(MessageID(4))
        var deliveredOriginal = twice
        deliveredOriginal.deliver(MessageID(1))
        #expect(deliveredCopy == deliveredOriginal)
    }
}
