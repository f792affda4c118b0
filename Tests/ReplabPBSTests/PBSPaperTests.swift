import Testing

@testable import ReplabPBS

/// Reproducing Bailis et al. with a million trials per configuration (about a second each in a
/// debug build; the groups run in parallel).
///
/// The published figures below are transcribed from the authors' LaTeX sources:
/// - [CACM] "Quantifying Eventual Consistency with PBS", CACM 57(8), 2014, the research
///   highlight of the VLDB paper: github.com/pbailis/paper-repo-cacm-pbs-research-highlight,
///   pbs-cacm.tex (sections "Staleness in Production", "Quorum Sizing", "Write Latency
///   Distribution Effects"; table "lat-stale", which is VLDB Table 4 without WAN).
/// - [VLDB] "Probabilistically Bounded Staleness for Practical Partial Quorums", PVLDB 5(8),
///   2012: github.com/pbailis/pbs-vldb-historical-paper-material, writeup/ernst.tex (Table 3,
///   the fits; Table 4 with its WAN column; section "Observed t-visibility").
/// `PBSPaper` keeps the same numbers for the release-build check; the test below fails if the
/// two copies ever disagree.
@Suite struct PBSPaperTests {
    static let published: [String: Double] = {
        var p: [String: Double] = [
            // [CACM] Staleness in Production: "Immediately after write completion, LNKD-SSD had a
            // 97.4% probability of consistent reads" ([VLDB] source: 97.5%).
            "lnkd-ssd N=3 R=1 W=1 P(consistent at t=0)": 0.974,
            // [CACM] ibid.: "immediately after write completion, LNKD-DISK had only a 43.9%
            // probability of consistent reads and, 10 ms later, only a 92.5% probability".
            "lnkd-disk N=3 R=1 W=1 P(consistent at t=0)": 0.439,
            "lnkd-disk N=3 R=1 W=1 P(consistent at t=10)": 0.925,
            // [CACM] ibid.: "Immediately after write completion (Δ=0), YMMR had a p=89.3%
            // probability of consistency".
            "ymmr N=3 R=1 W=1 P(consistent at t=0)": 0.893,
            // [VLDB] WAN paragraph (kept commented out in [CACM]): "33% chance immediately after
            // commit".
            "wan N=3 R=1 W=1 P(consistent at t=0)": 0.33,
            // [VLDB] Observed t-visibility: "Ten milliseconds after write commit, YMMR had a
            // 93.9% chance of consistency, LNKD-SSD had a 100% chance".
            "ymmr N=3 R=1 W=1 P(consistent at t=10)": 0.939,
            "lnkd-ssd N=3 R=1 W=1 P(consistent at t=10)": 1.0,
            // [CACM] Staleness in Production: LNKD-SSD operation latencies "median .489 ms",
            // writes "99.9th percentile .657ms"; LNKD-DISK writes "median 1.50ms", "99.9th
            // percentile 10.47 ms" (its Table says 10.99 for R=W=1).
            "lnkd-ssd N=3 R=1 W=1 read latency p50": 0.489,
            "lnkd-ssd N=3 R=1 W=1 write latency p50": 0.489,
            "lnkd-disk N=3 R=1 W=1 write latency p50": 1.50,
            // [CACM] Quorum Sizing: "With 2 replicas, LNKD-DISK has a 57.5% probability of
            // consistent reads immediately after write completion but only a 21.1% probability
            // with 10 replicas"; "Δ at p=99.9% ranges from 45.3 ms for 2 replicas to 53.7 ms for
            // 10 replicas".
            "lnkd-disk N=2 R=1 W=1 P(consistent at t=0)": 0.575,
            "lnkd-disk N=10 R=1 W=1 P(consistent at t=0)": 0.211,
            "lnkd-disk N=2 R=1 W=1 t at 99.9% consistent": 45.3,
            "lnkd-disk N=10 R=1 W=1 t at 99.9% consistent": 53.7,
            // [CACM] Write Latency Distribution Effects (exponential W, A=R=S with λ=1):
            // λ=4: "a 94% chance of consistency immediately after the write and 99.9% chance
            // after 1ms"; λ=0.1: "a 41% chance ... and a 99.9% chance of consistency only after
            // 65ms". (The 41% is reported, not asserted: we measure 42.0%.)
            "exp(w=4) N=3 R=1 W=1 P(consistent at t=0)": 0.94,
            "exp(w=4) N=3 R=1 W=1 t at 99.9% consistent": 1,
            "exp(w=0.1) N=3 R=1 W=1 t at 99.9% consistent": 65,
            "exp(w=0.1) N=3 R=1 W=1 P(consistent at t=0)": 0.41,
        ]
        // Two entries quoted in the text and also in the table differ; the text's are kept under
        // their own names above, the table's below.
        p["lnkd-ssd N=3 R=1 W=1 write latency p99.9 (text)"] = 0.657
        p["lnkd-disk N=3 R=1 W=1 write latency p99.9 (text)"] = 10.47
        // [CACM] table lat-stale / [VLDB] Table 4: N=3; 99.9th-percentile read latency L_r and
        // write latency L_w (ms), and the t (ms) for 99.9% consistent reads.
        //   dist        R  W   L_r     L_w      t
        let table: [(String, Int, Int, Double, Double, Double)] = [
            ("lnkd-ssd", 1, 1, 0.66, 0.66, 1.85), ("lnkd-ssd", 1, 2, 0.66, 1.63, 1.79),
            ("lnkd-ssd", 2, 1, 1.63, 0.65, 0), ("lnkd-ssd", 2, 2, 1.62, 1.64, 0),
            ("lnkd-ssd", 3, 1, 4.14, 0.65, 0), ("lnkd-ssd", 1, 3, 0.65, 4.09, 0),
            ("lnkd-disk", 1, 1, 0.66, 10.99, 45.5), ("lnkd-disk", 1, 2, 0.65, 20.97, 43.3),
            ("lnkd-disk", 2, 1, 1.63, 10.9, 13.6), ("lnkd-disk", 2, 2, 1.64, 20.96, 0),
            ("lnkd-disk", 3, 1, 4.12, 10.89, 0), ("lnkd-disk", 1, 3, 0.65, 112.65, 0),
            ("ymmr", 1, 1, 5.58, 10.83, 1364.0), ("ymmr", 1, 2, 5.61, 427.12, 1352.0),
            ("ymmr", 2, 1, 32.6, 10.73, 202.0), ("ymmr", 2, 2, 33.18, 428.11, 0),
            ("ymmr", 3, 1, 219.27, 10.79, 0), ("ymmr", 1, 3, 5.63, 1870.86, 0),
            // WAN: [VLDB] Table 4 only.
            ("wan", 1, 1, 3.4, 55.12, 113.0), ("wan", 1, 2, 3.4, 167.64, 0),
            ("wan", 2, 1, 151.3, 56.36, 30.2), ("wan", 2, 2, 151.31, 167.72, 0),
            ("wan", 3, 1, 153.86, 55.19, 0), ("wan", 1, 3, 3.44, 241.55, 0),
        ]
        for (dist, r, w, lr, lw, t) in table {
            let config = "\(dist) N=3 R=\(r) W=\(w)"
            p[config + " read latency p99.9"] = lr
            p[config + " write latency p99.9"] = lw
            p[config + " t at 99.9% consistent"] = t
        }
        return p
    }()

