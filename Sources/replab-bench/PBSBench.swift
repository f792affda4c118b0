// The `pbs` subcommand: PBS Monte Carlo sampling from the ReplabPBS module
// (compare.sh pbs: lnkd-disk, N=3, R=W=1, beside ../shared/bench/pbs.c).

import ReplabPBS

/// The most trials `pbs` accepts: ReplabPBS's own cap (it would silently clamp larger counts).
let pbsMaxTrials = 100_000_000

/// Runs `PBSBenchmark` for `trials` trials and prints its `t=… consistent=…` lines and its
/// `trials=… seconds=… trials_per_second=…` line. Only the sampling is timed, on the monotonic clock.
func runPBSBench(trials: Int) {
    let origin = ContinuousClock.now
    let output = PBSBenchmark.run(trials: trials) { seconds(origin.duration(to: .now)) }
    print(output, terminator: "")
}
