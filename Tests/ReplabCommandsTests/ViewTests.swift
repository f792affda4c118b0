import Foundation
import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands
@testable import ReplabRender

@Suite struct MermaidEscapingTests {
    @Test func everyCharacterMermaidReadsAsSyntaxIsAnEntity() {
        #expect(MermaidText.escape(#"say "hi"; #1"#) == "say #quot;hi#quot;#59; #35;1")
        #expect(MermaidText.escape("50% <b>&amp; `x` a|b \\") == "50#37; #lt;b#gt;#amp;amp#59; #96;x#96; a#124;b #92;")
        #expect(MermaidText.escape("x -> {a: b}") == "x -#gt; {a: b}")
        #expect(MermaidText.escape("café 日本") == "café 日本")
        #expect(MermaidText.escape("ﬂ°¶ß") == "#64258;#176;#182;#223;")
        #expect(MermaidText.escape("line\nbreak\ttab") == "line break tab")
        // Mermaid strips the last ";" of a line matching style…:…#…; before decoding entities.
        #expect(MermaidText.escape("style: #fff;") == "style#58; #35;fff#59;")
        #expect(MermaidText.escape("{c1:1}") == "{c1:1}")
    }

    @Test func longLabelsAreBrokenWithBr() {
        let label = MermaidText.label(String(repeating: "word ", count: 20), lineWidth: 20)
        #expect(label.components(separatedBy: "<br>").count == 5)
    }
}

@Suite struct TimelineWindowTests {
    func session(_ lines: [String]) -> Session {
        var session = Session(files: MemoryFiles())
        for line in lines { #expect(session.execute(line).ok, "\(line)") }
        return session
    }

    @Test func lastNShowsTheLastRowsAndSaysWhatIsLeftOut() {
        let s = session(["cluster leaderless", "put x 1", "run", "get x as c2", "run"])
        let model = TimelineModel.build(s.simulation!, last: 3, anomalies: [])
        #expect(model.rows.count == 3)
        #expect(model.rows.map(\.step) == [13, 13, 14])
        #expect(model.omittedThroughStep == 12)
        let text = s.simulation.map { Views.timeline($0, last: 3, style: ViewStyle(unicode: false)) } ?? ""
        #expect(text.contains("... steps 1 to 12 not shown"))
    }

    @Test func aPartitionThatBeganBeforeTheWindowIsKnownAtItsStart() {
        let s = session(["cluster leaderless", "partition A B c1 | C", "put x 1", "run", "heal", "run"])
        let all = TimelineModel.build(s.simulation!, last: nil, anomalies: [])
        let healIndex = all.rows.firstIndex { $0.event == .healed }!
        let window = TimelineModel.build(s.simulation!, last: all.rows.count - healIndex + 1, anomalies: [])
        #expect(window.faultsAtStart.groups == [[.replica(0), .replica(1), .client(1)], [.replica(2)]])
        let later = TimelineModel.build(s.simulation!, last: 1, anomalies: [])
        #expect(later.faultsAtStart.isEmpty)
    }

    @Test func consecutiveTicksAreOneRow() {
        let s = session(["cluster leaderless", "tick 4"])
        let model = TimelineModel.build(s.simulation!, last: nil, anomalies: [])
        #expect(model.rows.map(\.event) == [.ticked(from: 1, to: 4, firstStep: 1)])
    }

    @Test func lostMessagesAndCopiesAreMarked() {
        let s = session(["cluster leaderless", "put x 1", "duplicate m1", "drop m4", "crash C", "run"])
        let model = TimelineModel.build(s.simulation!, last: nil, anomalies: [])
        let fates = model.rows.compactMap { row -> String? in
            if case .message(let id, _, _, _, _, let fate, let copy) = row.event { return "\(id) \(fate) \(copy?.description ?? "-")" }
            return nil
        }
        #expect(fates.contains("m4 dropped m1"))
        #expect(fates.contains("m2 receiverCrashed -"))
    }

    @Test func mermaidStaysUnderItsSizeLimit() {
        var lines = ["cluster leaderless"]
        for i in 0..<150 { lines += ["put k\(i) \"\(String(repeating: "v", count: 40))\"", "run"] }
        let s = session(lines)
        let text = Views.timelineMermaid(s.simulation!, last: nil)
        #expect(text.utf8.count <= MermaidText.textBudget)
        #expect(text.contains("not shown"))
    }
}

@Suite struct ExportTests {
    func session(_ files: MemoryFiles) -> Session {
        var session = Session(files: files)
        for line in ["cluster leaderless", "put x 1", "partition A B c1 | C", "run", "get x as c2", "run"] {
            #expect(session.execute(line).ok)
        }
        return session
    }

    @Test func theExtensionPicksTheFormat() {
        let files = MemoryFiles()
        var s = session(files)
        #expect(s.execute("export topology /e/t.mmd").output == "exported topology to /e/t.mmd (Mermaid, 32 lines)")
        #expect(files.files["/e/t.mmd"] == s.execute("show topology mermaid").output + "\n")
        #expect(s.execute("export timeline /e/t.MMD").ok)
        #expect(files.files["/e/t.MMD"] == s.execute("show timeline mermaid").output + "\n")
        #expect(s.execute("export state /e/s.txt").ok)
        #expect(files.files["/e/s.txt"]!.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(s.execute("export timeline /e/t.txt").ok)
        #expect(files.files["/e/t.txt"]!.contains("|----"))
        #expect(s.execute("export session /e/s.md").ok)
        #expect(mermaidBlocks(files.files["/e/s.md"]!).count == 2)
        #expect(files.files["/e/s.md"]!.contains("| key | A | B | C |"))
    }

