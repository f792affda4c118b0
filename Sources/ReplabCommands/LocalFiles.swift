#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files on this machine, for `save`, `load`, `export`, scripts and lessons.
///
/// replab reads and writes regular files only. Anything else a name can point at (a device such as
/// `/dev/null` or `/dev/zero`, a FIFO, a socket, a folder) is refused with an error that names the
/// file, so replab never replaces a device, never blocks on a pipe and never reads without end.
///
/// Reading: the file must be a regular file of at most `maxReadBytes` bytes (checked with `stat`
/// before a byte is read, and the read itself stops one byte past the bound) and valid UTF-8.
///
/// Writing is whole or nothing: the text goes to a new temporary file in the target's own folder,
/// which is flushed to the disk (`fsync`) and then renamed over the target, so a reader sees the old
/// file or the new one, never a part. A symbolic link is written through: the file it points to
/// (followed to the end of the chain) is replaced, and the link stays a link. A failed write (a full
/// disk, a read-only or missing folder, a file-size limit) is an error, the old file stays as it
/// was, and the temporary file is removed.
public struct LocalFiles: FileAccess {
    /// The largest file replab reads: far beyond any script or lesson, small enough to hold in memory.
    public static let maxReadBytes = 16 << 20
    /// How many symbolic links a name may go through before replab gives up (Linux's own limit).
    static let maxLinks = 40

    public init() {}

