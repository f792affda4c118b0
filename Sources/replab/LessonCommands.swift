import ArgumentParser
import ReplabCommands
import ReplabLessons
import ReplabRender
import ReplabTerminal

#if canImport(Glibc)
    import Glibc
#endif

/// `replab lessons [--verify]`: list the lessons, or check every claim of every lesson.
struct ListLessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "List the guided lessons; --verify checks every lesson's claims.",
        discussion: """
            Lessons are the Markdown files of a folder (Lessons/README.md describes the format): \
            --lessons-dir DIR, or else Lessons/ in the current directory, or else Lessons/ beside \
            the replab executable or in a folder above it. A file that cannot be read is reported \
            (file and line) without hiding the others; the exit status is then 1. With --verify the \
            exit status is 1 if any claim does not hold.
            """)

    @Flag(help: "Run every lesson and check its claims; name the lesson, step and claim that failed.") var verify = false
    @Option(help: ArgumentHelp("The folder of lessons.", valueName: "dir")) var lessonsDir: String?
    @Option(help: "The seed of every random choice (decimal or 0x hex).", transform: parseSeed) var seed: UInt64 = 0

    func run() throws {
        let catalog = LessonFolder.catalog(LessonFolder.locate(explicit: lessonsDir))
        if verify {
            let (text, ok) = catalog.verify(seed: seed, files: LocalFiles())
            emit(fitToWidth(text, width: outputWidth) + "\n")
            if !ok { throw ExitCode(1) }
            return
        }
        if !catalog.lessons.isEmpty || catalog.problems.isEmpty { emit(fitToWidth(catalog.listing, width: outputWidth) + "\n") }
        if !catalog.problems.isEmpty {
            printError(catalog.problemText)
            throw ExitCode(1)
        }
    }
}

/// `replab lesson NAME`: a guided lesson, step by step at the prompt, or played through.
struct RunLesson: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Run a guided lesson step by step (--play: all the way through).",
        discussion: """
            NAME is a lesson's name (quorums), number (6) or file name (06-quorums), or the path of a \
            lesson file. Step by step, Enter runs a step and moves on; next, back, again and end steer; \
            any replab command works on the lesson's cluster. --play prints the whole lesson without \
            waiting (exit status 1 if a claim does not hold); --pace S pauses S seconds between its \
            pieces. --export DIR writes each step's timeline and topology (01-timeline.txt, …; .mmd \
            once replab draws Mermaid) and report.md.
            """)

    @Argument(help: "The lesson: name, number, file name, or path to a .md file.") var name: String
    @Flag(help: "Play the lesson through without pausing or asking.") var play = false
    @Option(help: ArgumentHelp("Play it through, pausing this many seconds between steps (implies --play).", valueName: "seconds"))
    var pace: Double?
    @Option(help: ArgumentHelp("Write each step's timeline and topology and a Markdown report into this folder.", valueName: "dir"))
    var export: String?
    @Option(help: ArgumentHelp("The folder of lessons.", valueName: "dir")) var lessonsDir: String?
    @Option(help: "The seed of every random choice (decimal or 0x hex).", transform: parseSeed) var seed: UInt64 = 0

    func validate() throws {
        if let pace, !(pace >= 0 && pace <= 600) { throw ValidationError("--pace must be between 0 and 600 seconds, not \(pace)") }
    }

    func run() throws {
        let lesson: Lesson
        do {
            if name.contains("/") || name.lowercased().hasSuffix(".md") {
                lesson = try LessonFolder.lesson(at: name)
            } else {
                lesson = try LessonFolder.catalog(LessonFolder.locate(explicit: lessonsDir)).find(name)
            }
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        var failed = false
        if let export {
            let (files, failures) = LessonExport.files(for: lesson, seed: seed, files: LocalFiles())
            try write(files, into: export)
            // When it is also played, the play-through reports the failures itself.
            if !play && pace == nil { for failure in failures { printError("error: \(failure)") } }
            failed = !failures.isEmpty
        }
        if play || pace != nil {
            var runner = LessonRunner(lesson: lesson, seed: seed, files: LocalFiles())
            let pieces = runner.play()
            for (index, piece) in pieces.enumerated() {
                emit(fitToWidth(piece, width: outputWidth) + (index + 1 < pieces.count ? "\n\n" : "\n"))
                if let pace, pace > 0, index + 1 < pieces.count { pause(seconds: pace) }
            }
            if !runner.failures.isEmpty { throw ExitCode(1) }
            return
        }
        if export != nil {
            if failed { throw ExitCode(1) }
            return
        }
        let folder = lessonsDir
        var shell = LessonShell(
            session: Session(seed: seed, files: LocalFiles()), seed: seed, files: LocalFiles(),
            catalog: { LessonFolder.catalog(LessonFolder.locate(explicit: folder)) })
        emit(fitToWidth(shell.start(lesson), width: outputWidth) + "\n")
        var host = SessionHost(shell: shell)
        REPLLoop.run(&host, historyPath: HistoryPath.resolve(environment: environment()))
    }

    /// Writes the export files into `folder`, creating it if needed.
    func write(_ files: [LessonExport.File], into folder: String) throws {
        var info = stat()
        if stat(folder, &info) != 0 {
            if mkdir(folder, 0o755) != 0 {
                printError("error: cannot create the folder \(folder): \(String(cString: strerror(errno)))")
                throw ExitCode(2)
            }
        } else if (info.st_mode & S_IFMT) != S_IFDIR {
            printError("error: cannot export into \(folder): it is a file, not a folder")
            throw ExitCode(2)
        }
        let local = LocalFiles()
        for file in files {
            let path = folder.hasSuffix("/") ? folder + file.name : folder + "/" + file.name
            do {
                // Control characters as their codes, as on the terminal (TerminalText).
                try local.write(TerminalText.escaped(file.text), to: path)
            } catch {
                printError("error: \(error.message)")
                throw ExitCode(2)
            }
        }
        emit("wrote \(files.count) files to \(folder): \(files.map(\.name).joined(separator: " "))\n")
    }

    /// The only place a lesson waits for the wall clock: --pace.
    func pause(seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

/// `--seed`: decimal or 0x hex.
@Sendable func parseSeed(_ text: String) throws -> UInt64 {
    let value = text.lowercased().hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
    guard let value else { throw ValidationError("--seed must be a whole number from 0 to 18446744073709551615, not \(text)") }
    return value
}

/// The columns text may take: the terminal's, or 80 when output is not a terminal.
var outputWidth: Int { max(ViewStyle.minimumWidth, TTY.columns ?? ViewStyle.defaultWidth) }
