import Testing

@testable import ReplabKernel

/// A tiny model for testing the driver: every participant counts what it received; a `ping(n)`
/// with n > 0 is answered with `ping(n - 1)`; `note` asks for a note between two sends; a timer
/// `wake(k)` records that it fired.
private struct Echo: ReplicationModel, Hashable {
    enum Message: Hashable { case ping(Int), noteBetween }
    enum Timer: Hashable { case wake(Int) }
    typealias Note = String

    var received: [Address: Int] = [:]
    var woken: [Int] = []
    var ticks = 0
    var crashes: [Address] = []
    /// Latency given to every message (0: none).
    var latency: UInt64 = 0

    mutating func receive(_ envelope: Envelope<Message>, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>) {
        received[envelope.to, default: 0] += 1
        switch envelope.payload {
        case .ping(let n):
            if n > 0 { effects.send(from: envelope.to, to: envelope.from, .ping(n - 1)) }
        case .noteBetween:
            effects.send(from: envelope.to, to: envelope.from, .ping(0))
            effects.note(envelope.to, "between")
            effects.send(from: envelope.to, to: envelope.from, .ping(0))
        }
    }

    mutating func fire(_ timer: Timer, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>) {
        if case .wake(let k) = timer { woken.append(k) }
    }

    mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>) { ticks += 1 }

    mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>) {
        crashes.append(node)
    }

    func latency(of message: Message, from: Address, to: Address) -> UInt64 { latency }
}

private let a = Address.replica(0)
private let b = Address.replica(1)
private let c = Address.replica(2)

private func send(_ driver: inout Driver<Echo>, _ message: Echo.Message, from: Address = a, to: Address = b) {
    driver.perform(asStep: true) { _, _, effects in effects.send(from: from, to: to, message) }
}

@Suite struct DriverTests {
    @Test func effectsAreAppliedInTheOrderAsked() {
        var driver = Driver(Echo(), seed: 1)
        send(&driver, .noteBetween)
        let result1 = driver.deliverNext()
        #expect(result1)
        let kinds: [String] = driver.trace.entries.map { entry in
            switch entry.event {
            case .sent(let id, _, _, _): return "sent \(id)"
            case .delivered(let id): return "delivered \(id)"
            case .note(_, let note): return "note \(note)"
            default: return "other"
            }
        }
        #expect(kinds == ["sent m1", "delivered m1", "sent m2", "note between", "sent m3"])
        #expect(driver.network.count == 2)
    }

    @Test func theGateHoldsACutLinkForEveryKindOfDelivery() {
        var driver = Driver(Echo(), seed: 1)
        send(&driver, .ping(0))
        driver.partition([[a], [b]])
        let id = driver.network.inOrder[0].id
        #expect(!driver.isDeliverable(driver.network.inOrder[0]))
        #expect(driver.blockedReason(driver.network.inOrder[0]) == "the link A->B is cut by the partition")
        let result2 = !driver.deliverNext()
        #expect(result2)
        let result3 = !driver.deliverRandom()
        #expect(result3)
        let result4 = !driver.deliver(id)
        #expect(result4)
        let result5 = driver.deliver([id]) == 0
        #expect(result5)
        #expect(driver.network.count == 1 && driver.state.received.isEmpty)
        driver.heal()
        let result6 = driver.deliver(id)
        #expect(result6)
        #expect(driver.state.received[b] == 1)
    }

    @Test func theSchedulerSkipsHeldMessagesAndKeepsThem() {
        var driver = Driver(Echo(), seed: 1)
        send(&driver, .ping(0), from: a, to: b)
        send(&driver, .ping(0), from: a, to: c)
        driver.partition([[a, c], [b]])
        let result7 = driver.deliverNext()
        #expect(result7)
        #expect(driver.state.received == [c: 1])
        let result8 = !driver.deliverNext()
        #expect(result8)
        #expect(driver.network.count == 1)
    }

