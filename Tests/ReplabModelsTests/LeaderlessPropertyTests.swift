import ReplabKernel
import Testing

@testable import ReplabModels

/// Random schedules over a leaderless cluster: client operations, deliveries in any order,
/// drops, duplicates, partitions and crashes that later heal, ticks and anti-entropy. Every
/// choice comes from one seeded SplitMix64, so a failing seed replays exactly.
struct Schedule {
    var prng: SplitMix64
    var keys = ["x", "cart"]
    var deletes = true
    /// Each client writes only its own key (c1 x, c2 cart, c3 room-1), so its context covers
    /// everything written to it before and a delete supersedes every earlier value.
    var ownKeys = false

    init(seed: UInt64) { prng = SplitMix64(seed: seed) }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(prng.below(UInt64(items.count)))] }
    mutating func chance(_ percent: UInt64) -> Bool { prng.below(100) < percent }

    /// A cluster with options drawn from the seed.
    mutating func cluster(clocks: [Clocks] = [.dvv, .vv], sloppy: Bool? = nil) -> Simulation {
        let nodes = 3 + Int(prng.below(3))
        let config = LeaderlessConfig(
            nodes: nodes, n: 3, w: 2, r: 2, coordinator: pick([.client, .node]), resolve: .siblings, clocks: pick(clocks))
        var sim = Simulation(config: config, seed: prng.next())
        sim.settings.sloppy = sloppy ?? chance(50)
        sim.settings.readRepair = chance(50)
        sim.settings.timeoutTicks = 6
        return sim
    }

    /// `steps` random actions.
    mutating func play(_ sim: inout Simulation, steps: Int) {
        let nodes = sim.replicaAddresses
        for _ in 0..<steps {
            let roll = prng.below(100)
            switch roll {
            case 0..<20:
                let kind: OpKind = deletes && chance(20) ? .delete : (chance(55) ? .put : .get)
                let client = Address.client(1 + Int(prng.below(3)))
                // A client waits for its operation before it starts the next (as real clients do),
                // so its context reflects what it last read or wrote.
                if sim.pendingOperations.contains(where: { $0.client == client }) { continue }
                let key = ownKeys ? keys[(client.clientNumber - 1) % keys.count] : pick(keys)
                _ = try? sim.startOperation(
                    kind: kind, key: key, value: kind == .put ? Value(String(prng.below(1000))) : nil, client: client,
                    via: nil, blind: chance(10))
            case 20..<78:
                let ready = sim.inFlight.filter { sim.isDeliverable($0) }
                if !ready.isEmpty { sim.deliver(pick(ready).id) }
            case 78..<81:
                if !sim.inFlight.isEmpty { sim.drop(pick(sim.inFlight).id) }
            case 81..<83:
                if !sim.inFlight.isEmpty { sim.duplicate(pick(sim.inFlight).id) }
            case 83..<88:
                if sim.faults.isPartitioned {
                    sim.heal()
                } else {
                    let cut = 1 + Int(prng.below(UInt64(nodes.count - 1)))
                    let clients = (1...3).map { Address.client($0) }
                    let side = chance(50)
                    sim.partition([
                        Array(nodes.prefix(cut)) + clients.filter { _ in side },
                        Array(nodes.dropFirst(cut)) + clients.filter { _ in !side },
                    ])
                }
            case 88..<92:
                if let down = sim.faults.crashed.first {
                    sim.recover(down)
                } else {
                    sim.crash(pick(nodes))
                }
            case 92..<98:
                sim.tick()
            default:
                let live = nodes.filter { !sim.faults.isCrashed($0) }
                if live.count >= 2 {
                    let a = pick(live)
                    let b = pick(live.filter { $0 != a })
                    sim.startAntiEntropy(a, b)
                }
            }
        }
    }

    /// Heals every fault and delivers everything in flight (in a random order), bounded.
    mutating func quiet(_ sim: inout Simulation) {
        if sim.faults.isPartitioned { sim.heal() }
        for node in sim.faults.crashed { sim.recover(node) }
        drain(&sim)
    }

    mutating func drain(_ sim: inout Simulation) {
        var bound = 5000
        while bound > 0, !sim.inFlight.isEmpty {
            sim.deliver(pick(sim.inFlight).id)
            bound -= 1
        }
    }
}

