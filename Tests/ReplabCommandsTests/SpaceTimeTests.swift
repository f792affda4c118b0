import Foundation
import Testing

@testable import ReplabCommands
@testable import ReplabRender

/// The drawn timelines: `export timeline FILE.svg`, `FILE.shiviz`, `export session FILE.html`,
/// and the filters every timeline view and export takes. The SVG golden files are in
/// `Golden/*.svg`; `make browser-test` also parses them as XML and renders the page in Chromium.
@Suite struct SpaceTimeTests {
    /// Plays lines in a session writing to memory; every line must succeed.
    func session(_ lines: [String]) -> (Session, MemoryFiles) {
        let files = MemoryFiles()
        var session = Session(files: files)
        for line in lines {
            let result = session.execute(line)
            #expect(result.ok, "\(line): \(result.error ?? "")")
        }
        return (session, files)
    }

    func export(_ lines: [String], _ command: String, file: String) -> String {
        var (s, files) = session(lines)
        let result = s.execute(command)
        #expect(result.ok, "\(command): \(result.error ?? "")")
        return files.files[file] ?? ""
    }

    /// The message arrows of an SVG: id → (x1, y1, x2, y2, class).
    func arrows(_ svg: String) -> [String: (x1: Int, y1: Int, x2: Int, y2: Int, cls: String)] {
        var found: [String: (Int, Int, Int, Int, String)] = [:]
        for line in svg.split(separator: "\n") where line.hasPrefix("<line class=\"") && line.contains("data-id=") {
            func attribute(_ name: String) -> String {
                guard let start = line.range(of: " \(name)=\"") else { return "" }
                let rest = line[start.upperBound...]
                return String(rest[..<rest.firstIndex(of: "\"")!])
            }
            found[attribute("data-id")] = (
                Int(attribute("x1"))!, Int(attribute("y1"))!, Int(attribute("x2"))!, Int(attribute("y2"))!, attribute("class")
            )
        }
        return found
    }

    static let overtaking = ["cluster leaderless nodes=3 n=3 w=2 r=2", "put x 1", "put x 2", "deliver m4", "deliver m1", "run"]
    static let lost = [
        "cluster leaderless nodes=3 n=3 w=2 r=2", "put x 1", "drop m2", "duplicate m3", "run", "crash B", "put y 2 as c2", "run",
    ]
    static let faults = [
        "cluster single-leader replicas=3", "put x 1", "run", "partition A c1 | B C", "put x 2", "run", "heal", "crash C", "put x 3",
        "run", "recover C", "run",
    ]

    static let handoff = [
        "cluster leaderless nodes=4 n=3 w=2 r=2", "set sloppy on", "crash A", "put x 1", "run", "recover A", "tick 5", "run",
        "put y 2 as c2", "step 2",
    ]

    @Test func messagesStillInFlightEndBelowTheLastRowWithoutOverlapping() throws {
        let svg = export(Self.handoff, "export timeline /h.svg", file: "/h.svg")
        try assertGolden(svg, "handoff-in-flight.svg")
        let flying = arrows(svg).filter { $0.value.cls == "flight" }
        #expect(flying.count == 3)
        // Two of them go to c2: they end at different heights.
        let ends = flying.values.map { "\($0.x2),\($0.y2)" }
        #expect(Set(ends).count == ends.count)
        // The step where the handoff left on a timer says what it sent.
        #expect(svg.contains(">sends m7 B→A</text>"))
    }

    @Test func goldenScenes() throws {
        try assertGolden(export(Self.overtaking, "export timeline /o.svg", file: "/o.svg"), "overtaking.svg")
        try assertGolden(export(Self.lost, "export timeline /l.svg title=\"Lost and duplicated\"", file: "/l.svg"), "lost.svg")
        try assertGolden(export(Self.faults, "export timeline /f.svg theme=dark", file: "/f.svg"), "crash-partition.svg")
    }

