import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands

/// The cases of catch-up, each with the exact text a user sees: a follower that missed entries,
/// a deposed leader's divergent entries, and multi-leader peers after a crash.
@Suite struct CatchUpTests {
    func anomalies(_ session: Session) -> [Anomaly] { Checker.check(session.simulation!) }

    @Test func aRecoveredFollowerAppliesTheLogInOrder() {
        let (session, results) = play([
            "cluster single-leader", "crash C", "put x 1", "put y 1", "run", "recover C", "put x 2", "run", "show state",
        ])
        #expect(
            results[5].output == """
                C recovered with the state it had when it crashed
                   → m11 A->C #2 put y=1 (epoch 1), log to #2
                """)
        // #3 arrives before #1 and #2: C does not apply it, it asks for what it lacks; the
        // leader resends #1, #2, #3, one after each acknowledgement.
        let run = results[7].output
        #expect(run.contains("m11 A->C delivered: #2 put y=1 (epoch 1), log to #2\n   → m13 C->A send the entries after #0 (epoch 1)"))
        #expect(run.contains("m15 A->C delivered: #3 put x=2 (epoch 1)\n   → m19 C->A send the entries after #0 (epoch 1)"))
        #expect(run.contains("m13 C->A delivered: send the entries after #0 (epoch 1)\n   → m17 A->C #1 put x=1 (epoch 1), log to #3"))
        #expect(run.contains("m20 C->A delivered: ack #1\n   → m21 A->C #2 put y=1 (epoch 1), log to #3"))
        #expect(run.contains("m22 C->A delivered: ack #2\n   → m23 A->C #3 put x=2 (epoch 1), log to #3"))
        #expect(run.hasSuffix("m24 C->A delivered: ack #3\ndelivered 14 message(s); nothing left in flight"))
        #expect(
            results[8].output == """
                A: leader (epoch 1), log at #3
                B: async follower of A, lag 0, log at #3
                C: async follower of A, lag 0, log at #3
                state at time t0, step 29
                ┌─────┬──────────┬──────────┬──────────┐
                │ key │ A        │ B        │ C        │
                ╞═════╪══════════╪══════════╪══════════╡
                │ x   │ 2 (A #3) │ 2 (A #3) │ 2 (A #3) │
                ├─────┼──────────┼──────────┼──────────┤
                │ y   │ 1 (A #2) │ 1 (A #2) │ 1 (A #2) │
                └─────┴──────────┴──────────┴──────────┘
                · nothing stored; 2 (A #2): the value A logged as entry #2
                """)
        let log = session.simulation!.replication(at: .replica(2)).log
        #expect(log.map(\.index) == [1, 2, 3])
        #expect(log.map(\.text) == ["put x=1", "put y=1", "put x=2"])
    }

    @Test func aLostEntryComesBackOnTheHeartbeat() {
        let (session, results) = play([
            "cluster single-leader", "put x 1", "run", "partition A c1 | B C c2", "put x 2", "run", "drop from A", "heal", "run",
            "tick 4", "tick", "run", "get x via C as c2", "run",
        ])
        #expect(results[8].output == "nothing in flight")
        #expect(results[9].output == "tick ×4: time is now t4")
        #expect(
            results[10].output == """
                tick: time is now t5
                   → m11 A->B #2 put x=2 (epoch 1), log to #2
                   → m12 A->C #2 put x=2 (epoch 1), log to #2
                """)
        #expect(results[13].completed.first?.values == ["2"])
        #expect(anomalies(session).isEmpty)
    }

    @Test func aDeposedLeadersEntryIsDiscardedAndReportedLost() {
        let (session, results) = play([
            "cluster single-leader", "set fencing on", "put x 1", "run", "partition A c1 | B C c2", "failover B", "put x 2 via A",
            "run", "put x 3 as c2", "run", "heal", "run", "show state", "check",
        ])
        let run = results[11].output
        #expect(
            run.contains(
                "A: A steps down (B leads epoch 2) and asks B for the entries it lacks\n   → m18 A->B send the entries after #2 (epoch 2)"))
        #expect(
            run.contains(
                "m14 B->A delivered: #2 put x=3 (epoch 2)\n   A: A discards #2 put x=2 (epoch 1): not in B's log\n   → m21 A->B ack #2"))
        #expect(
            results[12].output == """
                A: async follower of B, lag 0, log at #2
                B: leader (epoch 2), log at #2
                C: async follower of B, lag 0, log at #2
                state at time t0, step 29
                ┌─────┬──────────┬──────────┬──────────┐
                │ key │ A        │ B        │ C        │
                ╞═════╪══════════╪══════════╪══════════╡
                │ x   │ 3 (B #2) │ 3 (B #2) │ 3 (B #2) │
                └─────┴──────────┴──────────┴──────────┘
                · nothing stored; 2 (A #2): the value A logged as entry #2
                """)
        #expect(
            results[13].output == """
                2 anomalies:
                - lost-write on x: c1's put x=2 (op 2) was acknowledged at step 13 but no live
                  replica holds it any more; the leader that took it was replaced before every
                  replica had it
                - split-brain on x: A and B accepted writes to x as leader at the same time: A,
                  deposed without knowing it, took c1's put x=2 (op 2) at A; B took c2's put x=3
                  (op 3) at B
                """)
        #expect(
            session.simulation!.replicaAddresses.map { session.simulation!.replication(at: $0).log.map(\.text) }
                == Array(repeating: ["put x=1", "put x=3"], count: 3))
    }

    @Test func aRingPeerCatchesUpAfterRecovery() {
        let (_, results) = play([
            "cluster multi-leader topology=ring", "crash B", "put x 1", "put y 2 as c3", "run", "tick 50", "run", "recover B", "run",
            "show state",
        ])
        #expect(results[6].output == "nothing in flight")
        #expect(
            results[7].output == """
                B recovered with the state it had when it crashed
                   → m8 B->A I have {}: send what I lack
                """)
        #expect(
            results[8].output == """
                m8 B->A delivered: I have {}: send what I lack
                   A: A resends B 2 writes it missed
                   → m9 A->B put x=1 {A:1} via A
                   → m10 A->B put y=2 {C:1} via C>A
                m9 A->B delivered: put x=1 {A:1} via A
                   → m11 B->C put x=1 {A:1} via A>B
                m10 A->B delivered: put y=2 {C:1} via C>A
                m11 B->C delivered: put x=1 {A:1} via A>B
                delivered 4 message(s); nothing left in flight
                """)
        #expect(
            results[9].output.hasPrefix(
                "A: leader, has applied {A:1, C:1}\nB: leader, has applied {A:1, C:1}\nC: leader, has applied {A:1, C:1}"))
    }

    @Test func aStarHubCatchesUpAndForwardsOnce() {
        let (session, results) = play([
            "cluster multi-leader topology=star", "crash A", "put x 1 as c2", "put y 2 as c3", "run", "recover A", "run",
        ])
        #expect(
            results[5].output == """
                A recovered with the state it had when it crashed
                   → m7 A->B I have {}: send what I lack
                   → m8 A->C I have {}: send what I lack
                """)
        #expect(
            results[6].output == """
                m7 A->B delivered: I have {}: send what I lack
                   B: B resends A 1 write it missed
                   → m9 B->A put x=1 {B:1} via B
                m8 A->C delivered: I have {}: send what I lack
                   C: C resends A 1 write it missed
                   → m10 C->A put y=2 {C:1} via C
                m9 B->A delivered: put x=1 {B:1} via B
                   → m11 A->C put x=1 {B:1} via B>A
                m10 C->A delivered: put y=2 {C:1} via C
                   → m12 A->B put y=2 {C:1} via C>A
                m11 A->C delivered: put x=1 {B:1} via B>A
                m12 A->B delivered: put y=2 {C:1} via C>A
                delivered 6 message(s); nothing left in flight
                """)
        #expect(anomalies(session).isEmpty)
    }

    @Test func aDuplicateIsNotForwardedAgain() {
        let (_, results) = play(["cluster multi-leader topology=ring", "put x 1", "deliver c1->A", "duplicate A->B", "run"])
        let run = results[4].output
        #expect(run.components(separatedBy: "B->C put x=1").count == 2)
        #expect(run.components(separatedBy: "C->A put x=1").count == 1)
    }
}
