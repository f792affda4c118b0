import ReplabCommands

/// The lessons of one folder: those that parsed, sorted by number and then file name, and the
/// files that did not (a malformed file never hides the others).
public struct LessonCatalog: Sendable {
    /// The folder, as given (for messages).
    public var folder: String
    public var lessons: [Lesson]
    /// The files that could not be read as lessons, in file-name order.
    public var problems: [LessonError]

    /// Parses `files` (path and text; the guide `README.md` is not a lesson and is skipped).
    public init(folder: String, files: [(path: String, text: String)]) {
        self.folder = folder
        var lessons: [Lesson] = []
        var problems: [LessonError] = []
        for (path, text) in files.sorted(by: { $0.path < $1.path }) where LessonCatalog.isLessonFile(path) {
            do {
                let lesson = try LessonParser.parse(text, file: path)
                if let other = lessons.first(where: { $0.name == lesson.name }) {
                    problems.append(
                        LessonError(file: path, line: 0, message: "the lesson name \"\(lesson.name)\" is taken by \(other.file)"))
                } else {
                    lessons.append(lesson)
                }
            } catch {
                problems.append(error)
            }
        }
        self.lessons = lessons.sorted { ($0.number ?? Int.max, $0.stem) < ($1.number ?? Int.max, $1.stem) }
        self.problems = problems
    }

    /// Markdown files other than a README.
    public static func isLessonFile(_ path: String) -> Bool {
        let base = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
        return base.hasSuffix(".md") && base != "readme.md"
    }

    /// The lesson a learner means by `name`: its name (`quorums`), number (`6`, `06`), or file
    /// name (`06-quorums`, `06-quorums.md`).
    public func find(_ name: String) throws(LessonError) -> Lesson {
        let wanted = name.lowercased()
        let wantedNumber = wanted.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(wanted) : nil
        func matches(_ naming: (number: Int?, name: String, stem: String)) -> Bool {
            naming.name.lowercased() == wanted || naming.stem.lowercased() == wanted || naming.stem.lowercased() + ".md" == wanted
                || (wantedNumber != nil && naming.number == wantedNumber)
        }
        if let lesson = lessons.first(where: { matches(($0.number, $0.name, $0.stem)) }) { return lesson }
        if let problem = problems.first(where: { matches(LessonParser.naming($0.file)) }) { throw problem }
        let names = lessons.map(\.name)
        let known = names.isEmpty ? "there are no lessons in \(folder)" : "lessons: \(names.joined(separator: ", "))"
        throw LessonError(file: folder, line: 0, message: "no lesson \"\(name)\"\(suggest(wanted, among: names)); \(known)")
    }

    /// The table of `lessons`: number, name, steps and title, fitted to 80 columns.
    public var listing: String {
        guard !lessons.isEmpty else { return "no lessons in \(folder)" }
        let nameWidth = max(4, lessons.map(\.name.count).max() ?? 0)
        var lines = [
            "Lessons in \(folder.hasSuffix("/") ? folder : folder + "/"):", "  #  " + "name".padding(nameWidth) + "  steps  title",
        ]
        for lesson in lessons {
            let number = lesson.number.map(String.init) ?? "-"
            let head =
                String(repeating: " ", count: max(0, 3 - number.count)) + number + "  " + lesson.name.padding(nameWidth) + "  "
                + String(repeating: " ", count: max(0, 5 - String(lesson.steps.count).count)) + String(lesson.steps.count) + "  "
            let room = max(10, Layout.width - head.count)
            let title = lesson.title.count > room ? lesson.title.prefix(room - 1) + "…" : lesson.title
            lines.append(head + title)
        }
        lines.append("lesson NAME starts one; replab lesson NAME --play plays it through.")
        return lines.joined(separator: "\n")
    }

    /// The malformed files, one `error: FILE:LINE: MESSAGE` line each.
    public var problemText: String {
        problems.map { "error: \($0)" }.joined(separator: "\n")
    }

    /// Verifies every lesson: a line per lesson (`ok` or `FAIL` and why), a line per malformed
    /// file, and a summary. `ok` is false if any lesson failed or could not be read.
    public func verify(seed: UInt64 = 0, files: FileAccess? = nil) -> (text: String, ok: Bool) {
        var lines: [String] = []
        var failed = 0
        for lesson in lessons {
            let result = LessonRunner.verify(lesson, seed: seed, files: files)
            if result.ok {
                lines.append("ok    \(lesson.stem): \(lesson.steps.count) steps, \(result.claimsChecked) claims")
            } else {
                failed += 1
                lines.append("FAIL  \(lesson.stem)")
                lines += result.failures.map { "      \($0)" }
            }
        }
        lines += problems.map { "error \($0)" }
        let total = lessons.count + problems.count
        var summary = "\(lessons.count - failed) of \(total) lesson\(total == 1 ? "" : "s") verified"
        var troubles: [String] = []
        if failed > 0 { troubles.append("\(failed) failed") }
        if !problems.isEmpty { troubles.append("\(problems.count) could not be read") }
        if !troubles.isEmpty { summary += "; " + troubles.joined(separator: ", ") }
        lines.append(summary)
        return (lines.joined(separator: "\n"), failed == 0 && problems.isEmpty)
    }
}

extension String {
    /// Padded with spaces to `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
