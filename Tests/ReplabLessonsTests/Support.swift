import Foundation
import ReplabCommands
import Testing

@testable import ReplabLessons

/// The folder of test lessons beside this file.
func fixtures(_ file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures").path
}

/// The repository's `Lessons/` folder.
func repositoryLessons(_ file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Lessons").path
}

/// The fixture lesson every runner test uses (three steps; the second asks a question).
func overwriteLesson() throws -> Lesson {
    try LessonFolder.lesson(at: fixtures() + "/verify/01-overwrite.md")
}

/// Parses a lesson written inline, as file `t.md`; nil and the error text when it is malformed.
func parseError(_ text: String) -> String? {
    do {
        _ = try LessonParser.parse(text, file: "t.md")
        return nil
    } catch {
        return error.description
    }
}

/// A minimal valid lesson around one step's fenced blocks.
func lesson(step body: String, title: String = "T") -> String {
    """
    # \(title)

    Summary.

    ## Step 1: One

    Narration.

    \(body)
    """
}

/// A world after running `lines`.
func world(_ lines: [String]) -> LessonWorld {
    var world = LessonWorld(seed: 0, files: nil)
    for line in lines { _ = world.execute(line) }
    return world
}

/// Evaluates one claim in a world: nil when it holds, else what replab did.
func evaluate(_ claim: String, in world: LessonWorld, output: String = "", errors: [String] = []) throws -> String? {
    try Claim.parse(claim, line: 1).evaluate(in: world, step: StepRecord(output: output, errors: errors))
}

/// The built `replab` executable (beside the test bundle).
func replabBinary() -> URL {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    if url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
    return url.appendingPathComponent("replab")
}

/// Runs the replab executable; returns (status, stdout, stderr).
func runReplab(_ arguments: [String], input: String = "", directory: String? = nil) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = replabBinary()
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let stdinPipe = Pipe()
    let stdoutPipe = Pipe()
    let stderrPipe = Pipe()
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = stderrPipe
    try process.run()
    stdinPipe.fileHandleForWriting.write(Data(input.utf8))
    try stdinPipe.fileHandleForWriting.close()
    let out = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
    let err = stderrPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}
