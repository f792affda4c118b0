import ReplabKernel
import ReplabModels
import ReplabRender

/// `export topology|timeline|state|session FILE`: which text each export is, chosen by the file's
/// extension, and the combinations refused. The texts are drawn by ReplabRender (`Views`,
/// `ExportDocuments`, `SVGTimeline`, `ShiViz`, `TraceJSON`, `SessionHTML`); the session page's
/// state tables come from a replay of the script here, since that needs a session. The session
/// writes the text through its `FileAccess` (whole or not at all).
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
            if format == .json {
                throw CommandError(
                    "export timeline FILE.json writes the whole trace (its steps and indexes need every event): filters apply to .svg, .shiviz, .mmd, .md and .txt"
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
    typealias Input = ExportDocuments.Input

    static func render(_ what: String, _ format: Format, _ input: Input) throws(CommandError) -> String {
        let sim = input.sim
        switch (what, format) {
        case ("topology", .mermaid):
            return Views.topologyMermaid(sim, title: input.options.title, theme: input.options.theme) + "\n"
        case ("topology", .text): return Views.topology(sim, style: .file) + "\n"
        case ("topology", .markdown):
            return "# replab topology\n\n" + ExportDocuments.clusterLine(input) + "\n\n"
                + ExportDocuments.block("mermaid", Views.topologyMermaid(sim)) + "\n"
        case ("topology", .json): return ExportDocuments.topologyJSON(sim).text + "\n"
        case ("timeline", .mermaid): return ExportDocuments.timelineMermaid(input) + "\n"
        case ("timeline", .text):
            return Views.timeline(
                sim, last: nil, style: .file, anomalies: input.anomalies, anomalyNote: input.anomalyNote, filter: input.options.filter)
                + "\n"
        case ("timeline", .svg):
            let scene = TimelineScene.build(sim, filter: input.options.filter, anomalies: input.anomalies)
            return SVGTimeline.render(scene, theme: input.options.theme ?? .light, title: input.options.title)
        case ("timeline", .shiviz): return ShiViz.render(sim, filter: input.options.filter)
        case ("session", .html):
            let (states, replayNote) = replayStates(input)
            return SessionHTML.render(input, states: states, replayNote: replayNote)
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
            return "# replab timeline\n\n" + ExportDocuments.clusterLine(input) + "\n\n"
                + ExportDocuments.block("mermaid", ExportDocuments.timelineMermaid(input)) + "\n"
        case ("timeline", .json), ("session", .json):
            return TraceJSON.render(sim, script: input.script, seed: input.seed, anomalies: input.anomalies)
        case ("state", .mermaid):
            throw CommandError("the state is a table and has no Mermaid form: export state FILE.md, FILE.txt or FILE.json")
        case ("state", .text): return Views.state(sim, key: nil, style: .file) + "\n"
        case ("state", .markdown):
            return "# replab state\n\n" + ExportDocuments.clusterLine(input) + "\n\n" + ExportDocuments.stateMarkdown(sim) + "\n"
        case ("state", .json): return Views.stateJSON(sim, key: nil).text + "\n"
        case ("session", .mermaid):
            throw CommandError(
                "a session is more than one diagram: export session FILE.md (Markdown with Mermaid blocks), FILE.txt or FILE.json, or export topology|timeline FILE.mmd"
            )
        case ("session", .text): return ExportDocuments.sessionText(input)
        case ("session", .markdown): return ExportDocuments.sessionMarkdown(input)
        default:
            throw CommandError("cannot export \"\(what)\"; allowed: topology, timeline, state, session")
        }
    }

    /// Replays the saved script once; returns the state table after each command, by the trace
    /// length it left (which is where that command's entries end in the final trace).
    static func replayStates(_ input: Input) -> ([Int: String], String?) {
        var session = Session(seed: 0, files: nil, style: SessionHTML.stateStyle)
        var states: [Int: String] = [:]
        var previous = 0
        for line in ExportDocuments.scriptText(input).split(separator: "\n") {
            let text = String(line)
            if text.hasPrefix("#") { continue }
            _ = session.execute(text)
            guard let sim = session.simulation else { continue }
            // A new cluster or a reset starts a new trace: earlier lengths mean other states.
            if sim.trace.count < previous { states = [:] }
            previous = sim.trace.count
            states[sim.trace.count] = Views.state(sim, key: nil, style: SessionHTML.stateStyle)
        }
        guard let replayed = session.simulation, replayed.trace.entries == input.sim.trace.entries else {
            return ([:], "the replay of the script did not reproduce the session: only the final state is shown")
        }
        return (states, nil)
    }
}
