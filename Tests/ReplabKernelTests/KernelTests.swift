import Testing

@testable import ReplabKernel

@Suite struct PRNGTests {
    @Test func splitMixMatchesTheReferenceSequence() {
        // The first outputs of SplitMix64 seeded with 0: the published reference values.
        var prng = SplitMix64(seed: 0)
        #expect(prng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(prng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(prng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func sameSeedSameStream() {
        var a = SplitMix64(seed: 0x5EED)
        var b = SplitMix64(seed: 0x5EED)
        for _ in 0..<1000 { #expect(a.below(10) == b.below(10)) }
    }
}

@Suite struct NetworkTests {
    @Test func deliversInDeliveryTimeThenSendOrder() {
        var network = Network<String>()
        network.send(from: .replica(0), to: .replica(1), payload: "late", now: 0, latency: 5)
        network.send(from: .replica(0), to: .replica(1), payload: "early", now: 0, latency: 1)
        network.send(from: .replica(1), to: .replica(0), payload: "early-too", now: 0, latency: 1)
        var order: [String] = []
        while let next = network.popNext() { order.append(next.payload) }
        #expect(order == ["early", "early-too", "late"])
    }

    @Test func idsAreNeverReused() {
        var network = Network<Int>()
        let first = network.send(from: .replica(0), to: .replica(1), payload: 1, now: 0)
        network.remove(first)
        let second = network.send(from: .replica(0), to: .replica(1), payload: 2, now: 0)
        #expect(first.raw == 1)
        #expect(second.raw == 2)
        let copy = network.duplicate(second, now: 0, step: 1)
        #expect(copy?.raw == 3)
        #expect(network.inOrder.map(\.payload) == [2, 2])
    }

    @Test func removingFromTheMiddleKeepsTheOrder() {
        var network = Network<Int>()
        for value in 0..<20 { network.send(from: .replica(0), to: .replica(1), payload: value, now: 0, latency: UInt64(value % 7)) }
        network.remove(MessageID(5))
        network.remove(MessageID(12))
        var popped: [Int] = []
        while let next = network.popNext() { popped.append(next.payload) }
        let expected = (0..<20).filter { $0 != 4 && $0 != 11 }.sorted { ($0 % 7, $0) < ($1 % 7, $1) }
        #expect(popped == expected)
    }

    @Test func copiesAreIndependent() {
        var network = Network<Int>()
        network.send(from: .replica(0), to: .replica(1), payload: 1, now: 0)
        let saved = network
        _ = network.popNext()
        #expect(network.isEmpty)
        #expect(saved.count == 1)
    }
}

@Suite struct FaultTests {
    @Test func partitionsCutOnlyBetweenGroups() {
        var faults = Faults()
        faults.partition([[.replica(0), .replica(1)], [.replica(2)]])
        #expect(faults.isCut(.replica(0), .replica(2)))
        #expect(!faults.isCut(.replica(0), .replica(1)))
        // A participant named in no group reaches everyone.
        #expect(!faults.isCut(.client(1), .replica(2)))
        faults.heal()
        #expect(!faults.isCut(.replica(0), .replica(2)))
    }

    @Test func crashAndRecover() {
        var faults = Faults()
        faults.crash(.replica(2))
        faults.crash(.replica(0))
        #expect(faults.crashed == [.replica(0), .replica(2)])
        faults.recover(.replica(2))
        #expect(faults.crashed == [.replica(0)])
    }

    @Test func timersFireInTimeThenScheduleOrder() {
        var timers = Timers<String>()
        timers.schedule(at: 5, "b")
        timers.schedule(at: 3, "a")
        timers.schedule(at: 5, "c")
        #expect(timers.takeDue(atOrBefore: 4).map(\.payload) == ["a"])
        #expect(timers.takeDue(atOrBefore: 10).map(\.payload) == ["b", "c"])
        #expect(timers.count == 0)
    }
}

@Suite struct TraceTests {
    @Test func truncateForgetsLaterMessages() {
        var trace = Trace<String, String>()
        trace.append(step: 1, time: 0, .sent(MessageID(1), from: .client(1), to: .replica(0), "w"))
        let mark = trace.count
        trace.append(step: 2, time: 0, .sent(MessageID(2), from: .client(1), to: .replica(1), "w2"))
        trace.append(step: 3, time: 0, .delivered(MessageID(1)))
        trace.truncate(to: mark)
        #expect(trace.count == 1)
        #expect(trace.sentEntry(MessageID(1)) != nil)
        #expect(trace.sentEntry(MessageID(2)) == nil)
    }

    @Test func addressNames() {
        #expect(Address.replica(0).name == "A")
        #expect(Address.replica(25).name == "Z")
        #expect(Address.client(12).name == "c12")
        #expect(Address(name: "c01") == nil)
        #expect(Address(name: "a") == nil)
        #expect(Address(name: "C") == .replica(2))
        #expect(Address.replica(3) < Address.client(1))
    }
}
