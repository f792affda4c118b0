import Foundation
import Testing

@testable import ReplabCommands

/// Runs lines in a fresh session and returns every result.
func play(_ lines: [String], seed: UInt64 = 0) -> (Session, [CommandResult]) {
    var session = Session(seed: seed, files: LocalFiles())
    var results: [CommandResult] = []
    for line in lines { results.append(session.execute(line)) }
    return (session, results)
}

/// The text of the last result of a script.
func lastOutput(_ lines: [String]) -> String {
    play(lines).1.last?.text ?? ""
}

/// The folder of golden files beside this test.
func goldenFolder(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Golden")
}

/// Compares `actual` with a golden file; `RECORD_GOLDEN=1` rewrites it instead.
func assertGolden(
    _ actual: String, _ name: String, folder: URL = goldenFolder(), sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let url = folder.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("missing golden file \(name); run with RECORD_GOLDEN=1 to create it", sourceLocation: sourceLocation)
        return
    }
    if expected != actual {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for index in 0..<max(a.count, b.count) where diff.count < 12 {
            let left = index < a.count ? String(a[index]) : "<none>"
            let right = index < b.count ? String(b[index]) : "<none>"
            if left != right { diff.append("line \(index + 1):\n  expected: " + left + "\n  actual:   " + right) }
        }
        let message = "\(name) differs from its golden file:\n" + diff.joined(separator: "\n")
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}

/// The built `replab` executable (beside the test bundle).
func replabBinary() -> URL {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    if url.lastPathComponent.hasSuffix(".xctest") { url.deleteLastPathComponent() }
    return url.appendingPathComponent("replab")
}

/// Runs the replab executable with arguments and standard input; returns (status, stdout).
func runReplab(_ arguments: [String], input: String = "") throws -> (Int32, String) {
    let process = Process()
    process.executableURL = replabBinary()
    process.arguments = arguments
    let stdinPipe = Pipe(), stdoutPipe = Pipe()
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = stdoutPipe
    try process.run()
    stdinPipe.fileHandleForWriting.write(input.data(using: .utf8)!)
    try stdinPipe.fileHandleForWriting.close()
    let data = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

extension String {
    /// The text with report lines that were wrapped to the width joined again (a line break
    /// followed by indentation becomes one space), for asserting on whole sentences.
    var unwrapped: String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return self }
        var result = lines.removeFirst()
        var itemLead = result.prefix { $0 == " " }.count
        for line in lines {
            let lead = line.prefix { $0 == " " }.count
            if lead >= itemLead + 5 {
                result += " " + line.dropFirst(lead)
            } else {
                result += "\n" + line
                itemLead = lead
            }
        }
        return result
    }
}
