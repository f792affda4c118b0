import Foundation
import Testing

@testable import ReplabCommands
@testable import ReplabRender

/// The view corpus: every script in `Tests/corpus/` is played in Unicode and in ASCII at 80
/// columns, and every view of it is compared with its golden file in `Tests/corpus/golden/`:
///
/// - `NAME.unicode.txt`, `NAME.ascii.txt`: the transcript, then the final topology, timeline,
///   state and check;
/// - `NAME.topology.mmd`, `NAME.timeline.mmd`: the final Mermaid diagrams, and
///   `NAME.L<line>.mmd` for each `show … mermaid` in the script;
/// - `NAME.md`: `export session NAME.md`.
///
/// Adding a scenario is adding one `.replab` file (then `RECORD_GOLDEN=1 swift test --filter
/// Corpus` writes its golden files). `make test` runs `mermaid-check` over every `.mmd` here.
@Suite struct CorpusTests {
    static var corpusFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("corpus")
    }
    static var goldenFolder: URL { corpusFolder.appendingPathComponent("golden") }

    static let scripts: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpusFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".replab") }.sorted()
    }()

    static let finalViews = ["show topology", "show timeline", "show state", "check"]

    /// Plays a script; returns the session, the transcript and the Mermaid outputs by name.
    static func play(
        _ script: String, style: ViewStyle, files: MemoryFiles = MemoryFiles(), detail: Detail = .full
    ) throws -> (Session, String, [(String, String)]) {
        let text = try String(contentsOf: corpusFolder.appendingPathComponent(script), encoding: .utf8)
        let name = script.replacingOccurrences(of: ".replab", with: "")
        var session = Session(seed: 0, files: files, style: style)
        session.detail = detail
        var out = ""
        var mermaid: [(String, String)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") {
                out += trimmed + "\n"
                continue
            }
            let result = session.execute(String(line))
            out += "replab> \(trimmed)\n" + (result.text.isEmpty ? "" : result.text + "\n")
            #expect(result.ok, "\(script):\(index + 1): \(result.error ?? "")")
            if trimmed.hasPrefix("show ") && trimmed.contains("mermaid") { mermaid.append(("\(name).L\(index + 1).mmd", result.output)) }
        }
        out += "\n# final views\n"
        for view in finalViews {
            out += "replab> \(view)\n" + session.execute(view).text + "\n"
        }
        mermaid.append(("\(name).topology.mmd", session.execute("show topology mermaid").output))
        mermaid.append(("\(name).timeline.mmd", session.execute("show timeline mermaid").output))
        return (session, out, mermaid)
    }

    @Test func theCorpusIsThere() {
        #expect(Self.scripts.count >= 10)
    }

    @Test(arguments: scripts) func views(_ script: String) throws {
        let name = script.replacingOccurrences(of: ".replab", with: "")
        let (_, unicode, mermaid) = try Self.play(script, style: ViewStyle(unicode: true, width: 80))
        let (_, ascii, mermaidAgain) = try Self.play(script, style: ViewStyle(unicode: false, width: 80))
        try assertGolden(unicode, "\(name).unicode.txt", folder: Self.goldenFolder)
        try assertGolden(ascii, "\(name).ascii.txt", folder: Self.goldenFolder)
        // Mermaid does not depend on the terminal style.
        #expect(mermaid.map(\.1) == mermaidAgain.map(\.1))
        for (file, text) in mermaid { try assertGolden(text + "\n", file, folder: Self.goldenFolder) }
    }

    /// The same scripts in brief detail (`set detail brief`), at 80 columns: what a class sees.
    @Test(arguments: scripts) func brief(_ script: String) throws {
        let name = script.replacingOccurrences(of: ".replab", with: "")
        let (_, transcript, _) = try Self.play(script, style: ViewStyle(unicode: true, width: 80), detail: .brief)
        try assertGolden(transcript, "\(name).brief.txt", folder: Self.goldenFolder)
        // Every line within 80 columns, but script comments and Mermaid text (pasted elsewhere).
        var inMermaid = false
        for line in transcript.split(separator: "\n") {
            if line.hasPrefix("replab> ") { inMermaid = line.contains("mermaid") }
            if inMermaid || line.hasPrefix("#") { continue }
            #expect(displayWidth(String(line)) <= 80, "\(name): \(line)")
        }
    }

    @Test(arguments: scripts) func sessionReport(_ script: String) throws {
        let name = script.replacingOccurrences(of: ".replab", with: "")
        let files = MemoryFiles()
        var (session, _, mermaid) = try Self.play(script, style: .standard, files: files)
        #expect(session.execute("export session /r/\(name).md").ok)
        let report = files.files["/r/\(name).md"] ?? ""
        try assertGolden(report, "\(name).md", folder: Self.goldenFolder)
        // The Mermaid blocks of the report are exactly what show … mermaid prints.
        let blocks = mermaidBlocks(report)
        let finals = mermaid.suffix(2).map(\.1)
        #expect(blocks == finals)
    }

    @Test(arguments: scripts) func everyLineFitsEightyColumns(_ script: String) throws {
        for unicode in [true, false] {
            let (_, transcript, _) = try Self.play(script, style: ViewStyle(unicode: unicode, width: 80))
            let finals = transcript.components(separatedBy: "\n# final views\n").last ?? ""
            for line in finals.split(separator: "\n") {
                #expect(displayWidth(String(line)) <= 80, "\(script) (\(unicode ? "unicode" : "ascii")): \(line)")
            }
            if !unicode {
                for line in finals.split(separator: "\n") where !script.hasPrefix("escaping") {
                    #expect(line.unicodeScalars.allSatisfy { $0.isASCII }, "\(script): not ASCII: \(line)")
                }
            }
        }
    }

    @Test(arguments: scripts) func colourChangesNothingButColour(_ script: String) throws {
        let (_, plain, _) = try Self.play(script, style: ViewStyle(color: false, unicode: true, width: 80))
        let (_, coloured, _) = try Self.play(script, style: ViewStyle(color: true, unicode: true, width: 80))
        #expect(stripANSI(coloured) == plain)
    }
}

/// The ```` ```mermaid ```` blocks of a Markdown text.
func mermaidBlocks(_ markdown: String) -> [String] {
    var blocks: [String] = []
    var current: [String]? = nil
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if current == nil {
            if line == "```mermaid" { current = [] }
        } else if line == "```" {
            blocks.append(current!.joined(separator: "\n"))
            current = nil
        } else {
            current!.append(String(line))
        }
    }
    return blocks
}

/// Removes ANSI SGR escapes.
func stripANSI(_ text: String) -> String {
    var out = ""
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
        if scalar == "\u{1B}" {
            while let next = scalars.next(), next != "m" {}
            continue
        }
        out.unicodeScalars.append(scalar)
    }
    return out
}

/// Files in memory, for export tests.
final class MemoryFiles: FileAccess, @unchecked Sendable {
    var files: [String: String] = [:]
    let lock = NSLock()

    func read(_ path: String) throws(CommandError) -> String {
        lock.lock()
        defer { lock.unlock() }
        guard let text = files[path] else { throw CommandError("cannot read \(path): no such file or folder") }
        return text
    }

    func write(_ text: String, to path: String) throws(CommandError) {
        lock.lock()
        defer { lock.unlock() }
        files[path] = text
    }
}
