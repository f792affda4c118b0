import ReplabCommands
import ReplabRender

/// Reads a lesson's Markdown (the format of `Lessons/README.md`). Pure: text in, `Lesson` or an
/// error naming the file and line out.
public enum LessonParser {
    /// The fenced-block languages the runner interprets; any other fenced block is narration.
    public static let commandsLanguage = "replab"
    public static let predictLanguage = "predict"
    public static let expectLanguage = "expect"

    /// Parses `text`, read from `file` (a path: its last component names the lesson).
    public static func parse(_ text: String, file: String) throws(LessonError) -> Lesson {
        var reader = Reader(file: file)
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        // A lesson's text is shown as text: control characters become their codes (`\u001B`) here,
        // once, so no prose, command or claim of a shared lesson can drive the terminal.
        for (index, line) in lines.enumerated() { try reader.feed(TerminalText.escaped(line), number: index + 1) }
        return try reader.finish(lineCount: lines.count)
    }

    /// `06-quorums.md` → (6, "quorums", "06-quorums").
    public static func naming(_ file: String) -> (number: Int?, name: String, stem: String) {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let stem = base.lowercased().hasSuffix(".md") ? String(base.dropLast(3)) : base
        let digits = stem.prefix(while: { $0.isASCII && $0.isNumber })
        let rest = stem.dropFirst(digits.count)
        if !digits.isEmpty, digits.count <= 6, let number = Int(digits), let separator = rest.first,
            separator == "-" || separator == "_", rest.count > 1
        {
            return (number, String(rest.dropFirst()), stem)
        }
        return (nil, stem, stem)
    }
}

/// The parser's state, fed one line at a time.
private struct Reader {
    let file: String

    enum Place {
        case start, summary, prerequisites, step, closing
    }

    struct Fence {
        var marker: String
        var language: String
        var line: Int
        var lines: [(text: String, number: Int)] = []
    }

    var place = Place.start
    var title = ""
    var titleLine = 0
    var summary: [Block] = []
    var prerequisites: [Block] = []
    var steps: [Step] = []
    var closing: [Section] = []
    var prose = Prose()
    var fence: Fence?
    var inComment = false

    init(file: String) { self.file = file }

    func error(_ line: Int, _ message: String) -> LessonError { LessonError(file: file, line: line, message: message) }

    mutating func feed(_ line: String, number: Int) throws(LessonError) {
        if var open = fence {
            let trimmed = line.trimmedLine
            if trimmed.hasPrefix(open.marker), trimmed.allSatisfy({ $0 == open.marker.first }) {
                fence = nil
                try close(open)
            } else {
                open.lines.append((line, number))
                fence = open
            }
            return
        }
        let trimmed = line.trimmedLine
        if inComment {
            if trimmed.contains("-->") { inComment = false }
            return
        }
        if trimmed.hasPrefix("<!--") {
            inComment = !trimmed.contains("-->")
            return
        }
        if line.indentation < 4, let marker = Reader.fenceMarker(trimmed) {
            guard place != .start else { throw error(number, "the lesson must start with its title: # TITLE") }
            prose.flush()
            let language = trimmed.dropFirst(marker.count).trimmedLine.split(separator: " ").first.map { $0.lowercased() } ?? ""
            fence = Fence(marker: marker, language: language, line: number)
            return
        }
        if let (level, text) = Reader.heading(trimmed), line.indentation < 4 {
            try heading(level: level, text: text, line: number)
            return
        }
        if place == .start {
            guard trimmed.isEmpty else { throw error(number, "the lesson must start with its title: # TITLE") }
            return
        }
        prose.add(line)
    }

    static func fenceMarker(_ trimmed: String) -> String? {
        for character in ["`", "~"] {
            let run = trimmed.prefix(while: { String($0) == character })
            if run.count >= 3 { return String(run) }
        }
        return nil
    }

