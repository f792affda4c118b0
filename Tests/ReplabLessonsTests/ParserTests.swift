import Foundation
import Testing

@testable import ReplabLessons

@Suite struct ParserTests {
    @Test func readsTheFixtureLesson() throws {
        let lesson = try overwriteLesson()
        #expect(lesson.number == 1)
        #expect(lesson.name == "overwrite")
        #expect(lesson.stem == "01-overwrite")
        #expect(lesson.title == "Overwrite")
        #expect(lesson.summary == [.paragraph("A small lesson for the runner's tests: a write, an overwrite, a delete.")])
        #expect(lesson.prerequisites == [.item(marker: "-", text: "`put` and `run`.")])
        #expect(lesson.steps.map(\.title) == ["Build and write", "Overwrite", "Delete"])
        #expect(lesson.steps[0].commands.map(\.text) == ["cluster leaderless nodes=3 n=3 w=1 r=1", "put x 1", "run"])
        #expect(lesson.steps[0].commands.map(\.line) == [14, 15, 16])
        #expect(lesson.steps[0].claims.map(\.text) == ["ok x", "state A x = 1"])
        #expect(
            lesson.steps[1].prediction
                == Prediction(
                    question: "What will c2 read?", choices: ["1", "2"], reveal: "2: the second write replaced the first.", line: 35))
        #expect(lesson.steps[1].claims[0].kind == .read(key: "x", client: "c2", values: ["2"]))
        #expect(lesson.steps[1].claims[0].line == 44)
        #expect(lesson.closing == [Section(heading: "What you saw", blocks: [.paragraph("Writes replace what their writer saw.")])])
        #expect(lesson.claimCount == 5)
    }

    @Test func namesComeFromTheFileName() {
        #expect(LessonParser.naming("Lessons/06-quorums.md") == (6, "quorums", "06-quorums"))
        #expect(LessonParser.naming("10_tombstones.md") == (10, "tombstones", "10_tombstones"))
        #expect(LessonParser.naming("/x/siblings.md") == (nil, "siblings", "siblings"))
        #expect(LessonParser.naming("2024.md") == (nil, "2024", "2024"))
    }

    @Test func proseIsReflowedAndOtherFencesAreVerbatim() throws {
        let text = lesson(
            step: """
                ```text
                  kept   as is
                ```

                ```replab
                # a comment is shown, not run
                put x 1
                ```

                ```expect
                # comments and blank lines are allowed

                in flight 0
                ```
                """
        )
        .replacingOccurrences(of: "Narration.", with: "Narration that goes\non. <!-- hidden -->\n\n1. first\n   more\n2. second")
        let parsed = try LessonParser.parse(text, file: "t.md")
        #expect(
            parsed.steps[0].narration == [
                .paragraph("Narration that goes on. <!-- hidden -->"), .item(marker: "1.", text: "first more"),
                .item(marker: "2.", text: "second"), .verbatim(["kept   as is"]),
            ])
        #expect(parsed.steps[0].commands.map(\.text) == ["# a comment is shown, not run", "put x 1"])
        #expect(parsed.steps[0].claims.map(\.text) == ["in flight 0"])
    }

    @Test func htmlCommentLinesAreSkipped() throws {
        let text = "<!-- teacher's note\nspanning lines -->\n" + lesson(step: "```replab\nput x 1\n```\n```expect\nok\n```")
        #expect(try LessonParser.parse(text, file: "t.md").title == "T")
    }

    // MARK: - Malformed files: the file, the line and what is wrong

    @Test func theTitleComesFirst() {
        #expect(parseError("") == "t.md: the file is empty: a lesson starts with its title, # TITLE")
        #expect(parseError("Hello\n# T") == "t.md:1: the lesson must start with its title: # TITLE")
        #expect(parseError("## Step 1: x") == "t.md:1: the lesson must start with its title: # TITLE")
        #expect(parseError("# T\n\nSummary.\n\n# Again") == "t.md:5: a lesson has one title (# TITLE); use ## for its sections")
    }

    @Test func aLessonNeedsASummaryAndSteps() {
        #expect(parseError("# T\n## Step 1: a") == "t.md:1: the title needs a short summary under it (a paragraph or two)")
        #expect(parseError("# T\n\nSummary.\n") == "t.md: the lesson has no steps: add sections \"## Step 1: TITLE\", …")
    }

    @Test func stepsAreNumberedInOrder() {
        let text = lesson(step: "```replab\nput x 1\n```\n```expect\nok\n```") + "\n## Step 3: Three\n"
        #expect(parseError(text) == "t.md:15: steps are numbered in order: expected \"## Step 2: …\", found \"## Step 3: Three\"")
        #expect(parseError("# T\n\nS.\n\n## Step one: x") == "t.md:5: a step heading reads \"## Step N: TITLE\", not \"## Step one: x\"")
    }

    @Test func everyStepHasNarrationCommandsAndAClaim() {
        #expect(
            parseError("# T\n\nS.\n\n## Step 1: One\n\n```replab\nput x 1\n```\n```expect\nok\n```")
                == "t.md:5: step 1 (One) has no narration: say in a few sentences what it shows")
        #expect(parseError(lesson(step: "```expect\nok\n```")) == "t.md:5: step 1 (One) has no commands: add a ```replab block")
        #expect(
            parseError(lesson(step: "```replab\nput x 1\n```"))
                == "t.md:5: step 1 (One) checks nothing: add an ```expect block with a claim")
    }

    @Test func unknownClaimsAreErrorsWithTheirLine() {
        #expect(
            parseError(lesson(step: "```replab\nput x 1\n```\n```expect\nok\nreed x = 1\n```"))
                == "t.md:14: unknown claim \"reed\" (did you mean \"read\"?); a claim is one of: \(Claim.forms)")
        #expect(
            parseError(lesson(step: "```replab\nput x 1\n```\n```expect\nanomaly stale_read\n```"))
                == "t.md:13: unknown anomaly \"stale_read\" (did you mean \"stale-read\"?); kinds are stale-read, lost-write, divergence, resurrection, conflict, split-brain, causality, rule"
        )
        #expect(
            parseError(lesson(step: "```replab\nput x 1\n```\n```expect\n```"))
                == "t.md:12: this ```expect block has no claim (one claim per line)")
    }

    @Test func commandsAreCheckedWhenTheLessonIsRead() {
        #expect(
            parseError(lesson(step: "```replab\nput x\n```\n```expect\nok\n```"))
                == "t.md:10: the command \"put x\" is not valid: put needs a value: put KEY VALUE [via NODE] [as CLIENT] [blind]")
        #expect(
            parseError(lesson(step: "```replab\nput x 1\nnext\n```\n```expect\nok\n```"))
                == "t.md:11: \"next\" steers the REPL; a lesson's commands cannot use lessons, lesson, next, back, again, end or quit")
    }

    @Test func blocksMustBeClosedAndInsideSteps() {
        #expect(parseError(lesson(step: "```replab\nput x 1\n")) == "t.md:9: this ``` block is never closed")
        #expect(
            parseError("# T\n\nS.\n\n```expect\nok\n```")
                == "t.md:5: a ```expect block belongs inside a step (## Step N: TITLE)")
    }

    @Test func predictionsNeedAQuestionAndAnAnswer() {
        #expect(
            parseError(lesson(step: "```predict\nWhat?\n```\n```replab\nput x 1\n```\n```expect\nok\n```"))
                == "t.md:9: this ```predict block has nothing to reveal: add a line --- and the answer after it")
        #expect(
            parseError(lesson(step: "```predict\n---\nIt.\n```\n```replab\nput x 1\n```\n```expect\nok\n```"))
                == "t.md:9: this ```predict block has no question (its first lines)")
        #expect(
            parseError(
                lesson(step: "```predict\nA?\n---\nB.\n```\n```predict\nC?\n---\nD.\n```\n```replab\nput x 1\n```\n```expect\nok\n```"))
                == "t.md:14: a step asks one prediction; this step already has one (line 9)")
        #expect(
            parseError(lesson(step: "```predict\nA?\n- one\nB?\n---\nC.\n```\n```replab\nput x 1\n```\n```expect\nok\n```"))
                == "t.md:12: the question of a ```predict block comes before its choices (- CHOICE)")
    }

    @Test func sectionsHaveTheirPlaces() {
        #expect(
            parseError("# T\n\nS.\n\n## Notes\n")
                == "t.md:5: unexpected section \"## Notes\": before the steps a lesson has only \"## Before you start\"; steps are \"## Step N: TITLE\""
        )
        let closingFirst = lesson(step: "```replab\nput x 1\n```\n```expect\nok\n```") + "\n## Wrap-up\n\nDone.\n\n## Step 2: Late\n"
        #expect(parseError(closingFirst) == "t.md:19: \"## Step 2: Late\" comes after the closing section \"## Wrap-up\"; steps come first")
    }

    @Test func headingsAsMarkdownWritesThem() throws {
        let text = "# Why C# ##\n\nS.\n\n## Step 1 : Spaced  \n\nN.\n\n```replab\nput x 1\n```\n```expect\nok\n```\n"
        let parsed = try LessonParser.parse(text, file: "t.md")
        #expect(parsed.title == "Why C#")
        #expect(parsed.steps.map(\.title) == ["Spaced"])
    }

    @Test func windowsLineEndsAreFine() throws {
        let text = lesson(step: "```replab\nput x 1\n```\n```expect\nok\n```").replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try LessonParser.parse(text, file: "t.md").steps[0].commands.map(\.text) == ["put x 1"])
    }
}