    @Test func theSameSessionGivesTheSameBytes() {
        let one = export(Self.faults, "export timeline /f.svg", file: "/f.svg")
        let two = export(Self.faults, "export timeline /f.svg", file: "/f.svg")
        #expect(one == two)
        #expect(one.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    }

    @Test func delayedArrowsSlantAndAnOvertakingOneCrossesTheOther() {
        let svg = export(Self.overtaking, "export timeline /o.svg", file: "/o.svg")
        let lines = arrows(svg)
        // m1 (c1→A, sent at step 1) is delivered after m4 (c1→A, sent at step 2): m4 overtook it.
        let m1 = lines["m1"]!
        let m4 = lines["m4"]!
        #expect(m1.y2 > m1.y1 && m4.y2 > m4.y1)
        #expect(m1.y1 < m4.y1 && m1.y2 > m4.y2, "the arrows cross: m1 leaves first and arrives last")
        // Every delivered arrow goes down: no message arrives before it was sent.
        for (id, arrow) in lines { #expect(arrow.y2 > arrow.y1, "\(id)") }
    }

    @Test func lostMessagesEndInMidAirAndDuplicatesAreASecondArrow() throws {
        let svg = export(Self.lost, "export timeline /l.svg", file: "/l.svg")
        let lines = arrows(svg)
        let dropped = lines["m2"]!
        #expect(dropped.cls == "lost")
        // Half-way to its receiver, with a cross.
        let receiver = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<text class=\"name\"") && $0.hasSuffix(">C</text>") })
        let receiverX = Int(receiver.split(separator: "\"")[3])!
        #expect(abs(dropped.x2 - dropped.x1) * 2 == abs(receiverX - dropped.x1))
        #expect(svg.contains("<line class=\"cross\" x1=\"\(dropped.x2 - 6)\" y1=\"\(dropped.y2 - 6)\""))
        // The copy of m3 starts where m3 started.
        let copy = lines.values.filter { $0.cls == "copy" }
        #expect(copy.count == 1)
        #expect(copy.first?.x1 == lines["m3"]!.x1 && copy.first?.y1 == lines["m3"]!.y1)
    }

    @Test func filtersPickRowsInEveryTimeline() {
        var (s, files) = session(Self.lost)
        let op2 = s.execute("show timeline op=2").output
        #expect(op2.contains("op 2: c2 put y=2"))
        #expect(!op2.contains("op 1:"))
        #expect(op2.contains("(only op=2: other rows not shown)"))
        let keyX = s.execute("show timeline key=x").output
        #expect(keyX.contains("write x=1") && !keyX.contains("write y=2"))
        let steps = s.execute("show timeline steps=2..3").output
        let numbered = steps.split(separator: "\n").compactMap { Int($0.prefix(5).trimmingCharacters(in: .whitespaces)) }
        #expect(!numbered.isEmpty && numbered.allSatisfy { (2...3).contains($0) })
        #expect(s.execute("show timeline mermaid last=3").output.contains("steps 1 to"))
        #expect(s.execute("show timeline steps=900..950").output.contains("(no row matches steps=900..950)"))
        #expect(s.execute("show timeline key=nosuchkey").error == "no replica or operation has touched key \"nosuchkey\"")
        #expect(s.execute("export timeline /k.svg key=yy").error == "no replica or operation has touched key \"yy\": did you mean \"y\"?")
        #expect(s.execute("show timeline op=3").error == "op=3: there are 2 operations, numbered 1 to 2")
        #expect(s.execute("export timeline /k.svg key=y").ok)
        #expect(files.files["/k.svg"]!.contains("filter key=y"))
        #expect(!files.files["/k.svg"]!.contains("write x=1"))
        #expect(s.execute("export timeline /k.txt op=1 last=2").ok)
        #expect(s.execute("export timeline /k.mmd steps=1..4").ok)
        #expect(files.files["/k.mmd"]!.hasPrefix("---\ntitle: \"replab timeline: "))
    }

    @Test func badOptionsAreRefusedWithWhatIsAllowed() {
        var (s, _) = session(Self.lost)
        #expect(s.execute("show timeline steps=5..3").error == "steps=5..3 is empty: the first step must not be after the last")
        #expect(
            s.execute("show timeline steps=5").error == "steps= needs a range of step numbers A..B, as in steps=3..12, not \"5\"")
        #expect(s.execute("show timeline key=").error == "key= needs a key, as in key=x")
        #expect(s.execute("show timeline op=1 op=2").error == "op= is given twice; give each filter once")
        #expect(
            s.execute("show timeline colour=red").error
                == "show timeline takes [mermaid] [last=N] [steps=A..B] [key=K] [op=N], not \"colour=red\"")
        #expect(s.execute("export state /s.md key=x").error == "key=x: filters apply to export timeline only, not to export state")
        #expect(
            s.execute("export timeline /t.json last=3").error
                == "export timeline FILE.json writes the whole trace (its steps and indexes need every event): filters apply to .svg, .shiviz, .mmd, .md and .txt"
        )
        #expect(s.execute("export timeline /t.svg theme=sepia").error == "theme=sepia is not a theme; allowed: theme=light, theme=dark")
        #expect(s.execute("export state /t.txt theme=dark").error == "theme= and title= apply to .svg, .html and .mmd files, not to .txt")
        #expect(
            s.execute("export session /t.svg").error
                == "export timeline FILE.svg draws the timeline; a whole session is export session FILE.html or FILE.md")
        #expect(
            s.execute("export state /t.svg").error
                == "only the timeline has a .svg form (export timeline FILE.svg or FILE.shiviz, export session FILE.html); state exports to .mmd, .md, .txt or .json"
        )
    }

    @Test func mermaidTitlesAndThemesAreFrontMatter() {
        let text = export(Self.lost, "export timeline /t.mmd title=\"Lost \\\"and\\\" found\" theme=dark", file: "/t.mmd")
        #expect(text.hasPrefix("---\ntitle: \"Lost \\\"and\\\" found\"\nconfig:\n  theme: dark\n---\n"))
        // Lost messages are dotted arrows ending in a cross.
        #expect(text.contains("c1--xC: m2"))
        let topology = export(Self.lost, "export topology /t.mmd title=Cluster", file: "/t.mmd")
        #expect(topology.hasPrefix("---\ntitle: \"Cluster\"\n---\n"))
    }

    @Test func aCrashIsMarkedOnTheCrashedNodeOnly() {
        let (s, _) = session(Self.faults)
        let text = Views.timelineMermaid(s.simulation!, last: nil)
        #expect(text.contains("Note over C: step"))
        #expect(text.contains("    activate C"))
        #expect(text.contains("    deactivate C"))
        #expect(!text.contains("rgba(220, 38, 38"))
    }

    @Test func shiVizLogCarriesHappensBeforeClocks() throws {
        let log = export(
            ["cluster leaderless nodes=2 n=2 w=1 r=1", "put x 1", "deliver m1", "deliver m3", "run"], "export timeline /t.shiviz",
            file: "/t.shiviz")
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == #"(?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)"#)
        #expect(lines[1] == "")
        #expect(lines[2] == #"c1 {"c1":1} op 1 starts: put x=1"#)
        #expect(lines[3].hasPrefix(#"c1 {"c1":2} send m1 to "#))
        // The receive merges the sender's clock and ticks its own entry.
        let receive = try #require(lines.first { $0.contains("receive m1 ") })
        #expect(receive.contains(#"{"A":1,"c1":2}"#) || receive.contains(#"{"B":1,"c1":2}"#))
        try assertGolden(log, "leaderless.shiviz")
        // Every line after the header matches the regular expression.
        let regex = try NSRegularExpression(pattern: #"^(\S+) (\{[^}]*\}) (.*)$"#)
        for line in lines.dropFirst(2) where !line.isEmpty {
            #expect(regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil, "\(line)")
        }
    }

    @Test func aFilteredShiVizLogKeepsOnlyWhatItShowsWithConsistentClocks() throws {
        let script = ["cluster leaderless", "put x 1", "put y 2 as c2", "duplicate m1", "run"]
        // key=x: c2's operation on y and its messages are left out; the duplicate of m1 is kept.
        let byKey = export(script, "export timeline /t.shiviz key=x", file: "/t.shiviz")
        #expect(!byKey.contains("c2"))
        #expect(!byKey.contains("write y"))
        #expect(byKey.contains(#"A {"A":3,"c1":2} receive m7 from c1: write x=1 {c1:1}"#))
        // last=4: the last four events; a receive whose send was left out merges no clock.
        let last = export(script, "export timeline /t.shiviz last=4", file: "/t.shiviz")
        let lines = last.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)  // the expression, then four events (the empty line is not split out)
        #expect(lines[1] == #"c2 {"c2":1} receive m12 from C: ack y"#)
        #expect(lines[4] == #"c1 {"c1":1} receive m14 from A: ack x"#)
        // In every filtered log each process's own entry counts its events one by one.
        for log in [byKey, last, export(script, "export timeline /t.shiviz op=2", file: "/t.shiviz")] {
            var seen: [String: Int] = [:]
            for line in log.split(separator: "\n").dropFirst() {
                let host = String(line.split(separator: " ")[0])
                seen[host, default: 0] += 1
                #expect(line.contains("\"\(host)\":\(seen[host]!)"), "\(line)")
            }
        }
    }

    @Test func theSessionPageIsSelfContainedAndStepsThroughEveryCommand() {
        let page = export(Self.lost, "export session /s.html", file: "/s.html")
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        for outside in ["src=", "href=", "@import", "url(http", "fetch("] { #expect(!page.contains(outside), "\(outside)") }
        #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        // One entry per command since the cluster was built, each with its state.
        let data = page.components(separatedBy: "<script type=\"application/json\" id=\"replab-steps\">")[1]
            .components(separatedBy: "</script>")[0]
        let object = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
        let pool = object?["lines"] as? [String] ?? []
        let steps = object?["steps"] as? [[String: Any]]
        func state(_ step: [String: Any]?) -> String { (step?["state"] as? [Int] ?? []).map { pool[$0] }.joined(separator: "\n") }
        #expect(steps?.count == Self.lost.count - 1)
        #expect(steps?.first?["command"] as? String == "put x 1")
        let first = state(steps?.first)
        let last = state(steps?.last)
        #expect(first == "no replica holds any key yet (time t0, step 1)")
        #expect(last.contains("│ y "))
        #expect(!(steps ?? []).contains { state($0).contains("could not be replayed") })
        // A line the states share is written once.
        #expect(Set(pool).count == pool.count)
    }
}
