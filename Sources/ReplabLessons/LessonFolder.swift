import ReplabCommands

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lessons on disk: which folder holds them, and reading it. (The only file-system code of the
/// lesson engine; the parser, runner and catalog work on text.)
public enum LessonFolder {
    /// The folder `lessons` and `lesson NAME` use: `explicit` (from `--lessons-dir`) when given;
    /// otherwise `Lessons/` in the current directory; otherwise `Lessons/` beside the executable
    /// or in any folder above it (so a build under `.build/` finds the repository's lessons).
    /// nil when there is none.
    public static func locate(
        explicit: String?, workingDirectory: String = ".", executable: String? = LessonFolder.executablePath()
    ) -> String? {
        if let explicit { return explicit }
        let here = workingDirectory == "." ? "Lessons" : workingDirectory + "/Lessons"
        if isFolder(here) { return here }
        guard let executable, executable.hasPrefix("/") else { return nil }
        var parts = executable.split(separator: "/").map(String.init)
        parts.removeLast()
        while !parts.isEmpty {
            let candidate = "/" + (parts + ["Lessons"]).joined(separator: "/")
            if isFolder(candidate) { return candidate }
            parts.removeLast()
        }
        return nil
    }

    /// Reads a folder's lessons into a catalog (a folder that cannot be read is a problem of the
    /// catalog, so the caller reports it like any malformed file).
    public static func catalog(_ folder: String?) -> LessonCatalog {
        guard let folder else {
            var empty = LessonCatalog(folder: "Lessons", files: [])
            empty.problems = [
                LessonError(
                    file: "Lessons", line: 0,
                    message: "no Lessons folder here or above the replab executable; give one with --lessons-dir DIR")
            ]
            return empty
        }
        do {
            return LessonCatalog(folder: folder, files: try read(folder))
        } catch {
            var empty = LessonCatalog(folder: folder, files: [])
            empty.problems = [error]
            return empty
        }
    }

    /// The Markdown files of a folder (not its subfolders), with their text, in name order.
    public static func read(_ folder: String) throws(LessonError) -> [(path: String, text: String)] {
        guard isFolder(folder) else {
            throw LessonError(file: folder, line: 0, message: "cannot read the lessons folder: it does not exist or is not a folder")
        }
        guard let directory = opendir(folder) else {
            throw LessonError(file: folder, line: 0, message: "cannot read the lessons folder: \(LocalFiles.reasonText(errno))")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if LessonCatalog.isLessonFile(name), !name.hasPrefix(".") { names.append(name) }
        }
        let files = LocalFiles()
        var result: [(path: String, text: String)] = []
        for name in names.sorted() {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            guard !isFolder(path) else { continue }
            do {
                result.append((path, try files.read(path)))
            } catch {
                throw LessonError(file: path, line: 0, message: error.message)
            }
        }
        return result
    }

    /// Reads one lesson file given by its path (`replab lesson path/to/lesson.md`).
    public static func lesson(at path: String) throws(LessonError) -> Lesson {
        let text: String
        do {
            text = try LocalFiles().read(path)
        } catch {
            throw LessonError(file: path, line: 0, message: error.message)
        }
        return try LessonParser.parse(text, file: path)
    }

    static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// This process's executable, as an absolute path (nil where it cannot be found).
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let argument = CommandLine.arguments.first ?? ""
        return argument.hasPrefix("/") ? argument : nil
    }
}

extension LocalFiles {
    /// The reason for an `errno`, in the words `LocalFiles` uses.
    static func reasonText(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "no such file or folder"
        case EACCES, EPERM: return "permission denied"
        default: return String(cString: strerror(code))
        }
    }
}
