import ReplabKernel
import ReplabModels

/// `export topology|timeline|state|session FILE`: the text of each export, chosen by the file's
/// extension. Pure: the session writes the text through its `FileAccess` (whole or not at all).
enum Export {
    enum Format: String, CaseIterable {
        case mermaid = "mmd"
        case text = "txt"
        case markdown = "md"
        case json = "json"
        case svg = "svg"
        case html = "html"
        case shiviz = "shiviz"

        var name: String {
            switch self {
            case .mermaid: return "Mermaid"
            case .text: return "ASCII text"
            case .markdown: return "Markdown"
            case .json: return "JSON"
            case .svg: return "SVG"
            case .html: return "a self-contained HTML page"
            case .shiviz: return "a ShiViz log"
            }
        }
    }

    static let allowed =
        ".mmd (Mermaid), .txt (ASCII), .md (Markdown with Mermaid blocks), .json (JSON), .svg (timeline), .shiviz (timeline), .html (session)"

    /// Refuses options that the export would not use, so nothing typed is silently ignored.
    static func check(_ options: ExportOptions, what: String, format: Format) throws(CommandError) {
        if !options.filter.isEmpty {
            if what != "timeline" {
                throw CommandError("filters (\(options.filter.description)) apply to export timeline only, not to export \(what)")
            }
            if format == .json || format == .shiviz {
                throw CommandError(
                    "export timeline FILE.\(format.rawValue) writes the whole trace (its \(format == .json ? "steps" : "vector clocks") need every event): filters apply to .svg, .mmd, .md and .txt"
                )
            }
        }
        if options.theme != nil || options.title != nil, ![.svg, .html, .mermaid].contains(format) {
            throw CommandError("theme= and title= apply to .svg, .html and .mmd files, not to .\(format.rawValue)")
        }
    }

    /// The format a path asks for, by its extension (any case).
    static func format(of path: String) throws(CommandError) -> Format {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else {
            throw CommandError("export needs a file name with an extension, not \"\(path)\": the format follows it; allowed: \(allowed)")
        }
        let ext = String(name[name.index(after: dot)...]).lowercased()
        guard let format = Format(rawValue: ext) else {
            throw CommandError("cannot export to \"\(path)\": .\(ext) is not a format replab writes; allowed: \(allowed)")
        }
        return format
    }

    /// Everything an export draws on.
    struct Input {
        let sim: Simulation
        let script: [String]
        let seed: UInt64
        let anomalies: [Anomaly]
        let anomalyNote: String?
        var options = ExportOptions()
    }

    static func render(_ what: String, _ format: Format, _ input: Input) throws(CommandError) -> String {
        let sim = input.sim
        switch (what, format) {
        case ("topology", .mermaid):
            return Views.topologyMermaid(sim, title: input.options.title, theme: input.options.theme) + "\n"
        case ("topology", .text): return Views.topology(sim, style: .file) + "\n"
        case ("topology", .markdown):
            return "# replab topology\n\n" + clusterLine(input) + "\n\n" + block("mermaid", Views.topologyMermaid(sim)) + "\n"
        case ("topology", .json): return topologyJSON(sim).text + "\n"
        case ("timeline", .mermaid): return timelineMermaid(input) + "\n"
        case ("timeline", .text):
            return Views.timeline(
                sim, last: nil, style: .file, anomalies: input.anomalies, anomalyNote: input.anomalyNote, filter: input.options.filter)
                + "\n"
        case ("timeline", .svg):
            let scene = TimelineScene.build(sim, filter: input.options.filter, anomalies: input.anomalies)
            return SVGTimeline.render(scene, theme: input.options.theme ?? .light, title: input.options.title)
        case ("timeline", .shiviz): return ShiViz.render(sim)
        case ("session", .html): return SessionHTML.render(input)
        case ("timeline", .html):
            throw CommandError(
                "the HTML page is the whole session: export session FILE.html (export timeline FILE.svg for the diagram alone)")
        case ("session", .svg), ("session", .shiviz):
            throw CommandError(
                "export timeline FILE.\(format.rawValue) draws the timeline; a whole session is export session FILE.html or FILE.md")
        case (_, .svg), (_, .shiviz), (_, .html):
            throw CommandError(
                "only the timeline has a .\(format.rawValue) form (export timeline FILE.svg or FILE.shiviz, export session FILE.html); \(what) exports to .mmd, .md, .txt or .json"
            )
        case ("timeline", .markdown):
            return "# replab timeline\n\n" + clusterLine(input) + "\n\n" + block("mermaid", timelineMermaid(input)) + "\n"
        case ("timeline", .json), ("session", .json):
            return TraceJSON.render(sim, script: input.script, seed: input.seed, anomalies: input.anomalies)
        case ("state", .mermaid):
            throw CommandError("the state is a table and has no Mermaid form: export state FILE.md, FILE.txt or FILE.json")
        case ("state", .text): return Views.state(sim, key: nil, style: .file) + "\n"
        case ("state", .markdown): return "# replab state\n\n" + clusterLine(input) + "\n\n" + stateMarkdown(sim) + "\n"
        case ("state", .json): return Views.stateJSON(sim, key: nil).text + "\n"
        case ("session", .mermaid):
            throw CommandError(
                "a session is more than one diagram: export session FILE.md (Markdown with Mermaid blocks), FILE.txt or FILE.json, or export topology|timeline FILE.mmd"
            )
        case ("session", .text): return sessionText(input)
        case ("session", .markdown): return sessionMarkdown(input)
        default:
            throw CommandError("cannot export \"\(what)\"; allowed: topology, timeline, state, session")
        }
    }

    static func timelineMermaid(_ input: Input) -> String {
        Views.timelineMermaid(
            input.sim, last: nil, anomalies: input.anomalies, anomalyNote: input.anomalyNote, filter: input.options.filter,
            theme: input.options.theme, title: input.options.title)
    }

    static func clusterLine(_ input: Input) -> String {
        "**Cluster:** `\(input.sim.model.summary)` · time t\(input.sim.now) · step \(input.sim.step) · seed \(input.seed)"
    }

    /// A fenced block whose fence is longer than any run of backticks inside it.
    static func block(_ language: String, _ text: String) -> String {
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
    static func scriptText(_ input: Input) -> String {
        var lines: [String] = []
        if input.seed != 0 && !input.script.contains(where: { $0.hasPrefix("seed ") }) { lines.append("seed \(input.seed)") }
        lines += input.script
        return lines.isEmpty ? "# (no commands yet)" : lines.joined(separator: "\n")
    }

    static func sessionMarkdown(_ input: Input) -> String {
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

    static func sessionText(_ input: Input) -> String {
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
    static func stateMarkdown(_ sim: Simulation) -> String {
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

    static func topologyJSON(_ sim: Simulation) -> JSON {
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