    /// `## Title` → (2, "Title").
    static func heading(_ trimmed: String) -> (Int, String)? {
        let hashes = trimmed.prefix(while: { $0 == "#" }).count
        guard hashes >= 1, hashes <= 6 else { return nil }
        let rest = trimmed.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var text = rest.trimmedLine
        // A closing sequence of #s after a space is not part of the heading ("# C#" keeps its #).
        let closing = text.reversed().prefix(while: { $0 == "#" }).count
        if closing > 0, closing == text.count || text.dropLast(closing).last == " " { text = String(text.dropLast(closing)) }
        return (hashes, text.trimmedLine)
    }

    mutating func heading(level: Int, text: String, line: Int) throws(LessonError) {
        if level == 1 {
            guard place == .start else {
                throw error(line, "a lesson has one title (# TITLE); use ## for its sections")
            }
            guard !text.isEmpty else { throw error(line, "the title is empty") }
            title = text
            titleLine = line
            place = .summary
            return
        }
        guard place != .start else { throw error(line, "the lesson must start with its title: # TITLE") }
        if level > 2 {
            // A sub-heading inside a section reads as a paragraph of its own.
            prose.flush()
            prose.add(text)
            prose.flush()
            return
        }
        try flushProse()
        if let number = Reader.stepNumber(text) {
            guard let parsed = number else {
                throw error(line, "a step heading reads \"## Step N: TITLE\", not \"## \(text)\"")
            }
            let (value, stepTitle) = parsed
            if place == .closing, let last = closing.last {
                throw error(line, "\"## \(text)\" comes after the closing section \"## \(last.heading)\"; steps come first")
            }
            guard value == steps.count + 1 else {
                throw error(line, "steps are numbered in order: expected \"## Step \(steps.count + 1): …\", found \"## \(text)\"")
            }
            try finishStep()
            steps.append(Step(title: stepTitle, line: line, narration: [], commands: [], prediction: nil, claims: []))
            place = .step
            return
        }
        if text.lowercased() == "before you start" {
            guard place == .summary else {
                throw error(line, "\"## Before you start\" comes right after the summary, before the steps")
            }
            place = .prerequisites
            return
        }
        guard !steps.isEmpty else {
            throw error(
                line,
                "unexpected section \"## \(text)\": before the steps a lesson has only \"## Before you start\"; steps are \"## Step N: TITLE\""
            )
        }
        try finishStep()
        closing.append(Section(heading: text, blocks: []))
        place = .closing
    }

    /// nil: not a step heading; .some(nil): starts with "Step" but is malformed; otherwise the
    /// number and title.
    static func stepNumber(_ text: String) -> (Int, String)?? {
        let words = text.split(separator: " ", maxSplits: 1)
        guard let first = words.first, first.lowercased() == "step" else { return nil }
        guard words.count == 2 else { return .some(nil) }
        let rest = words[1]
        let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 4, let number = Int(digits) else { return .some(nil) }
        let afterNumber = rest.dropFirst(digits.count).trimmedLine
        guard afterNumber.first == ":" else { return .some(nil) }
        let title = afterNumber.dropFirst().trimmedLine
        guard !title.isEmpty else { return .some(nil) }
        return .some((number, title))
    }

    mutating func flushProse() throws(LessonError) {
        prose.flush()
        let blocks = prose.take()
        guard !blocks.isEmpty else { return }
        switch place {
        case .start: break
        case .summary: summary += blocks
        case .prerequisites: prerequisites += blocks
        case .step: steps[steps.count - 1].narration += blocks
        case .closing: closing[closing.count - 1].blocks += blocks
        }
    }

