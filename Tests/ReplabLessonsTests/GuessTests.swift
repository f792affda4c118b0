import Testing

@testable import ReplabLessons

/// The guess prompt: commands are recognised, guesses are compared with the answer, and claims
/// read as sentences.
@Suite struct GuessTests {
    let yesNo = Prediction(question: "Did either booking fail?", choices: [], reveal: "No. Both leaders accepted.", line: 1)

    @Test func aYesNoGuessIsComparedWithTheAnswer() {
        #expect(LessonRunner.compare(guess: "no", with: yesNo) == "You guessed: no: right, the answer is no.")
        #expect(
            LessonRunner.compare(guess: "Yes, one fails", with: yesNo) == "You guessed: Yes, one fails: the answer is no, see why below.")
        #expect(LessonRunner.compare(guess: "maybe", with: yesNo) == "You guessed: maybe; compare it with the answer below.")
    }

    @Test func aChoiceIsNamed() {
        let choices = Prediction(question: "Which value?", choices: ["1", "2"], reveal: "2: the second.", line: 1)
        #expect(LessonRunner.compare(guess: "b", with: choices) == "You guessed: b (2); compare it with the answer below.")
    }

    @Test func commandsAreNotGuesses() {
        #expect(LessonRunner.isCommand("get x"))
        #expect(LessonRunner.isCommand("show state"))
        #expect(!LessonRunner.isCommand("no"))
        #expect(!LessonRunner.isCommand("get x returns 1"))
        #expect(!LessonRunner.isCommand("both succeed"))
    }

    @Test func claimsReadAsSentences() throws {
        let claims: [(Claim.Kind, String)] = [
            (.inFlight(3), "3 messages are in flight"), (.inFlight(1), "1 message is in flight"),
            (.read(key: "x", client: "c2", values: ["1", "2"]), "the last read of x by c2 returned the siblings 1 and 2"),
            (.anomaly(kind: "stale-read", key: "x"), "check finds a stale read (stale-read) on x"),
            (.state(node: "A", key: "x", expected: .nothing), "A holds nothing for x"),
        ]
        for (kind, sentence) in claims { #expect(Claim(text: "", line: 1, kind: kind).sentence == sentence) }
    }
}
