import ReplabExplore
import ReplabKernel
import ReplabModels
import ReplabRender

/// How a long exploration talks to the terminal: a progress line now and then, and Ctrl-C.
/// The session itself never reads a clock or a signal; the executable supplies these.
public struct ExploreHooks: Sendable {
    /// Called every few thousand states with the progress so far.
    public var progress: (@Sendable (ExploreProgress) -> Void)?
    /// Polled as often; true stops the exploration (its answer is then partial).
    public var isCancelled: (@Sendable () -> Bool)?
    /// Called when an exploration ends (to clear the progress line).
    public var finished: (@Sendable () -> Void)?

    public init(
        progress: (@Sendable (ExploreProgress) -> Void)? = nil, isCancelled: (@Sendable () -> Bool)? = nil,
        finished: (@Sendable () -> Void)? = nil
    ) {
        self.progress = progress
        self.isCancelled = isCancelled
        self.finished = finished
    }
}

/// A finding of the last exploration: what was reached and the schedule that reaches it.
struct ExploreFinding: Sendable, Equatable {
    var kind: String
    var key: String
    /// What it is, for the report (`stale-read on x`, `op 2 c2 get x → nothing`).
    var title: String
    /// The schedule, one command per step.
    var steps: [String]
}

/// What `explore` found, ready to print and to keep for `explore show` and `explore apply`.
struct ExploreReport: Sendable {
    var states: Int
    var transitions: Int
    var terminal: Int
    var end: ExploreEnd
    var options: ExploreOptions
    var target: ExploreTarget?
    var inFlight: Int
    /// For each operation in flight: its record and the distinct results, shortest schedule first.
    var outcomes: [(record: OperationRecord, results: [(ok: Bool, values: [String])])]
    var findings: [ExploreFinding]
    var timeNote: String

    // MARK: running

    /// Explores every schedule from `sim`. Never changes `sim` (it is a value).
    static func run(_ sim: Simulation, options: ExploreOptions, target: ExploreTarget?, hooks: ExploreHooks) -> ExploreReport {
        var start = sim
        start.trace = Trace()  // a state's trace would only grow along each path and decides nothing
        start.completions = []
        start.notes = []
        let watched = sim.history.filter { $0.outcome == .pending }.map(\.op)
        let system = ClusterSystem(watched: watched)
        let initial = ClusterState(sim: start, drops: options.drops, duplicates: options.duplicates, crashes: options.crashes)
        let explorer = Explorer(system: system, maxStates: options.maxStates, pollInterval: 512)
        let stopAt: ((ClusterObservation) -> Bool)? = target.map { target in { matches($0, target) } }
        let exploration = explorer.explore(from: initial, stopAt: stopAt) { progress in
            hooks.progress?(progress)
            return !(hooks.isCancelled?() ?? false)
        }
        hooks.finished?()
        var results: [Int: [(ok: Bool, values: [String])]] = [:]
        var findings: [ExploreFinding] = []
        for finding in exploration.findings {
            switch finding.observation {
            case .outcome(let op, let ok, let values):
                results[op, default: []].append((ok, values))
                if let target, matches(finding.observation, target) {
                    let record = sim.history[op - 1]
                    let result = ClusterSystem.result(kind: record.kind, ok: ok, values: values)
                    findings.append(
                        ExploreFinding(
                            kind: "outcome", key: record.key, title: "op \(op) \(record.client.name) \(record.text) → \(result)",
                            steps: steps(explorer, exploration, finding.state, initial)))
                }
            case .anomaly(let kind, let key, let rule):
                guard target == nil || matches(finding.observation, target!) else { continue }
                findings.append(
                    ExploreFinding(
                        kind: kind.rawValue, key: key, title: "\(kind.rawValue)\(rule.map { " \($0)" } ?? "") on \(key)",
                        steps: steps(explorer, exploration, finding.state, initial)))
            }
        }
        return ExploreReport(
            states: exploration.states, transitions: exploration.transitions, terminal: exploration.terminal, end: exploration.end,
            options: options, target: target, inFlight: sim.inFlight.count,
            outcomes: watched.map { (sim.history[$0 - 1], results[$0] ?? []) }, findings: findings,
            timeNote: timeNote(sim))
    }

    static func steps(
        _ explorer: Explorer<ClusterSystem>, _ exploration: Exploration<ClusterObservation>, _ state: Int, _ initial: ClusterState
    ) -> [String] {
        explorer.schedule(to: state, in: exploration, from: initial).map { $0.0.command }
    }

    static func matches(_ observation: ClusterObservation, _ target: ExploreTarget) -> Bool {
        switch (observation, target) {
        case (.anomaly(let kind, _, _), .anomaly(let wanted)): return kind == wanted
        case (.anomaly(_, _, let rule), .rule(let wanted)): return rule == wanted
        case (.outcome(let op, let ok, let values), .outcome(let wantedOp, let wanted)):
            guard op == wantedOp else { return false }
            // A read's VALUE names what it returned; `ok` also matches any successful operation.
            return wanted == (ok ? "ok" : "failed") || (ok && wanted == (values.isEmpty ? "nothing" : values.joined(separator: ",")))
        default: return false
        }
    }

