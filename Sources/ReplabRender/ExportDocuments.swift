import ReplabKernel
import ReplabModels

/// The documents `export` writes that are more than one view: the Markdown and text forms of a
/// session, the state as a Markdown table, the topology as JSON. Pure functions of the
/// simulation, the script and the checker's findings; the `export` command (format from the
/// file's extension, refusals, writing the file) is `Export`, in ReplabCommands.
package enum ExportDocuments {
    /// Everything an export draws on.
    package struct Input {
        package let sim: Simulation
        package let script: [String]
        package let seed: UInt64
        package let anomalies: [Anomaly]
        package let anomalyNote: String?
        package var options = ExportOptions()

        package init(
            sim: Simulation, script: [String], seed: UInt64, anomalies: [Anomaly], anomalyNote: String?,
            options: ExportOptions = ExportOptions()
        ) {
            self.sim = sim
            self.script = script
            self.seed = seed
            self.anomalies = anomalies
            self.anomalyNote = anomalyNote
            self.options = options
        }
    }

    package static func timelineMermaid(_ input: Input) -> String {
        Views.timelineMermaid(
            input.sim, last: nil, anomalies: input.anomalies, anomalyNote: input.anomalyNote, filter: input.options.filter,
            theme: input.options.theme, title: input.options.title)
    }

    package static func clusterLine(_ input: Input) -> String {
        "**Cluster:** `\(input.sim.model.summary)` · time t\(input.sim.now) · step \(input.sim.step) · seed \(input.seed)"
    }

    /// A fenced block whose fence is longer than any run of backticks inside it.
    package static func block(_ language: String, _ text: String) -> String {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + language + "\n" + text + "\n" + fence
    }

    /// The script so far, as `save` would write it.
    package static func scriptText(_ input: Input) -> String {
        var lines: [String] = []
        if input.seed != 0 && !input.script.contains(where: { $0.hasPrefix("seed ") }) { lines.append("seed \(input.seed)") }
        lines += input.script
        return lines.isEmpty ? "# (no commands yet)" : lines.joined(separator: "\n")
    }

    package static func sessionMarkdown(_ input: Input) -> String {
        let sim = input.sim
        var parts: [String] = ["# replab session", clusterLine(input)]
        parts.append(
            "## Script\n\nSave it as a `.replab` file and replay it with `replab run FILE.replab`.\n\n" + block("text", scriptText(input)))
        parts.append("## Topology\n\n" + block("mermaid", Views.topologyMermaid(sim)))
        parts.append(
            "## Timeline\n\nTime flows down. Each arrow is drawn where its message arrived (or was lost); "
                + "`(sent N, step M)` gives the step it left and the step it arrived.\n\n" + block("mermaid", timelineMermaid(input)))
        parts.append("## State\n\n" + stateMarkdown(sim))
        var anomalies = "## Anomalies\n\n"
        if let note = input.anomalyNote {
            anomalies += markdownEscape(note)
        } else if input.anomalies.isEmpty {
            anomalies += "`check` finds no anomalies."
        } else {
            anomalies += input.anomalies.map { "- **\($0.kind.rawValue)** on `\($0.key)`: " + markdownEscape($0.detail) }.joined(
                separator: "\n")
        }
        parts.append(anomalies)
        return parts.joined(separator: "\n\n") + "\n"
    }

    package static func sessionText(_ input: Input) -> String {
        let sim = input.sim
        let style = ViewStyle.file
        var parts: [String] = ["replab session", "cluster: \(sim.model.summary) (time t\(sim.now), step \(sim.step), seed \(input.seed))"]
        parts.append("script:\n" + scriptText(input).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        parts.append("topology:\n" + Views.topology(sim, style: style))
        parts.append(
            "timeline:\n" + Views.timeline(sim, last: nil, style: style, anomalies: input.anomalies, anomalyNote: input.anomalyNote))
        parts.append("state:\n" + Views.state(sim, key: nil, style: style))
        parts.append("check:\n" + (input.anomalyNote ?? Views.anomalies(input.anomalies, style: style)))
        return asciiFallback(parts.joined(separator: "\n\n")) + "\n"
    }

    /// Escapes text for Markdown prose and table cells.
    static func markdownEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "|", "*", "_", "`", "[", "]", "#": out += "\\" + String(character)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\t": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// The state as a Markdown table: keys down, replicas across, siblings on separate lines.
    package static func stateMarkdown(_ sim: Simulation) -> String {
        let model = StateModel.build(sim, key: nil, hints: Views.hints(sim))
        let g = Glyphs.unicode
        guard !model.rows.isEmpty else { return "No replica holds any key yet." }
        var lines: [String] = []
        let headers = model.replicas.map { model.crashed.contains($0) ? "\($0.name) (crashed)" : $0.name }
        lines.append("| key | " + headers.joined(separator: " | ") + " |")
        lines.append("|---|" + String(repeating: "---|", count: model.replicas.count))
        for row in model.rows {
            var cells = [markdownEscape(row.key) + (row.diverges ? " **≠ replicas disagree**" : "")]
            for cell in row.cells {
                if cell.versions.isEmpty {
                    cells.append(cell.primary ? "·" : "")
                } else {
                    var text = cell.versions.map {
                        markdownEscape(StateModel.versionText($0, now: model.now, g: g, logEntry: model.singleLeader))
                    }.joined(
                        separator: "<br>")
                    if !cell.primary { text += "<br>*(not a primary)*" }
                    cells.append(text)
                }
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        var out = lines.joined(separator: "\n")
        out += "\n\nSeveral lines in a cell are siblings; · means nothing stored."
        if !model.hints.isEmpty {
            out += "\n\nHints held for other nodes:\n\n"
            out += model.hints.map { hint in
                "- \(hint.holder.name) holds for \(hint.intendedFor.name): `\(hint.key)` = "
                    + hint.versions.map { markdownEscape(StateModel.versionText($0, now: model.now, g: g, logEntry: model.singleLeader)) }
                    .joined(separator: " \\| ")
            }.joined(separator: "\n")
        }
        return out
    }

    package static func topologyJSON(_ sim: Simulation) -> JSON {
        let model = TopologyModel.build(sim)
        return .object([
            ("model", .string(model.modelName)), ("summary", .string(model.summary)), ("now", .int(Int(model.now))),
            ("step", .int(Int(model.step))),
            (
                "nodes",
                .array(
                    model.nodes.map { node in
                        .object([
                            ("name", .string(node.address.name)), ("role", .string(node.role)), ("crashed", .bool(node.crashed)),
                            ("partition_side", node.group.map { .int($0 + 1) } ?? .null),
                        ])
                    })
            ),
            (
                "links",
                .array(
                    model.links.map { link in
                        .object([
                            ("a", .string(link.a.name)), ("b", .string(link.b.name)), ("a_to_b", .bool(link.aToB)),
                            ("b_to_a", .bool(link.bToA)), ("cut", .bool(link.cut)),
                            ("in_flight_to_b", .array(link.toB.map { .string($0.description) })),
                            ("in_flight_to_a", .array(link.toA.map { .string($0.description) })),
                        ])
                    })
            ),
            ("partition", .array(model.groups.map { .array($0.map { .string($0.name) }) })),
        ])
    }
}
