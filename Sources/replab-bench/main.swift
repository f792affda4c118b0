// replab-bench: replab's benchmarks, run in release mode beside the C yardsticks
// (../shared/bench/compare.sh). Wall-clock timing lives here, never in the deterministic core.
//
//   replab-bench w1 [OPS]       W1 quorum throughput on the kernel (default 100000 ops)
//   replab-bench pbs [TRIALS]   PBS Monte Carlo sampling (default 1000000 trials)
//   replab-bench paper [TRIALS] the PBS paper's published figures, reproduced (default 1000000)
//   replab-bench w2 [N W R]     W2 exhaustive interleavings on the explorer (default 5 3 3, W2-XL)
//   replab-bench timeline [EVENTS]   show timeline last=20 on a trace of EVENTS entries (default 1000000)
//   replab-bench session [OPS] [MODEL]   a long script through the session (default 5000 ops, leaderless)

import ReplabPBS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes `text` to standard error (Swift 6 treats Glibc's `stderr` global as unsafe shared state).
func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}

/// Prints the usage line to standard error and exits with status 2.
func fail() -> Never {
    writeStandardError(
        "usage: replab-bench w1 [OPS] | w2 [N W R] | pbs [TRIALS] | paper [TRIALS] | timeline [EVENTS] | session [OPS] [leaderless|single-leader|multi-leader]   (positive integers; defaults 100000, 1000000, 1000000, 1000000, 5000)\n"
    )
    exit(2)
}

/// The optional size argument: absent means `defaultValue`; anything but a positive integer
/// no larger than `limit` is a usage error.
func size(_ arguments: ArraySlice<String>, default defaultValue: Int, limit: Int) -> Int {
    guard let text = arguments.first else { return defaultValue }
    guard arguments.count == 1, let value = Int(text), value > 0, value <= limit else { fail() }
    return value
}

/// `duration` in seconds.
func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) * 1e-18
}

/// Seconds of wall time `body` takes, on the monotonic clock.
func wallSeconds(_ body: () -> Void) -> Double {
    seconds(ContinuousClock().measure(body))
}

/// `value` with exactly `digits` decimals (no Foundation needed).
func fixed(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (value * scale).rounded()
    guard scaled.isFinite, scaled >= 0, scaled < 9e18 else { return "\(value)" }
    let units = UInt64(scaled)
    let whole = units / UInt64(scale)
    let fraction = String(units % UInt64(scale))
    guard digits > 0 else { return String(whole) }
    return "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "w1":
    let ops = size(arguments.dropFirst(), default: 100_000, limit: Int(UInt32.max))
    var result = W1Result()
    let wall = wallSeconds { result = W1Model.run(ops: ops) }
    print(result.line)
    let rate = wall > 0 ? Double(result.delivered) / wall : 0
    print("messages_per_second=\(fixed(rate, digits: 0)) wall_seconds=\(fixed(wall, digits: 6))")
case "w2":
    runW2Bench(arguments.dropFirst())
case "pbs":
    let trials = size(arguments.dropFirst(), default: 1_000_000, limit: pbsMaxTrials)
    runPBSBench(trials: trials)
case "paper":
    let trials = size(arguments.dropFirst(), default: 1_000_000, limit: pbsMaxTrials)
    let report = PBSPaper.check(trials: trials)
    print(report.text)
    exit(report.passed ? 0 : 1)
case "timeline":
    runTimelineBench(events: size(arguments.dropFirst(), default: 1_000_000, limit: 50_000_000))
case "session":
    var rest = arguments.dropFirst()
    var model = "leaderless"
    if let last = rest.last, ["leaderless", "single-leader", "multi-leader"].contains(last) {
        model = last
        rest = rest.dropLast()
    }
    runSessionBench(ops: size(rest, default: 5_000, limit: 10_000_000), model: model)
default:
    fail()
}