@Suite struct RobustnessTests {
    /// Every prefix of a real lesson, and the lesson with each line removed, parses or fails with
    /// an error naming the file: never a crash. Whatever parses also plays.
    @Test func cutAndDamagedLessonsNeverCrash() throws {
        let text = try String(contentsOfFile: repositoryLessons() + "/10-tombstones.md", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var variants: [String] = []
        for count in 0...lines.count { variants.append(lines.prefix(count).joined(separator: "\n")) }
        for index in lines.indices {
            var damaged = lines
            damaged.remove(at: index)
            variants.append(damaged.joined(separator: "\n"))
        }
        var parsed = 0
        for variant in variants {
            do {
                var runner = LessonRunner(lesson: try LessonParser.parse(variant, file: "t.md"))
                _ = runner.play()
                parsed += 1
            } catch {
                #expect(error.description.hasPrefix("t.md"))
            }
        }
        #expect(parsed > 0)
    }

    @Test func oddClaimsNeverCrash() {
        for text in [
            "", "=", "|", "\"", "read", "read x =", "state", "state A", "state A x", "state A x =", "siblings", "in", "in flight",
            "in flight -1", "siblings x 99999999999999999999", "no anomaly stale-read on", "output contains \"\"", "read x = \"a\\",
            "état", "read é = 1",
        ] {
            do {
                _ = try Claim.parse(text, line: 1)
            } catch {
                #expect(!error.message.isEmpty)
            }
        }
    }
}
