/// The PBS half of `replab-bench`: the same work as `../shared/bench/pbs.c` (lnkd-disk, N=3,
/// R=W=1, seed 0x5EED, t = 0, 1, 5, 10, 20, 50 ms, draws in the same order), printed in the same
/// format, so `compare.sh pbs` compares like with like.
///
/// The library never reads a clock: the caller passes one in (seconds, monotonic), and only the
/// sampling is timed, as in pbs.c.
public enum PBSBenchmark {
    public static let seed: UInt64 = 0x5EED
    public static let times: [Double] = [0, 1, 5, 10, 20, 50]

    /// The `t=… consistent=…` lines only (no timing line).
    public static func run(trials: Int) -> String {
        let outcome = simulate(trials: trials)
        return resultLines(outcome)
    }

    /// The `t=… consistent=…` lines followed by `trials=… seconds=… trials_per_second=…`, timed
    /// with `clock` (called once before and once after the sampling).
    public static func run(trials: Int, clock: () -> Double) -> String {
        let start = clock()
        let outcome = simulate(trials: trials)
        let seconds = clock() - start
        let count = outcome.trials
        let rate = seconds > 0 ? Double(count) / seconds : 0
        return resultLines(outcome)
            + "trials=\(count) seconds=\(PBSFormat.fixed(seconds, decimals: 3))"
            + " trials_per_second=\(PBSFormat.fixed(rate, decimals: 0))\n"
    }

    static func simulate(trials: Int) -> PBSOutcome {
        let spec = PBSRunSpec(
            model: .lnkdDisk, quorum: PBSQuorum(n: 3, r: 1, w: 1),
            trials: min(max(trials, 1), PBSLimits.maxTrials), seed: seed, times: times)
        return PBSSimulator.run(spec)
    }

    static func resultLines(_ outcome: PBSOutcome) -> String {
        var out = ""
        for (j, t) in outcome.spec.times.enumerated() {
            let p = Double(outcome.consistent[j]) / Double(outcome.trials)
            out += "t=\(PBSFormat.time(t)) consistent=\(PBSFormat.fixed(p, decimals: 4))\n"
        }
        return out
    }
}
