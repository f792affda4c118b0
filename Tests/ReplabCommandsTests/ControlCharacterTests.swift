import Foundation
import Testing

@testable import ReplabCommands
@testable import ReplabRender

/// Text from files, scripts and values reaches the terminal as text: control characters as codes.
@Suite struct ControlCharacterTests {
    /// Sets the window title, clears the screen and writes the clipboard (OSC 52), in one line.
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}]52;c;ZWNobyBoaQ==\u{07}\u{9B}31m\r\u{7F}"
    static let shown = #"\u001B]0;pwned\u0007\u001B[2J\u001B]52;c;ZWNobyBoaQ==\u0007\u009B31m\u000D\u007F"#

    @Test func controlCharactersAreShownAsTheirCodes() {
        #expect(TerminalText.escaped(Self.hostile) == Self.shown)
        #expect(TerminalText.escaped("a\tb\nc é 日本") == "a\tb\nc é 日本")
        #expect(TerminalText.escaped("\u{00}\u{1F}\u{80}\u{9F}") == #"\u0000\u001F\u0080\u009F"#)
    }

    @Test func onlyReplabsOwnColourCodesPass() {
        let coloured = "\u{1B}[32mok\u{1B}[0m \u{1B}[1;31mlost\u{1B}[0m"
        #expect(TerminalText.escaped(coloured, keepingColour: true) == coloured)
        #expect(TerminalText.escaped(coloured, keepingColour: false) == #"\u001B[32mok\u001B[0m \u001B[1;31mlost\u001B[0m"#)
        // Not one of replab's tones: shown as text even with colour on.
        #expect(TerminalText.escaped("\u{1B}[2J\u{1B}[38;5;1m", keepingColour: true) == #"\u001B[2J\u001B[38;5;1m"#)
        #expect(TerminalText.escaped(Self.hostile, keepingColour: true) == Self.shown)
    }

    /// Untrusted text in a styled line is escaped before it is coloured.
    @Test func aStyledLineEscapesItsTextBeforeColouringIt() {
        let line = StyledLine("x=\u{1B}]0;t\u{07}", .ok)
        #expect(line.render(ViewStyle(color: true)) == "\u{1B}[32mx=\\u001B]0;t\\u0007\u{1B}[0m")
        #expect(line.render(ViewStyle(color: false)) == "x=\\u001B]0;t\\u0007")
    }

    @Test func aScriptLineIsEchoedAsText() {
        var runner = ScriptRunner(seed: 0, json: false, files: nil, style: ViewStyle(color: true))
        #expect(runner.feed("# title \(Self.hostile)", file: "s.replab", lineNumber: 1) == "# title \(Self.shown)\n")
        let out = runner.feed("put x \"\u{1B}]0;pwned\u{07}\"", file: "s.replab", lineNumber: 2)
        #expect(
            out
                == "replab> put x \"\\u001B]0;pwned\\u0007\"\nerror: s.replab:2: unexpected control character U+001B at column 8; commands are\n     plain text\n"
        )
    }

    @Test func jsonEscapesControlCharactersAsJSONDoes() {
        var runner = ScriptRunner(seed: 0, json: true, files: nil)
        let out = runner.feed("put x \(Self.hostile)", file: "s.replab", lineNumber: 1)
        #expect(out.hasPrefix(#"{"command":"put x \u001b]0;pwned\u0007\u001b[2J\u001b]52;c;ZWNobyBoaQ==\u0007\u009b31m"#))
        #expect(!out.unicodeScalars.dropLast().contains(where: TerminalText.isControl))
    }

    /// A value holds no control character but newline and tab, and views show those as \n and \t.
    @Test func valuesReachViewsAsText() {
        var session = Session()
        _ = session.execute("cluster leaderless")
        #expect(session.execute("put x \"a\u{1B}b\"").error == "unexpected control character U+001B at column 9; commands are plain text")
        #expect(session.execute("put x \"line\\none\\ttab\"").ok)
        _ = session.execute("run")
        let state = session.execute("show state x").output
        #expect(state.contains(#""line\none\ttab""#))
        #expect(!state.unicodeScalars.contains(where: { TerminalText.isControl($0) || $0 == "\t" }))
    }

    /// The executable, coloured: a script's hostile comment and command reach the terminal as
    /// text, and the only escape sequences in the output are replab's colours.
    @Test func theExecutablePrintsNoForeignEscapeSequence() throws {
        let folder = NSTemporaryDirectory() + "/replab-control-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/s.replab"
        try "# \(Self.hostile)\ncluster leaderless\nput x 1\nrun\nput y \(Self.hostile)\n".write(
            toFile: script, atomically: false, encoding: .utf8)
        let (status, output) = try runReplab(["run", "--color", "always", script])
        #expect(status == 1)
        #expect(output.contains("# \(Self.shown)"))
        #expect(output.contains("replab> put y \(Self.shown)"))
        #expect(TerminalText.escaped(output, keepingColour: true) == output)
        #expect(output.contains("\u{1B}[32m"))
        // Standard input, piped: the same.
        let (_, piped) = try runReplab(["run", "-"], input: "# \(Self.hostile)\n")
        #expect(piped == "# \(Self.shown)\n")
    }
}
