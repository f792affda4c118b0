/// A guided lesson, as read from its Markdown file (the format is documented in `Lessons/README.md`).
public struct Lesson: Sendable, Equatable {
    /// Where it came from, as given to the parser (used in every error and failure it reports).
    public var file: String
    /// The number in front of the file name (`06-quorums.md` is 6), if there is one.
    public var number: Int?
    /// The file name without its number and extension (`quorums`): what `lesson NAME` takes.
    public var name: String
    /// The file name without its extension (`06-quorums`).
    public var stem: String
    public var title: String
    /// The paragraphs between the title and the first section.
    public var summary: [Block]
    /// `## Before you start`: what the learner should know first (may be empty).
    public var prerequisites: [Block]
    public var steps: [Step]
    /// Sections after the last step (`## What you saw`, …), shown when the lesson ends.
    public var closing: [Section]

    /// How many claims the lesson checks in all.
    public var claimCount: Int { steps.reduce(0) { $0 + $1.claims.count } }
}

/// A section of prose with a heading (used for closing sections).
public struct Section: Sendable, Equatable {
    public var heading: String
    public var blocks: [Block]
}

/// One step: narration, the commands to run, what the learner is asked to predict, and the
/// claims checked once the commands have run.
public struct Step: Sendable, Equatable {
    public var title: String
    /// The line of its `## Step N: TITLE` heading.
    public var line: Int
    public var narration: [Block]
    public var commands: [ScriptLine]
    public var prediction: Prediction?
    public var claims: [Claim]
}

/// A command of a ```replab block, with its line in the lesson file.
public struct ScriptLine: Sendable, Equatable {
    public var text: String
    public var line: Int
}

/// A ```predict block: a question (with optional choices) and what the runner reveals after the
/// learner has answered and the commands have run.
public struct Prediction: Sendable, Equatable {
    public var question: String
    public var choices: [String]
    public var reveal: String
    public var line: Int
}

/// A piece of narration: a paragraph (reflowed to the terminal's width), a list item (reflowed
/// with a hanging indent), or verbatim text (a fenced block the runner does not interpret).
public enum Block: Sendable, Equatable {
    case paragraph(String)
    case item(marker: String, text: String)
    case verbatim([String])
}

/// A lesson file that could not be read: the file, the line (1-based; 0 when it concerns the
/// whole file) and what is wrong. Its description is `FILE:LINE: MESSAGE`.
public struct LessonError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