extension Cluster {
    /// Every key's primaries hold the same versions, and no hint is left anywhere.
    var converged: Bool {
        replicaAddresses.allSatisfy { hints(at: $0).isEmpty }
            && knownKeys.allSatisfy { key in
                Set(primaries(for: key).map { (replicas[$0.replicaIndex].store[key] ?? []).map(\.dot).sorted() }).count == 1
            }
    }
}

@Suite struct LeaderlessProperties {
    /// With anti-entropy on, once the faults heal and the network is quiet, time passing makes
    /// every key's replicas agree (and every hint reach its owner).
    @Test func antiEntropyConvergesOnceTheNetworkIsQuiet() {
        for seed in UInt64(1)...50 {
            var schedule = Schedule(seed: seed)
            var sim = schedule.cluster()
            sim.settings.antiEntropyEveryTicks = 4
            schedule.play(&sim, steps: 300)
            schedule.quiet(&sim)
            var rounds = 0
            while !sim.converged && rounds < 40 {
                sim.tick()
                schedule.drain(&sim)
                rounds += 1
            }
            let converged = sim.converged
            let divergent = Checker.check(sim).filter { $0.kind == .divergence }.map(\.detail)
            #expect(converged, "seed \(seed) (\(sim.model.summary), sloppy \(sim.settings.sloppy)) did not converge")
            #expect(divergent.isEmpty, "seed \(seed): \(divergent)")
        }
    }

    /// With tombstones kept longer than the schedule lasts, strict quorums that overlap, and
    /// anti-entropy and read repair at work, no read after an acknowledged delete returns the
    /// deleted value.
    @Test func tombstonesKeptLongerThanTheScheduleNeverResurrect() {
        for seed in UInt64(100)...150 {
            let found = resurrections(seed: seed, graceTicks: 10_000)
            #expect(found.isEmpty, "seed \(seed): \(found.map(\.detail))")
        }
    }

    /// The same schedules do catch tombstones purged too early (so the property has teeth).
    @Test func tombstonesPurgedAtOnceResurrectInSomeSchedules() {
        let caught = (UInt64(100)...150).filter { !resurrections(seed: $0, graceTicks: 0).isEmpty }
        #expect(caught.count >= 3, "only seeds \(caught) resurrected")
    }

    /// A schedule where each client deletes its own key, then every key read again at the end.
    func resurrections(seed: UInt64, graceTicks: UInt64) -> [Anomaly] {
        var schedule = Schedule(seed: seed)
        schedule.keys = ["x", "cart", "room-1"]
        schedule.ownKeys = true
        var sim = schedule.cluster(clocks: [.dvv], sloppy: false)
        sim.settings.gcGraceTicks = graceTicks
        sim.settings.antiEntropyEveryTicks = 3
        schedule.play(&sim, steps: 300)
        schedule.quiet(&sim)
        for _ in 0..<10 {
            sim.tick()
            schedule.drain(&sim)
        }
        for key in schedule.keys {
            _ = try? sim.startOperation(kind: .get, key: key, value: nil, client: .client(4), via: nil, blind: false)
        }
        schedule.drain(&sim)
        return Checker.check(sim).filter { $0.kind == .resurrection }
    }

    /// With siblings (either kind of clock, sloppy or strict quorums), every acknowledged write
    /// is still held by a replica, or superseded by a write that saw it.
    @Test func siblingsLoseNoAcknowledgedWrite() {
        for seed in UInt64(200)...250 {
            let (lost, summary) = lostWrites(seed: seed, resolve: .siblings)
            #expect(lost.isEmpty, "seed \(seed) (\(summary)): \(lost.map(\.detail))")
        }
    }

