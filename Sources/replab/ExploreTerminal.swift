import ReplabCommands
import ReplabExplore
import ReplabTerminal

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a long `explore` shows on a terminal: a progress line on standard error, rewritten in
/// place, and Ctrl-C to stop it (the answer is then reported as partial). Nothing when standard
/// input or output is not a terminal, so piped and scripted output stays byte for byte the same.
enum ExploreTerminal {
    /// The progress line is rewritten every this many expanded states.
    static let progressEvery = 8192

    static func hooks() -> ExploreHooks {
        guard Terminal.isInteractive() else { return ExploreHooks() }
        return ExploreHooks(
            progress: { progress in
                guard progress.expanded % progressEvery == 0 else { return }
                write(
                    "\r\u{1B}[Kexploring: \(progress.states) states, schedules of \(progress.depth) steps… (Ctrl-C stops)")
            },
            isCancelled: { Terminal.takeInterrupt() },
            finished: { write("\r\u{1B}[K") })
    }

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            _ = Glibc.write(STDERR_FILENO, base, bytes.count)
        }
    }
}
