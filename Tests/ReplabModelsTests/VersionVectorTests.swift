import ReplabKernel
import Testing

@testable import ReplabModels

/// Random version vectors over a few writers, from a seeded stream (so failures replay).
struct VectorGenerator {
    var prng: SplitMix64
    let writers: [Address] = [.replica(0), .replica(1), .replica(2), .client(1)]

    mutating func vector() -> VersionVector {
        VersionVector(writers.map { ($0, prng.below(4)) })
    }
}

@Suite struct VersionVectorProperties {
    @Test func comparisonIsAPartialOrder() {
        var gen = VectorGenerator(prng: SplitMix64(seed: 1))
        for _ in 0..<2000 {
            let a = gen.vector(), b = gen.vector(), c = gen.vector()
            // Reflexive.
            #expect(a.compare(a) == .equal)
            // Antisymmetric: a ≤ b and b ≤ a only when equal.
            if a.isDominated(by: b) && b.isDominated(by: a) { #expect(a == b) }
            // Transitive.
            if a.isDominated(by: b) && b.isDominated(by: c) { #expect(a.isDominated(by: c)) }
            // compare is consistent in both directions.
            let forward = a.compare(b), backward = b.compare(a)
            switch forward {
            case .equal: #expect(backward == .equal)
            case .before: #expect(backward == .after)
            case .after: #expect(backward == .before)
            case .concurrent: #expect(backward == .concurrent)
            }
        }
    }

    @Test func mergeIsTheLeastUpperBound() {
        var gen = VectorGenerator(prng: SplitMix64(seed: 2))
        for _ in 0..<2000 {
            let a = gen.vector(), b = gen.vector(), c = gen.vector()
            let m = a.merged(with: b)
            // An upper bound…
            #expect(a.isDominated(by: m) && b.isDominated(by: m))
            // …and the least one: any other upper bound dominates it.
            if a.isDominated(by: c) && b.isDominated(by: c) { #expect(m.isDominated(by: c)) }
            // Commutative, associative, idempotent.
            #expect(m == b.merged(with: a))
            #expect(a.merged(with: b.merged(with: c)) == a.merged(with: b).merged(with: c))
            #expect(a.merged(with: a) == a)
        }
    }

    @Test func compareAgreesWithMerge() {
        var gen = VectorGenerator(prng: SplitMix64(seed: 3))
        for _ in 0..<2000 {
            let a = gen.vector(), b = gen.vector()
            let m = a.merged(with: b)
            switch a.compare(b) {
            case .equal: #expect(m == a && m == b)
            case .before: #expect(m == b && m != a)
            case .after: #expect(m == a && m != b)
            case .concurrent: #expect(m != a && m != b)
            }
        }
    }

    @Test func missingEntriesCountAsZeroAndEqualIsNotConcurrent() {
        let a = VersionVector([(.replica(0), 1)])
        let b = VersionVector([(.replica(0), 1), (.replica(1), 0)])
        #expect(a == b)
        #expect(a.compare(b) == .equal)
        let c = VersionVector([(.replica(1), 1)])
        #expect(a.compare(c) == .concurrent)
        #expect(a.description == "{A:1}")
        #expect(VersionVector().description == "{}")
    }
}

@Suite struct VersionMergeTests {
    func version(_ value: String?, _ node: Address, _ counter: UInt64, context: VersionVector = VersionVector(), ts: UInt64 = 0) -> Version
    {
        Version(value: value.map(Value.init), dot: Dot(node, counter), context: context, timestamp: ts, writtenAt: 0, op: 0)
    }

    @Test func dottedVersionVectorsKeepSiblingsExact() {
        // The semantics reference's example: v1 at (A,1), v2 at (A,2); a write with context
        // {A:1} discards v1, keeps v2, and is stored at (A,3).
        let a = Address.replica(0)
        let v1 = version("v1", a, 1)
        let v2 = version("v2", a, 2)
        var stored = VersionMerge.merge([v1], v2, resolution: .siblings, tombstones: true).versions
        #expect(stored.count == 2)
        let v3 = version("v3", a, 3, context: VersionVector([(a, 1)]))
        stored = VersionMerge.merge(stored, v3, resolution: .siblings, tombstones: true).versions
        #expect(stored.map(\.value?.text) == ["v2", "v3"])
    }

    @Test func mergeIsOrderIndependent() {
        var prng = SplitMix64(seed: 9)
        let writers: [Address] = [.client(1), .client(2), .client(3)]
        for _ in 0..<300 {
            // A random causal history: each write has seen a random subset of earlier ones.
            var versions: [Version] = []
            for index in 0..<6 {
                var context = VersionVector()
                for earlier in versions where prng.below(2) == 0 { context = context.merged(with: earlier.clock) }
                let writer = writers[Int(prng.below(3))]
                let counter = max(context[writer], versions.filter { $0.dot.node == writer }.map(\.dot.counter).max() ?? 0) + 1
                versions.append(version("\(index)", writer, counter, context: context))
            }
            var shuffled = versions
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, Int(prng.below(UInt64(i + 1)))) }
            let one = VersionMerge.mergeAll([], versions, resolution: .siblings, tombstones: true)
            let two = VersionMerge.mergeAll([], shuffled, resolution: .siblings, tombstones: true)
            #expect(one == two)
            // What survives is exactly the versions no other version supersedes.
            let leaves = versions.filter { v in !versions.contains { $0.supersedes(v) } }.sorted { $0.dot < $1.dot }
            #expect(one == leaves)
        }
    }

    @Test func lastWriteWinsKeepsTheHighestTimestamp() {
        let older = version("alice", .client(1), 1, ts: 1)
        let newer = version("bob", .client(2), 1, ts: 2)
        let (kept, outcome) = VersionMerge.merge([older], newer, resolution: .lww, tombstones: true)
        #expect(kept == [newer])
        #expect(outcome == .lwwWon(discarded: [older]))
        let (still, lost) = VersionMerge.merge([newer], older, resolution: .lww, tombstones: true)
        #expect(still == [newer])
        #expect(lost == .lwwLost(kept: newer))
        // On a tie a tombstone wins, then the larger value.
        let tomb = version(nil, .client(3), 1, ts: 2)
        #expect(tomb.beatsLWW(newer))
        #expect(version("b", .client(1), 5, ts: 7).beatsLWW(version("a", .client(2), 5, ts: 7)))
    }

    @Test func withoutTombstonesADeleteRemovesWhatItHasSeen() {
        let v = version("1", .client(1), 1)
        let delete = version(nil, .client(1), 2, context: v.clock)
        let (kept, outcome) = VersionMerge.merge([v], delete, resolution: .siblings, tombstones: false)
        #expect(kept.isEmpty)
        #expect(outcome == .removed([v]))
        let (withTombstone, _) = VersionMerge.merge([v], delete, resolution: .siblings, tombstones: true)
        #expect(withTombstone == [delete])
    }
}

@Suite struct RingTests {
    @Test func placementIsDeterministicAndCoversEveryNode() {
        let ring = Ring(replicaCount: 5)
        let list = ring.preferenceList(for: "x")
        #expect(list.count == 5)
        #expect(Set(list).count == 5)
        #expect(Ring(replicaCount: 5).preferenceList(for: "x") == list)
        // FNV-1a 64 of "a" is the published test vector.
        #expect(Ring.hash("a") == 0xaf63_dc4c_8601_ec8c)
    }
}