    /// The same schedules with last-write-wins do lose acknowledged writes (so the property has teeth).
    @Test func lastWriteWinsLosesWritesInSomeSchedules() {
        let caught = (UInt64(200)...250).filter { !lostWrites(seed: $0, resolve: .lww).0.isEmpty }
        #expect(caught.count >= 3, "only seeds \(caught) lost a write")
    }

    func lostWrites(seed: UInt64, resolve: Resolution) -> ([Anomaly], String) {
        var schedule = Schedule(seed: seed)
        var sim = schedule.cluster()
        if resolve == .lww {
            guard case .leaderless(var config) = sim.model else { fatalError("a leaderless schedule") }
            config.resolve = .lww
            let settings = sim.settings
            sim = Simulation(config: config, seed: seed)
            sim.settings = settings
        }
        if schedule.chance(50) { sim.settings.antiEntropyEveryTicks = 2 }
        schedule.play(&sim, steps: 300)
        schedule.quiet(&sim)
        return (Checker.check(sim).filter { $0.kind == .lostWrite }, "\(sim.model.summary), sloppy \(sim.settings.sloppy)")
    }

    /// The same schedule gives the same history and state, however often it runs.
    @Test func schedulesAreDeterministic() {
        func run() -> (String, [String]) {
            var schedule = Schedule(seed: 7)
            var sim = schedule.cluster()
            sim.settings.antiEntropyEveryTicks = 4
            schedule.play(&sim, steps: 200)
            let states = sim.replicas.map { replica in
                replica.keys.map { "\($0)=\(Message.describe(replica.store[$0]!))" }.joined(separator: ";")
            }
            return (sim.history.map(\.text).joined(separator: ","), states)
        }
        let first = run()
        #expect(run() == first)
    }
}

@Suite struct MerkleTreeTests {
    func version(_ value: String?, _ node: Address, _ counter: UInt64) -> Version {
        Version(value: value.map(Value.init), dot: Dot(node, counter), context: VersionVector(), timestamp: 0, writtenAt: 0, op: 0)
    }

    @Test func equalStoresHaveEqualTreesAndOneKeyChangesOnePath() {
        var store: [String: [Version]] = [:]
        for (index, key) in ["a", "b", "c", "d", "e", "f", "g", "h"].enumerated() {
            store[key] = [version(String(index), .client(1), UInt64(index + 1))]
        }
        let one = MerkleTree(store: store) { _ in true }
        #expect(one == MerkleTree(store: store) { _ in true })
        var changed = store
        changed["c"] = [version("9", .client(2), 1)]
        let two = MerkleTree(store: changed) { _ in true }
        let differing = (1..<(2 * MerkleTree.leafCount)).filter { one.hashes[$0] != two.hashes[$0] }
        // Exactly the path from the root to c's leaf.
        #expect(differing.count == MerkleTree.depth + 1)
        #expect(differing.last == MerkleTree.leafCount + MerkleTree.leaf(of: "c"))
        // A tombstone is a version too: deleting changes the hash.
        var deleted = store
        deleted["c"] = [version(nil, .client(1), 3)]
        #expect(MerkleTree(store: deleted) { _ in true }.root != one.root)
        // An empty range hashes to 0.
        #expect(MerkleTree(store: [:]) { _ in true }.root == 0)
    }

    @Test func fnv1aMatchesTheReferenceValues() {
        // FNV-1a 64 of "" and "a" (the published test vectors).
        #expect(Ring.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(Ring.hash("a") == 0xaf63_dc4c_8601_ec8c)
        var hash = FNV1a64()
        for byte in "a".utf8 { hash.addByte(byte) }
        #expect(hash.value == Ring.hash("a"))
    }

    @Test func ringPositionsSpreadShortNames() {
        // FNV-1a alone put all of A…E within one 2^44 arc; the mixed positions use the whole ring.
        let ring = Ring(replicaCount: 5)
        #expect(ring.tokens.last! - ring.tokens.first! > UInt64.max / 2)
        let lists = Set(["x", "y", "z", "cart", "room-1", "a", "b"].map { ring.preferenceList(for: $0).prefix(3) })
        #expect(lists.count > 2)
    }
}
