import Foundation
import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands

@Suite struct ScenarioTests {
    func anomalies(_ session: Session) -> [Anomaly] { Checker.check(session.simulation!) }

    @Test func staleReadWithOneReplicaQuorums() {
        let (session, results) = play([
            "cluster leaderless nodes=3 n=3 w=1 r=1", "put x 1", "deliver c1->A", "deliver A->c1", "get x as c2",
            "deliver c2->C", "deliver C->c2",
        ])
        let allOK = results.allSatisfy { $0.ok }
        #expect(allOK)
        #expect(results[3].completed.map(\.ok) == [true])
        #expect(results[6].completed.first?.values == [])
        #expect(anomalies(session).map(\.kind) == [.staleRead])
    }

    @Test func overlappingQuorumsSeeTheWrite() {
        let (session, results) = play([
            "cluster leaderless nodes=3 n=3 w=2 r=2", "put x 1", "deliver c1->A c1->B", "deliver A->c1 B->c1",
            "get x as c2", "deliver c2->C c2->A", "deliver C->c2 A->c2",
        ])
        #expect(results.last?.completed.first?.values == ["1"])
        #expect(anomalies(session).isEmpty)
    }

    @Test func concurrentWritesBecomeSiblingsAndAContextWriteResolvesThem() {
        let (session, results) = play([
            "cluster leaderless", "put cart milk", "put cart eggs as c2", "run", "get cart as c3", "run",
            "put cart both as c3", "run", "get cart", "run",
        ])
        #expect(results[5].completed.first?.values == ["eggs", "milk"])
        #expect(results[9].completed.first?.values == ["both"])
        let stored = session.simulation!.replicas.map { $0.store["cart"]!.compactMap(\.value?.text) }
        #expect(stored == [["both"], ["both"], ["both"]])
        #expect(anomalies(session).map(\.kind) == [.conflict])
    }

    @Test func lastWriteWinsLosesAnAcknowledgedWrite() {
        let (session, _) = play([
            "cluster leaderless resolve=lww", "put room-1 alice", "put room-1 bob as c2", "run", "get room-1 as c3", "run",
        ])
        let found = anomalies(session)
        #expect(found.map(\.kind) == [.lostWrite])
        #expect(found.first?.ops == [1, 2])
        #expect(session.simulation!.history[2].readValues == ["bob"])
    }

    @Test func tombstonesPreventResurrectionAndTheirAbsenceCausesIt() {
        let story = [
            "put x 1", "run", "get x", "run", "delete x", "deliver c1->A c1->B", "drop c1->C", "run",
            "anti-entropy C A", "run", "get x as c2", "deliver c2->A c2->C", "run",
        ]
        let (with, _) = play(["cluster leaderless"] + story)
        #expect(anomalies(with).filter { $0.kind == .resurrection }.isEmpty)
        #expect(with.simulation!.history.last!.readValues == [])
        let (without, _) = play(["cluster leaderless", "set tombstones off"] + story)
        #expect(without.simulation!.history.last!.readValues == ["1"])
        #expect(anomalies(without).map(\.kind).contains(.resurrection))
    }

    @Test func quorumFailureAtTimeout() {
        let (session, results) = play([
            "cluster leaderless", "set timeout 3", "crash B", "crash C", "put x 1", "run", "tick 2", "tick",
        ])
        #expect(results[6].completed.isEmpty)
        let completion = results[7].completed.first
        #expect(completion?.ok == false)
        #expect(results[7].output.contains("=> c1 put x=1: FAILED: timed out at tick 3: 1 of 2 acks"))
        #expect(session.simulation!.history[0].outcome == .failed("timed out at tick 3: 1 of 2 acks"))
    }

    @Test func nodeCoordinatorMakesTheVersion() {
        let (session, results) = play([
            "cluster leaderless coordinator=node", "put x 1 via B", "run", "get x via C", "run",
        ])
        #expect(results[4].completed.first?.values == ["1"])
        #expect(session.simulation!.history[0].written?.dot == Dot(.replica(1), 1))
        // Every replica stores the same version for the same write.
        let dots = Set(session.simulation!.replicas.compactMap { $0.store["x"]?.first?.dot })
        #expect(dots == [Dot(.replica(1), 1)])
    }