    mutating func close(_ fence: Fence) throws(LessonError) {
        switch fence.language {
        case LessonParser.commandsLanguage, LessonParser.predictLanguage, LessonParser.expectLanguage:
            guard place == .step else {
                throw error(fence.line, "a ```\(fence.language) block belongs inside a step (## Step N: TITLE)")
            }
        default:
            let lines = Reader.dedent(fence.lines.map(\.text))
            prose.verbatim(lines)
            try flushProse()
            return
        }
        try flushProse()
        let index = steps.count - 1
        switch fence.language {
        case LessonParser.commandsLanguage:
            for (text, number) in fence.lines {
                let command = text.trimmedLine
                guard !command.isEmpty else { continue }
                if !command.hasPrefix("#") { try check(command: command, line: number) }
                steps[index].commands.append(ScriptLine(text: command, line: number))
            }
        case LessonParser.predictLanguage:
            if let earlier = steps[index].prediction {
                throw error(fence.line, "a step asks one prediction; this step already has one (line \(earlier.line))")
            }
            steps[index].prediction = try prediction(fence)
        default:
            var claims: [Claim] = []
            for (text, number) in fence.lines {
                let line = text.trimmedLine
                guard !line.isEmpty, !line.hasPrefix("#") else { continue }
                do {
                    claims.append(try Claim.parse(line, line: number))
                } catch {
                    throw self.error(number, error.message)
                }
            }
            guard !claims.isEmpty else { throw error(fence.line, "this ```expect block has no claim (one claim per line)") }
            steps[index].claims += claims
        }
    }

    /// A lesson command must be one replab understands, and not one that steers the REPL.
    func check(command: String, line: Int) throws(LessonError) {
        let parsed: Command?
        do {
            parsed = try Parser.parse(command)
        } catch {
            throw self.error(line, "the command \"\(command)\" is not valid: \(error.message)")
        }
        switch parsed {
        case .quit?, .lessons?, .lesson?, .lessonControl?:
            throw error(
                line, "\"\(command)\" steers the REPL; a lesson's commands cannot use lessons, lesson, next, back, again, end or quit")
        default: break
        }
    }

    func prediction(_ fence: Fence) throws(LessonError) -> Prediction {
        var question: [String] = []
        var choices: [String] = []
        var reveal: [String] = []
        var revealing = false
        for (text, number) in fence.lines {
            let line = text.trimmedLine
            if !revealing && line == "---" {
                revealing = true
            } else if revealing {
                reveal.append(line)
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                choices.append(String(line.dropFirst(2)).trimmedLine)
            } else if !line.isEmpty {
                guard choices.isEmpty else {
                    throw error(number, "the question of a ```predict block comes before its choices (- CHOICE)")
                }
                question.append(line)
            }
        }
        guard !question.isEmpty else { throw error(fence.line, "this ```predict block has no question (its first lines)") }
        let paragraphs = Reader.paragraphs(reveal)
        guard revealing, !paragraphs.isEmpty else {
            throw error(fence.line, "this ```predict block has nothing to reveal: add a line --- and the answer after it")
        }
        return Prediction(
            question: question.joined(separator: " "), choices: choices, reveal: paragraphs.joined(separator: "\n\n"),
            line: fence.line)
    }

    static func paragraphs(_ lines: [String]) -> [String] {
        var result: [String] = []
        var current: [String] = []
        for line in lines + [""] {
            if line.isEmpty {
                if !current.isEmpty { result.append(current.joined(separator: " ")) }
                current = []
            } else {
                current.append(line)
            }
        }
        return result
    }

    /// Removes the indentation every non-blank line shares.
    static func dedent(_ lines: [String]) -> [String] {
        let common = lines.filter { !$0.trimmedLine.isEmpty }.map(\.indentation).min() ?? 0
        return lines.map { $0.trimmedLine.isEmpty ? "" : String($0.dropFirst(common)) }
    }

    mutating func finishStep() throws(LessonError) {
        guard let step = steps.last else { return }
        let name = "step \(steps.count) (\(step.title))"
        if step.narration.isEmpty { throw error(step.line, "\(name) has no narration: say in a few sentences what it shows") }
        if !step.commands.contains(where: { !$0.text.hasPrefix("#") }) {
            throw error(step.line, "\(name) has no commands: add a ```replab block")
        }
        if step.claims.isEmpty { throw error(step.line, "\(name) checks nothing: add an ```expect block with a claim") }
    }

