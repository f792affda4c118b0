import ReplabCommands
import ReplabRender

/// The REPL's session with lessons: `lessons` and `lesson NAME` are answered here, and while a
/// lesson runs every line goes to its runner (`next`, `back`, `again`, `end`, guesses, and the
/// learner's own commands in the lesson's cluster). When the lesson ends its cluster becomes the
/// REPL's session. Lines that concern no lesson go to the session as usual.
public struct LessonShell {
    public private(set) var session: Session
    public private(set) var runner: LessonRunner?
    /// Reads the lessons afresh each time (a teacher may be editing them).
    private let catalog: () -> LessonCatalog
    private let seed: UInt64
    private let files: FileAccess?

    public init(session: Session, seed: UInt64 = 0, files: FileAccess? = nil, catalog: @escaping () -> LessonCatalog) {
        self.session = session
        self.seed = seed
        self.files = files
        self.catalog = catalog
    }

    /// How views are drawn (the terminal's character set, colour and width), for the session and
    /// any lesson it runs.
    public var style: ViewStyle = .standard {
        didSet {
            session.style = style
            runner?.style = style
        }
    }

    public var prompt: String { runner?.prompt ?? "replab> " }

    /// Starts a lesson (the prompt's `lesson NAME`, or `replab lesson NAME`) and returns its
    /// opening, or the error that names the lesson file and line.
    public mutating func start(_ lesson: Lesson) -> String {
        var runner = LessonRunner(lesson: lesson, seed: seed, files: files)
        runner.style = style
        let text = runner.start()
        self.runner = runner
        return text
    }

    public mutating func handle(_ line: String) -> (output: String, quit: Bool) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
        switch (words.first, words.count) {
        case ("lessons", 1):
            let catalog = catalog()
            return ([catalog.listing, catalog.problemText].filter { !$0.isEmpty }.joined(separator: "\n"), false)
        case ("lesson", 2):
            do {
                let lesson = try catalog().find(words[1])
                let left = runner.map { "(left lesson \"\($0.lesson.title)\" at step \($0.progress.step))\n\n" } ?? ""
                return (left + start(lesson), false)
            } catch {
                return ("error: \(error)", false)
            }
        case ("help", 2) where LessonShell.words.contains(words[1]):
            return (LessonShell.help, false)
        default:
            break
        }
        guard var active = runner else {
            let result = session.execute(line)
            return (result.text, result.quit)
        }
        let reply = active.handle(line)
        if reply.ended {
            session = active.world.session
            runner = nil
        } else {
            runner = active
        }
        return (reply.text, reply.quit)
    }

    public func completions(line: String, word: String) -> [String] {
        let words = line.split(separator: " ").map(String.init)
        let first = words.isEmpty || (words.count == 1 && !line.hasSuffix(" "))
        if !first && words.first == "lesson" {
            let catalog = catalog()
            return catalog.lessons.map(\.name).filter { $0.hasPrefix(word) }
        }
        var candidates = (runner?.world.session ?? session).completions(line: line, word: word)
        if first {
            let extras = runner == nil ? ["lessons", "lesson"] : LessonShell.words
            for extra in extras where extra.hasPrefix(word) && !candidates.contains(extra) { candidates.append(extra) }
            candidates.sort()
        }
        return candidates
    }

    static let words = ["lessons", "lesson", "next", "back", "again", "end"]

    static let help = """
        Guided lessons

          lessons        list the lessons (number, name, steps, title)
          lesson NAME    start one (by name, number or file name)
          Enter          run the step's commands; after they ran, go on
          next           go on to the next step (running this one first)
          back           the previous step, with the cluster as it was then
          again          this step once more, from the cluster it began with
          end            leave the lesson; its cluster stays yours

        Between steps any replab command works on the lesson's cluster. When a
        step asks you to predict, type a guess (anything) and press Enter.
        """
}