    @Test func viaIsRefusedWhenClientsCoordinate() {
        let (_, results) = play(["cluster leaderless", "put x 1 via A"])
        #expect(
            results[1].error
                == "via applies to coordinator=node clusters; in this cluster (coordinator=client) each client sends to the key's replicas itself"
        )
    }

    @Test func partitionsHoldMessagesUntilHeal() {
        let (session, results) = play(["cluster leaderless", "partition A B c1 | C", "put x 1", "run", "deliver m2", "heal", "deliver m2"])
        #expect(results[4].error == "m2 cannot be delivered: the link c1->C is cut by the partition; heal first, or drop it")
        #expect(results[6].ok)
        #expect(session.simulation!.replicas[2].store["x"] != nil)
    }

    @Test func messagesToACrashedReplicaAreLost() {
        let (session, results) = play(["cluster leaderless", "put x 1", "crash C", "run"])
        #expect(results[3].output.contains("m2 c1->C lost: its receiver is crashed"))
        #expect(session.simulation!.replicas[2].store["x"] == nil)
    }

    @Test func badInputLeavesTheSessionExactlyAsItWas() {
        var session = Session()
        for line in ["cluster leaderless", "put x 1", "step 2", "partition A | B C"] { _ = session.execute(line) }
        let before = session.execute("show timeline").output + session.execute("messages").output
        let logBefore = session.log
        for bad in [
            "deliver m99", "crash Q", "deliver m2 m99", "drop to D", "heal now", "cluster leaderless w=9",
            "set timeout 0", "recover A", "put x", "anti-entropy A Z", "undo 0", "tick 10001",
        ] {
            let result = session.execute(bad)
            #expect(!result.ok, "\(bad) should fail")
        }
        #expect(session.execute("show timeline").output + session.execute("messages").output == before)
        #expect(session.log == logBefore)
    }

    @Test func randomDeliveryFollowsTheSeed() {
        let script = ["cluster leaderless w=1 r=1", "put x 1", "put x 2 as c2 blind", "run random", "show timeline"]
        let first = play(["seed 7"] + script).1.last!.output
        let again = play(["seed 7"] + script).1.last!.output
        let other = play(["seed 8"] + script).1.last!.output
        let ordered = play(script.map { $0 == "run random" ? "run" : $0 }).1.last!.output
        #expect(first == again)
        #expect(first != other || first != ordered)
        #expect(
            play(["cluster leaderless", "step 2 3"]).1.last!.error == "step takes a COUNT and random, not \"3\": step [COUNT] [random]")
    }

    @Test func commandsNeedACluster() {
        let (_, results) = play(["put x 1"])
        #expect(results[0].error == "there is no cluster yet: build one first, e.g. cluster leaderless (see help cluster)")
    }

    @Test func unknownNodesGetDidYouMean() {
        let (_, results) = play(["cluster leaderless", "crash D"])
        #expect(results[1].error == "unknown node D: this cluster has A B C")
    }
}

