import ReplabKernel
import Testing

@testable import ReplabModels

/// Random schedules over single- and multi-leader clusters with faults that heal: crashes and
/// recoveries, partitions and heals, drops, duplicates, deliveries in any order, ticks (and, for
/// single-leader, failovers with fencing on). Every choice comes from one seeded SplitMix64.
struct LeaderSchedule {
    var schedule: Schedule

    /// Whether clients delete as well as put and get.
    var deletes = true

    init(seed: UInt64) { schedule = Schedule(seed: seed) }

    mutating func clientOperation(_ sim: inout Simulation) {
        let client = Address.client(1 + Int(schedule.prng.below(3)))
        if sim.pendingOperations.contains(where: { $0.client == client }) { return }
        var kind = OpKind.get
        if deletes && schedule.chance(15) { kind = .delete } else if schedule.chance(75) { kind = .put }
        let key: String = schedule.pick(["x", "y"])
        let number: UInt64 = schedule.prng.below(1000)
        let value: Value? = kind == .put ? Value(String(number)) : nil
        _ = try? sim.startOperation(kind: kind, key: key, value: value, client: client, via: nil, blind: false)
    }

    mutating func partitionOrHeal(_ sim: inout Simulation) {
        if sim.faults.isPartitioned {
            sim.heal()
            return
        }
        let nodes: [Address] = sim.replicaAddresses
        let cut = 1 + Int(schedule.prng.below(UInt64(nodes.count - 1)))
        let clients: [Address] = [.client(1), .client(2), .client(3)]
        let left: [Address] = Array(nodes.prefix(cut))
        let right: [Address] = Array(nodes.dropFirst(cut))
        if schedule.chance(50) {
            sim.partition([left + clients, right])
        } else {
            sim.partition([left, right + clients])
        }
    }

    /// `steps` random actions; `check` runs after each one.
    mutating func play(_ sim: inout Simulation, steps: Int, failovers: Bool, check: (Simulation) -> Void) {
        for _ in 0..<steps {
            let roll = schedule.prng.below(100)
            if roll < 18 {
                clientOperation(&sim)
            } else if roll < 78 {
                let ready: [Envelope<Message>] = sim.inFlight.filter { sim.isDeliverable($0) }
                if !ready.isEmpty { sim.deliver(schedule.pick(ready).id) }
            } else if roll < 81 {
                if !sim.inFlight.isEmpty { sim.drop(schedule.pick(sim.inFlight).id) }
            } else if roll < 83 {
                if !sim.inFlight.isEmpty { sim.duplicate(schedule.pick(sim.inFlight).id) }
            } else if roll < 87 {
                partitionOrHeal(&sim)
            } else if roll < 91 {
                if let down = sim.faults.crashed.first {
                    sim.recover(down)
                } else {
                    sim.crash(schedule.pick(sim.replicaAddresses))
                }
            } else if roll < 93 {
                if failovers { try? sim.failover(to: nil) }
            } else {
                sim.tick()
            }
            check(sim)
        }
    }

    /// Heals every fault, then lets time pass and the network drain until `done` holds
    /// (bounded), checking after each round.
    mutating func settle(_ sim: inout Simulation, until done: (Simulation) -> Bool, check: (Simulation) -> Void) {
        schedule.quiet(&sim)
        check(sim)
        var rounds = 0
        while !done(sim) && rounds < 30 {
            sim.tick()
            schedule.drain(&sim)
            check(sim)
            rounds += 1
        }
    }
}

/// A table's versions by their dots, for comparing tables.
func dots(_ store: [String: [Version]]) -> [String: [Dot]] {
    var result: [String: [Dot]] = [:]
    for (key, versions) in store {
        let keyDots: [Dot] = versions.map(\.dot)
        result[key] = keyDots.sorted()
    }
    return result
}

extension Cluster {
    /// Every replica holds the same rows (same versions).
    var storesAgree: Bool {
        let tables: [[String: [Dot]]] = replicas.map { dots($0.store) }
        return tables.allSatisfy { $0 == tables[0] }
    }

    /// Single-leader: one leader, and every replica has its log and the table that log builds.
    var singleLeaderConverged: Bool {
        let leaders: [Address] = replicaAddresses.filter { replication(at: $0).isLeader }
        guard leaders.count == 1 else { return false }
        let log = Array(replication(at: leaders[0]).log)
        return replicaAddresses.allSatisfy { Array(replication(at: $0).log) == log } && storesAgree
    }
}

