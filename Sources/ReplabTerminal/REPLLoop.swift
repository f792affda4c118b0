import CReadline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The read–handle–print loop. It owns all terminal I/O; the host only maps lines to output.
///
/// Interactive (see `Terminal.isInteractive()`): GNU readline with the host's prompt, line
/// editing, history (`historyPath`, at most `historyLimit` entries) and Tab completion from
/// `REPLHost.completions`. Ctrl-C abandons the line being typed and shows a fresh prompt; Ctrl-D
/// on an empty line leaves; so does a line for which the host answers `quit: true`. While the host
/// handles a line, a first Ctrl-C is only recorded (see `Terminal.takeInterrupt()`) and a second
/// one ends the process (history is saved line by line, so nothing is lost but the session).
/// Lines holding several pasted lines are run one by one.
///
/// Not interactive: plain lines from standard input (see `LineSplitter`), no prompt, no history,
/// no completion; the loop ends at end of input or when the host says quit. SIGINT is left alone.
///
/// Host output is written to standard output (a final newline added if missing) and flushed
/// before the next prompt. Use from one thread: readline's state is global.
///
///     var host = MyHost()
///     REPLLoop.run(&host, historyPath: HistoryPath.resolve(environment: environment))
public enum REPLLoop {
    /// The most history entries kept, in memory and in the file.
    public static let historyLimit: Int32 = 1000

    /// Runs the REPL until the host says quit or input ends. `historyPath` is typically
    /// `HistoryPath.resolve(environment:)`; `nil` keeps history in memory only.
    public static func run<H: REPLHost>(_ host: inout H, historyPath: String?) {
        if Terminal.isInteractive() {
            runInteractive(&host, historyPath: historyPath)
        } else {
            runPlain(&host, input: STDIN_FILENO, output: FileOutput.writeOutput)
        }
    }

    /// The non-interactive loop over any file descriptor; `output` receives each host output.
    static func runPlain<H: REPLHost>(_ host: inout H, input: Int32, output: (String) -> Void) {
        var splitter = LineSplitter()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        // Runs one line; false once the host has said quit.
        func handle(_ line: String) -> Bool {
            let (text, quit) = host.handle(line: line)
            output(text)
            return !quit
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }  // End of input, or an error that reads as one.
            for line in splitter.push(buffer[..<count]) where !handle(line) {
                return
            }
        }
        if let last = splitter.finish() {
            _ = handle(last)
        }
    }

    static func runInteractive<H: REPLHost>(_ host: inout H, historyPath: String?) {
        creadline_begin_session("replab")
        defer { creadline_end_session() }
        var history = HistoryFile(path: historyPath, maxEntries: historyLimit)
        let completion = CompletionContext()
        // The C callback cannot capture anything: it gets the context back as a raw pointer,
        // valid while `completion` is alive (withExtendedLifetime below).
        creadline_set_completer(
            { line, word, context in REPLLoop.complete(line: line, word: word, context: context) },
            Unmanaged.passUnretained(completion).toOpaque())

        withExtendedLifetime(completion) {
            while true {
                // Completion sees the host as it is at this prompt (a copy: handle is mutating).
                let current = host
                completion.provider = { current.completions(line: $0, word: $1) }
                var status = CREADLINE_EOF
                let raw = creadline_read(host.prompt, &status)
                completion.provider = nil
                switch status {
                case CREADLINE_LINE:
                    guard let raw else { continue }
                    let bytes = UnsafeRawBufferPointer(start: raw, count: strlen(raw))
                    // Pasted text can hold several lines: run them one by one.
                    let lines = LineSplitter.lines(of: bytes)
                    free(raw)
                    for line in lines {
                        history.record(line)
                        // Ctrl-C from here to end_command is a request to the host (see
                        // Terminal.takeInterrupt); a second one ends the process.
                        creadline_begin_command()
                        let (text, quit) = host.handle(line: line)
                        FileOutput.writeOutput(text)
                        creadline_end_command()
                        if quit { return }
                    }
                case CREADLINE_INTERRUPTED:
                    continue  // The shim has abandoned the line and moved to a new one.
                default:
                    return  // End of input (readline 8.2 has already moved to a new line).
                }
            }
        }
    }

    /// Bridges a completion request from C: decodes the C strings, asks the provider, keeps only
    /// candidates that extend `word` (without duplicates), and returns them as a malloc'd,
    /// NULL-terminated array of strdup'd strings that the shim takes over.
    private static func complete(
        line: UnsafePointer<CChar>, word: UnsafePointer<CChar>, context: UnsafeMutableRawPointer?
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let context else { return nil }
        let completion = Unmanaged<CompletionContext>.fromOpaque(context).takeUnretainedValue()
        guard let provider = completion.provider else { return nil }
        let word = decode(word)
        let candidates = usableCandidates(provider(decode(line), word), word: word)
        guard !candidates.isEmpty else { return nil }
        let slots = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (candidates.count + 1)
        guard let memory = malloc(slots) else { return nil }
        let array = memory.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: candidates.count + 1)
        for (index, candidate) in candidates.enumerated() {
            guard let copy = strdup(candidate) else {  // Out of memory: offer nothing.
                for earlier in 0..<index { free(array[earlier]) }
                free(memory)
                return nil
            }
            array[index] = copy
        }
        array[candidates.count] = nil
        return array
    }

    /// The candidates readline may use: those whose bytes start with `word`'s, first occurrence
    /// only, in the host's order (readline sorts them for display).
    static func usableCandidates(_ candidates: [String], word: String) -> [String] {
        var seen = Set<String>()
        return candidates.filter { $0.utf8.starts(with: word.utf8) && seen.insert($0).inserted }
    }

    private static func decode(_ text: UnsafePointer<CChar>) -> String {
        String(decoding: UnsafeRawBufferPointer(start: text, count: strlen(text)), as: UTF8.self)
    }
}

/// Holds the completion provider for the line being read. Used from the REPL's thread only.
private final class CompletionContext {
    var provider: ((String, String) -> [String])?
}