    mutating func finish(lineCount: Int) throws(LessonError) -> Lesson {
        if let open = fence { throw error(open.line, "this \(open.marker) block is never closed") }
        guard place != .start else { throw error(0, "the file is empty: a lesson starts with its title, # TITLE") }
        try flushProse()
        if summary.isEmpty { throw error(titleLine, "the title needs a short summary under it (a paragraph or two)") }
        guard !steps.isEmpty else { throw error(0, "the lesson has no steps: add sections \"## Step 1: TITLE\", …") }
        if place == .step { try finishStep() }
        let naming = LessonParser.naming(file)
        return Lesson(
            file: file, number: naming.number, name: naming.name, stem: naming.stem, title: title, summary: summary,
            prerequisites: prerequisites, steps: steps, closing: closing)
    }
}

/// Paragraphs and list items of Markdown prose, gathered line by line.
private struct Prose {
    private var blocks: [Block] = []
    private var paragraph: [String] = []
    private var item: (marker: String, lines: [String])?
    /// The rows of a Markdown table being read (header first, the |---| row left out).
    private var table: [[String]] = []

    mutating func add(_ line: String) {
        var trimmed = line.trimmedLine
        // A table reads, on a terminal, as one item per row: "single-leader: good at …; pays with …".
        if trimmed.hasPrefix("|") && trimmed.hasSuffix("|") && trimmed.count > 1 {
            if table.isEmpty { flush() }
            let cells = trimmed.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false).map {
                String($0).trimmedLine
            }
            if !cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { table.append(cells) }
            return
        }
        flushTable()
        if trimmed.isEmpty {
            flush()
            return
        }
        if trimmed.hasPrefix(">") {
            trimmed = String(trimmed.dropFirst()).trimmedLine
            if trimmed.isEmpty {
                flush()
                return
            }
        }
        // A thematic break (---, ***, ___) separates; it is not text.
        if trimmed.count >= 3, let first = trimmed.first, "-*_".contains(first), trimmed.allSatisfy({ $0 == first || $0 == " " }) {
            flush()
            return
        }
        if let marker = Prose.listMarker(trimmed) {
            flush()
            item = (marker, [String(trimmed.dropFirst(marker.count)).trimmedLine])
        } else if item != nil {
            item?.lines.append(trimmed)
        } else {
            paragraph.append(trimmed)
        }
    }

    mutating func verbatim(_ lines: [String]) {
        flush()
        blocks.append(.verbatim(lines))
    }

    private mutating func flushTable() {
        guard let header = table.first else { return }
        for row in table.dropFirst() {
            let rest = zip(header.dropFirst(), row.dropFirst()).map { "\($0) \($1)" }
            blocks.append(.item(marker: "-", text: (row.first ?? "") + ": " + rest.joined(separator: "; ")))
        }
        table = []
    }

    mutating func flush() {
        flushTable()
        if !paragraph.isEmpty { blocks.append(.paragraph(paragraph.joined(separator: " "))) }
        paragraph = []
        if let item {
            blocks.append(
                .item(marker: item.marker == "*" || item.marker == "+" ? "-" : item.marker, text: item.lines.joined(separator: " ")))
        }
        item = nil
    }

    mutating func take() -> [Block] {
        defer { blocks = [] }
        return blocks
    }

    /// `- `, `* `, `+ ` or `1. ` → the marker.
    static func listMarker(_ trimmed: String) -> String? {
        for bullet in ["- ", "* ", "+ "] where trimmed.hasPrefix(bullet) { return String(bullet.prefix(1)) }
        let digits = trimmed.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, digits.count <= 3, trimmed.dropFirst(digits.count).hasPrefix(". ") { return digits + "." }
        return nil
    }
}
