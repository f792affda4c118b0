import ReplabCommands
import ReplabRender

/// Runs a lesson: the state machine behind `lesson NAME` in the REPL, `replab lesson NAME
/// --play`, `replab lessons --verify` and the tests. It takes lines and returns text; it never
/// touches the terminal, and it never sleeps (pacing belongs to the executable).
///
/// Step by step (`start()`, then `handle(_:)` for every line the learner types), each step
/// shows its narration and commands; Enter runs them (after asking for a guess when the step has
/// a ```predict block), reveals the answer, checks the claims, and the next Enter moves on. Any
/// other line is a replab command run in the lesson's cluster, which is the learner's to poke.
/// `next`, `back`, `again` and `end` steer.
///
/// `back` and `again` rebuild the cluster as it was when the step began by replaying the
/// lesson's own commands from a fresh session with the lesson's seed (replab is deterministic,
/// so this is exact); commands the learner typed are not replayed.
public struct LessonRunner: Sendable {
    /// Where the runner is within the current step.
    public enum Phase: Sendable, Equatable {
        /// The step's question is asked: the next line is the learner's guess.
        case predicting
        /// The step's commands are shown: Enter runs them.
        case ready
        /// The commands ran and the claims were checked: Enter moves on.
        case done
        /// The lesson is over (finished or ended).
        case finished
    }

    public let lesson: Lesson
    public let seed: UInt64
    private let files: FileAccess?
    public private(set) var world: LessonWorld
    /// How views are drawn; kept when `back` and `again` rebuild the cluster.
    public var style: ViewStyle = .standard {
        didSet { world.style = style }
    }
    /// The current step, from 0.
    public private(set) var stepIndex = 0
    public private(set) var phase: Phase
    /// The failed claims and refused commands of the steps run so far (the latest run of each).
    public private(set) var failures: [StepFailure] = []
    /// How many claims have been checked (in `play()`: in all).
    public private(set) var claimsChecked = 0
    /// The commands of the step run last, each after a `replab>` prompt, with their output.
    public private(set) var lastTranscript = ""
    /// Whether the learner typed commands of their own since the current step began (so a
    /// claim that fails may be their doing, not the lesson's).
    private var poked = false
    /// The learner's answer to the step's question, shown beside the reveal.
    private var guess: String? = nil

    public init(lesson: Lesson, seed: UInt64 = 0, files: FileAccess? = nil) {
        self.lesson = lesson
        self.seed = seed
        self.files = files
        world = LessonWorld(seed: seed, files: files)
        phase = lesson.steps.first?.prediction == nil ? .ready : .predicting
    }

    /// The current step, from 1, and the number of steps.
    public var progress: (step: Int, of: Int) { (stepIndex + 1, lesson.steps.count) }

    /// The prompt for the learner's next line.
    public var prompt: String {
        switch phase {
        case .predicting: return "guess> "
        case .finished: return "replab> "
        case .ready, .done: return "step \(progress.step)/\(progress.of)> "
        }
    }

    // MARK: - Step by step

    /// What the learner's line did.
    public struct Reply: Sendable, Equatable {
        public var text: String
        /// The learner typed `quit`.
        public var quit = false
        /// The lesson is over: the cluster goes back to the REPL.
        public var ended = false
    }

    /// The lesson's opening and its first step.
    public mutating func start() -> String {
        opening(guided: true) + "\n\n" + intro(guided: true)
    }

    /// Handles one line the learner typed.
    public mutating func handle(_ line: String) -> Reply {
        let trimmed = line.trimmedLine
        let word = trimmed.lowercased()
        if phase == .finished { return Reply(text: "The lesson is over.", ended: true) }
        switch word {
        case "end": return end()
        case "back": return Reply(text: back())
        case "again": return Reply(text: again())
        // Even at the guess prompt: leaving replab is never taken for a guess.
        case "quit", "exit": return Reply(text: "", quit: true)
        default: break
        }
        switch phase {
        case .predicting:
            if trimmed.isEmpty { return Reply(text: "Type a guess first (any answer will do), or next to skip it.") }
            if word == "next" { return Reply(text: runStep(guided: true) + "\n\n" + doneHint()) }
            // A command typed here is a command, not a guess: say so rather than take it as one.
            if LessonRunner.isCommand(trimmed) {
                return Reply(
                    text: Layout.wrap(
                        "\"\(trimmed)\" is a replab command, not a guess: answer the question first (any words will do; next skips it), then the cluster is yours."
                    ).joined(separator: "\n"))
            }
            guess = trimmed
            return Reply(text: runStep(guided: true) + "\n\n" + doneHint())
        case .ready:
            if trimmed.isEmpty { return Reply(text: runStep(guided: true) + "\n\n" + doneHint()) }
            if word == "next" { return moveOnGuided(after: runStep(guided: true)) }
            return poke(line)
        case .done:
            if trimmed.isEmpty || word == "next" { return moveOnGuided(after: nil) }
            return poke(line)
        case .finished:
            return Reply(text: "The lesson is over.", ended: true)
        }
    }