@Suite struct LeaderProperties {
    /// What "in order" means: a follower's log is #1, #2, … with each entry's predecessor the
    /// one before it, and its table is exactly what applying that log in order builds.
    func inOrder(_ sim: Simulation, seed: UInt64) {
        for node in sim.replicaAddresses {
            let log = Array(sim.replication(at: node).log)
            var contiguous = true
            var previousEpoch = 0
            for (position, entry) in log.enumerated() {
                if entry.index != UInt64(position + 1) || entry.previousEpoch != previousEpoch { contiguous = false }
                previousEpoch = entry.epoch
            }
            let positions: [String] = log.map { "#\($0.index)@\($0.epoch)" }
            #expect(contiguous, "seed \(seed): \(node.name)'s log is out of order: \(positions)")
            let same: Bool = dots(sim.replicas[node.replicaIndex].store) == dots(SingleLeaderModel.replay(log, at: node))
            #expect(same, "seed \(seed): \(node.name)'s table is not its log applied in order")
        }
    }

    /// Single-leader with fencing: whatever the faults did, once they heal and time passes, one
    /// leader remains and every replica has its log; no follower ever applied an entry before
    /// the ones ahead of it.
    @Test func singleLeaderFollowersCatchUpInOrder() {
        for seed in UInt64(1)...60 {
            var run = LeaderSchedule(seed: seed)
            let replicas = 3 + Int(run.schedule.prng.below(3))
            var sim = Simulation(model: .singleLeader(SingleLeaderConfig(replicas: replicas)), seed: seed)
            sim.settings.fencing = true
            sim.settings.timeoutTicks = 4
            run.play(&sim, steps: 300, failovers: true) { inOrder($0, seed: seed) }
            run.settle(&sim, until: { $0.singleLeaderConverged }) { inOrder($0, seed: seed) }
            let converged: Bool = sim.singleLeaderConverged
            let lengths: [Int] = sim.replicaAddresses.map { sim.replication(at: $0).log.count }
            #expect(converged, "seed \(seed): logs \(lengths)")
            let divergent: [Anomaly] = Checker.check(sim).filter { $0.kind == .divergence }
            #expect(divergent.isEmpty, "seed \(seed)")
        }
    }

    /// Without failovers nothing acknowledged is ever discarded: every acknowledged put or
    /// delete is in every replica's log in the end, so none is a lost write (deletes included:
    /// a delete removes the row, and a duplicated request is logged twice).
    @Test func singleLeaderWithoutFailoverLosesNothing() {
        for seed in UInt64(100)...140 {
            var run = LeaderSchedule(seed: seed)
            var sim = Simulation(model: .singleLeader(SingleLeaderConfig(replicas: 3)), seed: seed)
            sim.settings.timeoutTicks = 4
            run.play(&sim, steps: 300, failovers: false) { inOrder($0, seed: seed) }
            run.settle(&sim, until: { $0.singleLeaderConverged }) { inOrder($0, seed: seed) }
            let converged: Bool = sim.singleLeaderConverged
            #expect(converged, "seed \(seed)")
            let bad: [String] = Checker.check(sim).filter { $0.kind == .lostWrite || $0.kind == .divergence }.map(\.detail)
            #expect(bad.isEmpty, "seed \(seed): \(bad)")
        }
    }

    /// Multi-leader in every topology: once faults heal and every leader writes once more (which
    /// shows its peers any gap a dropped message left), the replicas converge, and no write is
    /// sent back to a leader it has passed.
    @Test func multiLeaderPeersConvergeInEveryTopology() {
        for seed in UInt64(200)...260 {
            var run = LeaderSchedule(seed: seed)
            let topology: Topology = run.schedule.pick(Topology.allCases)
            let leaders = 3 + Int(run.schedule.prng.below(2))
            let causal = run.schedule.chance(30)
            let config = MultiLeaderConfig(leaders: leaders, topology: topology, resolve: .siblings, causal: causal)
            var sim = Simulation(model: .multiLeader(config), seed: seed)
            sim.settings.timeoutTicks = 4
            run.play(&sim, steps: 300, failovers: false) { _ in }
            run.schedule.quiet(&sim)
            for (index, node) in sim.replicaAddresses.enumerated() {
                let client = Address.client(index + 1)
                _ = try? sim.startOperation(kind: .put, key: "end-\(node.name)", value: Value("1"), client: client, via: nil, blind: false)
            }
            run.settle(&sim, until: { $0.storesAgree }) { _ in }
            let agree: Bool = sim.storesAgree
            #expect(agree, "seed \(seed) (\(config.summary)) did not converge")
            // Replica-id tags: no write is sent to a leader it has passed, nor passes one twice.
            for entry in sim.trace.entries {
                guard case .sent(_, _, let to, let sentMessage) = entry.event, sentMessage.kind == "replicate" else { continue }
                let label = sentMessage.label
                let words: [Substring] = label.split(separator: " ")
                guard let via = words.last, words.count >= 2, words[words.count - 2] == "via" else { continue }
                let path: [String] = via.split(separator: ">").map(String.init)
                let loopFree: Bool = Set(path).count == path.count && !path.contains(to.name)
                #expect(loopFree, "seed \(seed): \(label) sent to \(to.name)")
            }
        }
    }
}
