import Foundation
import ReplabCommands
import Testing

@testable import ReplabLessons

@Suite struct CatalogTests {
    @Test func aMalformedFileDoesNotStopTheOthersFromListing() {
        let catalog = LessonFolder.catalog(fixtures() + "/verify")
        #expect(catalog.lessons.map(\.name) == ["overwrite", "broken"])
        let problem =
            "/verify/03-malformed.md:45: no is followed by anomalies or anomaly KIND [on KEY], not \"anomalys\" (did you mean \"anomaly\"?)"
        #expect(catalog.problems.map(\.description) == [fixtures() + problem])
        #expect(
            catalog.listing == """
                Lessons in \(fixtures())/verify/:
                  #  name       steps  title
                  1  overwrite      3  Overwrite
                  2  broken         3  Overwrite, claimed wrongly
                lesson NAME starts one; replab lesson NAME --play plays it through.
                """)
        #expect(catalog.problemText == "error: " + fixtures() + problem)
    }

    @Test func verifyReportsEveryLesson() {
        let (text, ok) = LessonFolder.catalog(fixtures() + "/verify").verify()
        #expect(!ok)
        let folder = fixtures() + "/verify"
        #expect(
            text == """
                ok    01-overwrite: 3 steps, 5 claims
                FAIL  02-broken
                      \(folder)/02-broken.md:44: step 2 (Overwrite): claim "read x as c2 = 1" does not hold: the last read of x by c2, c2's get x (op 3), returned 2
                error \(folder)/03-malformed.md:45: no is followed by anomalies or anomaly KIND [on KEY], not "anomalys" (did you mean "anomaly"?)
                1 of 3 lessons verified; 1 failed, 1 could not be read
                """)
    }

    @Test func everyLessonInTheRepositoryVerifies() {
        let catalog = LessonFolder.catalog(repositoryLessons())
        #expect(catalog.problems.map(\.description) == [])
        #expect(catalog.lessons.count >= 2)
        for lesson in catalog.lessons {
            let result = LessonRunner.verify(lesson)
            #expect(result.failures.map(\.description) == [], "\(lesson.file)")
            #expect(result.claimsChecked == lesson.claimCount)
        }
    }

    @Test func theGuidesExampleIsAWorkingLesson() throws {
        let guide = try String(contentsOfFile: repositoryLessons() + "/README.md", encoding: .utf8)
        let start = try #require(guide.range(of: "````markdown\n"))
        let end = try #require(guide.range(of: "````\n", range: start.upperBound..<guide.endIndex))
        let lesson = try LessonParser.parse(String(guide[start.upperBound..<end.lowerBound]), file: "01-siblings.md")
        #expect(lesson.steps.count == 2)
        #expect(LessonRunner.verify(lesson).failures.map(\.description) == [])
    }

    @Test func lessonsAreFoundByNameNumberOrFile() throws {
        let catalog = LessonFolder.catalog(fixtures() + "/verify")
        #expect(try catalog.find("overwrite").stem == "01-overwrite")
        #expect(try catalog.find("2").stem == "02-broken")
        #expect(try catalog.find("01").stem == "01-overwrite")
        #expect(try catalog.find("02-broken.md").stem == "02-broken")
        #expect(
            throws: LessonError(
                file: fixtures() + "/verify", line: 0,
                message: "no lesson \"overwrit\" (did you mean \"overwrite\"?); lessons: overwrite, broken")
        ) {
            try catalog.find("overwrit")
        }
        // Asking for a malformed lesson shows why it cannot run.
        #expect(throws: catalog.problems[0]) { try catalog.find("malformed") }
    }

    @Test func aMissingFolderIsAProblemNotACrash() {
        let catalog = LessonFolder.catalog("/nonexistent/lessons")
        #expect(catalog.lessons.isEmpty)
        #expect(catalog.problemText == "error: /nonexistent/lessons: cannot read the lessons folder: it does not exist or is not a folder")
        #expect(LessonFolder.catalog(nil).problemText.hasPrefix("error: Lessons: no Lessons folder here or above the replab executable"))
    }

    @Test func theDefaultFolderIsFoundHereOrAboveTheExecutable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("replab-locate-\(getpid())").path
        try FileManager.default.createDirectory(atPath: root + "/Lessons", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(LessonFolder.locate(explicit: nil, workingDirectory: root, executable: "/elsewhere/replab") == root + "/Lessons")
        #expect(
            LessonFolder.locate(explicit: nil, workingDirectory: "/nonexistent", executable: root + "/.build/debug/replab")
                == root + "/Lessons")
        #expect(LessonFolder.locate(explicit: nil, workingDirectory: "/nonexistent", executable: "/nonexistent/bin/replab") == nil)
        #expect(LessonFolder.locate(explicit: "elsewhere") == "elsewhere")
    }
}