    private mutating func poke(_ line: String) -> Reply {
        let log = world.session.log
        let result = world.execute(line)
        if world.session.log != log { poked = true }
        return Reply(text: result.text, quit: result.quit)
    }

    private mutating func moveOnGuided(after output: String?) -> Reply {
        let prefix = output.map { $0 + "\n\n" } ?? ""
        if moveOn() { return Reply(text: prefix + intro(guided: true)) }
        return Reply(text: prefix + closing(guided: true), ended: true)
    }

    private mutating func end() -> Reply {
        phase = .finished
        let text = "Lesson ended at step \(progress.step) of \(progress.of). The cluster stays yours to explore; lessons lists the others."
        return Reply(text: Layout.wrap(text).joined(separator: "\n"), ended: true)
    }

    private mutating func back() -> String {
        guard stepIndex > 0 else { return "This is the first step; again starts it over." }
        restore(toStartOf: stepIndex - 1)
        return "Back to step \(progress.step): the cluster is as it was when that step began.\n\n" + intro(guided: true)
    }

    private mutating func again() -> String {
        restore(toStartOf: stepIndex)
        return "Step \(progress.step) again: the cluster is as it was when the step began.\n\n" + intro(guided: true)
    }

    /// Rebuilds the cluster as it was when step `index` began, by replaying the lesson's
    /// commands of the steps before it in a fresh session.
    private mutating func restore(toStartOf index: Int) {
        var fresh = LessonWorld(seed: seed, files: files, style: style)
        for step in lesson.steps[..<index] {
            for command in step.commands where !command.text.hasPrefix("#") { _ = fresh.execute(command.text) }
        }
        world = fresh
        stepIndex = index
        poked = false
        failures.removeAll { $0.step > index }
        phase = lesson.steps[index].prediction == nil ? .ready : .predicting
    }

    // MARK: - Played through

    /// Plays the whole lesson without waiting, in pieces: the opening, then for every step its
    /// narration (with the question, if it asks one) and what its commands did (with the reveal
    /// and the claims), then the closing. `replab lesson NAME --pace S` pauses between pieces.
    public mutating func play() -> [String] {
        var pieces = [opening(guided: false)]
        while phase != .finished {
            pieces.append(intro(guided: false))
            pieces.append(runStep(guided: false))
            _ = moveOn()
        }
        pieces.append(closing(guided: false))
        return pieces
    }

    /// Runs every step's commands and checks its claims, stopping after the first step that
    /// fails (later steps stand on it). Returns that step's failures, or none.
    public static func verify(_ lesson: Lesson, seed: UInt64 = 0, files: FileAccess? = nil) -> Verification {
        var runner = LessonRunner(lesson: lesson, seed: seed, files: files)
        while runner.phase != .finished {
            _ = runner.runStep(guided: false)
            if !runner.failures.isEmpty { break }
            _ = runner.moveOn()
        }
        return Verification(lesson: lesson, failures: runner.failures, claimsChecked: runner.claimsChecked)
    }

    // MARK: - Pieces

    /// Moves to the next step (true), or finishes the lesson (false).
    mutating func moveOn() -> Bool {
        guard stepIndex + 1 < lesson.steps.count else {
            phase = .finished
            return false
        }
        stepIndex += 1
        poked = false
        phase = lesson.steps[stepIndex].prediction == nil ? .ready : .predicting
        return true
    }

