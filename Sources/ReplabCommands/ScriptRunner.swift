import ReplabRender

/// Plays `.replab` scripts line by line and says what to print: the transcript (each command
/// after a `replab>` prompt, then its output) or, in JSON mode, one object per command.
///
/// Text mode stops at the first error (like a script should); JSON mode reports the error in
/// that command's object and goes on, so a program driving replab through a pipe keeps its
/// session. Either way the exit status is 1 if any command failed.
public struct ScriptRunner {
    public private(set) var session: Session
    public let json: Bool
    public private(set) var failed = false
    public private(set) var stopped = false

    public init(seed: UInt64, json: Bool, files: FileAccess? = LocalFiles(), style: ViewStyle = .standard) {
        session = Session(seed: seed, files: files, style: style)
        self.json = json
    }

    /// Runs one line of `file` (line numbers from 1) and returns the text to print, ending in a
    /// newline, or "" for nothing.
    public mutating func feed(_ line: String, file: String, lineNumber: Int) -> String {
        guard !stopped else { return "" }
        let trimmed = line.trimmingWhitespace
        if trimmed.isEmpty { return "" }
        // The echo is the script's own text: control characters in it are shown as their codes.
        if trimmed.hasPrefix("#") { return json ? "" : TerminalText.escaped(trimmed) + "\n" }
        var result = session.execute(line)
        if json {
            if !result.ok { failed = true }
            if result.quit { stopped = true }
            if let error = result.error { result.error = "\(file):\(lineNumber): \(error)" }
            return result.json.text + "\n"
        }
        var out = "replab> \(TerminalText.escaped(trimmed))\n"
        if !result.output.isEmpty { out += result.output + "\n" }
        if let error = result.error {
            out += fitToWidth("error: \(file):\(lineNumber): \(error)", width: session.style.width) + "\n"
            failed = true
            stopped = true
        }
        if result.quit { stopped = true }
        return out
    }
}
