import Foundation
import Testing

@testable import ReplabCommands

/// `save`, `export` and `load` against everything a name can point at. Every special file is made
/// in a temporary folder of the test's own; the real `/dev` is never touched.
@Suite struct FileSafetyTests {
    /// A fresh temporary folder, removed at the end of the test.
    final class Folder {
        let path: String
        init() throws {
            var template = Array((NSTemporaryDirectory() + "/replab-files-XXXXXX").utf8CString)
            guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                throw CocoaError(.fileWriteUnknown)
            }
            path = String(cString: made)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
        /// The names in the folder, sorted (to see that no temporary file was left behind).
        var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    }

    /// A session with a cluster and one write, and the state every failed command must leave alone.
    func session() -> Session {
        var session = Session(files: LocalFiles())
        _ = session.execute("cluster leaderless")
        _ = session.execute("put x 1")
        return session
    }

    func fingerprint(_ session: inout Session) -> String {
        ["show state", "messages", "show history"].map { session.execute($0).text }.joined(separator: "\n")
            + session.log.joined(separator: "\n")
    }

    @Test func aSymlinkIsWrittenThroughAndStaysALink() throws {
        let folder = try Folder()
        let target = folder.file("real.replab")
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(chmod(target, 0o640) == 0)
        #expect(symlink("real.replab", folder.file("link.replab")) == 0)
        var s = session()
        #expect(s.execute("save \(folder.file("link.replab"))").ok)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "# replab session\ncluster leaderless\nput x 1\n")
        var info = stat()
        #expect(lstat(folder.file("link.replab"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(stat(target, &info) == 0 && info.st_mode & 0o777 == 0o640)
        #expect(folder.names == ["link.replab", "real.replab"])
    }

    @Test func aDanglingSymlinkCreatesItsTarget() throws {
        let folder = try Folder()
        #expect(symlink(folder.file("new.md"), folder.file("link.md")) == 0)
        var s = session()
        #expect(s.execute("export state \(folder.file("link.md"))").ok)
        #expect(try String(contentsOfFile: folder.file("new.md"), encoding: .utf8).hasPrefix("# "))
        #expect(folder.names == ["link.md", "new.md"])
    }

