import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands

@Suite struct SingleLeaderTests {
    func anomalies(_ session: Session) -> [Anomaly.Kind] { Checker.check(session.simulation!).map(\.kind) }

    @Test func asyncFollowerServesAStaleRead() {
        let (session, results) = play([
            "cluster single-leader", "put x 1", "run", "put x 2", "deliver c1->A", "deliver A->B A->c1",
            "get x via C as c2", "deliver c2->C", "deliver C->c2",
        ])
        #expect(results[8].completed.first?.values == ["1"])
        #expect(anomalies(session) == [.staleRead])
        #expect(session.simulation!.lag(of: .replica(2)) == 1)
        #expect(session.simulation!.role(of: .replica(2)) == .follower(of: .replica(0), lag: 1, synchronous: false))
    }

    @Test func failoverLosesAnAcknowledgedWrite() {
        let (session, _) = play([
            "cluster single-leader", "put x 1", "run", "put x 2", "deliver c1->A", "deliver A->c1", "crash A", "drop from A",
            "failover", "run",
        ])
        #expect(session.simulation!.currentLeader == .replica(1))
        #expect(anomalies(session).contains(.lostWrite))
    }

    @Test func synchronousFollowerSurvivesFailover() {
        let (session, results) = play([
            "cluster single-leader sync=1", "put x 1", "deliver c1->A", "deliver A->B", "deliver B->A", "deliver A->c1", "crash A",
            "drop from A", "failover B", "run", "get x via B", "run",
        ])
        #expect(results[5].completed.first?.ok == true)
        #expect(results[11].completed.first?.values == ["1"])
        #expect(!anomalies(session).contains(.lostWrite))
    }

    @Test func theHintNamesTheSynchronousFollowerOfTheNodeTakingTheWrite() {
        // After a failover across a partition, A still leads on its side: a write via A waits for
        // A's synchronous follower (B), a write via the new leader B for B's (A).
        let (_, results) = play([
            "cluster single-leader sync=1", "partition A | B C", "failover B", "put x 1 via A", "put x 2 via B",
        ])
        #expect(results[3].output.hasSuffix("   the leader logs it and answers once B confirms"))
        #expect(results[4].output.hasSuffix("   the leader logs it and answers once A confirms"))
    }

    @Test func syncWriteWaitsForItsFollower() {
        let (_, results) = play(["cluster single-leader sync=1", "put x 1", "deliver c1->A", "messages"])
        #expect(results[2].output.contains("A: #1 waits for synchronous B before answering"))
        #expect(!results[3].output.contains("A->c1"))
    }

    @Test func splitBrainWithoutFencingDiverges() {
        let (session, _) = play([
            "cluster single-leader", "partition A c1 | B C c2", "failover B", "put x 1 via A", "put x 2 as c2", "run", "heal", "run",
        ])
        let leaders = session.simulation!.replicaAddresses.filter { session.simulation!.replication(at: $0).isLeader }
        #expect(leaders == [.replica(0), .replica(1)])
        #expect(anomalies(session) == [.divergence, .splitBrain])
    }

    @Test func fencingStopsTheOldLeader() {
        let (session, results) = play([
            "cluster single-leader", "set fencing on", "partition A c1 | B C c2", "failover B", "put x 1 via A", "put x 2 as c2", "run",
            "heal", "run",
        ])
        #expect(results[8].output.contains("A: A steps down (B leads epoch 2) and asks B for the entries it lacks"))
        #expect(results[8].output.contains("B: rejects #1 from A: epoch 1 < 2"))
        #expect(results[8].output.contains("A: A discards #1 put x=1 (epoch 1): not in B's log"))
        let values = session.simulation!.replicas.map { $0.store["x"]?.first?.value?.text }
        #expect(values == ["2", "2", "2"])
        // Fencing keeps the replicas whole, but A did accept a write while B led.
        #expect(anomalies(session) == [.lostWrite, .splitBrain])
    }

