import ReplabModels

extension Session {
    /// `explore …`: explores from the current state (changing nothing), prints a finding's
    /// schedule, or plays it into the session.
    mutating func explore(_ request: ExploreRequest, into result: inout CommandResult) throws(CommandError) {
        guard let sim = simulation else {
            throw CommandError("there is no cluster yet: build one first, e.g. cluster leaderless (see help cluster)")
        }
        switch request {
        case .run(let options, let target):
            if case .rule(let name) = target, !sim.settings.rules.contains(where: { $0.name == name }) {
                let kinds = Anomaly.Kind.allCases.map(\.rawValue)
                let rules = sim.settings.rules.map(\.name)
                throw CommandError(
                    "explore cannot find \"\(name)\"\(suggestion(for: name, among: kinds + rules + ["outcome"])); it is no anomaly kind of check (\(kinds.joined(separator: ", "))), "
                        + (rules.isEmpty
                            ? "nor a rule's name (there are no rules: rule unique PATTERN [as NAME] adds one)"
                            : "nor a rule's name (\(rules.joined(separator: ", ")))")
                        + ", nor outcome OP VALUE")
            }
            if case .outcome(let op, _) = target {
                guard op >= 1, op <= sim.history.count else {
                    throw CommandError(
                        "there is no operation \(op)"
                            + (sim.history.isEmpty
                                ? " (none has started yet)" : "; show history lists operations 1 to \(sim.history.count)"))
                }
                guard sim.history[op - 1].outcome == .pending else {
                    throw CommandError("operation \(op) has already completed; explore looks at operations still in flight")
                }
            }
            let report = ExploreReport.run(sim, options: options, target: target, hooks: exploreHooks)
            explored = (generation, report.findings)
            result.output = report.text(width: style.width)
            result.extra.append(("explore", report.json))
        case .show(let number):
            let finding = try exploredFinding(number)
            result.output =
                (["# finding \(number): \(finding.title), \(plural(finding.steps.count, "step")) from the state explored"]
                + finding.steps).joined(separator: "\n")
        case .apply(let number):
            let finding = try exploredFinding(number)
            var outputs = ["playing finding \(number): \(finding.title)"]
            for (index, step) in finding.steps.enumerated() {
                let sub = execute(step)
                guard sub.ok else {
                    throw CommandError("step \(index + 1) of finding \(number), \(step), failed: \(sub.error ?? "failed")")
                }
                // Each step took its own undo snapshot: fold them into this one command.
                undoStack.removeLast()
                result.completed += sub.completed
                outputs.append("[\(index + 1)/\(finding.steps.count)] \(step)")
                if !sub.text.isEmpty { outputs.append(sub.text) }
            }
            outputs.append("played \(plural(finding.steps.count, "step")) (undo takes them back)")
            result.output = outputs.joined(separator: "\n")
        }
    }

    private func exploredFinding(_ number: Int) throws(CommandError) -> ExploreFinding {
        guard let explored else { throw CommandError("nothing explored yet: explore first, then explore show N or explore apply N") }
        guard explored.generation == generation else {
            throw CommandError("the session has changed since the last explore: explore again, then use its findings")
        }
        guard number >= 1, number <= explored.findings.count else {
            throw CommandError(
                explored.findings.isEmpty
                    ? "the last explore found nothing to show"
                    : "there is no finding \(number): the last explore numbered 1 to \(explored.findings.count)")
        }
        return explored.findings[number - 1]
    }
}
