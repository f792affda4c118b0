import Foundation
import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands
@testable import ReplabRender

/// Every human-readable line fits the width (80 columns when piped), broken between words.
@Suite struct WidthTests {
    /// Columns a line takes on screen.
    func columns(_ line: Substring) -> Int { displayWidth(String(line)) }

    /// A broad script through the piped REPL (which goes on after errors): help for every
    /// command, every view of every model, errors, the reset notice, lessons.
    @Test func noPipedLinePassesEightyColumns() throws {
        var script = ["help"] + Catalog.names.map { "help \($0)" }
        script += [
            "cluster leaderless nodes=5 n=3 w=2 r=2", "put apple 1", "put banana 2", "put cherry 3 as c2", "run",
            "put apple \"a value far too long to fit in one column of the state table\" blind", "run", "show ring", "show merkle A B",
            "show merkle A", "set anti-entropy on", "crash C", "put apple 9 as c3", "run", "tick 6", "recover C", "tick 6", "show state",
            "show topology", "show timeline", "show history", "check", "messages", "reset", "frobnicate", "put x", "show merkle Q",
            "deliver m99", "set sloppy maybe", "cluster leaderless nodes=3 n=4", "lessons",
            "cluster single-leader replicas=5 sync=1", "put x 1", "run", "partition A | B C D E", "failover B", "run",
            "put x 2 via A", "put x 3 via B", "run", "heal", "run", "show state", "show topology", "show timeline", "check",
            "cluster multi-leader leaders=3 topology=ring", "insert room-1 alice", "update room-1 bob", "run", "show state",
            "show topology", "show timeline", "check", "pbs n=3 r=1 w=1 t=0,1,5", "pbs compare r=1 r=2",
        ]
        let (_, output) = try runReplab([], input: script.joined(separator: "\n") + "\n")
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count > 500)
        let wide = lines.filter { columns($0) > 80 }
        #expect(wide.isEmpty, "lines over 80 columns:\n\(wide.prefix(5).joined(separator: "\n"))")
        // Broken between words: no line of help ends inside a word it began.
        #expect(!output.contains("Bound\n"))
    }

    /// Lessons played through, piped: every line within 80 columns.
    @Test func lessonsFitEightyColumns() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Lessons")
        let lessons = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.first?.isNumber == true }.sorted()
        #expect(lessons.count >= 12)
        for lesson in lessons {
            let (_, output) = try runReplab(["lesson", folder.appendingPathComponent(lesson).path, "--play"])
            let wide = output.split(separator: "\n").filter { columns($0) > 80 }
            #expect(wide.isEmpty, "\(lesson): \(wide.prefix(3).joined(separator: "\n"))")
        }
    }

    /// A five-node table 67 columns wide is drawn whole at 80 columns, not split in two.
    @Test func aTableThatFitsIsNotSplit() {
        let (_, results) = play(["cluster leaderless nodes=5 n=5 w=2 r=2", "put x 1", "run", "show state"])
        let state = results[3].output
        #expect(state.split(separator: "\n").filter { $0.hasPrefix("┌") }.count == 1)
        #expect(state.contains("│ key │ A        │ B        │ C        │ D        │ E        │"))
    }

    /// A version wrapped inside its cell continues under a mark the legend explains, so it cannot
    /// be read as a second sibling.
    @Test func aWrappedCellIsMarked() {
        let (_, results) = play([
            "cluster leaderless", "put x \"a value far too long to fit in one column of the state table\"", "run", "show state",
        ])
        let state = results[3].output
        #expect(state.contains("│ ↳ "))
        #expect(state.contains("↳ continues the line"))
        #expect(state.split(separator: "\n").allSatisfy { columns($0) <= 80 })
    }

    @Test func fitToWidthBreaksBetweenWords() {
        let line = "error: " + String(repeating: "Probabilistically Bounded Staleness ", count: 4)
        let fitted = fitToWidth(line, width: 40).split(separator: "\n")
        #expect(fitted.allSatisfy { displayWidth(String($0)) <= 40 })
        #expect(fitted.allSatisfy { !$0.hasSuffix("Bound") })
        #expect(fitToWidth("short", width: 40) == "short")
    }
}

/// `set detail brief|full`: what a brief report keeps and folds.
@Suite struct DetailTests {
    @Test func briefFoldsDeliveriesAndEndsWithResultsAndChangedReplicas() {
        var session = Session(seed: 0)
        #expect(session.execute("set detail brief").ok)
        for line in ["cluster leaderless nodes=3 n=3 w=1", "put x 1", "put x 2 as c2 blind"] { _ = session.execute(line) }
        let run = session.execute("run").output.split(separator: "\n").map(String.init)
        #expect(!run.contains { $0.contains(" delivered: ") })
        #expect(
            run == [
                "   messages: 6 sent, 12 delivered, nothing in flight", "=> c1 put x=1: ok (acks from A)",
                "=> c2 put x=2: ok (acks from A)", "A now: x = 1 {c1:1} | 2 {c2:1}", "B now: x = 1 {c1:1} | 2 {c2:1}",
                "C now: x = 1 {c1:1} | 2 {c2:1}",
            ])
        // Anti-entropy chatter folds into one line.
        for line in ["put y 2", "deliver c1->A", "drop all", "set anti-entropy on every=2"] { _ = session.execute(line) }
        let tick = session.execute("tick 2").output + "\n" + session.execute("run").output
        #expect(tick.contains("anti-entropy at B C (set detail full shows each step)"))
        #expect(!tick.contains("merkle #"))
        #expect(tick.hasSuffix("B now: y = 2 {c1:1}\nC now: y = 2 {c1:1}"))
        // full is today's output, and the default.
        #expect(session.execute("set detail full").output == "detail full: every message sent and delivered, every note")
        #expect(session.execute("put z 1").output.contains("→ m"))
        #expect(session.execute("set detail loud").error == "set detail takes brief or full, not \"loud\"")
    }
}
