import ReplabCommands

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `replab-bench session [OPS] [MODEL]`: the long-script workload of a class that never stops.
/// A session plays `put kI VALUE` + `run` pairs, with a `get kI` + `run` instead every tenth
/// operation, over 1,000 keys, through `Session.execute` exactly as `replab run` does (undo
/// snapshots, history, trace, checker indexes and all). It prints the operations per second of
/// the whole run and of its last tenth (a session whose per-command cost grows with its length
/// shows it there first) and the peak resident memory of the process; then how long `check`,
/// a few views and `undo 400` take at the end of it.
func runSessionBench(ops: Int, model: String) {
    var session = Session(seed: 42)
    let build = session.execute("cluster \(model)")
    guard build.ok else {
        writeStandardError("session bench: \(build.error ?? "cluster failed")\n")
        exit(1)
    }
    let tenth = max(1, ops / 10)
    var lastTenthSeconds = 0.0
    var failures = 0
    let total = wallSeconds {
        for op in 1...ops {
            let key = "k\(op % 1000)"
            let line = op % 10 == 0 ? "get \(key)" : "put \(key) \(op)"
            let started = ContinuousClock.now
            if !session.execute(line).ok { failures += 1 }
            if !session.execute("run").ok { failures += 1 }
            if op > ops - tenth { lastTenthSeconds += seconds(ContinuousClock.now - started) }
        }
    }
    if failures > 0 {
        writeStandardError("session bench: \(failures) command(s) failed\n")
        exit(1)
    }
    // What a teacher types at the end of a long class: each must stay quick however long it ran.
    var after: [String] = []
    for line in ["check", "show state k1", "show timeline last=20", "show history", "undo 400"] {
        var ok = true
        let took = wallSeconds { ok = session.execute(line).ok }
        if !ok {
            writeStandardError("session bench: \(line) failed\n")
            exit(1)
        }
        after.append("\(line.split(separator: " ").prefix(2).joined(separator: "_"))_ms=\(fixed(took * 1000, digits: 1))")
    }
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    // Linux reports ru_maxrss in kilobytes.
    let peakMB = Double(usage.ru_maxrss) / 1024
    let rate = total > 0 ? Double(ops) / total : 0
    let lastRate = lastTenthSeconds > 0 ? Double(tenth) / lastTenthSeconds : 0
    print(
        "session ops=\(ops) model=\(model.split(separator: " ").first ?? "") wall_seconds=\(fixed(total, digits: 3)) ops_per_second=\(fixed(rate, digits: 0)) last_tenth_ops_per_second=\(fixed(lastRate, digits: 0)) peak_rss_mb=\(fixed(peakMB, digits: 1))"
    )
    print(after.joined(separator: " "))
}
