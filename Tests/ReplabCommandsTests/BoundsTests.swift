import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands

/// Every background mechanism is bounded, and every command stays bounded in time and memory.
@Suite struct BoundsTests {
    func kinds(_ session: Session) -> [String: Int] {
        session.simulation!.inFlight.reduce(into: [:]) { $0[$1.payload.kind, default: 0] += 1 }
    }

    @Test func periodicAntiEntropyKeepsAtMostTwoExchangesInFlightPerPair() {
        var session = Session()
        _ = session.execute("cluster leaderless nodes=5 n=3")
        _ = session.execute("put x 1")
        _ = session.execute("run")
        #expect(session.execute("set anti-entropy on every=1").ok)
        // Nothing is delivered: without the bound every tick started 5 more exchanges (500 in flight).
        let result = session.execute("tick 100")
        #expect(result.ok)
        let sim = session.simulation!
        var pairs: [Set<Address>: Int] = [:]
        for envelope in sim.inFlight {
            #expect(envelope.payload.kind == "merkle")
            pairs[[envelope.from, envelope.to], default: 0] += 1
        }
        #expect(pairs.count == 5)
        #expect(pairs.values.allSatisfy { $0 <= Simulation.antiEntropyConcurrency })
        #expect(sim.inFlight.count == 5 * Simulation.antiEntropyConcurrency)
        #expect(
            result.output.unwrapped.contains(
                "anti-entropy: a pair with 2 exchanges still in flight skipped its turn (at most 2 per pair, as Riak's anti_entropy_concurrency)"
            ))
        // Once the exchanges finish, the pairs take their turns again.
        #expect(session.execute("run").ok)
        #expect(session.simulation!.inFlight.isEmpty)
        _ = session.execute("tick 1")
        #expect(session.simulation!.inFlight.count == 5)
    }

    @Test func aWideClusterTicksTenThousandTimesWithinTheBound() {
        var session = Session()
        _ = session.execute("cluster leaderless nodes=26 n=3")
        _ = session.execute("set anti-entropy on every=1")
        #expect(session.execute("tick 10000").ok)
        // 260,000 messages before the bound; now two exchanges per pair at most.
        #expect(session.simulation!.inFlight.count <= 26 * Simulation.antiEntropyConcurrency)
    }

    @Test func aHintHasOneHandoffInFlight() {
        var session = Session()
        for line in ["cluster leaderless nodes=5 n=3 w=2 r=2", "crash A", "set sloppy on", "put x 1", "run", "recover A"] {
            #expect(session.execute(line).ok, "\(line)")
        }
        // The handoff is never delivered: before the bound, every timeout (5 ticks) sent another copy.
        let result = session.execute("tick 100")
        #expect(kinds(session)["handoff"] == 1)
        #expect(
            result.output.unwrapped.contains(
                "hinted handoff: a hint whose handoff is still in flight waits for it (one handoff in flight per hint)"))
        // Delivered and acknowledged, the hint is gone and nothing is sent again.
        #expect(session.execute("run").ok)
        _ = session.execute("tick 100")
        #expect(session.simulation!.inFlight.isEmpty)
        #expect(session.simulation!.replicaAddresses.allSatisfy { session.simulation!.hints(at: $0).isEmpty })
    }

    @Test func aLostHandoffIsSentAgainAtTheTimeout() {
        var session = Session()
        for line in ["cluster leaderless nodes=5 n=3 w=2 r=2", "crash A", "set sloppy on", "put x 1", "run", "recover A", "tick"] {
            #expect(session.execute(line).ok, "\(line)")
        }
        #expect(kinds(session)["handoff"] == 1)
        #expect(session.execute("drop all").ok)
        _ = session.execute("tick 5")
        #expect(kinds(session)["handoff"] == 1)
    }

    /// `duplicate all` doubles what is in flight: repeated, it would grow without end.
    @Test func commandsThatWouldPassTheInFlightBoundChangeNothing() {
        var session = Session()
        _ = session.execute("cluster leaderless nodes=5 n=5 w=1 r=1")
        for _ in 0..<2000 { _ = session.execute("put x 1") }
        #expect(session.simulation!.inFlight.count == Session.maxMessagesInFlight)
        let before = session.execute("show history").output + session.execute("messages").output
        let log = session.log
        #expect(
            session.execute("duplicate all").error
                == "duplicating 10000 message(s) would put 20000 in flight; replab holds at most 10000 (deliver or drop some first)")
        #expect(
            session.execute("put z 3").error
                == "10005 messages would be in flight; replab holds at most 10000 (deliver, drop or run some first); nothing was changed")
        #expect(session.simulation!.inFlight.count == Session.maxMessagesInFlight)
        #expect(session.execute("show history").output + session.execute("messages").output == before)
        #expect(session.log == log)
    }
}
