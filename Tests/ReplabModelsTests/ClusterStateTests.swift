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

/// The delivery gate lives in the simulation, so every caller passes it: the session, a test,
/// the explorer.
@Suite struct DeliveryGateTests {
    /// c1's write to x in flight to A, B and C (m1, m2, m3), with A cut off from c1.
    func cutOff() throws -> Simulation {
        var sim = Simulation(config: LeaderlessConfig(), seed: 7)
        try sim.startOperation(kind: .put, key: "x", value: Value("1"), client: .client(1), via: nil, blind: false)
        sim.partition([[.replica(0)], [.replica(1), .replica(2), .client(1)]])
        return sim
    }

    @Test func aMessageOnACutLinkStaysInFlightWhoeverAsks() throws {
        var sim = try cutOff()
        let target = sim.inFlight[1].to
        let one = sim.deliver(MessageID(1))
        #expect(!one)
        let some = sim.deliver([MessageID(1), MessageID(2)])
        #expect(some == 1)
        #expect(sim.inFlight.map(\.id.description) == ["m1", "m3", "m4"])
        #expect(sim.replicas[0].store["x"] == nil)
        #expect(sim.replicas[target.replicaIndex].store["x"]?.count == 1)
    }

    @Test func theSchedulerSkipsWhatTheGateHoldsAndKeepsIt() throws {
        var sim = try cutOff()
        var delivered: [String] = []
        while sim.deliverNext() {
            if case .delivered(let id) = sim.trace.entries.last(where: {
                if case .delivered = $0.event { return true }
                return false
            })?.event {
                delivered.append(id.description)
            }
        }
        // m1 (to A) is held; the writes to B and C and their acks go through, oldest first.
        #expect(delivered == ["m2", "m3", "m4", "m5"])
        #expect(sim.inFlight.map(\.id.description) == ["m1"])
        sim.heal()
        let after = sim.deliverNext()
        #expect(after)
        #expect(sim.replicas[0].store["x"]?.count == 1)
    }

    @Test func aMessageToACrashedNodeIsLostOnArrival() throws {
        var sim = Simulation(config: LeaderlessConfig(), seed: 7)
        try sim.startOperation(kind: .put, key: "x", value: Value("1"), client: .client(1), via: nil, blind: false)
        sim.crash(.replica(0))
        let lost = sim.deliver(MessageID(1))
        #expect(lost)
        #expect(sim.trace.entries.last?.event == .dropped(MessageID(1), .receiverCrashed))
        #expect(sim.replicas[0].store["x"] == nil)
    }

    @Test func dropAndDuplicateTakeAWholeSelectionInIdOrder() throws {
        var sim = Simulation(config: LeaderlessConfig(), seed: 7)
        try sim.startOperation(kind: .put, key: "x", value: Value("1"), client: .client(1), via: nil, blind: false)
        let copies = sim.duplicate([MessageID(3), MessageID(1)])
        #expect(copies.map(\.description) == ["m4", "m5"])
        sim.drop([MessageID(2), MessageID(4), MessageID(9)])
        #expect(sim.inFlight.map(\.id.description) == ["m1", "m3", "m5"])
    }
}
