import Foundation
import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands

/// Issue 5, "Leaderless in depth": ring, sloppy quorums, read repair, Merkle anti-entropy,
/// the tombstone lifecycle and dotted versus plain version vectors. On nodes=5 n=3 the key x
/// has primaries E A C and fallbacks D B (see ring.txt).
@Suite struct LeaderlessDepthTests {
    func anomalies(_ session: Session) -> [Anomaly.Kind] { Checker.check(session.simulation!).map(\.kind) }

    @Test func strictQuorumFailsWithTwoPrimariesDown() {
        let (session, results) = play([
            "cluster leaderless nodes=5 n=3 w=2 r=2", "crash A", "crash C", "set timeout 3", "put x 1", "run", "tick 3",
        ])
        #expect(results[4].output.contains("→ m2 c1->A write x=1 {c1:1}"))
        #expect(results[6].output.contains("=> c1 put x=1: FAILED: timed out at tick 3: 1 of 2 acks"))
        #expect(session.simulation!.replicaAddresses.allSatisfy { session.simulation!.hints(at: $0).isEmpty })
    }

    @Test func sloppyQuorumSucceedsKeepsHintsAndHandsThemOver() {
        let (session, results) = play([
            "cluster leaderless nodes=5 n=3 w=2 r=2", "crash A", "crash C", "set sloppy on", "put x 1", "run", "show state x",
            "tick", "recover A", "recover C", "tick", "run", "show state x",
        ])
        #expect(results[4].output.contains("→ m2 c1->D write x=1 {c1:1} (hint for A)"))
        #expect(results[4].output.contains("→ m3 c1->B write x=1 {c1:1} (hint for C)"))
        #expect(results[5].output.contains("=> c1 put x=1: ok (acks from E, D)"))
        #expect(results[6].output.contains("  D holds for A: x = 1 {c1:1}"))
        // While the owners are down nothing is handed over.
        #expect(results[7].output == "tick: time is now t1")
        #expect(results[10].output.contains("→ m8 D->A handoff x=1 {c1:1} (hint for A)"))
        #expect(results[11].output.contains("   D: A has x now: deleted the hinted copy"))
        #expect(!results[12].output.contains("hint:"))
        let sim = session.simulation!
        #expect(sim.replicaAddresses.allSatisfy { sim.hints(at: $0).isEmpty })
        // The fallbacks' copies are gone; the owners have the value.
        #expect(sim.replicas[3].store["x"] == nil && sim.replicas[1].store["x"] == nil)
        #expect(sim.replicas[0].store["x"]?.first?.value == Value("1"))
        #expect(anomalies(session).isEmpty)
    }