    /// The lesson's title, summary and what to know first.
    func opening(guided: Bool) -> String {
        var parts = [Layout.wrap(lesson.heading).joined(separator: "\n"), Layout.render(lesson.summary)]
        if !lesson.prerequisites.isEmpty { parts.append("Before you start:\n" + Layout.render(lesson.prerequisites, indent: "  ")) }
        let count = "\(lesson.steps.count) step\(lesson.steps.count == 1 ? "" : "s")"
        if guided {
            parts.append(
                Layout.wrap(
                    "\(count). Enter runs a step's commands, and Enter again moves on. The cluster is yours: type any replab command between steps. next, back, again and end steer the lesson."
                ).joined(separator: "\n"))
        }
        return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// The current step: its progress line, narration, and (step by step) its commands and what
    /// to do next; a question when it asks one.
    func intro(guided: Bool) -> String {
        let step = lesson.steps[stepIndex]
        var parts = [Layout.rule("Step \(progress.step) of \(progress.of): \(step.title)"), Layout.render(step.narration)]
        if guided || step.prediction != nil {
            parts.append(step.commands.map { "  " + $0.text }.joined(separator: "\n"))
        }
        if let prediction = step.prediction {
            var lines = Layout.wrap(prediction.question, first: "Predict: ", rest: "  ")
            for (index, choice) in prediction.choices.enumerated() {
                let letter = Prediction.letter(index)
                lines += Layout.wrap(choice, first: "  \(letter)) ", rest: "     ")
            }
            if guided { lines.append("Type your guess and press Enter (next skips it).") }
            parts.append(lines.joined(separator: "\n"))
        } else if guided {
            parts.append("Enter runs these commands (or type your own first).")
        }
        return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    private func doneHint() -> String {
        stepIndex + 1 < lesson.steps.count
            ? "Enter goes on to step \(progress.step + 1) of \(progress.of) (back, again, end; or type a command)."
            : "Enter finishes the lesson (back, again; or type a command)."
    }

    /// Runs the current step's commands, reveals the answer, checks the claims.
    mutating func runStep(guided: Bool) -> String {
        let step = lesson.steps[stepIndex]
        var transcript: [String] = []
        var outputs: [String] = []
        var refused: [(ScriptLine, String)] = []
        for command in step.commands {
            if command.text.hasPrefix("#") {
                transcript.append(command.text)
                continue
            }
            let result = world.execute(command.text)
            transcript.append("replab> \(command.text)")
            if !result.text.isEmpty {
                transcript.append(result.text)
                outputs.append(result.text)
            }
            if let error = result.error { refused.append((command, error)) }
        }
        let record = StepRecord(output: outputs.joined(separator: "\n"), errors: refused.map(\.1))
        lastTranscript = transcript.joined(separator: "\n")
        var parts = [lastTranscript]
        if let prediction = step.prediction {
            if guided, let guess { parts.append(LessonRunner.compare(guess: guess, with: prediction)) }
            guess = nil
            parts.append(
                prediction.reveal.split(separator: "\n\n").enumerated().map { index, paragraph in
                    Layout.wrap(String(paragraph), first: index == 0 ? "Reveal: " : "", rest: "").joined(separator: "\n")
                }.joined(separator: "\n\n"))
        }
        var checks: [String] = []
        var found: [StepFailure] = []
        for claim in step.claims {
            claimsChecked += 1
            if let actual = claim.evaluate(in: world, step: record) {
                checks += Layout.wrap(claim.sentence, first: "  ✗ ", rest: "    ")
                checks += Layout.wrap(actual, first: "    ", rest: "    ")
                found.append(failure(step: step, line: claim.line, subject: .claim(claim.text), actual: actual))
            } else {
                checks += Layout.wrap(claim.sentence, first: "  ✓ ", rest: "    ")
            }
        }
        let expected = step.claims.compactMap { claim -> String? in
            if case .errorContains(let needle) = claim.kind { return needle }
            return nil
        }
        for (command, error) in refused where !expected.contains(where: { error.contains($0) }) {
            checks += Layout.wrap("the command \"\(command.text)\" was refused", first: "  ✗ ", rest: "    ")
            found.append(failure(step: step, line: command.line, subject: .command(command.text), actual: error))
        }
        if guided && poked && !found.isEmpty {
            checks += Layout.wrap("(Commands you typed may have changed the cluster: again restarts this step as the lesson expects.)")
        }
        parts.append(checks.joined(separator: "\n"))
        let number = progress.step
        failures.removeAll { $0.step == number }
        failures += found
        phase = .done
        return parts.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    private func failure(step: Step, line: Int, subject: StepFailure.Subject, actual: String) -> StepFailure {
        StepFailure(file: lesson.file, line: line, step: progress.step, stepTitle: step.title, subject: subject, actual: actual)
    }

    func closing(guided: Bool) -> String {
        var parts = [Layout.rule("End of the lesson")]
        for section in lesson.closing {
            parts.append(section.heading + "\n" + Layout.render(section.blocks))
        }
        if guided {
            parts.append(
                Layout.wrap("You finished \"\(lesson.title)\". The cluster stays yours to explore; lessons lists the others.")
                    .joined(separator: "\n"))
        } else if failures.isEmpty {
            parts.append("\(lesson.steps.count) steps, \(claimsChecked) claims: all held.")
        } else {
            parts.append(
                "\(lesson.steps.count) steps, \(claimsChecked) claims: \(failures.count) problem\(failures.count == 1 ? "" : "s"):\n"
                    + failures.map(\.description).joined(separator: "\n"))
        }
        return parts.joined(separator: "\n\n")
    }
}

extension Lesson {
    /// `Lesson 6 — Quorums` (or just the title when the file has no number).
    public var heading: String { number.map { "Lesson \($0) — \(title)" } ?? title }
}

extension Prediction {
    /// a, b, c, … for the choices.
    static func letter(_ index: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return index < letters.count ? String(letters[index]) : String(index + 1)
    }
}

/// A claim that did not hold, or a command that was refused, in a step.
public struct StepFailure: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// The claim's or command's line.
    public var line: Int
    /// The step, from 1.
    public var step: Int
    public var stepTitle: String
    public var subject: Subject
    /// What replab did instead.
    public var actual: String

    /// What failed: a claim (its text) or a command (as written).
    public enum Subject: Sendable, Equatable {
        case claim(String)
        case command(String)
    }

    public var description: String {
        let what: String
        switch subject {
        case .claim(let text): what = "claim \"\(text)\" does not hold"
        case .command(let text): what = "command \"\(text)\" was refused"
        }
        return "\(file):\(line): step \(step) (\(stepTitle)): \(what): \(actual)"
    }
}

/// What `verify` found for one lesson.
public struct Verification: Sendable {
    public var lesson: Lesson
    public var failures: [StepFailure]
    public var claimsChecked: Int
    public var ok: Bool { failures.isEmpty }
}
