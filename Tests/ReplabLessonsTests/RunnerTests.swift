import ReplabCommands
import Testing

@testable import ReplabLessons

@Suite struct RunnerTests {
    /// The cluster's state after replaying `lines` in a fresh session.
    func state(after lines: [String]) -> String {
        var session = Session(seed: 0)
        for line in lines { _ = session.execute(line) }
        return session.execute("show state").text
    }

    @Test func stepByStep() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        let opening = runner.start()
        #expect(opening.hasPrefix("Lesson 1 — Overwrite\n\nA small lesson for the runner's tests: a write, an overwrite, a delete.\n\n"))
        #expect(opening.contains("Before you start:\n  - `put` and `run`.\n\n3 steps. Enter runs a step's commands"))
        #expect(
            opening.hasSuffix(
                """
                ── Step 1 of 3: Build and write ──────────────────────────────────────────────

                Three replicas; `c1` writes x.

                  cluster leaderless nodes=3 n=3 w=1 r=1
                  put x 1
                  run

                Enter runs these commands (or type your own first).
                """))
        #expect(runner.phase == .ready)
        #expect(runner.prompt == "step 1/3> ")

        let ran = runner.handle("")
        #expect(ran.text.hasPrefix("replab> cluster leaderless nodes=3 n=3 w=1 r=1\nbuilt: leaderless"))
        #expect(
            ran.text.hasSuffix(
                "  ✓ the last operation on x succeeded\n  ✓ A holds x = 1\n\nEnter goes on to step 2 of 3 (back, again, end; or type a command)."
            ))
        #expect(!ran.ended)
        #expect(runner.phase == .done)
        #expect(runner.world.session.log == ["cluster leaderless nodes=3 n=3 w=1 r=1", "put x 1", "run"])

        let second = runner.handle("next")
        #expect(second.text.hasPrefix("── Step 2 of 3: Overwrite ──"))
        #expect(runner.progress == (2, 3))
    }

    @Test func predictWaitsForAGuessThenReveals() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        _ = runner.start()
        _ = runner.handle("")
        let intro = runner.handle("").text
        #expect(
            intro.hasSuffix(
                """
                Predict: What will c2 read?
                  a) 1
                  b) 2
                Type your guess and press Enter (next skips it).
                """))
        #expect(runner.phase == .predicting)
        #expect(runner.prompt == "guess> ")
        let log = runner.world.session.log
        #expect(runner.handle("").text == "Type a guess first (any answer will do), or next to skip it.")
        #expect(runner.phase == .predicting)
        #expect(runner.world.session.log == log)

        let revealed = runner.handle("b, I think").text
        #expect(revealed.contains("=> c2 get x: 2 {c1:2} (replies from A)\n"))
        #expect(revealed.contains("\n\nYou guessed: b, I think ("))
        #expect(
            revealed.contains(
                "\n\nReveal: 2: the second write replaced the first.\n\n  ✓ the last read of x by c2 returned 2\n  ✓ check finds nothing wrong\n\n"
            ))
        #expect(runner.phase == .done)
    }

    @Test func aGuessLineIsNeverRunAsACommand() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        _ = runner.start()
        _ = runner.handle("")
        _ = runner.handle("")
        // A command typed at the guess prompt is recognised as one: neither run nor taken as the guess.
        let text = runner.handle("reset").text
        #expect(text.hasPrefix("\"reset\" is a replab command, not a guess"))
        #expect(runner.phase == .predicting)
        #expect(!runner.world.session.log.contains("reset"))
        _ = runner.handle("the second one")
        #expect(runner.world.session.log.contains("put x 2"))
        #expect(!runner.world.session.log.contains("reset"))
        // Except quit: leaving replab is never a guess.
        _ = runner.handle("")
        #expect(runner.phase == .ready)
        var asking = LessonRunner(lesson: try overwriteLesson())
        _ = asking.start()
        _ = asking.handle("")
        _ = asking.handle("")
        #expect(asking.phase == .predicting)
        #expect(asking.handle("quit") == LessonRunner.Reply(text: "", quit: true))
    }

    @Test func theLearnersCommandsRunBetweenSteps() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        _ = runner.start()
        #expect(
            runner.handle("show state").text
                == "error: there is no cluster yet: build one first, e.g. cluster leaderless (see help cluster)")
        _ = runner.handle("")
        #expect(runner.handle("show state x").text.contains("│ x   │ 1 {c1:1} │ 1 {c1:1} │ 1 {c1:1} │"))
        #expect(runner.handle("put x 9").text.hasPrefix("op 2: c1 put x=9"))
        #expect(runner.phase == .done)
        #expect(runner.handle("quit").quit)
    }

    @Test func backRestoresTheStateThePreviousStepBeganWith() throws {
        let lesson = try overwriteLesson()
        var runner = LessonRunner(lesson: lesson)
        _ = runner.start()
        _ = runner.handle("")  // step 1 runs
        _ = runner.handle("")  // step 2
        _ = runner.handle("2")  // step 2 runs
        _ = runner.handle("")  // step 3
        _ = runner.handle("")  // step 3 runs
        _ = runner.handle("put y 5")  // the learner pokes
        let back = runner.handle("back").text
        #expect(back.hasPrefix("Back to step 2: the cluster is as it was when that step began.\n\n── Step 2 of 3: Overwrite ──"))
        #expect(runner.progress == (2, 3))
        #expect(runner.phase == .predicting)
        let stepOne = lesson.steps[0].commands.map(\.text)
        #expect(runner.world.look("show state").text == state(after: stepOne))
        #expect(runner.world.session.log == stepOne)

        // Running it again prints the same transcript as the first time (same message ids).
        let rerun = runner.handle("2").text
        #expect(rerun.hasPrefix("replab> put x 2\nop 2: c1 put x=2\n   → m7 c1->A write x=2 {c1:2}"))
    }

    @Test func aFailedClaimAfterTheLearnersOwnCommandsSuggestsAgain() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        _ = runner.start()
        _ = runner.handle("")
        _ = runner.handle("")
        _ = runner.handle("b")
        _ = runner.handle("")  // step 3, ready
        _ = runner.handle("put x 5 blind")  // a blind write: the delete that follows no longer covers x = 2
        _ = runner.handle("run")
        let text = runner.handle("").text
        #expect(text.contains("  ✗ A holds a tombstone for x\n    A holds 2 for x\n"))
        #expect(
            text.hasSuffix(
                "(Commands you typed may have changed the cluster: again restarts this step as\nthe lesson expects.)\n\nEnter finishes the lesson (back, again; or type a command)."
            ))
        _ = runner.handle("again")
        #expect(runner.handle("").text.contains("  ✓ A holds a tombstone for x"))
        #expect(runner.failures.isEmpty)
    }

    @Test func backFromTheFirstStepAndAgain() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        _ = runner.start()
        #expect(runner.handle("back").text == "This is the first step; again starts it over.")
        _ = runner.handle("")
        _ = runner.handle("put x 7")
        let again = runner.handle("again").text
        #expect(again.hasPrefix("Step 1 again: the cluster is as it was when the step began.\n\n── Step 1 of 3"))
        #expect(runner.phase == .ready)
        #expect(runner.world.session.log.isEmpty)
        #expect(runner.world.look("show state").text.hasPrefix("error: there is no cluster yet"))
    }

    @Test func nextRunsAStepThatHasNotRun() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        _ = runner.start()
        let text = runner.handle("next").text
        #expect(text.hasPrefix("replab> cluster leaderless"))
        #expect(text.contains("  ✓ A holds x = 1\n\n── Step 2 of 3: Overwrite"))
        #expect(runner.progress == (2, 3))
        // next at a question skips the guess.
        #expect(runner.handle("next").text.contains("Reveal: 2: the second write replaced the first."))
    }

    @Test func endAndFinish() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        _ = runner.start()
        let ended = runner.handle("end")
        #expect(ended.ended)
        #expect(ended.text == "Lesson ended at step 1 of 3. The cluster stays yours to explore; lessons lists\nthe others.")
        #expect(runner.phase == .finished)

        var through = LessonRunner(lesson: try overwriteLesson())
        _ = through.start()
        for line in ["", "", "2", "", ""] { #expect(!through.handle(line).ended) }
        let last = through.handle("")
        #expect(last.ended)
        #expect(
            last.text == """
                ── End of the lesson ─────────────────────────────────────────────────────────

                What you saw
                Writes replace what their writer saw.

                You finished "Overwrite". The cluster stays yours to explore; lessons lists
                the others.
                """)
    }

    @Test func playGoesThroughWithoutWaiting() throws {
        var runner = LessonRunner(lesson: try overwriteLesson())
        let pieces = runner.play()
        #expect(pieces.count == 1 + 2 * 3 + 1)
        #expect(
            pieces[0]
                == "Lesson 1 — Overwrite\n\nA small lesson for the runner's tests: a write, an overwrite, a delete.\n\nBefore you start:\n  - `put` and `run`."
        )
        #expect(
            pieces[1] == "── Step 1 of 3: Build and write ──────────────────────────────────────────────\n\nThree replicas; `c1` writes x.")
        #expect(pieces[3].hasSuffix("Predict: What will c2 read?\n  a) 1\n  b) 2"))
        #expect(pieces[4].contains("Reveal: 2: the second write replaced the first."))
        #expect(pieces[7].hasSuffix("3 steps, 5 claims: all held."))
        #expect(runner.failures.isEmpty)
        // The runner's own text (everything but the commands' transcripts) fits 80 columns.
        for piece in [pieces[0], pieces[1], pieces[3], pieces[5], pieces[7]] {
            for line in piece.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
        }
    }

    @Test func playIsDeterministic() throws {
        var first = LessonRunner(lesson: try overwriteLesson())
        var second = LessonRunner(lesson: try overwriteLesson())
        #expect(first.play() == second.play())
    }

    @Test func verifyNamesTheLessonStepAndClaimThatFailed() throws {
        let broken = try LessonFolder.lesson(at: fixtures() + "/verify/02-broken.md")
        let result = LessonRunner.verify(broken)
        #expect(!result.ok)
        #expect(
            result.failures.map(\.description) == [
                fixtures()
                    + "/verify/02-broken.md:44: step 2 (Overwrite): claim \"read x as c2 = 1\" does not hold: the last read of x by c2, c2's get x (op 3), returned 2"
            ])
        // Step 3 stands on step 2, so it is not checked.
        #expect(result.claimsChecked == 4)
        #expect(LessonRunner.verify(try overwriteLesson()).ok)
    }

    @Test func playReportsFailuresAtTheEnd() throws {
        var runner = LessonRunner(lesson: try LessonFolder.lesson(at: fixtures() + "/verify/02-broken.md"))
        let pieces = runner.play()
        #expect(
            pieces[4].contains(
                "  ✗ the last read of x by c2 returned 1\n    the last read of x by c2, c2's get x (op 3), returned 2\n  ✓ check finds nothing wrong"
            ))
        #expect(pieces.last?.hasSuffix("3 steps, 5 claims: 1 problem:\n\(runner.failures[0])") == true)
    }

    @Test func aRefusedCommandFailsItsStepUnlessExpected() throws {
        let refused = try LessonParser.parse(
            lesson(step: "```replab\ncluster leaderless\ndeliver m9\n```\n```expect\nin flight 0\n```"), file: "t.md")
        #expect(
            LessonRunner.verify(refused).failures.map(\.description) == [
                "t.md:11: step 1 (One): command \"deliver m9\" was refused: m9 is not in flight (nothing is)"
            ])
        let expected = try LessonParser.parse(
            lesson(step: "```replab\ncluster leaderless\ndeliver m9\n```\n```expect\nerror contains \"not in flight\"\n```"), file: "t.md")
        #expect(LessonRunner.verify(expected).ok)
    }

    @Test func theSeedReachesTheSession() throws {
        let runner = LessonRunner(lesson: try overwriteLesson(), seed: 42)
        #expect(runner.world.session.seed == 42)
    }
}
