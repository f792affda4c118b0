import Testing

@testable import ReplabPBS

/// What must hold exactly, not just statistically: strict quorums, determinism, the draw order
/// of pbs.c, the closed form with instant acknowledgements and reads, number formatting.
@Suite struct PBSExactnessTests {
    static func run(
        _ model: PBSModel, n: Int, r: Int, w: Int, trials: Int, seed: UInt64 = 0x5EED,
        times: [Double] = [0, 1, 5, 10, 20, 50]
    ) -> PBSOutcome {
        PBSSimulator.run(PBSRunSpec(model: model, quorum: PBSQuorum(n: n, r: r, w: w), trials: trials, seed: seed, times: times))
    }

    @Test("R + W > N: every read is consistent, exactly 1, for every model and time")
    func strictQuorumsAreExactlyConsistent() throws {
        let models: [PBSModel] = PBSModel.named + [try PBSParser.parseDistribution("exp(w=0.001,a=1000,r=1000,s=1000)")]
        for model in models {
            for (n, r, w) in [(1, 1, 1), (2, 1, 2), (2, 2, 1), (3, 2, 2), (3, 1, 3), (3, 3, 1), (5, 3, 3), (5, 1, 5)] {
                let outcome = Self.run(model, n: n, r: r, w: w, trials: 3_000)
                #expect(outcome.consistent == [Int](repeating: 3_000, count: 6), "\(model.name) n=\(n) r=\(r) w=\(w)")
                for k in [1, 3] {
                    #expect(outcome.tVisibility(k: k) == 0)
                    for j in 0..<6 { #expect(PBSOutcome.kStale(count: outcome.consistent[j], trials: 3_000, k: k) == 1) }
                }
            }
        }
        // And as the user sees it: "1", never "0.9999" or "1.0000".
        let output = try PBSCommand.run(["n=3", "r=2", "w=2", "dist=ymmr", "trials=2000"], defaultSeed: 7).get()
        #expect(output.json.hasPrefix("{\"points\":[{\"t\":0,\"consistent\":1},{\"t\":1,\"consistent\":1}"))
        #expect(output.json.contains("\"t999\":0,"))
        #expect(output.text.contains("so P(consistent) = 1 exactly."))
    }

    @Test(
        "A = R = S = 0: P(stale at t=0) matches the closed form C(N−W,R)/C(N,R)",
        arguments: [(3, 1, 1), (3, 1, 2), (5, 1, 1), (5, 2, 2), (5, 2, 3), (10, 3, 4), (7, 1, 6)])
    func closedFormWithInstantAcksAndReads(n: Int, r: Int, w: Int) throws {
        let model = try PBSParser.parseDistribution("exp(w=1,a=inf,r=inf,s=inf)")
        #expect(model.hasInstantAcksAndReads)
        let trials = 100_000
        let outcome = Self.run(model, n: n, r: r, w: w, trials: trials, seed: 0xC0FFEE, times: [0])
        let stale = Double(trials - outcome.consistent[0]) / Double(trials)
        let exact = Double(binomial(n - w, r)) / Double(binomial(n, r))
        // 4.5 standard errors: a false alarm about once in 150,000 runs (it is deterministic for
        // this seed anyway; the bound is what a correct simulator must meet for any seed).
        let sigma = (exact * (1 - exact) / Double(trials)).squareRoot()
        #expect(abs(stale - exact) <= 4.5 * sigma, "stale \(stale) vs closed form \(exact)")
        // The read latency is exactly 0 and so is the time the read needs once consistent.
        #expect(outcome.readLatency.quantile(999, 1000) == 0)
    }

    @Test("The closed form is printed beside the simulated value")
    func closedFormIsShown() throws {
        let output = try PBSCommand.run(
            ["dist=exp(w=1,", "a=inf,", "r=inf,", "s=inf)", "n=5", "r=2", "w=2", "trials=1000"], defaultSeed: 1
        ).get()
        #expect(output.text.contains("P(consistent at t=0) = 1 − C(N−W,R)/C(N,R) = 1 − 3/10\n  = 0.7000; simulated 0."))
    }

    @Test("Same seed, same bytes; another seed, other numbers")
    func determinism() throws {
        let args = ["compare", "r=1", "r=2", "dist=wan", "trials=5000", "t=0,50,100,200"]
        let a = try PBSCommand.run(args, defaultSeed: 99).get()
        let b = try PBSCommand.run(args, defaultSeed: 99).get()
        #expect(a.text == b.text && a.json == b.json && a.mermaid == b.mermaid)
        let c = try PBSCommand.run(args + ["seed=100"], defaultSeed: 99).get()
        #expect(a.json != c.json)
        #expect(c.json.contains("\"seed\":100,"))
    }

    @Test("Same draws as pbs.c: identical counts for the same seed")
    func sameDrawsAsTheCYardstick() {
        // Counts printed by a copy of ../shared/bench/pbs.c (consistent[] instead of the ratio):
        // `pbs 20000` and `pbs 20000 5 2 1`.
        let c311 = Self.run(.lnkdDisk, n: 3, r: 1, w: 1, trials: 20_000)
        #expect(c311.consistent == [8707, 11647, 16354, 18502, 19719, 19983])
        let c521 = Self.run(.lnkdDisk, n: 5, r: 2, w: 1, trials: 20_000)
        #expect(c521.consistent == [11444, 15478, 19179, 19842, 19993, 20000])
    }

    @Test("PBSBenchmark prints what pbs.c prints; the caller's clock times it")
    func benchmarkFormat() {
        // ../shared/bench/pbs.c 20000, and for 1,000,000 trials (checked in release):
        // 0.4365 0.5830 0.8176 0.9258 0.9859 0.9990.
        #expect(
            PBSBenchmark.run(trials: 20_000) == """
                t=0 consistent=0.4354
                t=1 consistent=0.5824
                t=5 consistent=0.8177
                t=10 consistent=0.9251
                t=20 consistent=0.9859
                t=50 consistent=0.9991

                """)
        var ticks = [0.5, 2.5].makeIterator()
        let timed = PBSBenchmark.run(trials: 20_000, clock: { ticks.next() ?? 99 })
        #expect(timed.hasSuffix("t=50 consistent=0.9991\ntrials=20000 seconds=2.000 trials_per_second=10000\n"))
    }