    public func read(_ path: String) throws(CommandError) -> String {
        guard !path.isEmpty else { throw CommandError("cannot read a file with an empty name") }
        var info = stat()
        guard stat(path, &info) == 0 else { throw CommandError("cannot read \(path): \(LocalFiles.reason(errno))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw CommandError("cannot read \(path): it is a folder, not a file") }
        try LocalFiles.requireRegular(info, path, verb: "read")
        try LocalFiles.requireSize(Int(info.st_size), path)
        // O_NONBLOCK: should the name be swapped for a FIFO after the check, opening it cannot hang.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw CommandError("cannot read \(path): \(LocalFiles.reason(errno))") }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw CommandError("cannot read \(path): \(LocalFiles.reason(errno))") }
        try LocalFiles.requireRegular(info, path, verb: "read")
        try LocalFiles.requireSize(Int(info.st_size), path)
        // Read at most one byte past the bound, however the file grows meanwhile.
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size), LocalFiles.maxReadBytes) + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw CommandError("cannot read \(path): \(LocalFiles.reason(errno))")
            }
            if got == 0 { break }
            count += got
            // The file grew past its stat size: make room up to the bound (and one byte to see past it).
            if count == bytes.count && bytes.count <= LocalFiles.maxReadBytes {
                bytes += [UInt8](repeating: 0, count: min(bytes.count, LocalFiles.maxReadBytes + 1 - bytes.count))
            }
        }
        try LocalFiles.requireSize(count, path)
        bytes.removeLast(bytes.count - count)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CommandError(
                "cannot read \(path): it is not UTF-8 text (line \(LocalFiles.firstInvalidLine(bytes))); replab reads UTF-8 only")
        }
        return text
    }

    public func write(_ text: String, to path: String) throws(CommandError) {
        guard !path.isEmpty else { throw CommandError("cannot write a file with an empty name") }
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw CommandError("cannot write \(path): it is a folder; give a file name") }
            try LocalFiles.requireRegular(info, path, verb: "write")
        }
        let target = try LocalFiles.finalTarget(path)
        let folder = target.contains("/") ? String(target[..<target.lastIndex(of: "/")!]) : "."
        let folderPath = folder.isEmpty ? "/" : folder
        if stat(folderPath, &info) != 0 { throw CommandError("cannot write \(path): the folder \(folderPath) does not exist") }
        if (info.st_mode & S_IFMT) != S_IFDIR { throw CommandError("cannot write \(path): \(folderPath) is not a folder") }
        // The new file keeps the old one's permissions; a new file gets 0666 less the umask.
        var mode: mode_t = 0o666
        var existing = stat()
        if lstat(target, &existing) == 0 {
            guard (existing.st_mode & S_IFMT) == S_IFREG else {
                throw CommandError("cannot write \(path): \(LocalFiles.kind(existing.st_mode)); replab writes regular files only")
            }
            mode = existing.st_mode & 0o7777
        }
        let (fd, temporary) = try LocalFiles.createTemporary(beside: target, in: folderPath, mode: mode, for: path)
        var failure: Int32? = nil
        let bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let wrote = bytes.withUnsafeBytes { writeBytes(fd, $0.baseAddress! + done, $0.count - done) }
            if wrote < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            done += wrote
        }
        if failure == nil, existing.st_mode != 0, fchmod(fd, mode) != 0 { failure = errno }
        if failure == nil, fsync(fd) != 0 { failure = errno }
        if close(fd) != 0, failure == nil { failure = errno }
        // Checked again just before the rename: a device or pipe put there meanwhile is not replaced.
        var now = stat()
        if failure == nil, lstat(target, &now) == 0, (now.st_mode & S_IFMT) != S_IFREG {
            unlink(temporary)
            throw CommandError("cannot write \(path): \(LocalFiles.kind(now.st_mode)); replab writes regular files only")
        }
        if failure == nil, rename(temporary, target) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw CommandError("cannot write \(path): \(LocalFiles.reason(failure)) (nothing was written; the file is as it was)")
        }
        // The rename itself reaches the disk when the folder is flushed (best effort: some file
        // systems cannot fsync a folder, and the file is complete either way).
        let directory = open(folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// The file a name finally stands for: the name itself, or for a symbolic link (however many
    /// links deep) the path the last link points to, which may not exist yet.
    static func finalTarget(_ path: String) throws(CommandError) -> String {
        var current = path
        for _ in 0...maxLinks {
            // /dev/stdout, /dev/fd/N and /proc/self/fd/N name a file this process has open: when it
            // is a regular file (output redirected to it), replacing it would cut the shell's
            // redirection off. replab writes files by their own name.
            if isProcessFolder(current) {
                throw CommandError(
                    "cannot write \(path): it names a file replab has open (like /dev/stdout); give the file's own name")
            }
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { throw CommandError("cannot write \(path): \(reason(errno))") }
            let link = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else if let slash = current.lastIndex(of: "/") {
                current = String(current[...slash]) + link
            } else {
                current = link
            }
        }
        throw CommandError("cannot write \(path): more than \(maxLinks) symbolic links in a row (a loop?)")
    }

    /// Whether the folder of `path`, its links followed, is a process's fd folder in /proc (where
    /// /dev/fd leads).
    static func isProcessFolder(_ path: String) -> Bool {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        guard let resolved = realpath(folder.isEmpty ? "/" : folder, nil) else { return false }
        defer { free(resolved) }
        let text = String(cString: resolved)
        return text.hasPrefix("/proc/") && text.hasSuffix("/fd")
    }

    /// Creates a new, empty temporary file in `folder` (never an existing one: O_EXCL), named after
    /// the target so a stray one is recognisable.
    static func createTemporary(
        beside target: String, in folder: String, mode: mode_t, for path: String
    ) throws(CommandError) -> (Int32, String) {
        let base = target.split(separator: "/").last.map(String.init) ?? "replab"
        for attempt in 0..<100 {
            let temporary = "\(folder)/.\(base).replab-tmp-\(getpid())-\(attempt)"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 0o777)
            if fd >= 0 { return (fd, temporary) }
            if errno == EEXIST { continue }
            throw CommandError("cannot write \(path): cannot create a file in \(folder) (\(reason(errno)))")
        }
        throw CommandError("cannot write \(path): cannot create a temporary file in \(folder) (too many left there)")
    }

    /// Refuses anything but a regular file (the caller has dealt with folders).
    static func requireRegular(_ info: stat, _ path: String, verb: String) throws(CommandError) {
        guard (info.st_mode & S_IFMT) != S_IFREG else { return }
        throw CommandError("cannot \(verb) \(path): \(kind(info.st_mode)); replab \(verb)s regular files only")
    }

    static func requireSize(_ size: Int, _ path: String) throws(CommandError) {
        guard size > maxReadBytes else { return }
        throw CommandError("cannot read \(path): it is larger than 16 MiB (the most replab reads)")
    }

    /// What a non-regular file is, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "it is a folder"
        case S_IFCHR: return "it is a character device"
        case S_IFBLK: return "it is a block device"
        case S_IFIFO: return "it is a FIFO (a named pipe)"
        case S_IFSOCK: return "it is a socket"
        case S_IFLNK: return "it is a symbolic link"
        default: return "it is not a regular file"
        }
    }

    /// The 1-based line of the first byte sequence that is not UTF-8.
    static func firstInvalidLine(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x0A {
            if String(validating: bytes[start..<index], as: UTF8.self) == nil { return line }
            line += 1
            start = index + 1
        }
        return line
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a folder"
        case ENOTDIR: return "a part of the path is not a folder"
        case EROFS: return "the file system is read-only"
        case ENOSPC: return "the disk is full"
        case EDQUOT: return "the disk quota is used up"
        case EFBIG: return "the file is larger than this process may write"
        case ELOOP: return "too many symbolic links (a loop?)"
        default: return String(cString: strerror(code))
        }
    }
}

// The system calls under the names `read` and `write`, which `LocalFiles`' own methods shadow.
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func writeBytes(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