    @Test func aSloppyReadCanMissTheHintedWrite() {
        let (session, results) = play([
            "cluster leaderless nodes=5 n=3 w=2 r=2", "set sloppy on", "partition E D B c1 | A C c2", "put x 1", "run",
            "get x as c2", "run",
        ])
        #expect(results[6].output.contains("=> c2 get x: not found (replies from A, C)"))
        #expect(
            results[6].output.unwrapped.contains(
                "   c2: op 2 missed x=1 {c1:1}, held as a hint by B (for C) and D (for A): with sloppy quorums a read need not meet the write's nodes, so w + r > n is only best effort"
            ))
        #expect(anomalies(session).contains(.staleRead))
    }

    @Test func sloppyNodeCoordinationPicksTheFirstReachableCoordinator() {
        let (session, results) = play([
            "cluster leaderless nodes=5 n=3 w=2 r=2 coordinator=node", "set sloppy on", "crash E", "put x 1", "run",
        ])
        #expect(results[3].output.contains("→ m1 c1->A put x=1 ctx {}"))
        #expect(results[4].output.contains("=> c1 put x=1: ok (coordinator A: acks from A, C)"))
        #expect(session.simulation!.hints(at: .replica(3)).map(\.owner) == [.replica(4)])
    }

    func readRepairStory(_ on: Bool) -> (Session, [CommandResult]) {
        play([
            "cluster leaderless", "set read-repair \(on ? "on" : "off")", "put x 1", "deliver c1->A c1->B", "drop c1->C", "run",
            "get x as c2", "deliver c2->A c2->C", "deliver A->c2 C->c2", "run",
        ])
    }

    @Test func readRepairWritesTheNewestVersionToStaleReplicas() {
        var (with, results) = readRepairStory(true)
        #expect(results[8].output.hasSuffix("=> c2 get x: 1 {c1:1} (replies from A, C)\n   → m11 c2->C repair x=1 {c1:1}"))
        #expect(results[9].output.contains("   C: read repair: x=1 {c1:1}"))
        #expect(with.execute("show timeline").output.contains("m11 c2→C (sent 11) repair x=1 {c1:1}"))
        #expect(with.simulation!.replicas[2].store["x"]?.first?.value == Value("1"))
        let (without, plain) = readRepairStory(false)
        #expect(!plain[8].output.contains("repair"))
        #expect(without.simulation!.replicas[2].store["x"] == nil)
    }

    @Test func readRepairAlsoRepairsALateStaleReply() {
        let (session, results) = play([
            "cluster leaderless", "set read-repair on", "put x 1", "deliver c1->A c1->B", "drop c1->C", "run", "get x as c2",
            "deliver c2->A c2->B", "deliver A->c2 B->c2", "run",
        ])
        #expect(!results[8].output.contains("repair"))
        #expect(results[9].output.contains("→ m12 c2->C repair x=1 {c1:1}"))
        #expect(session.simulation!.replicas[2].store["x"] != nil)
    }

    @Test func merkleExchangeCopiesExactlyTheDifferingKey() {
        var lines = ["cluster leaderless"]
        for (index, key) in ["a", "b", "cart", "d", "x", "y"].enumerated() { lines.append("put \(key) \(index)") }
        lines += ["run", "put cart 7", "deliver c1->A c1->B", "drop c1->C", "run", "anti-entropy A C", "run", "anti-entropy A C", "run"]
        let (session, results) = play(lines)
        let exchange = results[13].output.unwrapped
        #expect(exchange.contains("merkle #1 copy cart=7 {c1:2}"))
        #expect(
            exchange.contains(
                "   C: anti-entropy #1 with A done; 9 hashes, 1 version id and 1 version crossed in 7 messages (a full copy: 12 versions)"))
        // Only the differing key was written at C.
        #expect(exchange.components(separatedBy: "C: anti-entropy: ").count == 2)
        #expect(
            results[15].output.unwrapped.contains(
                "C: anti-entropy #2 with A done: the roots agree; 1 hash and 0 versions crossed in 1 message (a full copy: 12 versions)"))
        #expect(session.simulation!.merkleTree(of: .replica(0)) == session.simulation!.merkleTree(of: .replica(2)))
    }

    func purgeStory(grace: Int, antiEntropyFirst: Bool) -> Session {
        var lines = [
            "cluster leaderless", "set gc-grace \(grace)", "put x 1", "run", "delete x", "deliver c1->A c1->B", "drop c1->C", "run",
        ]
        if antiEntropyFirst { lines += ["anti-entropy A C", "run"] }
        lines += ["tick \(grace + 1)", "anti-entropy C A", "run", "get x as c2", "run"]
        return play(lines).0
    }

    @Test func anEarlyPurgeResurrectsAndASafeGracePeriodDoesNot() {
        let early = purgeStory(grace: 2, antiEntropyFirst: false)
        #expect(early.simulation!.history.last!.readValues == ["1"])
        #expect(anomalies(early).contains(.resurrection))
        let safe = purgeStory(grace: 2, antiEntropyFirst: true)
        #expect(safe.simulation!.history.last!.readValues == [])
        #expect(!anomalies(safe).contains(.resurrection))
    }

    @Test func tombstoneAgeShowsInState() {
        let (_, results) = play(["cluster leaderless", "put x 1", "run", "delete x", "run", "tick 3", "show state x"])
        #expect(results[6].output.contains("⊘ {c1:2} age 3"))
    }

    func siblings(clocks: String, rounds: Int) -> Int {
        var lines = [
            "cluster leaderless w=3 r=3 coordinator=node clocks=\(clocks)", "put x 0 via A", "run", "get x via A", "run",
            "get x via A as c2", "run",
        ]
        for round in 0..<rounds { lines += ["put x a\(round) via A", "run", "put x b\(round) via A as c2", "run"] }
        let (session, _) = play(lines)
        return session.simulation!.replicas[0].store["x"]?.count ?? 0
    }

    @Test func plainVersionVectorsExplodeWhereDottedOnesStayExact() {
        #expect(siblings(clocks: "dvv", rounds: 3) == 2)
        #expect(siblings(clocks: "vv", rounds: 3) == 6)
    }

    @Test func riakSiblingLimitsWarnAt25AndRefuseBeyond100() {
        var lines = ["cluster leaderless w=1 r=1"]
        for index in 1...101 { lines += ["put x \(index) blind", "run"] }
        let (session, results) = play(lines)
        #expect(
            results[52].output.unwrapped.contains(
                "   A: warning: x has 26 siblings, more than 25 (Riak warns at 25 and refuses writes beyond 100)"))
        #expect(
            results[202].output.unwrapped.contains(
                "=> c1 put x=101: FAILED: A refused it: x would have 101 siblings, more than 100 (Riak's max_siblings); read x and write back with its context to resolve them"
            ))
        #expect(session.simulation!.replicas.allSatisfy { $0.store["x"]?.count == 100 })
    }

    @Test func ringViewsShowPrimariesAndFallbacks() {
        let (_, results) = play(["cluster leaderless nodes=5 n=3", "put x 1", "crash C", "show ring", "show ring mermaid"])
        #expect(results[3].output.contains("  2c782ac22891188e  x  key: primaries E A C(crashed), fallbacks D B"))
        #expect(results[4].output.hasPrefix("flowchart TB\n"))
        #expect(results[4].output.contains("    k0 -.->|\"fallback 1\"| D"))
        #expect(results[4].output.contains("    class C crashed"))
    }

    @Test func badInputIsRefusedAndChangesNothing() {
        #expect(
            play(["cluster leaderless nodes=2 n=3"]).1[0].error
                == "nodes=2 is smaller than n=3: each key needs n replicas, so nodes must be at least n")
        #expect(
            play(["cluster leaderless nodes=2 n=2 clocks=lamport"]).1[0].error
                == "clocks=lamport is not allowed: use clocks=dvv (dotted version vectors, the default) or clocks=vv (one version vector per key)"
        )
        var session = Session()
        _ = session.execute("cluster single-leader")
        let log = session.log
        #expect(session.execute("show ring").error == "show ring belongs to leaderless clusters; this cluster is single-leader")
        #expect(session.execute("set sloppy on").error == "set sloppy belongs to leaderless clusters; this cluster is single-leader")
        #expect(session.execute("show merkle A").error == "show merkle belongs to leaderless clusters; this cluster is single-leader")
        #expect(session.execute("anti-entropy A B").error == "anti-entropy belongs to leaderless clusters; this cluster is single-leader")
        #expect(session.log == log)
        var leaderless = Session()
        _ = leaderless.execute("cluster leaderless")
        let before = leaderless.log
        #expect(
            leaderless.execute("set gc-grace -1").error == "set gc-grace cannot be negative (got -1): use 0 to 10000 ticks, or off")
        #expect(leaderless.execute("show merkle A A").error == "show merkle compares two different replicas, not A with itself")
        #expect(leaderless.execute("show merkle D").error == "unknown node D: this cluster has A B C")
        #expect(leaderless.execute("show ring pie").error == "show ring takes only mermaid, not \"pie\"")
        #expect(leaderless.log == before)
        #expect(!leaderless.simulation!.settings.sloppy)
    }

    @Test func sloppyWithoutFallbacksSaysSo() {
        let (_, results) = play(["cluster leaderless", "set sloppy on"])
        #expect(
            results[1].output.unwrapped.hasSuffix(
                "(with nodes = n = 3 there are no fallbacks: build the cluster with nodes > n to see them)"))
    }

    @Test func hintsAppearInJSON() {
        var runner = ScriptRunner(seed: 0, json: true, files: nil)
        var last = ""
        for (index, line) in ["cluster leaderless nodes=5", "crash A", "set sloppy on", "put x 1", "run", "show state x"].enumerated() {
            last = runner.feed(line, file: "t.replab", lineNumber: index + 1)
        }
        #expect(last.contains(#""hints":[{"holder":"D","owner":"A","key":"x","values":["1"],"tombstone":false,"since":0}]"#))
    }
}
