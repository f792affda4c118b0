// The `pbs` subcommand: PBS Monte Carlo sampling from the ReplabPBS module.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import ReplabPBS

/// Runs `PBSBenchmark` for `trials` trials and prints its result.
/// TODO(lead): wire to `PBSBenchmark.run(...)` once ReplabPBS provides it.
func runPBSBench(trials: Int) {
    writeStandardError("replab-bench pbs: PBSBenchmark is not wired yet (\(trials) trials requested)\n")
    exit(1)
}