    @Test("The 99.9% point is the smallest t at which the same trials reach 99.9%")
    func tVisibilityIsTheCrossing() {
        for (model, r) in [(PBSModel.lnkdDisk, 1), (.ymmr, 2), (.wan, 1), (.lnkdSSD, 1)] {
            let base = Self.run(model, n: 3, r: r, w: 1, trials: 50_000, seed: 3, times: [0])
            let t999 = base.tVisibility(k: 1)
            #expect(t999 > 0)
            // At t999 at least 99.9% of the same trials are consistent; 0.2% earlier, fewer.
            let at = Self.run(model, n: 3, r: r, w: 1, trials: 50_000, seed: 3, times: [t999 * 0.998, t999])
            #expect(at.consistent[1] >= 49_950, "\(model.name)")
            #expect(at.consistent[0] < 49_950, "\(model.name)")
            // A listed time that reaches 99.9% is itself an upper bound.
            let listed = Self.run(model, n: 3, r: r, w: 1, trials: 50_000, seed: 3, times: [0, t999 * 1.0005])
            #expect(listed.tVisibility(k: 1) <= t999 * 1.0005)
        }
    }

    @Test("k-staleness is 1 − (1 − p)^k of the same counts, and its 99.9% point comes earlier")
    func kStaleness() throws {
        let one = try PBSCommand.run(["trials=20000", "t=0,5"], defaultSeed: 5).get()
        let two = try PBSCommand.run(["trials=20000", "t=0,5", "k=2"], defaultSeed: 5).get()
        let outcome = Self.run(.lnkdDisk, n: 3, r: 1, w: 1, trials: 20_000, seed: 5, times: [0, 5])
        let p = Double(outcome.consistent[0]) / 20_000
        #expect(two.json.contains("{\"t\":0,\"consistent\":\(PBSFormat.probability(1 - (1 - p) * (1 - p)))}"))
        #expect(one.json.contains("{\"t\":0,\"consistent\":\(PBSFormat.probability(p))}"))
        #expect(outcome.tVisibility(k: 2) < outcome.tVisibility(k: 1))
        #expect(PBSOutcome.neededCount(target: 0.999, trials: 1_000_000, k: 1) == 999_000)
        #expect(PBSOutcome.neededCount(target: 0.999, trials: 1_000, k: 1) == 999)
    }

    @Test("Numbers print as C's %.Nf does, on every machine")
    func fixedMatchesPrintf() {
        // From printf("%.0f|%.2f|%.3f|%.4f") in C (glibc), exact binary values rounded half-even.
        let cases: [(Double, [String])] = [
            (0.43915, ["0", "0.44", "0.439", "0.4391"]),
            (0.0625, ["0", "0.06", "0.062", "0.0625"]),
            (2.5, ["2", "2.50", "2.500", "2.5000"]),
            (3.5, ["4", "3.50", "3.500", "3.5000"]),
            (0.125, ["0", "0.12", "0.125", "0.1250"]),
            (1e-7, ["0", "0.00", "0.000", "0.0000"]),
            (0.99995, ["1", "1.00", "1.000", "1.0000"]),
            (10.985, ["11", "10.98", "10.985", "10.9850"]),
            (0.00005, ["0", "0.00", "0.000", "0.0001"]),
            (123456.789, ["123457", "123456.79", "123456.789", "123456.7890"]),
            (2.675, ["3", "2.67", "2.675", "2.6750"]),
            (1.005, ["1", "1.00", "1.005", "1.0050"]),
        ]
        for (value, expected) in cases {
            #expect(zip([0, 2, 3, 4], expected).allSatisfy { PBSFormat.fixed(value, decimals: $0.0) == $0.1 }, "\(value)")
        }
        #expect(PBSFormat.probability(0.99996) == "0.9999")
        #expect(PBSFormat.probability(0.00004) == "0.00004")
        #expect(PBSFormat.probability(1) == "1")
        #expect(PBSFormat.time(12.25) == "12.25" && PBSFormat.time(0) == "0" && PBSFormat.time(100) == "100")
        #expect(PBSFormat.ms(1469.9) == "1470" && PBSFormat.ms(0.4891) == "0.489" && PBSFormat.ms(0) == "0")
        #expect(PBSFormat.grouped(100_000_000) == "100,000,000")
    }

    @Test("Histogram buckets: at most 0.1% wide, exact at 0, quantiles never below the samples")
    func histogram() {
        var counts = [UInt32](repeating: 0, count: PBSHistogram.bucketCount)
        let values: [Double] = [0, -1, 1e-9, 0.5, 1, 1.0009, 45.5, 1e20]
        for v in values { counts[PBSHistogram.bucket(v)] += 1 }
        let h = PBSHistogram(counts: counts)
        #expect(h.count(atOrBelow: 0) == 2)
        #expect(h.value(reaching: 2) == 0)
        #expect(h.value(reaching: 3) == 1.0 / 1_048_576)
        #expect(h.value(reaching: 8) == .infinity)
        for v in [0.5, 1, 1.0009, 45.5] {
            let edge = PBSHistogram.upperEdge(PBSHistogram.bucket(v))
            #expect(edge > v && edge <= v * 1.001)
        }
    }
}