    @Test func aSymlinkLoopIsAnError() throws {
        let folder = try Folder()
        #expect(symlink("b", folder.file("a")) == 0)
        #expect(symlink("a", folder.file("b")) == 0)
        var s = session()
        let before = fingerprint(&s)
        #expect(
            s.execute("save \(folder.file("a"))").error
                == "cannot write \(folder.file("a")): more than 40 symbolic links in a row (a loop?)")
        #expect(fingerprint(&s) == before)
    }

    @Test func aFIFOIsNeitherReplacedNorRead() throws {
        let folder = try Folder()
        let fifo = folder.file("pipe.md")
        #expect(mkfifo(fifo, 0o644) == 0)
        var s = session()
        let before = fingerprint(&s)
        #expect(s.execute("save \(fifo)").error == "cannot write \(fifo): it is a FIFO (a named pipe); replab writes regular files only")
        #expect(s.execute("export timeline \(fifo)").error?.hasPrefix("cannot write \(fifo): it is a FIFO") == true)
        // Reading would block for ever waiting for a writer: refused before it is opened.
        #expect(s.execute("load \(fifo)").error == "cannot read \(fifo): it is a FIFO (a named pipe); replab reads regular files only")
        #expect(fingerprint(&s) == before)
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(folder.names == ["pipe.md"])
    }

    @Test func aSymlinkToAFIFOIsRefused() throws {
        let folder = try Folder()
        #expect(mkfifo(folder.file("pipe"), 0o644) == 0)
        #expect(symlink("pipe", folder.file("out.replab")) == 0)
        var s = session()
        #expect(s.execute("save \(folder.file("out.replab"))").error?.contains("it is a FIFO") == true)
        #expect(folder.names == ["out.replab", "pipe"])
    }

    /// Standard output redirected to a regular file: /dev/stdout leads to it through /proc, and
    /// replacing it would cut the redirection off. Run in a child replab whose output is the file.
    @Test func devStdoutRedirectedToAFileIsNotReplaced() throws {
        let folder = try Folder()
        let script = folder.file("s.replab")
        try "cluster leaderless\nsave /dev/stdout\nsave /dev/fd/1\n".write(toFile: script, atomically: false, encoding: .utf8)
        let out = folder.file("out.txt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\"$0\" run --json \"$1\" > \"$2\"", replabBinary().path, script, out]
        try process.run()
        process.waitUntilExit()
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            lines.dropFirst().allSatisfy {
                $0.contains("it names a file replab has open (like /dev/stdout); give the file's own name")
            })
    }

    @Test func aFolderIsRefused() throws {
        let folder = try Folder()
        var s = session()
        #expect(s.execute("save \(folder.path)").error == "cannot write \(folder.path): it is a folder; give a file name")
        #expect(s.execute("load \(folder.path)").error == "cannot read \(folder.path): it is a folder, not a file")
    }

    @Test func aSocketIsRefused() throws {
        let folder = try Folder()
        let path = folder.file("sock")
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        var s = session()
        #expect(s.execute("save \(path)").error == "cannot write \(path): it is a socket; replab writes regular files only")
        #expect(s.execute("load \(path)").error == "cannot read \(path): it is a socket; replab reads regular files only")
    }

    /// Device nodes made with mknod in the temporary folder: a copy of /dev/null (1,3), /dev/zero
    /// (1,5) and /dev/full (1,7). mknod needs root; elsewhere the test says so and checks nothing.
    @Test func deviceNodesAreNeverReplacedNorRead() throws {
        guard getuid() == 0 else {
            print("deviceNodesAreNeverReplacedNorRead: skipped, mknod needs root (the FIFO and socket tests cover non-regular files)")
            return
        }
        let folder = try Folder()
        var s = session()
        let before = fingerprint(&s)
        for (name, minor) in [("null.md", 3), ("zero.md", 5), ("full.md", 7)] {
            let path = folder.file(name)
            // Linux's encoding of device numbers for major 1: (major << 8) | minor.
            let made = mknod(path, S_IFCHR | 0o666, dev_t((1 << 8) | minor))
            #expect(made == 0)
            guard made == 0 else { continue }
            #expect(s.execute("save \(path)").error == "cannot write \(path): it is a character device; replab writes regular files only")
            #expect(s.execute("export state \(path)").error?.hasPrefix("cannot write \(path): it is a character device") == true)
            // An endless file: /dev/zero is refused by its kind before a byte is read.
            #expect(s.execute("load \(path)").error == "cannot read \(path): it is a character device; replab reads regular files only")
            var info = stat()
            #expect(lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        }
        #expect(fingerprint(&s) == before)
        #expect(folder.names == ["full.md", "null.md", "zero.md"])
    }

    @Test func aFileLargerThanTheBoundIsNotRead() throws {
        let folder = try Folder()
        let path = folder.file("big.replab")
        let fd = open(path, O_WRONLY | O_CREAT, 0o644)
        // Sparse: 17 MiB of zeros that take no room on the disk.
        #expect(ftruncate(fd, 17 << 20) == 0)
        close(fd)
        var s = session()
        let before = fingerprint(&s)
        #expect(s.execute("load \(path)").error == "cannot read \(path): it is larger than 16 MiB (the most replab reads)")
        #expect(fingerprint(&s) == before)
    }

    @Test func textThatIsNotUTF8IsRefused() throws {
        let folder = try Folder()
        let path = folder.file("latin1.replab")
        try Data("cluster leaderless\nput x caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: URL(fileURLWithPath: path))
        var s = session()
        let before = fingerprint(&s)
        #expect(s.execute("load \(path)").error == "cannot read \(path): it is not UTF-8 text (line 2); replab reads UTF-8 only")
        #expect(fingerprint(&s) == before)
    }

    @Test func aReadOnlyFolderKeepsTheOldFile() throws {
        guard getuid() != 0 else {
            // Root writes into a read-only folder anyway; the write-failure test below covers it.
            return
        }
        let folder = try Folder()
        let path = folder.file("s.replab")
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(folder.path, 0o555) == 0)
        defer { chmod(folder.path, 0o755) }
        var s = session()
        #expect(s.execute("save \(path)").error?.hasPrefix("cannot write \(path): cannot create a file in") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
    }

    /// A write that fails half-way (here a file-size limit of 1 KiB, `ulimit -f`, with SIGXFSZ
    /// ignored so the write returns EFBIG as a full disk returns ENOSPC): an error, the old file as
    /// it was, and no temporary file left. Run in a child replab so the limit stays there.
    @Test func aFailedWriteLeavesTheOldFileAsItWas() throws {
        let folder = try Folder()
        let path = folder.file("s.replab")
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        let script = folder.file("long.replab")
        let lines = ["cluster leaderless"] + (1...200).map { "put k\($0) \($0)" } + ["save \(path)"]
        try lines.joined(separator: "\n").write(toFile: script, atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f 2; trap '' XFSZ; exec \"$0\" run \"$1\"", replabBinary().path, script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // replab fits an error to 80 columns when piped: the continuation lines are joined back.
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\n     ", with: " ")
        #expect(process.terminationStatus == 1)
        #expect(
            text.contains(
                "error: \(script):202: cannot write \(path): the file is larger than this process may write (nothing was written; the file is as it was)"
            ))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(folder.names == ["long.replab", "s.replab"])
    }

    /// Nested loads stay within the depth bound and still multiply: 400 loads of 300 loads of a
    /// one-line file is 120,000 lines and more. One load runs at most 100,000.
    @Test func nestedLoadsAreBoundedInAll() throws {
        let folder = try Folder()
        try "\n".write(toFile: folder.file("z.replab"), atomically: false, encoding: .utf8)
        try String(repeating: "load \(folder.file("z.replab"))\n", count: 299).write(
            toFile: folder.file("b.replab"), atomically: false, encoding: .utf8)
        try String(repeating: "load \(folder.file("b.replab"))\n", count: 400).write(
            toFile: folder.file("a.replab"), atomically: false, encoding: .utf8)
        var s = session()
        let before = fingerprint(&s)
        let error = s.execute("load \(folder.file("a.replab"))").error ?? ""
        // 111 lines of a ran 899 lines each; the 112th stops at line 71 of b.
        #expect(
            error
                == "\(folder.file("a.replab")):112: \(folder.file("b.replab")):71: one load runs at most 100000 lines, nested loads included (nothing from \(folder.file("b.replab")) was kept) (nothing from \(folder.file("a.replab")) was kept)"
        )
        #expect(fingerprint(&s) == before)
    }

    /// Found by replab-fuzz: an undo inside a loaded file reaches past the load, and when a later
    /// line failed, the commands it had taken back were missing from the log and undo history.
    @Test func aFailedLoadKeepsLogAndUndoHistoryWhole() throws {
        let folder = try Folder()
        let path = folder.file("u.replab")
        try "undo\nput y 2\ncrash Q\n".write(toFile: path, atomically: false, encoding: .utf8)
        var s = session()
        _ = s.execute("tick")
        let before = fingerprint(&s) + s.execute("show timeline").output
        #expect(s.execute("load \(path)").error == "\(path):3: unknown node Q: this cluster has A B C (nothing from \(path) was kept)")
        #expect(fingerprint(&s) + s.execute("show timeline").output == before)
        #expect(s.log == ["cluster leaderless", "put x 1", "tick"])
        #expect(s.execute("undo 10").output == "undid 3 command(s) (only 3 could be undone)")
    }

    /// A load is one entry of the undo history, however many commands its file runs, even when
    /// the history is full.
    @Test func aLoadIsOneUndoEntryEvenWhenTheHistoryIsFull() throws {
        let folder = try Folder()
        let path = folder.file("t.replab")
        try "put y 2\ntick\ntick\n".write(toFile: path, atomically: false, encoding: .utf8)
        var s = session()
        for _ in 0..<Session.undoDepth { _ = s.execute("tick") }
        #expect(s.execute("load \(path)").ok)
        #expect(s.execute("undo 1000").output.hasPrefix("undid 500 command(s) (only 500 could be undone)"))
    }

    @Test func exportOverAnExistingFileReplacesItWhole() throws {
        let folder = try Folder()
        let path = folder.file("t.txt")
        try String(repeating: "old old old\n", count: 1000).write(toFile: path, atomically: false, encoding: .utf8)
        var s = session()
        #expect(s.execute("export timeline \(path)").ok)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("old old"))
        #expect(folder.names == ["t.txt"])
    }
}