    /// How time was treated, in one sentence.
    static func timeNote(_ sim: Simulation) -> String {
        var note =
            "time: it passes only when no message can be delivered, and only as far as the next timeout of an operation still waiting (tick N)"
        var extras: [String] = []
        if sim.settings.antiEntropyEveryTicks != nil { extras.append("anti-entropy") }
        if sim.settings.sloppy || sim.replicaAddresses.contains(where: { !sim.hints(at: $0).isEmpty }) { extras.append("hinted handoff") }
        if sim.settings.gcGraceTicks != nil { extras.append("tombstone GC") }
        if sim.settings.failoverTimeoutTicks != nil { extras.append("automatic failover") }
        if !extras.isEmpty { note += "; \(extras.joined(separator: ", ")) \(extras.count == 1 ? "runs" : "run") only within those ticks" }
        return note
    }

    // MARK: rendering

    var scope: String {
        var faults: [String] = []
        if options.drops > 0 { faults.append("losing up to \(plural(options.drops, "message"))") }
        if options.duplicates > 0 { faults.append("duplicating up to \(plural(options.duplicates, "message"))") }
        if options.crashes > 0 { faults.append("crashing up to \(plural(options.crashes, "node"))") }
        let base =
            inFlight == 0
            ? "nothing is in flight"
            : "every order of delivering the \(plural(inFlight, "message")) in flight and what \(inFlight == 1 ? "it sends" : "they send")"
        return faults.isEmpty ? base + "; no losses, duplicates or crashes" : base + ", and " + faults.joined(separator: ", ")
    }

    var endText: String {
        switch end {
        case .complete: return "all of them"
        case .bound: return "stopped at max-states=\(options.maxStates): the answer is partial"
        case .cancelled: return "stopped by Ctrl-C: the answer is partial"
        case .found: return "stopped at the first schedule found"
        }
    }

    func text(width: Int) -> String {
        var lines: [String] = []
        lines.append("explored \(grouped(states)) state\(states == 1 ? "" : "s") (\(endText)): \(scope)")
        lines.append(timeNote)
        if let target {
            lines.append(contentsOf: targetLines(target))
        } else {
            lines.append(contentsOf: outcomeLines())
            lines.append(contentsOf: findingLines())
        }
        return lines.flatMap { wrapProse($0, width: width) }.joined(separator: "\n")
    }

    func outcomeLines() -> [String] {
        guard !outcomes.isEmpty else { return ["no operation was in flight"] }
        var lines = ["outcomes of the operations in flight (shortest schedule first):"]
        for (record, results) in outcomes {
            let shown =
                results.isEmpty
                ? "none reached (still waiting in every schedule)"
                : results.map { ClusterSystem.result(kind: record.kind, ok: $0.ok, values: $0.values) }.joined(separator: " | ")
                    + (end != .complete
                        ? " (seen so far)" : results.count == 1 ? " (the only outcome)" : " (\(results.count) outcomes)")
            lines.append("  op \(record.op) \(record.client.name) \(record.text): \(shown)")
        }
        return lines
    }

    func findingLines() -> [String] {
        guard !findings.isEmpty else { return ["no schedule reaches an anomaly of check"] }
        var lines = ["anomalies some schedule reaches:"]
        for (index, finding) in findings.enumerated() {
            lines.append("  \(index + 1). \(finding.title): shortest schedule \(stepCount(finding.steps.count))")
        }
        lines.append("explore show N prints finding N's schedule; explore apply N plays it (undo takes it back)")
        return lines
    }

    func targetLines(_ target: ExploreTarget) -> [String] {
        guard let finding = findings.first else {
            let what = ExploreReport.describe(target)
            return [end == .complete ? "no schedule reaches \(what)" : "no schedule reached \(what) among the states explored"]
        }
        var lines = ["1. \(finding.title): shortest schedule \(stepCount(finding.steps.count))"]
        lines += finding.steps.map { "   " + $0 }
        lines.append("explore apply 1 plays it (undo takes it back); explore show 1 prints it as a script")
        return lines
    }

    static func describe(_ target: ExploreTarget) -> String {
        switch target {
        case .anomaly(let kind): return kind.rawValue
        case .rule(let name): return "a broken rule \(name)"
        case .outcome(let op, let value): return "op \(op) ending with \(value)"
        }
    }

    func stepCount(_ count: Int) -> String {
        count == 0 ? "0 steps (already there)" : plural(count, "step")
    }

    var json: JSON {
        .object([
            ("states", .int(states)),
            ("complete", .bool(end == .complete)),
            (
                "outcomes",
                .array(
                    outcomes.flatMap { record, results in
                        results.map { result -> JSON in
                            .object([
                                ("op", .string(record.kind.rawValue)), ("id", .int(record.op)), ("client", .string(record.client.name)),
                                ("key", .string(record.key)), ("ok", .bool(result.ok)), ("values", .array(result.values.map(JSON.string))),
                            ])
                        }
                    })
            ),
            (
                "findings",
                .array(
                    findings.enumerated().map { index, finding in
                        .object([
                            ("id", .int(index + 1)), ("kind", .string(finding.kind)), ("key", .string(finding.key)),
                            ("steps", .array(finding.steps.map(JSON.string))),
                        ])
                    })
            ),
        ])
    }
}

/// `1,234,567`.
func grouped(_ value: Int) -> String {
    let digits = String(value)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return out
}