@Suite struct SessionTests {
    @Test func undoRestoresExactState() {
        var session = Session()
        _ = session.execute("cluster leaderless")
        _ = session.execute("put x 1")
        _ = session.execute("step")
        let timeline = session.execute("show timeline").output
        let state = session.execute("show state").output
        let history = session.execute("show history").output
        let messages = session.execute("messages").output
        for line in ["step 3", "partition A | B C", "put y 2 as c2", "tick 4", "run"] { #expect(session.execute(line).ok) }
        let undo = session.execute("undo 5")
        #expect(undo.ok)
        #expect(session.execute("show timeline").output == timeline)
        #expect(session.execute("show state").output == state)
        #expect(session.execute("show history").output == history)
        #expect(session.execute("messages").output == messages)
        // And the session goes on exactly as it would have: message ids continue from the same place.
        let next = session.execute("put z 3")
        #expect(next.output.contains("→ m5 c1->"))
    }

    @Test func undoAcrossANewClusterRestoresTheOldOne() {
        var session = Session()
        _ = session.execute("cluster leaderless nodes=4")
        _ = session.execute("put x 1")
        let before = session.execute("show timeline").output
        _ = session.execute("cluster leaderless nodes=3")
        _ = session.execute("undo")
        #expect(session.execute("show timeline").output == before)
        #expect(session.execute("undo 10").output == "undid 2 command(s) (only 2 could be undone)")
        #expect(session.execute("undo").error == "nothing to undo")
    }

    @Test func saveAndLoadRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "replab-test-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.replab").path
        var one = Session(files: LocalFiles())
        for line in ["cluster leaderless w=1", "put x 1", "show state", "step 2", "bogus", "get x as c2", "run"] { _ = one.execute(line) }
        #expect(one.execute("save \(path)").output == "saved 5 command(s) to \(path)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "# replab session\ncluster leaderless w=1\nput x 1\nstep 2\nget x as c2\nrun\n")
        var two = Session(files: LocalFiles())
        #expect(two.execute("load \(path)").ok)
        #expect(two.execute("show timeline").output == one.execute("show timeline").output)
        // One undo takes the whole load back.
        #expect(two.execute("undo").ok)
        #expect(two.simulation == nil)
    }

    @Test func aFailingLoadKeepsNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replab-test-load-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad.replab").path
        try "put y 2\ncrash Q\n".write(toFile: path, atomically: true, encoding: .utf8)
        var session = Session(files: LocalFiles())
        _ = session.execute("cluster leaderless")
        _ = session.execute("put x 1")
        let before = session.execute("messages").output
        let result = session.execute("load \(path)")
        #expect(result.error == "\(path):2: unknown node Q: this cluster has A B C (nothing from \(path) was kept)")
        #expect(session.execute("messages").output == before)
        #expect(session.log == ["cluster leaderless", "put x 1"])
    }

    @Test func exportPBSWritesTheLastPlot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replab-pbs-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var session = Session(files: LocalFiles())
        let path = folder.appendingPathComponent("plot.mmd").path
        #expect(
            session.execute("export pbs \(path)").error
                == "no pbs result to export yet: run pbs (or pbs compare) first; export pbs writes its plot")
        #expect(session.execute("pbs trials=1000 t=0,5").ok)
        #expect(
            session.execute("export pbs \(path)").output
                == fitToWidth("exported the last pbs result to \(path) (a Mermaid xychart-beta plot)", width: 80))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("xychart-beta"))
        #expect(session.execute("export pbs \(folder.path)/plot.json").ok)
        let json = try String(contentsOfFile: folder.path + "/plot.json", encoding: .utf8)
        #expect(json.hasPrefix("{\"pbs\":{\"points\":[{\"t\":0,"))
    }

    @Test func fileErrorsAreClear() {
        var session = Session(files: LocalFiles())
        _ = session.execute("cluster leaderless")
        #expect(
            session.execute("save /nonexistent-folder-xyz/a.replab").error
                == "cannot write /nonexistent-folder-xyz/a.replab: the folder /nonexistent-folder-xyz does not exist")
        #expect(session.execute("save /tmp").error == "cannot write /tmp: it is a folder; give a file name")
        #expect(session.execute("load /nonexistent-file.replab").error == "cannot read /nonexistent-file.replab: no such file or folder")
        #expect(session.execute("load /tmp").error == "cannot read /tmp: it is a folder, not a file")
    }

    @Test func jsonModeFollowsTheContract() {
        var runner = ScriptRunner(seed: 0, json: true, files: nil)
        var lines: [String] = []
        for (index, line) in ["cluster leaderless", "put x 1", "messages", "run", "get x", "run", "show state x", "check", "crash Q"]
            .enumerated()
        {
            lines.append(runner.feed(line, file: "t.replab", lineNumber: index + 1))
        }
        #expect(lines[2].hasPrefix(#"{"command":"messages","ok":true,"output":"#))
        #expect(
            lines[2].contains(#""messages":[{"id":"m1","from":"c1","to":"A","kind":"write","label":"write x=1 {c1:1}","deliverable":true}"#)
        )
        #expect(lines[3].contains(#""completed":[{"client":"c1","op":"put","id":1,"key":"x","ok":true}]"#))
        #expect(lines[5].contains(#""completed":[{"client":"c1","op":"get","id":2,"key":"x","ok":true,"values":["1"]}]"#))
        #expect(lines[6].contains(#""replicas":{"A":{"x":{"values":["1"],"tombstone":false,"version":{"c1":1,"dots":["c1:1"]}"#))
        #expect(lines[7].contains(#""anomalies":[]"#))
        #expect(
            lines[8] == #"{"command":"crash Q","ok":false,"output":"","error":"t.replab:9: unknown node Q: this cluster has A B C"}"# + "\n"
        )
        #expect(runner.failed)
        #expect(lines.allSatisfy { $0.hasSuffix("}\n") && $0.filter { $0 == "\n" }.count == 1 })
    }

    @Test func completionOffersCommandsNodesMessagesAndKeys() {
        var session = Session()
        #expect(session.completions(line: "pu", word: "pu") == ["put"])
        _ = session.execute("cluster leaderless")
        _ = session.execute("put cart 1")
        #expect(session.completions(line: "deliver m", word: "m") == ["m1", "m2", "m3"])
        #expect(session.completions(line: "get c", word: "c") == ["cart"])  // a key goes here, not a client
        #expect(session.completions(line: "crash ", word: "").prefix(3) == ["A", "B", "C"])
        #expect(session.completions(line: "cluster leaderless res", word: "res") == ["resolve=siblings", "resolve=lww"])
    }

    @Test func helpListsGroupsAndExplainsCommands() {
        var session = Session()
        let index = session.execute("help").output
        #expect(index.contains("Client operations:"))
        #expect(index.contains("Control the network:"))
        let put = session.execute("help put").output
        #expect(put.hasPrefix("put KEY VALUE [via NODE] [as CLIENT] [blind]"))
        #expect(put.contains("Example:\n  put x 5 as c2"))
        #expect(session.execute("help pt").error == "no help for \"pt\": did you mean \"put\"?; type help for the list of commands")
    }
}