    @Test func automaticFailoverAfterTheTimeout() {
        let (session, results) = play(["cluster single-leader", "set failover-timeout 3", "crash A", "tick 2", "tick"])
        #expect(session.simulation!.currentLeader == .replica(1))
        #expect(results[4].output.contains("automatic failover: B promoted to leader (epoch 2)"))
    }

    @Test func writesGoToTheLeader() {
        let (_, results) = play(["cluster single-leader", "put x 1 via B", "get x via B", "put x 1 blind"])
        #expect(results[1].error == "writes go to the leader A; B is a follower (reads may go to any node: get x via B)")
        #expect(results[2].ok)
        #expect(results[3].error == "blind belongs to leaderless clusters: here the leader orders writes, whatever the client has read")
    }

    @Test func rowOperations() {
        let (_, results) = play(["cluster single-leader", "insert x 1", "run", "insert x 2", "update y 3", "run"])
        #expect(results[2].completed.first?.ok == true)
        #expect(results[5].completed.map(\.ok) == [false, true])
        #expect(results[5].output.contains("=> c1 insert x=2: FAILED: A: row x exists"))
    }

    @Test func commandsThatBelongToOtherModelsAreRefused() {
        let (_, single) = play([
            "cluster single-leader", "set sloppy on", "show ring", "anti-entropy A B", "set read-repair on", "failover A", "failover D",
        ])
        #expect(single[1].error == "set sloppy belongs to leaderless clusters; this cluster is single-leader")
        #expect(single[2].error == "show ring belongs to leaderless clusters; this cluster is single-leader")
        #expect(single[3].error == "anti-entropy belongs to leaderless clusters; this cluster is single-leader")
        #expect(single[4].error == "set read-repair belongs to leaderless clusters; this cluster is single-leader")
        #expect(single[5].error == "A already leads")
        #expect(single[6].error == "unknown node D: this cluster has A B C")
        let (_, leaderless) = play(["cluster leaderless", "failover", "insert x 1", "set fencing on"])
        #expect(leaderless[1].error == "failover belongs to single-leader clusters; this cluster is leaderless")
        #expect(
            leaderless[2].error == "insert is a row operation of single-leader and multi-leader clusters; in a leaderless cluster use put")
        #expect(leaderless[3].error == "set fencing belongs to single-leader clusters; this cluster is leaderless")
        let (_, multi) = play(["cluster multi-leader", "failover B", "set failover-timeout 3"])
        #expect(multi[1].error == "failover belongs to single-leader clusters; this cluster is multi-leader")
        #expect(multi[2].error == "set failover-timeout belongs to single-leader clusters; this cluster is multi-leader")
    }
}

@Suite struct MultiLeaderTests {
    func anomalies(_ session: Session) -> [Anomaly.Kind] { Checker.check(session.simulation!).map(\.kind) }
    func values(_ session: Session, _ key: String) -> [[String]] {
        session.simulation!.replicas.map { ($0.store[key] ?? []).compactMap(\.value?.text) }
    }

    @Test func meetingRoomUnderEachResolution() {
        let story = ["insert room-1 alice as c1", "insert room-1 bob as c2", "run", "get room-1 as c3", "run"]
        let (lww, lwwResults) = play(["cluster multi-leader resolve=lww"] + story)
        #expect(lwwResults[5].completed.first?.values == ["bob"])
        #expect(anomalies(lww) == [.lostWrite, .conflict])
        let (siblings, siblingResults) = play(["cluster multi-leader resolve=siblings"] + story)
        #expect(siblingResults[5].completed.first?.values == ["alice", "bob"])
        #expect(anomalies(siblings) == [.conflict])
        let (union, unionResults) = play(["cluster multi-leader resolve=union"] + story)
        #expect(unionResults[5].completed.first?.values == ["alice,bob"])
        #expect(!anomalies(union).contains(.lostWrite))
    }

