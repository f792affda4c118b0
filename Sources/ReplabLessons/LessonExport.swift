import ReplabCommands

/// `replab lesson NAME --export DIR`: each step's timeline and topology, named so they sort in
/// step order (`03-timeline.mmd`, `03-topology.mmd`), and the whole lesson as a Markdown report
/// (`report.md`). The files are returned as text; the executable writes them.
public enum LessonExport {
    public struct File: Sendable, Equatable {
        /// The file name inside the export folder.
        public var name: String
        public var text: String
    }

    /// A view as exported: Mermaid when replab can draw it so, ASCII otherwise.
    public struct View: Sendable, Equatable {
        public enum Format: Sendable, Equatable {
            case mermaid, ascii

            var fileExtension: String { self == .mermaid ? "mmd" : "txt" }
            var fenceLanguage: String { self == .mermaid ? "mermaid" : "text" }
        }

        public var format: Format
        public var text: String
    }

    // ─────────────────────────────────────────────────────────────────────────────────────────
    // THE MERMAID HOOK. The one place export asks replab for Mermaid. It runs
    // `show timeline mermaid` / `show topology mermaid` through the session (on a copy); while
    // those are refused (Mermaid rendering is being built), it falls back to the ASCII view
    // (`show timeline` / `show topology`), written as `.txt` and shown as a text block. Once the
    // Mermaid commands exist, export writes `.mmd` files and ```mermaid blocks with no change here.
    // ─────────────────────────────────────────────────────────────────────────────────────────
    public static func render(_ view: String, of world: LessonWorld) -> View? {
        let mermaid = world.look("show \(view) mermaid")
        if mermaid.ok, !mermaid.output.isEmpty { return View(format: .mermaid, text: mermaid.output) }
        let ascii = world.look("show \(view)")
        if ascii.ok, !ascii.output.isEmpty { return View(format: .ascii, text: ascii.output) }
        return nil
    }

    /// Plays the lesson through and returns the files to write, and the failures met on the way.
    public static func files(for lesson: Lesson, seed: UInt64 = 0, files: FileAccess? = nil) -> (files: [File], failures: [StepFailure]) {
        var runner = LessonRunner(lesson: lesson, seed: seed, files: files)
        let digits = max(2, String(lesson.steps.count).count)
        var out: [File] = []
        var report = [
            "# \(lesson.heading)", "", markdown(lesson.summary),
        ]
        if !lesson.prerequisites.isEmpty { report += ["", "## Before you start", "", markdown(lesson.prerequisites)] }
        while runner.phase != .finished {
            let index = runner.stepIndex
            let step = lesson.steps[index]
            let number = String(index + 1)
            let prefix = String(repeating: "0", count: max(0, digits - number.count)) + number
            report += ["", "## Step \(index + 1): \(step.title)", "", markdown(step.narration)]
            if let prediction = step.prediction {
                report += ["", "> **Predict:** \(prediction.question)"]
                for (choice, text) in prediction.choices.enumerated() { report.append(">\n> \(Prediction.letter(choice))) \(text)") }
            }
            _ = runner.runStep(guided: false)
            report += ["", "```text", runner.lastTranscript, "```"]
            if let prediction = step.prediction { report += ["", "**Reveal:** " + prediction.reveal] }
            let failures = runner.failures.filter { $0.step == index + 1 }
            report.append("")
            for claim in step.claims {
                let failed = failures.first { $0.subject == .claim(claim.text) }
                report.append(failed.map { "- ✗ `\(claim.text)`: \($0.actual)" } ?? "- ✓ `\(claim.text)`")
            }
            for failure in failures {
                if case .command(let command) = failure.subject { report.append("- ✗ `\(command)` was refused: \(failure.actual)") }
            }
            for name in ["timeline", "topology"] {
                guard let view = render(name, of: runner.world) else { continue }
                out.append(File(name: "\(prefix)-\(name).\(view.format.fileExtension)", text: view.text + "\n"))
                let block = ["```\(view.format.fenceLanguage)", view.text, "```"]
                if name == "timeline" {
                    report += ["", "**Timeline after step \(index + 1)**", ""] + block
                } else {
                    // The topology changes rarely: folded away, one click to open.
                    report += ["", "<details><summary>Topology after step \(index + 1)</summary>", ""] + block + ["", "</details>"]
                }
            }
            _ = runner.moveOn()
        }
        for section in lesson.closing { report += ["", "## \(section.heading)", "", markdown(section.blocks)] }
        out.append(File(name: "report.md", text: report.joined(separator: "\n") + "\n"))
        return (out, runner.failures)
    }

    /// Narration back as Markdown (paragraphs unwrapped, as GitHub reflows them anyway).
    static func markdown(_ blocks: [Block]) -> String {
        var out: [String] = []
        var previousWasItem = false
        for block in blocks {
            switch block {
            case .paragraph(let text):
                if !out.isEmpty { out.append("") }
                out.append(text)
                previousWasItem = false
            case .item(let marker, let text):
                if !out.isEmpty && !previousWasItem { out.append("") }
                out.append("\(marker) \(text)")
                previousWasItem = true
            case .verbatim(let lines):
                if !out.isEmpty { out.append("") }
                out += ["```text"] + lines + ["```"]
                previousWasItem = false
            }
        }
        return out.joined(separator: "\n")
    }
}
