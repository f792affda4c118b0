// replab-fuzz: a grammar-based fuzzer of replab's command language, run in-process.
//
//   replab-fuzz [--seconds S] [--seed N] [--failures FILE] [--hang-seconds H] [--sample N]
//
// Sessions of command lines drawn from the grammar (Grammar.swift) go through ScriptRunner in
// JSON mode, as `replab run --json -` plays them. Every line is checked: no crash, no hang
// (a watchdog ends the run when one command takes more than H seconds), exactly one JSON object
// per command line (none for a blank or comment line), an error on every failed command, no raw
// control character in the output, and a failed command leaves the session exactly as it was
// (show state, messages, show history, the timeline's end, the save log and the seed). Also: one
// undo takes a state-changing command back exactly (tried on a copy), and a replayed session
// prints the same bytes.
//
// The lines of the session being played are written to FILE.running first, so a crash leaves
// them behind; a failed check writes the session's lines and what failed to FILE and exits 1
// (a hang exits 3 after moving FILE.running to FILE). Replay a kept session with
// `replab run --json - < FILE` (with the file `s.replab` its first comment shows, which the
// session may load). The same seed draws the same lines.
import Foundation
import ReplabCommands
import ReplabKernel
import ReplabRender
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var seconds = 60.0
    var seed: UInt64? = nil
    var failures = "fuzz-failures.replab"
    var hangSeconds = 60
    var linesPerSession = 80
    /// Print this many drawn lines and stop (to see what the grammar makes).
    var sample = 0

    init(_ arguments: [String]) {
        var words = arguments.makeIterator()
        while let word = words.next() {
            let value = words.next() ?? ""
            switch word {
            case "--seconds": seconds = Double(value) ?? seconds
            case "--seed": seed = UInt64(value)
            case "--failures": failures = value
            case "--hang-seconds": hangSeconds = Int(value) ?? hangSeconds
            case "--lines-per-session": linesPerSession = max(1, Int(value) ?? linesPerSession)
            case "--sample": sample = Int(value) ?? 0
            default:
                FileHandle.standardError.write(Data("replab-fuzz: unknown option \(word)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Files in memory: `save`, `load` and `export` work, and the fuzzer never writes to the disk
/// where a drawn name points.
final class MemoryFiles: FileAccess {
    let files = Mutex<[String: String]>([:])

    func read(_ path: String) throws(CommandError) -> String {
        guard let text = files.withLock({ $0[path] }) else { throw CommandError("cannot read \(path): no such file or folder") }
        return text
    }

    func write(_ text: String, to path: String) throws(CommandError) {
        guard !path.isEmpty else { throw CommandError("cannot write a file with an empty name") }
        files.withLock { $0[path] = text }
    }
}

/// The session's state as a person can see it: what a failed command must leave alone.
func fingerprint(_ session: Session) -> String {
    var copy = session
    let views = ["show state", "messages", "show history", "show timeline last=6"].map { line -> String in
        let result = copy.execute(line)
        return result.text
    }
    return views.joined(separator: "\n") + "\nlog: " + session.log.joined(separator: "\n") + "\nseed: \(session.seed)"
}

/// What is wrong with one command's output, or nil.
func check(line: String, output: String, runner: ScriptRunner, before: String) -> String? {
    // Blank as replab reads it: spaces, tabs, CR and LF only (a zero-width space is a character).
    let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r\n"))
    let silent = trimmed.isEmpty || trimmed.hasPrefix("#")
    if silent { return output.isEmpty ? nil : "a blank or comment line printed \(output.debugDescription)" }
    guard output.hasSuffix("\n"), output.filter({ $0 == "\n" }).count == 1 else {
        return "expected exactly one line of JSON, got \(output.prefix(300).debugDescription)"
    }
    if output.unicodeScalars.dropLast().contains(where: { TerminalText.isControl($0) }) {
        return "raw control character in the output \(output.prefix(300).debugDescription)"
    }
    guard let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
        return "the output is not one JSON object: \(output.prefix(300).debugDescription)"
    }
    guard let ok = object["ok"] as? Bool, object["command"] is String else { return "no \"ok\" or \"command\" in \(output.prefix(300))" }
    if !ok {
        guard let error = object["error"] as? String, !error.isEmpty else { return "a failed command without an error message" }
        let after = fingerprint(runner.session)
        if after != before {
            return "a failed command changed the session (error: \(error))\n--- before\n\(before)\n--- after\n\(after)"
        }
    } else if object["error"] != nil {
        return "a command that succeeded has an error"
    }
    return nil
}

func writeBytes(_ lines: [[UInt8]], header: String, to path: String) {
    var data = Data(header.utf8)
    for line in lines { data.append(contentsOf: line + [0x0A]) }
    try? data.write(to: URL(fileURLWithPath: path))
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let seed = options.seed ?? UInt64.random(in: 0...UInt64.max)
let running = options.failures + ".running"
let hangNanoseconds = UInt64(options.hangSeconds) * 1_000_000_000
print("replab-fuzz: seed \(seed), \(options.seconds) s (replay with --seed \(seed)); failures go to \(options.failures)")
fflush(nil)

// The watchdog: a command that runs longer than --hang-seconds is a hang.
Thread.detachNewThread { [running, options, hangNanoseconds] in
    while true {
        sleep(1)
        let started = commandStarted.load(ordering: .relaxed)
        if started != 0, monotonicNanoseconds() - started > hangNanoseconds {
            rename(running, options.failures)
            print("replab-fuzz: HANG: a command ran more than \(options.hangSeconds) s; its session is in \(options.failures)")
            fflush(nil)
            exit(3)
        }
    }
}

let grammar = Grammar()
var draw = Draw(prng: SplitMix64(seed: seed))
if options.sample > 0 {
    for _ in 0..<options.sample { print(String(decoding: grammar.line(&draw), as: UTF8.self).prefix(200).debugDescription) }
    exit(0)
}
let deadline = monotonicNanoseconds() + UInt64(options.seconds * 1_000_000_000)
var lineCount = 0
var sessionCount = 0
while monotonicNanoseconds() < deadline {
    sessionCount += 1
    // Most sessions start with a valid cluster, so the commands after it have something to act on.
    var lines: [[UInt8]] = []
    if draw.chance(85) {
        let form = draw.pick(grammar.forms.filter { $0.name == "cluster" })
        var tokens: [String] = []
        grammar.expand(form.items, &draw, into: &tokens)
        lines.append(Array(tokens.joined(separator: " ").utf8))
    }
    while lines.count < options.linesPerSession { lines.append(grammar.line(&draw)) }
    let sessionSeed = draw.prng.next() % 1000
    // A script to load, drawn like the rest (so load runs broken lines too, and may load itself).
    let script = (0..<10).map { _ in String(decoding: grammar.line(&draw), as: UTF8.self) }.joined(separator: "\n")
    let preamble = "# s.replab holds \(script.debugDescription)\nseed \(sessionSeed)\n"
    writeBytes(lines, header: preamble, to: running)
    let files = MemoryFiles()
    files.files.withLock { $0["s.replab"] = script }
    var runner = ScriptRunner(seed: 0, json: true, files: files)
    _ = runner.feed("seed \(sessionSeed)", file: "fuzz", lineNumber: 0)
    var before = fingerprint(runner.session)
    var transcript: [String] = []
    for (index, bytes) in lines.enumerated() {
        // As the executable reads a line: invalid UTF-8 becomes U+FFFD.
        let line = String(decoding: bytes, as: UTF8.self)
        let logCount = runner.session.log.count
        commandStarted.store(monotonicNanoseconds(), ordering: .relaxed)
        let output = runner.feed(line, file: "fuzz", lineNumber: index + 1)
        commandStarted.store(0, ordering: .relaxed)
        lineCount += 1
        transcript.append(output)
        var failure = check(line: line, output: output, runner: runner, before: before)
        // A command that changed the session is taken back whole by one undo (tried on a copy).
        if failure == nil, runner.session.log.count > logCount, draw.chance(20) {
            var copy = runner.session
            let undo = copy.execute("undo")
            if !undo.ok || fingerprint(copy) != before {
                failure = "undo after it did not restore the session (\(undo.error ?? "undo ran"))"
            }
        }
        // The same lines and seed print the same bytes: replayed for one session in eight.
        if failure == nil, index == lines.count - 1 || runner.stopped, sessionCount % 8 == 0 {
            let replayFiles = MemoryFiles()
            replayFiles.files.withLock { $0["s.replab"] = script }
            var replay = ScriptRunner(seed: 0, json: true, files: replayFiles)
            _ = replay.feed("seed \(sessionSeed)", file: "fuzz", lineNumber: 0)
            let again = lines[...index].enumerated().map { number, bytes in
                replay.feed(String(decoding: bytes, as: UTF8.self), file: "fuzz", lineNumber: number + 1)
            }
            if let at = again.indices.first(where: { again[$0] != transcript[$0] }) {
                failure = "replayed with the same seed, line \(at + 1) printed something else: \(again[at].prefix(300).debugDescription)"
            }
        }
        if let failure {
            let header =
                "# replab-fuzz seed \(seed), session \(sessionCount), line \(index + 1): " + failure.split(separator: "\n").first! + "\n"
            writeBytes(Array(lines[...index]), header: header + preamble, to: options.failures)
            unlink(running)
            print("replab-fuzz: FAILED at line \(index + 1) of session \(sessionCount): \(failure)")
            print("replab-fuzz: the session's lines are in \(options.failures)")
            exit(1)
        }
        if runner.stopped { break }  // quit
        before = fingerprint(runner.session)
    }
}
unlink(running)
print("replab-fuzz: \(lineCount) lines in \(sessionCount) sessions, no failure")