@Suite struct GoldenTranscripts {
    static let scripts: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: goldenFolder().path)) ?? []
        return names.filter { $0.hasSuffix(".replab") }.sorted()
    }()

    @Test(arguments: scripts) func transcript(_ script: String) throws {
        let text = try String(contentsOf: goldenFolder().appendingPathComponent(script), encoding: .utf8)
        var runner = ScriptRunner(seed: 0, json: false, files: nil)
        var out = ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            out += runner.feed(String(line), file: script, lineNumber: index + 1)
        }
        #expect(!runner.failed, "\(script) stopped on an error:\n\(out.suffix(400))")
        try assertGolden(out, script.replacingOccurrences(of: ".replab", with: ".txt"))
    }
}

@Suite(.serialized) struct ProcessTests {
    @Test func sameScriptSameSeedSameBytesAcrossProcesses() throws {
        let script = goldenFolder().appendingPathComponent("tombstones.replab").path
        let siblings = goldenFolder().appendingPathComponent("siblings.replab").path
        let (status1, first) = try runReplab(["run", script, siblings, "--seed", "42"])
        let (status2, second) = try runReplab(["run", script, siblings, "--seed", "42"])
        #expect(status1 == 0 && status2 == 0)
        #expect(first == second)
        #expect(first.count > 1000)
        let (_, json1) = try runReplab(["run", "--json", script])
        let (_, json2) = try runReplab(["run", "--json", script])
        #expect(json1 == json2)
    }

    @Test func scriptErrorsNameTheFileAndLineAndExitNonZero() throws {
        let (status, output) = try runReplab(["run", "-"], input: "cluster leaderless\nput x 1\npt x 2\nput x 3\n")
        #expect(status == 1)
        #expect(
            output.hasSuffix(
                "replab> pt x 2\nerror: <stdin>:3: unknown command \"pt\": did you mean \"put\"?; type help for the\n     list\n"))
        #expect(!output.contains("put x 3"))
    }

    @Test func pbsFromTheCommandLine() throws {
        let (status, json) = try runReplab(["pbs", "n=3", "r=2", "w=2", "trials=1000", "t=0", "--json"])
        #expect(status == 0)
        #expect(json.contains(#""pbs":{"points":[{"t":0,"consistent":1}]"#))
        let (bad, error) = try runReplab(["pbs", "r=5"])
        #expect(bad == 1)
        #expect(error == "error: r=5 is larger than n=3: a read can wait for at most n replicas (1 ≤ r ≤ n)\n")
    }

    @Test func pipedInputGetsNoPrompt() throws {
        let (status, output) = try runReplab([], input: "cluster leaderless\nhelp put\nquit\nput x 1\n")
        #expect(status == 0)
        #expect(!output.contains("replab>"))
        #expect(output.contains("built: leaderless"))
        #expect(!output.contains("op 1"))
    }
}

@Suite struct ExactContextTests {
    @Test func aContextNeverClaimsAWriteItDidNotSee() {
        // c1 writes twice blind: siblings c1:1 and c1:2. c2 reads from a replica that has only
        // c1:2; its context must not cover c1:1, so its write keeps c1:1 as a sibling.
        let (session, results) = play([
            "cluster leaderless w=1 r=1", "put x 1 blind", "deliver c1->A", "drop all", "put x 2 blind", "run",
            "get x as c2", "deliver c2->C", "deliver C->c2", "put x 3 as c2", "run",
        ])
        #expect(results[8].completed.first?.values == ["2"])
        #expect(results[8].output.contains("2 c1:2 after {}"))
        let onA = session.simulation!.replicas[0].store["x"]!.compactMap(\.value?.text)
        #expect(onA == ["1", "3"])
        #expect(session.simulation!.history[3].context.description == "{c1:2*}")
    }
}
