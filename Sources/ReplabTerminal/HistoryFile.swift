import CReadline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// readline's in-memory history plus its file: loaded once, then each new entry is appended to the
/// file (so concurrent sessions interleave instead of overwriting each other) and the file is
/// trimmed to `maxEntries` lines.
///
/// A file that cannot be read or written costs one warning on standard error, after which the
/// history is kept in memory for this session only: no crash, no warning per line.
struct HistoryFile {
    /// The file still in use; `nil` when there is none or after a failure.
    private(set) var path: String?
    let maxEntries: Int32
    private(set) var warned = false
    /// The largest history file replab reads (as for every file replab reads).
    static let maxBytes = 16 << 20
    private let warn: (String) -> Void

    init(path: String?, maxEntries: Int32, warn: @escaping (String) -> Void = FileOutput.writeError) {
        self.maxEntries = maxEntries
        self.warn = warn
        self.path = path
        stifle_history(maxEntries)  // Bounds the in-memory history, whatever the file holds.
        guard let path else { return }
        // Regular files only, of a bounded size: readline would block opening a FIFO, read a
        // device without end, or replace a device when it trims the file.
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG || info.st_size > HistoryFile.maxBytes {
            self.path = nil
            let why = (info.st_mode & S_IFMT) == S_IFREG ? "it is larger than 16 MiB" : "it is not a regular file"
            warnOnce("cannot read history file \(path): \(why)")
            return
        }
        let error = read_history(path)
        if error != 0 && error != ENOENT {
            self.path = nil
            warnOnce("cannot read history file \(path): \(Self.describe(error))")
        }
    }

    /// Records a line the user entered; blank lines and repeats of the newest entry are skipped.
    mutating func record(_ line: String) {
        guard line.contains(where: { !$0.isWhitespace }) else { return }
        guard creadline_history_add(line) == 1, let path else { return }
        let error = Self.appendNewest(to: path, maxEntries: maxEntries)
        if error != 0 {
            self.path = nil
            warnOnce("cannot write history file \(path): \(Self.describe(error))")
        }
    }

    /// Appends the newest history entry to `path`, then trims the file to its last `maxEntries`
    /// lines (readline rewrites it only when it is longer). Returns 0 or an errno value.
    private static func appendNewest(to path: String, maxEntries: Int32) -> Int32 {
        var error = append_history(1, path)
        // append_history does not create the file; write_history does, with the whole (bounded)
        // in-memory history, which ends with the newest entry.
        if error == ENOENT {
            error = write_history(path)
        }
        return error != 0 ? error : history_truncate_file(path, maxEntries)
    }

    private mutating func warnOnce(_ problem: String) {
        guard !warned else { return }
        warned = true
        warn("replab: warning: \(problem); history is kept for this session only")
    }

    private static func describe(_ error: Int32) -> String {
        guard let text = strerror(error) else { return "error \(error)" }
        return String(cString: text)
    }
}
