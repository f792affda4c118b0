import Glibc
import Testing

@testable import ReplabTerminal

@Suite struct HistoryPathTests {
    @Test func overrideWins() {
        #expect(HistoryPath.resolve(environment: ["REPLAB_HISTORY": "/tmp/h", "HOME": "/home/a"]) == "/tmp/h")
    }
    @Test func emptyOverrideDisables() {
        #expect(HistoryPath.resolve(environment: ["REPLAB_HISTORY": "", "HOME": "/home/a"]) == nil)
    }
    @Test func homeDefault() {
        #expect(HistoryPath.resolve(environment: ["HOME": "/home/a"]) == "/home/a/.replab_history")
        #expect(HistoryPath.resolve(environment: ["HOME": "/"]) == "/.replab_history")
    }
    @Test func nothing() {
        #expect(HistoryPath.resolve(environment: [:]) == nil)
        #expect(HistoryPath.resolve(environment: ["HOME": ""]) == nil)
    }
}

@Suite struct LineSplitterTests {
    @Test func lfCrlfAndLastLine() {
        var splitter = LineSplitter()
        #expect(splitter.push(Array("a\nb\r\n\nc".utf8)) == ["a", "b", ""])
        #expect(splitter.finish() == "c")
        #expect(splitter.finish() == nil)
    }
    @Test func linesAcrossChunks() {
        var splitter = LineSplitter()
        #expect(splitter.push(Array("hel".utf8)) == [])
        #expect(splitter.push(Array("p\r".utf8)) == [])
        #expect(splitter.push(Array("\nquit\n".utf8)) == ["help", "quit"])
        #expect(splitter.finish() == nil)
    }
    @Test func invalidUTF8IsReplaced() {
        var splitter = LineSplitter()
        #expect(splitter.push([0x61, 0xFF, 0xFE, 0x62, 0x0A]) == ["a\u{FFFD}\u{FFFD}b"])
    }
    @Test func onlyOneCarriageReturnIsDropped() {
        var splitter = LineSplitter()
        #expect(splitter.push(Array("a\r\r\n".utf8)) == ["a\r"])
    }
    @Test func longLinesAreCut() {
        var splitter = LineSplitter()
        let lines = splitter.push([UInt8](repeating: 0x78, count: LineSplitter.maxLineBytes + 3) + [0x0A])
        #expect(lines.map(\.utf8.count) == [LineSplitter.maxLineBytes, 3])
    }
    @Test func wholeText() {
        #expect(LineSplitter.lines(of: Array("".utf8)) == [""])
        #expect(LineSplitter.lines(of: Array("a".utf8)) == ["a"])
        #expect(LineSplitter.lines(of: Array("a\nb\n".utf8)) == ["a", "b"])
        #expect(LineSplitter.lines(of: Array("a\r\n\nb".utf8)) == ["a", "", "b"])
    }
}

@Suite struct CompletionTests {
    @Test func keepsPrefixMatchesOnceInOrder() {
        #expect(
            REPLLoop.usableCandidates(["help", "hello", "quit", "help", "he"], word: "he")
                == ["help", "hello", "he"])
        #expect(REPLLoop.usableCandidates(["a", "b"], word: "") == ["a", "b"])
    }
    @Test func comparesBytesNotCharacters() {
        // "e" + combining acute is canonically equal to "é" but does not extend the typed bytes.
        #expect(REPLLoop.usableCandidates(["e\u{301}x"], word: "\u{E9}") == [])
        #expect(REPLLoop.usableCandidates(["\u{E9}x"], word: "\u{E9}") == ["\u{E9}x"])
    }
}

/// A host that records what it was given.
struct RecordingHost: REPLHost {
    var lines: [String] = []
    var prompt: String { "test> " }
    mutating func handle(line: String) -> (output: String, quit: Bool) {
        lines.append(line)
        return ("got \(line)", line == "quit")
    }
    func completions(line: String, word: String) -> [String] { [] }
}

@Suite struct PlainLoopTests {
    /// Runs the plain loop over `input` written into a pipe; returns the lines seen and the outputs.
    func run(_ input: [UInt8]) -> (lines: [String], outputs: [String]) {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        input.withUnsafeBytes { _ = write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        var host = RecordingHost()
        var outputs: [String] = []
        REPLLoop.runPlain(&host, input: fds[0], output: { outputs.append($0) })
        close(fds[0])
        return (host.lines, outputs)
    }

    @Test func stopsAtQuit() {
        let result = run(Array("help\nquit\nafter\n".utf8))
        #expect(result.lines == ["help", "quit"])
        #expect(result.outputs == ["got help", "got quit"])
    }
    @Test func lastLineWithoutNewlineAndCRLF() {
        #expect(run(Array("a\r\nb".utf8)).lines == ["a", "b"])
    }
    @Test func emptyLinesReachTheHost() {
        #expect(run(Array("\n\nx\n".utf8)).lines == ["", "", "x"])
    }
    @Test func invalidUTF8DoesNotCrash() {
        #expect(run([0xFF, 0x0A, 0xC3]).lines == ["\u{FFFD}", "\u{FFFD}"])
    }
    @Test func emptyInput() {
        #expect(run([]).lines == [])
    }
}

@Suite(.serialized) struct HistoryFileTests {
    func temporaryDirectory() -> String {
        var template = Array("/tmp/replab-history-test-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        return path
    }

    func contents(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        while case let c = fgetc(file), c != EOF { bytes.append(UInt8(c)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func skipsBlanksAndRepeatsAndCreatesTheFile() {
        let path = temporaryDirectory() + "/history"
        var warnings: [String] = []
        var history = HistoryFile(path: path, maxEntries: 1000, warn: { warnings.append($0) })
        for line in ["one", "", "   ", "one", "two", "one"] { history.record(line) }
        #expect(contents(path) == "one\ntwo\none\n")
        #expect(warnings.isEmpty)
    }

    @Test func fileIsBounded() {
        let path = temporaryDirectory() + "/history"
        var history = HistoryFile(path: path, maxEntries: 3, warn: { _ in })
        for index in 0..<10 { history.record("line \(index)") }
        #expect(contents(path) == "line 7\nline 8\nline 9\n")
    }

    @Test func unwritableFileWarnsOnce() {
        let path = temporaryDirectory() + "/missing-directory/history"
        var warnings: [String] = []
        var history = HistoryFile(path: path, maxEntries: 1000, warn: { warnings.append($0) })
        for index in 0..<5 { history.record("line \(index)") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("cannot write history file") == true)
        #expect(history.path == nil)
    }

    @Test func unreadableFileWarnsOnce() {
        let directory = temporaryDirectory()  // A directory is not a readable history file.
        var warnings: [String] = []
        var history = HistoryFile(path: directory, maxEntries: 1000, warn: { warnings.append($0) })
        history.record("x")
        history.record("y")
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("cannot read history file") == true)
    }

    /// A FIFO would block replab at start-up (opening it waits for a writer): never opened.
    @Test func aFIFOIsNotUsed() {
        let path = temporaryDirectory() + "/history"
        #expect(mkfifo(path, 0o644) == 0)
        var warnings: [String] = []
        var history = HistoryFile(path: path, maxEntries: 1000, warn: { warnings.append($0) })
        history.record("x")
        #expect(
            warnings == [
                "replab: warning: cannot read history file \(path): it is not a regular file; history is kept for this session only"
            ])
        #expect(history.path == nil)
        var info = stat()
        #expect(lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    }
}
