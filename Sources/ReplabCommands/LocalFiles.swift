#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files on this machine. A file is written whole or not at all: the text goes to a temporary
/// file beside the target, which is then renamed over it.
public struct LocalFiles: FileAccess {
    public init() {}

    public func read(_ path: String) throws(CommandError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CommandError("cannot read \(path): \(LocalFiles.reason(errno))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw CommandError("cannot read \(path): it is a folder, not a file") }
        guard info.st_size <= 16 << 20 else { throw CommandError("cannot read \(path): it is larger than 16 MiB") }
        guard let file = fopen(path, "rb") else { throw CommandError("cannot read \(path): \(LocalFiles.reason(errno))") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count { break }
        }
        if ferror(file) != 0 { throw CommandError("cannot read \(path): a read error occurred") }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func write(_ text: String, to path: String) throws(CommandError) {
        guard !path.isEmpty else { throw CommandError("cannot write a file with an empty name") }
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw CommandError("cannot write \(path): it is a folder; give a file name")
        }
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let folderPath = folder.isEmpty ? "/" : folder
        if stat(folderPath, &info) != 0 { throw CommandError("cannot write \(path): the folder \(folderPath) does not exist") }
        if (info.st_mode & S_IFMT) != S_IFDIR { throw CommandError("cannot write \(path): \(folderPath) is not a folder") }
        let temporary = "\(folderPath)/.\(path.split(separator: "/").last ?? "replab").replab-tmp-\(getpid())"
        guard let file = fopen(temporary, "wb") else {
            throw CommandError("cannot write \(path): cannot create a file in \(folderPath) (\(LocalFiles.reason(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.isEmpty ? 0 : fwrite(bytes, 1, bytes.count, file)
        let flushed = fflush(file) == 0
        let closed = fclose(file) == 0
        guard written == bytes.count, flushed, closed else {
            unlink(temporary)
            throw CommandError("cannot write \(path): the disk refused the data (nothing was written)")
        }
        guard rename(temporary, path) == 0 else {
            let error = errno
            unlink(temporary)
            throw CommandError("cannot write \(path): \(LocalFiles.reason(error))")
        }
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a folder"
        case ENOTDIR: return "a part of the path is not a folder"
        case EROFS: return "the file system is read-only"
        case ENOSPC: return "the disk is full"
        default: return String(cString: strerror(code))
        }
    }
}