    @Test func unknownExtensionsAndMissingOnesAreRefusedClearly() {
        var s = session(MemoryFiles())
        let allowed =
            "allowed: .mmd (Mermaid), .txt (ASCII), .md (Markdown with Mermaid blocks), .json (JSON), .svg (timeline), .shiviz (timeline), .html (session)"
        #expect(
            s.execute("export timeline slides.pdf").error
                == "cannot export to \"slides.pdf\": .pdf is not a format replab writes; \(allowed)")
        #expect(
            s.execute("export timeline slides").error
                == "export needs a file name with an extension, not \"slides\": the format follows it; \(allowed)")
        #expect(
            s.execute("export state s.mmd").error
                == "the state is a table and has no Mermaid form: export state FILE.md, FILE.txt or FILE.json")
        #expect(s.execute("export session s.mmd").error?.hasPrefix("a session is more than one diagram") == true)
        #expect(s.execute("show topology").ok)
    }

    @Test func aFileThatCannotBeWrittenIsAnErrorAndTheSessionGoesOn() throws {
        var s = Session(files: LocalFiles())
        #expect(s.execute("cluster leaderless").ok)
        #expect(
            s.execute("export topology /no/such/folder/t.mmd").error
                == "cannot write /no/such/folder/t.mmd: the folder /no/such/folder does not exist")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "replab-export-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("d.mmd"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("d.mmd").path
        #expect(s.execute("export topology \(path)").error == "cannot write \(path): it is a folder; give a file name")
        #expect(
            s.execute("export topology /proc/replab-t.mmd").error?.hasPrefix(
                "cannot write /proc/replab-t.mmd: cannot create a file in /proc") == true)
        // Nothing half-written is left behind, and the session goes on.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left == ["d.mmd"])
        #expect(s.execute("put x 1").ok)
        let good = folder.appendingPathComponent("t.json").path
        #expect(s.execute("export timeline \(good)").ok)
        #expect(FileManager.default.fileExists(atPath: good))
    }

    @Test func theTraceJSONIsValidAndHoldsEveryEvent() throws {
        let files = MemoryFiles()
        var s = session(files)
        #expect(s.execute("export session /e/trace.json").ok)
        let data = Data(files.files["/e/trace.json"]!.utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["format"] as? String == "replab-trace")
        #expect(object["version"] as? Int == 1)
        #expect(object["replab"] as? String == About.version)
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.count == s.simulation!.trace.count)
        #expect(events.first?["event"] as? String == "cluster")
        let kinds = Set(events.compactMap { $0["event"] as? String })
        #expect(kinds.isSuperset(of: ["command", "sent", "delivered", "op_started", "op_completed", "partitioned"]))
        #expect((object["script"] as? [String])?.first == "cluster leaderless")
        #expect((object["in_flight"] as? [[String: Any]])?.count == 1)
    }

    @Test func exportNeedsACluster() {
        var s = Session(files: MemoryFiles())
        #expect(
            s.execute("export session x.md").error == "there is no cluster yet: build one first, e.g. cluster leaderless (see help cluster)"
        )
    }
}

@Suite struct StyleTests {
    @Test func widthsCountWideAndCombiningCharacters() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("日本") == 4)
        #expect(displayWidth("e\u{301}") == 1)
        #expect(displayWidth("│─►") == 3)
    }

    @Test func wrapBreaksAtSpacesAndCutsOnlyLongWords() {
        #expect(wrap("aaa bbb ccc", width: 7) == ["aaa bbb", "ccc"])
        #expect(wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    }

    @Test func asciiModeDrawsOnlyASCII() {
        var s = Session(style: ViewStyle(unicode: false))
        for line in ["cluster leaderless", "put x 1", "crash C", "run", "recover C"] { _ = s.execute(line) }
        for view in ["show timeline", "show topology", "show state", "messages", "show history"] {
            let output = s.execute(view).output
            #expect(output.unicodeScalars.allSatisfy { $0.isASCII }, "\(view)")
        }
        #expect(s.execute("set ascii off").ok)
        #expect(s.execute("show timeline").output.contains("├"))
        #expect(s.log.contains("set ascii off") == false)
    }

    @Test func viewsFitNarrowTerminals() {
        var s = Session(style: ViewStyle(unicode: true, width: 50))
        for line in ["cluster leaderless nodes=5 n=3", "put x 1", "put y 2 as c2", "run", "get x as c3", "run"] { _ = s.execute(line) }
        for view in ["show timeline", "show topology", "show state", "check"] {
            for line in s.execute(view).output.split(separator: "\n") {
                #expect(displayWidth(String(line)) <= 50, "\(view): \(line)")
            }
        }
    }
}

@Suite(.serialized) struct TerminalOptionTests {
    @Test func colourOnlyWhenAskedForOrOnATerminal() throws {
        let script = "cluster leaderless\nput x 1\ncrash C\nrun\nshow timeline\n"
        let (_, piped) = try runReplab(["run", "-"], input: script)
        #expect(!piped.contains("\u{1B}["))
        let (_, forced) = try runReplab(["run", "-", "--color", "always"], input: script)
        #expect(forced.contains("\u{1B}["))
        #expect(stripANSI(forced) == piped)
        let (_, json) = try runReplab(["run", "-", "--json", "--color", "always"], input: script)
        #expect(!json.contains("\\u001b"))
        let (_, ascii) = try runReplab(["run", "-", "--ascii"], input: script)
        let timeline = ascii.components(separatedBy: "replab> show timeline\n").last ?? ""
        #expect(timeline.unicodeScalars.allSatisfy { $0.isASCII })
    }
}
