import ReplabCommands

extension LessonRunner {
    /// Whether a line typed at the guess prompt is a replab command (it parses as one), rather
    /// than an answer: "no", "1", "both fail" are answers; "get x", "show state" are commands.
    static func isCommand(_ line: String) -> Bool {
        let first = line.split(separator: " ").first.map(String.init) ?? ""
        guard Catalog.names.contains(first) else { return false }
        do {
            return try Parser.parse(line) != nil
        } catch {
            return false
        }
    }

    /// The learner's guess beside the answer: with choices, the choice it names; for a yes/no
    /// question, whether it agrees with the reveal's first word.
    static func compare(guess: String, with prediction: Prediction) -> String {
        var text = "You guessed: \(guess)"
        let lower = guess.lowercased()
        if !prediction.choices.isEmpty, let letter = lower.first, lower.dropFirst().first.map({ !$0.isLetter }) ?? true,
            let index = prediction.choices.indices.first(where: { Prediction.letter($0) == String(letter) })
        {
            text += " (\(prediction.choices[index]))"
        }
        let answer = prediction.reveal.split(whereSeparator: { $0 == " " || $0 == "." || $0 == "," || $0 == "\n" }).first?
            .lowercased()
        let said = lower.split(whereSeparator: { $0 == " " || $0 == "." || $0 == "," || $0 == "!" }).first.map(String.init)
        if let answer, ["yes", "no"].contains(answer), let said, ["yes", "no", "y", "n"].contains(said) {
            let agrees = said.hasPrefix(answer.prefix(1))
            text += agrees ? ": right, the answer is \(answer)." : ": the answer is \(answer), see why below."
        } else {
            text += "; compare it with the answer below."
        }
        return Layout.wrap(text).joined(separator: "\n")
    }
}
