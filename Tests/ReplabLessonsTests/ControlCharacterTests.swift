import Foundation
import ReplabCommands
import ReplabRender
import Testing

@testable import ReplabLessons

/// A shared lesson file cannot drive the terminal: its prose, title and commands reach it as text.
@Suite struct LessonControlCharacterTests {
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}]52;c;ZWNobyBoaQ==\u{07}"
    static let shown = #"\u001B]0;pwned\u0007\u001B[2J\u001B]52;c;ZWNobyBoaQ==\u0007"#

    static var text: String {
        """
        # Title \(hostile)

        Summary \(hostile).

        ## Step 1: One \(hostile)

        Narration \(hostile).

        ```replab
        cluster leaderless
        put x 1
        run
        ```

        ```expect
        ok x
        ```
        """
    }

    @Test func proseTitleAndStepsAreText() throws {
        let lesson = try LessonParser.parse(Self.text, file: "t.md")
        var runner = LessonRunner(lesson: lesson)
        let pieces = runner.play().joined(separator: "\n")
        #expect(pieces.contains("Title \(Self.shown)"))
        #expect(pieces.contains("Narration \(Self.shown)."))
        #expect(pieces.contains("One \(Self.shown)"))
        #expect(!pieces.unicodeScalars.contains(where: TerminalText.isControl))
    }

    @Test func theExportedReportIsText() throws {
        let folder = NSTemporaryDirectory() + "/replab-lesson-control-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.text.write(toFile: folder + "/01-hostile.md", atomically: false, encoding: .utf8)
        let (status, output, _) = try runReplab(["lesson", folder + "/01-hostile.md", "--play", "--export", folder + "/out"])
        #expect(status == 0)
        #expect(output.contains("Narration \(Self.shown)."))
        #expect(!output.unicodeScalars.contains(where: TerminalText.isControl))
        let report = try String(contentsOfFile: folder + "/out/report.md", encoding: .utf8)
        #expect(report.contains("Narration \(Self.shown)."))
        #expect(!report.unicodeScalars.contains(where: TerminalText.isControl))
    }
}
