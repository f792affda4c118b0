import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands

/// `rule unique PATTERN [as NAME]`, `rules`, `rule drop NAME`: a business rule each leader checks
/// against its own copy.
@Suite struct RuleTests {
    @Test func oneLeaderRefusesTheSecondBooking() {
        let (session, results) = play([
            "cluster single-leader", "rule unique booking-* as one-per-slot", "put booking-alice monday-9", "run",
            "put booking-bob monday-9 as c2", "run",
        ])
        #expect(results.allSatisfy { $0.ok })
        let refused = results[5].completed.first
        #expect(refused?.ok == false)
        #expect(results[5].output.contains("A: refuses put booking-bob: rule one-per-slot: booking-alice already holds"))
        #expect(session.simulation!.replicas.allSatisfy { $0.store["booking-bob"] == nil })
        #expect(!Checker.check(session.simulation!).contains { $0.kind == .rule })
    }

    @Test func twoLeadersBothAcceptAndCheckFindsTheBrokenRule() {
        let (session, results) = play([
            "cluster multi-leader leaders=2", "rule unique booking-* as one-per-slot", "put booking-alice monday-9",
            "put booking-bob monday-9 as c2", "run",
        ])
        #expect(results[4].completed.map(\.ok) == [true, true])
        let broken = Checker.check(session.simulation!).filter { $0.kind == .rule }
        #expect(broken.count == 1)
        #expect(broken.first?.key == "booking-alice")
        #expect(broken.first?.ops == [1, 2])
        #expect(
            broken.first?.detail
                == "rule one-per-slot (unique booking-*) is broken: monday-9 is held by 2 keys: booking-alice on A B; booking-bob on A B; written by c1's put booking-alice=monday-9 (op 1) and c2's put booking-bob=monday-9 (op 2)"
        )
    }

    @Test func rulesAreListedDroppedAndUndone() {
        var session = Session()
        _ = session.execute("cluster single-leader")
        #expect(session.execute("rules").output == "no rules yet: rule unique PATTERN [as NAME] adds one")
        #expect(session.execute("rule unique room-*-slot").ok)
        #expect(session.execute("rules").output.contains("  room-*-slot: unique room-*-slot"))
        #expect(
            session.execute("rule unique room-* as room-*-slot").error
                == "\"room-*-slot\" is not a rule name: a lower-case word, like one-per-slot")
        #expect(session.execute("rule unique x as room-*-slot").ok == false)
        #expect(session.execute("rule drop nope").error == "no rule named \"nope\"; rules: room-*-slot")
        #expect(session.execute("undo").ok)
        #expect(session.simulation!.settings.rules.isEmpty)
        #expect(
            session.execute("rule frob").error
                == "rule takes unique or drop, not \"frob\": rule unique PATTERN [as NAME] · rules · rule drop NAME")
        #expect(session.execute("cluster leaderless").ok)
        #expect(session.execute("rule unique b-*").error?.hasPrefix("rules are checked by a leader or a coordinating node") == true)
    }

    @Test func patternsMatchWithStars() {
        let rule = UniqueRule(name: "r", pattern: "booking-*")
        #expect(rule.matches("booking-alice") && rule.matches("booking-") && !rule.matches("bookings") && !rule.matches("x"))
        let inner = UniqueRule(name: "r", pattern: "room-*-slot")
        #expect(inner.matches("room-1-slot") && !inner.matches("room-1-slots") && !inner.matches("room-slot"))
    }

    @Test func aCoordinatingNodeChecksItsOwnCopy() {
        let (_, results) = play([
            "cluster leaderless coordinator=node", "rule unique booking-*", "put booking-alice monday-9", "run",
            "put booking-bob monday-9 as c2", "run",
        ])
        #expect(results.allSatisfy { $0.ok })
        #expect(results[5].completed.map(\.ok) == [false])
        #expect(results[5].output.contains("B: refuses put booking-bob: rule booking-*: booking-alice already holds"))
    }
}
