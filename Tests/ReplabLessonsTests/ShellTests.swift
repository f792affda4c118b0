import Foundation
import ReplabCommands
import Testing

@testable import ReplabLessons

@Suite struct ShellTests {
    func shell() -> LessonShell {
        LessonShell(session: Session(seed: 0), catalog: { LessonFolder.catalog(fixtures() + "/verify") })
    }

    @Test func lessonsAndLessonAreAnsweredAtThePrompt() {
        var shell = shell()
        let (listing, quit) = shell.handle("lessons")
        #expect(!quit)
        #expect(listing.hasPrefix("Lessons in \(fixtures())/verify/:\n"))
        #expect(
            listing.hasSuffix(
                "error: \(fixtures())/verify/03-malformed.md:45: no is followed by anomalies or anomaly KIND [on KEY], not \"anomalys\" (did you mean \"anomaly\"?)"
            ))
        #expect(shell.handle("lesson nope").output == "error: \(fixtures())/verify: no lesson \"nope\"; lessons: overwrite, broken")
        #expect(shell.runner == nil)
        #expect(shell.prompt == "replab> ")

        #expect(shell.handle("lesson overwrite").output.hasPrefix("Lesson 1 — Overwrite"))
        #expect(shell.prompt == "step 1/3> ")
        #expect(shell.handle("").output.contains("✓ A holds x = 1"))
        #expect(shell.handle("next").output.hasPrefix("── Step 2 of 3"))
    }

    @Test func endingALessonLeavesItsClusterInTheREPL() {
        var shell = shell()
        _ = shell.handle("lesson 1")
        _ = shell.handle("")
        #expect(shell.handle("end").output.hasPrefix("Lesson ended at step 1 of 3."))
        #expect(shell.runner == nil)
        #expect(shell.prompt == "replab> ")
        #expect(shell.handle("show state x").output.contains("│ x   │ 1 {c1:1} │ 1 {c1:1} │ 1 {c1:1} │"))
        #expect(
            shell.handle("next").output
                == "error: next steers a guided lesson, and none is running: lessons lists them, lesson NAME starts one")
    }

    @Test func startingAnotherLessonLeavesTheFirst() {
        var shell = shell()
        _ = shell.handle("lesson overwrite")
        #expect(
            shell.handle("lesson broken").output.hasPrefix("(left lesson \"Overwrite\" at step 1)\n\nLesson 2 — Overwrite, claimed wrongly")
        )
    }

    @Test func lessonWordsHaveHelp() {
        var shell = shell()
        #expect(shell.handle("help back").output.hasPrefix("Guided lessons\n\n  lessons        list the lessons"))
    }

    @Test func completionKnowsLessonsAndTheirControls() {
        var shell = shell()
        #expect(shell.completions(line: "less", word: "less") == ["lessons", "lesson"].sorted())
        #expect(shell.completions(line: "lesson o", word: "o") == ["overwrite"])
        #expect(!shell.completions(line: "ne", word: "ne").contains("next"))
        _ = shell.handle("lesson overwrite")
        #expect(shell.completions(line: "ne", word: "ne").contains("next"))
    }

    @Test func aScriptCannotRunALesson() {
        var session = Session(seed: 0)
        #expect(
            session.execute("lesson quorums").text
                == "error: guided lessons run at the replab> prompt or with replab lesson NAME, not inside a script")
    }
}

