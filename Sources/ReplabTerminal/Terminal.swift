import CReadline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Terminal detection, kept in one place.
public enum Terminal {
    /// True when both standard input and standard output are terminals: only then does the REPL use
    /// readline (line editing, history, completion) and print prompts. If either is redirected,
    /// e.g. `printf 'help\nquit\n' | replab` or `replab > log`, plain lines are read from standard
    /// input with no prompt, so output stays clean for pipes and files.
    public static func isInteractive() -> Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    /// For a host handling a line in an interactive session: true, once, if the user pressed
    /// Ctrl-C since the line started, so a long command can poll it and stop early. If the command
    /// does not take the first Ctrl-C, a second one ends the process. Always false when the REPL
    /// is not interactive (there, Ctrl-C simply ends the process).
    public static func takeInterrupt() -> Bool {
        creadline_take_interrupt() != 0
    }
}

/// Unbuffered writes to a file descriptor, for the REPL's own output and warnings.
enum FileOutput {
    /// Writes `text` to standard output, adding a final newline if missing; empty text prints
    /// nothing. C stdio buffers (readline's) are flushed first so the order on screen is kept.
    static func writeOutput(_ text: String) {
        guard !text.isEmpty else { return }
        writeAll(text.hasSuffix("\n") ? text : text + "\n", to: STDOUT_FILENO)
    }

    /// Writes one line to standard error.
    static func writeError(_ line: String) {
        writeAll(line + "\n", to: STDERR_FILENO)
    }

    /// Writes all of `text`, retrying after signals; a closed or failing descriptor drops the rest.
    static func writeAll(_ text: String, to fd: Int32) {
        fflush(nil)
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // A closed or full output: nothing sensible to do but drop the text.
                }
            }
        }
    }
}