    /// The library's copy names the text's figures like the table's; tell them apart by value.
    static func key(_ check: PBSPaper.Check) -> String {
        if check.name == "lnkd-ssd N=3 R=1 W=1 write latency p99.9" && check.published == 0.657 { return check.name + " (text)" }
        if check.name == "lnkd-disk N=3 R=1 W=1 write latency p99.9" && check.published == 10.47 { return check.name + " (text)" }
        return check.name
    }

    @Test(
        "A million trials reproduce the published figures",
        arguments: [
            ["lnkd-ssd"], ["lnkd-disk"], ["ymmr"], ["wan"], ["exp(w=4,a=1,r=1,s=1)", "exp(w=0.1,a=1,r=1,s=1)"],
        ])
    func reproduce(distributions: [String]) {
        let report = PBSPaper.check(trials: 1_000_000, distributions: distributions)
        #expect(!report.checks.isEmpty)
        for check in report.checks {
            let expected = Self.published[Self.key(check)]
            #expect(expected == check.published, "PBSPaper's copy of \(check.name) disagrees with the paper")
            #expect(check.passed, "\(check.name): published \(check.published), measured \(check.measured)")
        }
        // Every figure of these distributions is checked.
        let prefixes = distributions.map { PBSRender.shortName($0) + " " }
        let expectedCount = Self.published.keys.filter { k in prefixes.contains { k.hasPrefix($0) } }.count
        #expect(report.checks.count == expectedCount)
    }

    @Test("ymmr's W is Pareto α = 3.5 (the simulator), not 3.35 (Table 3): only 3.5 gives 89.3%")
    func ymmrAlpha() {
        func consistentAtZero(alpha: Double) -> Double {
            let w = PBSLatency.mixture(pareto: 0.939, xm: 3, alpha: alpha, lambda: 0.0028)
            let model = PBSModel(name: "ymmr", w: w, a: PBSModel.ymmrARS, r: PBSModel.ymmrARS, s: PBSModel.ymmrARS, remoteDelayMs: 0)
            let outcome = PBSSimulator.run(
                PBSRunSpec(
                    model: model, quorum: PBSQuorum(n: 3, r: 1, w: 1),
                    trials: 1_000_000, seed: 0x5EED, times: [0]))
            return Double(outcome.consistent[0]) / 1_000_000
        }
        #expect(PBSModel.ymmr.w.alpha == 3.5)
        #expect(abs(consistentAtZero(alpha: 3.5) - 0.893) < 0.001)  // measured 0.8930
        #expect(abs(consistentAtZero(alpha: 3.35) - 0.893) > 0.005)  // measured 0.8872: 0.58 pp off
    }

    @Test("Fewer trials widen the tolerance by the extra sampling noise only")
    func tolerances() {
        #expect(PBSPaper.tolerance(.consistent(atMs: 0), published: 0.5, trials: 1_000_000) == 0.005)
        #expect(PBSPaper.tolerance(.consistent(atMs: 0), published: 0.5, trials: 10_000) > 0.018)
        #expect(PBSPaper.tolerance(.tVisibility, published: 45.5, trials: 1_000_000) == 0.12)
    }
}
