import ArgumentParser
import ReplabCommands
import ReplabLessons
import ReplabRender
import ReplabTerminal

#if canImport(Glibc)
    import Glibc
#endif

/// The thin executable: command-line parsing and the edge where text meets the terminal.
@main
struct Replab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replab",
        abstract: "A teaching REPL and visualizer for data replication.",
        discussion: "With no subcommand, replab opens its interactive prompt (type help there).",
        version: About.version,
        subcommands: [Interactive.self, RunScripts.self, ListLessons.self, RunLesson.self, PBS.self],
        defaultSubcommand: Interactive.self)
}

/// Writes text to standard output at once (JSON mode promises a flush per line). Every control
/// character is shown as its code (`TerminalText`); with `colour`, replab's own colour codes pass.
func emit(_ text: String, colour: Bool = false) {
    guard !text.isEmpty else { return }
    print(TerminalText.escaped(text, keepingColour: colour), terminator: "")
    fflush(nil)
}

struct Interactive: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl", abstract: "Open the interactive prompt (the default).")

    @Option(help: "The seed of every random choice.") var seed: UInt64 = 0
    @Option(help: "The folder of guided lessons (default: Lessons/ here or above the executable).") var lessonsDir: String?
    @Option(help: "Colour: auto (when standard output is a terminal and NO_COLOR is unset), always or never.")
    var color: ColorChoice = .auto
    @Flag(help: "Draw views with ASCII characters only.") var ascii = false

    func run() throws {
        let folder = lessonsDir
        let style = TTY.style(color: color, ascii: ascii, environment: environment())
        var session = Session(seed: seed, files: LocalFiles(), style: style)
        session.exploreHooks = ExploreTerminal.hooks()
        var shell = LessonShell(
            session: session, seed: seed, files: LocalFiles(),
            catalog: { LessonFolder.catalog(LessonFolder.locate(explicit: folder)) })
        shell.style = style
        var host = SessionHost(shell: shell)
        // A person at a terminal is told where to start; piped output stays a clean transcript.
        if Terminal.isInteractive() { emit(About.banner + "\n") }
        REPLLoop.run(&host, historyPath: HistoryPath.resolve(environment: environment()))
    }
}

/// The prompt's lines go through the lesson shell: `lessons`, `lesson NAME` and, while a lesson
/// runs, its steering words are answered there; everything else reaches the session.
struct SessionHost: REPLHost {
    var shell: LessonShell
    var prompt: String { TerminalText.escaped(shell.prompt) }

    mutating func handle(line: String) -> (output: String, quit: Bool) {
        // The terminal may have been resized since the last command.
        if let columns = TTY.columns {
            var style = shell.style
            style.width = max(ViewStyle.minimumWidth, columns)
            shell.style = style
        }
        let (text, quit) = shell.handle(line)
        // Views fit the width already; errors, lesson listings and notices are fitted here.
        // Mermaid text is pasted elsewhere, so it is left exactly as made. The prompt's output
        // reaches the terminal as text: control characters as their codes.
        let fitted = isMermaid(text) ? text : fitToWidth(text, width: shell.style.width)
        return (TerminalText.escaped(fitted, keepingColour: shell.style.color), quit)
    }

    func completions(line: String, word: String) -> [String] {
        shell.completions(line: line, word: word)
    }
}

func printError(_ text: String) {
    fflush(nil)
    let bytes = Array((TerminalText.escaped(text) + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func environment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let eq = text.firstIndex(of: "=") { result[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
        pointer += 1
    }
    return result
}

struct RunScripts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Play .replab scripts and print the transcript.",
        discussion: """
            Each FILE is played in order in one session; - reads standard input line by line, so a
            program can drive replab through a pipe. Text mode stops at the first error, naming the
            file and line; --json prints one JSON object per command (flushed at once) and goes on
            after errors. The exit status is 1 if any command failed.
            """)

    @Argument(help: "Script files (.replab); - for standard input.") var files: [String]
    @Option(
        help: "The seed of every random choice (decimal or 0x hex).",
        transform: { text in
            let value = text.lowercased().hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            guard let value else { throw ValidationError("--seed must be a whole number from 0 to 18446744073709551615, not \(text)") }
            return value
        }) var seed: UInt64 = 0
    @Flag(help: "Print one JSON object per command.") var json = false
    @Option(help: "Colour: auto (when standard output is a terminal and NO_COLOR is unset), always or never.")
    var color: ColorChoice = .auto
    @Flag(help: "Draw views with ASCII characters only.") var ascii = false

    func run() throws {
        var style = TTY.style(color: color, ascii: ascii, environment: environment())
        // JSON is for programs: no colour in its text.
        if json { style.color = false }
        var runner = ScriptRunner(seed: seed, json: json, style: style)
        let files = LocalFiles()
        for file in self.files {
            if file == "-" {
                // Lines of at most LineSplitter.maxLineBytes (longer ones are cut, and the lexer
                // refuses them): memory stays bounded whatever is piped in.
                var number = 0
                var splitter = LineSplitter()
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                reading: while true {
                    let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    var lines = count > 0 ? splitter.push(buffer[..<count]) : []
                    if count <= 0, let last = splitter.finish() { lines.append(last) }
                    for line in lines {
                        number += 1
                        emit(runner.feed(line, file: "<stdin>", lineNumber: number), colour: style.color)
                        if runner.stopped { break reading }
                    }
                    if count <= 0 { break }
                }
            } else {
                let text: String
                do {
                    text = try files.read(file)
                } catch {
                    printError("error: \(error.message)")
                    throw ExitCode(2)
                }
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    emit(runner.feed(String(line), file: file, lineNumber: index + 1), colour: style.color)
                    if runner.stopped { break }
                }
            }
            if runner.stopped { break }
        }
        if runner.failed { throw ExitCode(1) }
    }
}

struct PBS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pbs", abstract: "Probabilistically bounded staleness: how stale is eventually? (help pbs in the REPL)")

    @Flag(help: "Print the result as JSON.") var json = false
    @Option(help: "The seed of the Monte Carlo sampling.") var seed: UInt64 = 0
    @Argument(parsing: .captureForPassthrough, help: "Options as in the REPL: n=3 r=1 w=1 dist=lnkd-disk t=0,1,5 …")
    var options: [String] = []

    func run() throws {
        // Options after the first pass through untouched, so --json may come last too.
        let json = self.json || options.contains("--json")
        let words = options.filter { $0 != "--json" }
        var session = Session(seed: seed)
        let result = session.execute((["pbs"] + words.map { $0.contains(" ") ? "\"\($0)\"" : $0 }).joined(separator: " "))
        if json {
            emit(result.json.text + "\n")
        } else {
            emit(result.text + "\n")
        }
        if !result.ok { throw ExitCode(1) }
    }
}

/// Whether a command printed Mermaid text (`show topology mermaid`, …), which must not be broken.
func isMermaid(_ text: String) -> Bool {
    let first = text.prefix { $0 != "\n" }
    return ["flowchart", "sequenceDiagram", "graph", "xychart", "%%"].contains { first.hasPrefix($0) }
}