    @Test func overtakingWithoutAndWithCausalDelivery() {
        let story = [
            "insert x 1 as c1", "deliver c1->A", "deliver A->B", "update x 2 via B as c2", "deliver c2->B", "deliver B->C", "run",
        ]
        let (off, _) = play(["cluster multi-leader causal=off"] + story)
        #expect(values(off, "x") == [["2"], ["2"], ["1"]])
        #expect(anomalies(off) == [.divergence, .causality])
        let (on, results) = play(["cluster multi-leader causal=on"] + story)
        #expect(results[6].output.contains("C: holds update x=2 from B until it has A:1 (causal delivery)"))
        #expect(values(on, "x") == [["2"], ["2"], ["2"]])
        #expect(anomalies(on).isEmpty)
    }

    @Test func ringAndStarAreFragile() {
        let (ring, _) = play(["cluster multi-leader leaders=4 topology=ring", "crash B", "put x 1", "run"])
        #expect(values(ring, "x") == [["1"], [], [], []])
        let (star, _) = play(["cluster multi-leader leaders=4 topology=star", "crash A", "put x 1 via B", "run"])
        #expect(values(star, "x") == [[], ["1"], [], []])
        let (all, _) = play(["cluster multi-leader leaders=4", "crash B", "put x 1 via C", "run"])
        #expect(values(all, "x") == [["1"], [], ["1"], ["1"]])
        let (healthyRing, _) = play(["cluster multi-leader leaders=4 topology=ring", "put x 1 via C", "run"])
        #expect(values(healthyRing, "x") == [["1"], ["1"], ["1"], ["1"]])
    }

    /// Random schedules: writes through random leaders, messages delivered in random order,
    /// partitions that heal. With siblings or union, once the network is quiet every leader
    /// holds the same versions and no acknowledged write is lost.
    @Test(arguments: ["siblings", "union"]) func convergenceWithoutLoss(resolve: String) {
        var prng = SplitMix64(seed: resolve == "siblings" ? 11 : 12)
        for round in 0..<30 {
            let topology = ["all-to-all", "star", "ring"][round % 3]
            let causal = round % 2 == 0
            var session = Session(seed: UInt64(round))
            _ = session.execute("cluster multi-leader leaders=3 topology=\(topology) resolve=\(resolve) causal=\(causal ? "on" : "off")")
            let kinds = causal ? ["put", "insert", "update", "delete"] : ["put", "delete"]
            for _ in 0..<25 {
                switch prng.below(10) {
                case 0...3:
                    let kind = kinds[Int(prng.below(UInt64(kinds.count)))]
                    let key = ["x", "y"][Int(prng.below(2))]
                    let client = "c\(1 + prng.below(3))"
                    let line = kind == "delete" ? "delete \(key) as \(client)" : "\(kind) \(key) \(prng.below(100)) as \(client)"
                    _ = session.execute(line)
                case 4:
                    if session.simulation!.faults.isPartitioned {
                        _ = session.execute("heal")
                    } else {
                        _ = session.execute(["partition A | B C", "partition A B | C", "partition A C c1 | B"][Int(prng.below(3))])
                    }
                default:
                    let flight = session.simulation!.inFlight.filter { session.simulation!.isDeliverable($0) }
                    if !flight.isEmpty { _ = session.execute("deliver \(flight[Int(prng.below(UInt64(flight.count)))].id)") }
                }
            }
            _ = session.execute("heal")
            _ = session.execute("run max=10000")
            let sim = session.simulation!
            #expect(sim.network.isEmpty)
            for key in ["x", "y"] {
                let dots = Set(sim.replicas.map { ($0.store[key] ?? []).map(\.dot).sorted() })
                #expect(dots.count == 1, "round \(round): leaders disagree on \(key)")
            }
            let kinds2 = Checker.check(sim).map(\.kind)
            #expect(!kinds2.contains(.lostWrite), "round \(round) lost an acknowledged write")
            #expect(!kinds2.contains(.divergence))
        }
    }
}