@Suite struct ExportTests {
    @Test func exportWritesEachStepsViewsAndAReport() throws {
        let (files, failures) = LessonExport.files(for: try overwriteLesson())
        #expect(failures.isEmpty)
        #expect(
            files.map(\.name) == [
                "01-timeline.mmd", "01-topology.mmd", "02-timeline.mmd", "02-topology.mmd", "03-timeline.mmd", "03-topology.mmd",
                "report.md",
            ])
        var session = Session(seed: 0)
        for line in try overwriteLesson().steps[0].commands.map(\.text) { _ = session.execute(line) }
        #expect(files[0].text == session.execute("show timeline mermaid").output + "\n")
        let report = try #require(files.last?.text)
        #expect(
            report.hasPrefix(
                "# Lesson 1 — Overwrite\n\nA small lesson for the runner's tests: a write, an overwrite, a delete.\n\n## Before you start\n"
            ))
        #expect(
            report.contains(
                "\n## Step 2: Overwrite\n\n`c1` writes x again, and `c2` reads it.\n\n> **Predict:** What will c2 read?\n>\n> a) 1\n"))
        #expect(report.contains("\n**Reveal:** 2: the second write replaced the first.\n\n- ✓ `read x as c2 = 2`\n- ✓ `no anomalies`\n"))
        #expect(report.contains("\n**Timeline after step 3**\n\n```mermaid\n"))
        #expect(report.contains("<details><summary>Topology after step 3</summary>"))
        #expect(report.hasSuffix("## What you saw\n\nWrites replace what their writer saw.\n"))
    }

    @Test func theMermaidHookFallsBackToASCII() {
        let world = world(["cluster leaderless", "put x 1"])
        let view = LessonExport.render("timeline", of: world)
        var session = world.session
        let mermaid = session.execute("show timeline mermaid")
        if mermaid.ok {
            #expect(view == LessonExport.View(format: .mermaid, text: mermaid.output))
        } else {
            #expect(view == LessonExport.View(format: .ascii, text: session.execute("show timeline").output))
        }
        #expect(LessonExport.render("timeline", of: LessonWorld(seed: 0, files: nil)) == nil)
    }

    @Test func failedClaimsAreMarkedInTheReport() throws {
        let (files, failures) = LessonExport.files(for: try LessonFolder.lesson(at: fixtures() + "/verify/02-broken.md"))
        #expect(failures.count == 1)
        #expect(files.last?.text.contains("- ✗ `read x as c2 = 1`: the last read of x by c2, c2's get x (op 3), returned 2\n") == true)
    }
}

@Suite(.serialized) struct CommandLineTests {
    @Test func lessonsVerifyInTheRepository() throws {
        let repository = URL(fileURLWithPath: repositoryLessons()).deletingLastPathComponent().path
        let (status, out, err) = try runReplab(["lessons", "--verify"], directory: repository)
        #expect(status == 0, "\(out)\(err)")
        #expect(out.hasPrefix("ok    01-single-leader: "))
        #expect(out.contains("\nok    06-quorums: "))
    }

    @Test func lessonsVerifyFailsNamingTheClaim() throws {
        let (status, out, _) = try runReplab(["lessons", "--verify", "--lessons-dir", fixtures() + "/verify"])
        #expect(status == 1)
        // Lines are broken to 80 columns between words: compare with the breaks undone.
        let unbroken = out.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(
            unbroken.contains(
                "FAIL 02-broken \(fixtures())/verify/02-broken.md:44: step 2 (Overwrite): claim \"read x as c2 = 1\" does not hold")
        )
        #expect(out.hasSuffix("1 of 3 lessons verified; 1 failed, 1 could not be read\n"))
    }

    @Test func listingReportsMalformedFilesOnStandardError() throws {
        let (status, out, err) = try runReplab(["lessons", "--lessons-dir", fixtures() + "/verify"])
        #expect(status == 1)
        #expect(out.contains("  1  overwrite      3  Overwrite\n"))
        #expect(err.hasPrefix("error: \(fixtures())/verify/03-malformed.md:45: "))
    }

    @Test func playAndStepByStep() throws {
        let folder = fixtures() + "/verify"
        let (status, out, _) = try runReplab(["lesson", "overwrite", "--play", "--lessons-dir", folder])
        #expect(status == 0)
        #expect(out.hasSuffix("3 steps, 5 claims: all held.\n"))
        let (brokenStatus, _, _) = try runReplab(["lesson", "broken", "--play", "--lessons-dir", folder])
        #expect(brokenStatus == 1)
        // Standard input that is not a terminal drives the same steps: Enter, a guess, end.
        let (guided, transcript, _) = try runReplab(["lesson", "1", "--lessons-dir", folder], input: "\n\nb\nend\nshow state x\n")
        #expect(guided == 0)
        #expect(transcript.contains("Reveal: 2: the second write replaced the first."))
        #expect(transcript.contains("Lesson ended at step 2 of 3."))
        #expect(transcript.contains("│ x   │ 2 {c1:2} │ 2 {c1:2} │ 2 {c1:2} │"))
        let (missing, _, err) = try runReplab(["lesson", "nope", "--lessons-dir", folder])
        #expect(missing == 2)
        #expect(err == "error: \(folder): no lesson \"nope\"; lessons: overwrite, broken\n")
    }

    @Test func exportWritesFiles() throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("replab-export-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: target) }
        let (status, out, _) = try runReplab(["lesson", fixtures() + "/verify/01-overwrite.md", "--export", target])
        #expect(status == 0)
        #expect(out.hasPrefix("wrote 7 files to \(target): 01-timeline."))
        let names = try FileManager.default.contentsOfDirectory(atPath: target).sorted()
        #expect(names.count == 7)
        #expect(names.last == "report.md")
    }
}
