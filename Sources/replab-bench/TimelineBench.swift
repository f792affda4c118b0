import ReplabCommands
import ReplabKernel
import ReplabModels
import ReplabRender

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `replab-bench timeline [EVENTS]`: builds a session whose trace holds EVENTS entries (default
/// one million) by running real client operations through the leaderless model, then times
/// `show timeline last=20`, in the terminal and as Mermaid. Rendering walks the trace backwards
/// from its end, so its cost should follow the 20 rows shown, not the million events behind them.
func runTimelineBench(events: Int) {
    var sim = Simulation(model: .leaderless(LeaderlessConfig()), seed: 42)
    var op = 0
    let buildSeconds = wallSeconds {
        while sim.trace.count < events {
            op += 1
            let client = Address.client(op % 4 + 1)
            let key = "k\(op % 1000)"
            do throws(SimulationError) {
                if op % 2 == 0 {
                    try sim.startOperation(kind: .get, key: key, value: nil, client: client, via: nil, blind: false)
                } else {
                    try sim.startOperation(kind: .put, key: key, value: Value(String(op)), client: client, via: nil, blind: false)
                }
            } catch {
                writeStandardError("timeline bench: \(error.message)\n")
                exit(1)
            }
            // Deliver everything, oldest first: acks and replies come back, the operation completes.
            while let next = sim.inFlight.first { sim.deliver(next.id) }
        }
    }
    // What check itself costs on this history (views run it only up to
    // Session.checkerOperationsForViews operations).
    // (Skipped on long histories: it grows with the square of the operations.)
    let checkSeconds: Double? = op <= 5_000 ? wallSeconds { _ = Checker.check(sim) } : nil
    let rounds = 200
    var text = ""
    var terminal: [Double] = []
    var mermaid: [Double] = []
    for _ in 0..<rounds {
        terminal.append(
            wallSeconds {
                let (anomalies, note) = Session.anomaliesForViews(sim)
                text = Views.timeline(sim, last: 20, anomalies: anomalies, anomalyNote: note)
            })
        mermaid.append(
            wallSeconds {
                let (anomalies, note) = Session.anomaliesForViews(sim)
                text = Views.timelineMermaid(sim, last: 20, anomalies: anomalies, anomalyNote: note)
            })
    }
    terminal.sort()
    mermaid.sort()
    let lines = text.split(separator: "\n").count
    print(
        "events=\(sim.trace.count) ops=\(op) build_seconds=\(fixed(buildSeconds, digits: 2)) "
            + "check_ms=\(checkSeconds.map { fixed($0 * 1000, digits: 3) } ?? "skipped") "
            + "timeline_last20_ms_median=\(fixed(terminal[rounds / 2] * 1000, digits: 3)) "
            + "timeline_last20_ms_max=\(fixed(terminal[rounds - 1] * 1000, digits: 3)) "
            + "mermaid_last20_ms_median=\(fixed(mermaid[rounds / 2] * 1000, digits: 3)) mermaid_lines=\(lines)")
}