    @Test func aMessageToACrashedParticipantIsLostOnArrival() {
        var driver = Driver(Echo(), seed: 1)
        send(&driver, .ping(3))
        driver.crash(b)
        #expect(driver.state.crashes == [b])
        let result9 = driver.deliverNext()
        #expect(result9)
        #expect(driver.state.received.isEmpty && driver.network.isEmpty)
        guard case .dropped(_, let reason) = driver.trace.entries.last?.event else {
            Issue.record("no drop recorded")
            return
        }
        #expect(reason == .receiverCrashed)
    }

    @Test func timersFireWhenTimeReachesThemAndCancelledOnesDoNot() {
        var driver = Driver(Echo(), seed: 1)
        driver.perform { _, world, effects in
            effects.setTimer(at: world.now + 2, .wake(1))
            effects.setTimer(at: world.now + 1, .wake(2))
            effects.setTimer(at: world.now + 1, .wake(3))
            effects.cancelTimer(.wake(3))
        }
        driver.tick()
        #expect(driver.state.woken == [2])
        driver.tick()
        #expect(driver.state.woken == [2, 1])
        #expect(driver.state.ticks == 2 && driver.timers.count == 0)
    }

    @Test func withLatencyTimeMovesOnToEachDeliveryInDeliveryOrder() {
        var driver = Driver(Echo(latency: 4), seed: 1)
        send(&driver, .ping(1))
        driver.perform { _, world, effects in effects.setTimer(at: world.now + 2, .wake(9)) }
        #expect(driver.network.inOrder[0].deliverAt == 4)
        let result10 = driver.deliverNext()
        #expect(result10)
        #expect(driver.now == 4)
        #expect(driver.state.woken == [9])  // due at 2, fired on the way to 4
        let result11 = driver.deliverNext()
        #expect(result11)
        #expect(driver.now == 8)
    }

    @Test func aThrowingActionLeavesTheDriverAsItWas() {
        struct Refused: Error {}
        var driver = Driver(Echo(), seed: 1)
        send(&driver, .ping(0))
        let before = driver
        #expect(throws: Refused.self) {
            try driver.perform(asStep: true) { (_, _, effects) throws(Refused) in
                effects.send(from: a, to: c, .ping(0))
                throw Refused()
            }
        }
        #expect(driver.step == before.step && driver.network.count == 1 && driver.trace.count == before.trace.count)
        send(&driver, .ping(0))
        #expect(driver.network.count == 2)
    }

    @Test func randomDeliveriesFollowTheSeed() {
        func order(seed: UInt64) -> [Address] {
            var driver = Driver(Echo(), seed: seed)
            for target in [b, c, Address.replica(3), Address.replica(4)] { send(&driver, .ping(0), to: target) }
            var seen: [Address] = []
            while driver.deliverRandom() {
                if case .delivered(let id) = driver.trace.entries.last?.event, let sent = driver.trace.sentEntry(id),
                    case .sent(_, _, let to, _) = sent.event
                {
                    seen.append(to)
                }
            }
            return seen
        }
        #expect(order(seed: 7) == order(seed: 7))
        #expect(Set(order(seed: 7)).count == 4)
        #expect((1...20).map { order(seed: $0) }.contains { $0 != order(seed: 7) })
    }

    @Test func twoSchedulesToTheSameWorldGiveEqualEquallyHashedDrivers() {
        var first = Driver(Echo(), seed: 1)
        var second = Driver(Echo(), seed: 1)
        send(&first, .ping(0), to: b)
        send(&first, .ping(0), to: c)
        send(&second, .ping(0), to: c)
        send(&second, .ping(0), to: b)
        // Same messages in flight under different ids.
        #expect(first == second && first.hashValue == second.hashValue)
        let result12 = first.deliverNext()
        #expect(result12)
        #expect(first != second)
        let result13 = second.deliverNext()
        #expect(result13)
        #expect(first != second)  // each delivered a different message
        let result14 = first.deliverNext() && second.deliverNext()
        #expect(result14)
        #expect(first == second && first.hashValue == second.hashValue)
        #expect(first.trace.count == second.trace.count)
    }
}
