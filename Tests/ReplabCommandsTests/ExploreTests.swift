import ReplabExplore
import ReplabModels
import Testing

@testable import ReplabCommands

/// `explore`: every schedule from the session's state (COMMANDS.md, "Exploring every schedule").
@Suite struct ExploreTests {
    /// A write acknowledged by w replicas, then a read from another client, still in flight.
    static func readAfterAcknowledgedWrite(w: Int, r: Int) -> [String] {
        [
            "cluster leaderless nodes=3 n=3 w=\(w) r=\(r)",
            "put x 1",
            "deliver c1->A",
            "deliver A->c1",
        ] + (w == 2 ? ["deliver c1->B", "deliver B->c1"] : []) + ["get x as c2"]
    }

    static func json(_ result: CommandResult) -> String {
        result.json.text
    }

    @Test("w = r = 1 after the write's acknowledgement: some schedule reads nothing (a stale read)")
    func staleReadReachable() {
        let (_, results) = play(Self.readAfterAcknowledgedWrite(w: 1, r: 1) + ["explore"])
        let explore = results.last!
        #expect(explore.ok, "\(explore.text)")
        #expect(explore.text.contains("op 2 c2 get x: "))
        #expect(explore.text.contains("nothing"))
        #expect(explore.text.contains("stale-read on x"))
        #expect(explore.text.contains("(all of them)"))
    }

    @Test("w = r = 2 after the write's acknowledgement: every schedule reads 1, no stale read")
    func noStaleRead() {
        let (_, results) = play(Self.readAfterAcknowledgedWrite(w: 2, r: 2) + ["explore"])
        let explore = results.last!
        #expect(explore.ok, "\(explore.text)")
        #expect(explore.text.contains("op 2 c2 get x: 1 (the only outcome)"))
        #expect(!explore.text.contains("stale-read"))
        #expect(Self.json(explore).contains("\"findings\":[]"))
        #expect(Self.json(explore).contains("\"complete\":true"))
    }

    @Test("find + apply reproduce the stale read; the printed steps replay as a plain script")
    func findAndApply() {
        let setup = Self.readAfterAcknowledgedWrite(w: 1, r: 1)
        let (session, results) = play(setup + ["explore find stale-read", "explore show 1", "explore apply 1", "check"])
        #expect(results[results.count - 4].ok, "\(results[results.count - 4].text)")
        let script = results[results.count - 3].text
        #expect(script.hasPrefix("# finding 1: stale-read on x"))
        #expect(results[results.count - 2].ok, "\(results[results.count - 2].text)")
        #expect(results.last!.text.contains("stale-read"))
        // The steps as a plain script give the same state.
        let steps = script.split(separator: "\n").dropFirst().map(String.init)
        let (replayed, replayResults) = play(setup + steps + ["check"])
        #expect(replayResults.allSatisfy { $0.ok })
        #expect(replayResults.last!.text == results.last!.text)
        #expect(replayed.log == session.log)
        // undo takes the whole schedule back in one step.
        var back = session
        _ = back.execute("undo")
        #expect(back.log == setup)
    }

    @Test("exploring leaves the session as it was; the same state gives the same answer byte for byte")
    func unchangedAndDeterministic() {
        var (session, _) = play(Self.readAfterAcknowledgedWrite(w: 1, r: 1))
        let before = session.execute("show state").text + session.execute("messages").text + session.execute("show history").text
        let first = session.execute("explore drops=1")
        let after = session.execute("show state").text + session.execute("messages").text + session.execute("show history").text
        #expect(before == after)
        let second = session.execute("explore drops=1")
        #expect(first.text == second.text)
        #expect(Self.json(first) == Self.json(second))
        let undo = session.execute("undo")
        // explore changed nothing, so undo takes back the read, the last command that did.
        #expect(undo.text.contains("last command now: deliver A->c1"))
    }

    @Test("the JSON explore object: states, complete, outcomes, findings with their steps")
    func json() {
        let (_, results) = play(Self.readAfterAcknowledgedWrite(w: 1, r: 1) + ["explore"])
        #expect(
            Self.json(results.last!).contains(
                #""explore":{"states":630,"complete":true,"outcomes":[{"op":"get","id":2,"client":"c2","key":"x","ok":true,"values":["1"]},{"op":"get","id":2,"client":"c2","key":"x","ok":true,"values":[]}],"findings":[{"id":1,"kind":"stale-read","key":"x","steps":["deliver m6","deliver m8"]}]}"#
            ))
        let (session, _) = play(Self.readAfterAcknowledgedWrite(w: 1, r: 1))
        #expect(session.completions(line: "explore f", word: "f") == ["find"])
    }

    @Test("whatever order run random picks, its outcome is one explore listed (and explore finds nothing run cannot)")
    func randomRunsAreAmongTheOutcomes() {
        let setup = Self.readAfterAcknowledgedWrite(w: 1, r: 1)
        let explore = play(setup + ["explore"]).1.last!.text
        var seen: Set<String> = []
        for seed in 1...40 {
            let (session, _) = play(["seed \(seed)"] + setup + ["run random"])
            let read = session.simulation!.history[1]
            let value = read.readValues.isEmpty ? "nothing" : read.readValues.joined(separator: ",")
            seen.insert(value)
            #expect(explore.contains("op 2 c2 get x: 1 | nothing") && ["1", "nothing"].contains(value), "seed \(seed): \(value)")
        }
        // Forty random orders meet both outcomes explore listed.
        #expect(seen == ["1", "nothing"])
    }

    @Test("the report, word for word")
    func exactReport() {
        let (_, results) = play(Self.readAfterAcknowledgedWrite(w: 1, r: 1) + ["explore", "explore show 1"])
        #expect(
            results[results.count - 2].text == """
                explored 630 states (all of them): every order of delivering the 5 messages in
                     flight and what they send; no losses, duplicates or crashes
                time: it passes only when no message can be delivered, and only as far as the
                     next timeout of an operation still waiting (tick N)
                outcomes of the operations in flight (shortest schedule first):
                  op 2 c2 get x: 1 | nothing (2 outcomes)
                anomalies some schedule reaches:
                  1. stale-read on x: shortest schedule 2 steps
                explore show N prints finding N's schedule; explore apply N plays it (undo takes
                     it back)
                """)
        #expect(
            results.last!.text == """
                # finding 1: stale-read on x, 2 steps from the state explored
                deliver m6
                deliver m8
                """)
        let quiet = play(["cluster leaderless", "explore"]).1.last!.text
        #expect(quiet.hasPrefix("explored 1 state (all of them): nothing is in flight; no losses, duplicates or\n     crashes\n"))
        #expect(quiet.hasSuffix("no operation was in flight\nno schedule reaches an anomaly of check"))
    }

    @Test("two schedules reaching the same cluster give the same fingerprint; a different cluster another")
    func fingerprints() {
        let setup = ["cluster leaderless nodes=3 n=3 w=2 r=2", "put x 1"]
        let one = play(setup + ["deliver m1", "deliver m2"]).0.simulation!
        let other = play(setup + ["deliver m2", "deliver m1"]).0.simulation!
        let third = play(setup + ["deliver m1", "deliver m3"]).0.simulation!
        let system = ClusterSystem(watched: [1])
        func print(_ sim: Simulation) -> Fingerprint {
            system.fingerprint(of: ClusterState(sim: sim, drops: 0, duplicates: 0, crashes: 0))
        }
        #expect(one.inFlight.map { "\($0.id) \($0.from)" } != other.inFlight.map { "\($0.id) \($0.from)" }, "message ids differ")
        #expect(print(one) == print(other))
        #expect(print(one) != print(third))
        #expect(
            system.fingerprint(of: ClusterState(sim: one, drops: 1, duplicates: 0, crashes: 0)) != print(one),
            "the budgets left are part of the state")
    }

    @Test("the exploration words tell states apart exactly as Simulation's equality does")
    func wordsFollowEquality() {
        var states: [Simulation] = []
        // Every ordered pair of the six writes in flight: each pair in both orders meets in one state.
        for first in 1...6 {
            for second in 1...6 where second != first {
                let lines = [
                    "cluster leaderless nodes=3 n=3 w=2 r=1", "put x 1 blind", "put x 2 as c2 blind", "deliver m\(first)",
                    "deliver m\(second)",
                ]
                states.append(play(lines).0.simulation!)
            }
        }
        var equalPairs = 0
        for a in states {
            for b in states {
                #expect((a == b) == (a.explorationWords == b.explorationWords))
                if a == b { equalPairs += 1 }
            }
        }
        #expect(equalPairs > states.count, "some different schedules met in the same state")
    }

    @Test("the terminal's hooks: progress is reported while exploring, and Ctrl-C stops it with a partial answer")
    func progressAndCancel() {
        final class Counter: @unchecked Sendable {
            var polls = 0
            var finished = false
        }
        let counter = Counter()
        var (session, _) = play(Self.readAfterAcknowledgedWrite(w: 1, r: 1))
        session.exploreHooks = ExploreHooks(
            progress: { progress in
                counter.polls += 1
                #expect(progress.expanded == counter.polls * 512)
            },
            isCancelled: { counter.polls >= 3 },
            finished: { counter.finished = true })
        let result = session.execute("explore drops=1 duplicates=1")
        #expect(result.ok)
        #expect(result.text.hasPrefix("explored 3,662 states (stopped by Ctrl-C: the answer is partial)"))
        #expect(result.text.contains("(stopped by Ctrl-C: the answer is partial)"))
        #expect(result.text.contains("(seen so far)"))
        #expect(Self.json(result).contains("\"complete\":false"))
        #expect(counter.polls == 3 && counter.finished)
    }

    @Test("the bound is honoured and reported")
    func bound() {
        let (_, results) = play(Self.readAfterAcknowledgedWrite(w: 1, r: 1) + ["explore max-states=5"])
        #expect(results.last!.text.hasPrefix("explored 5 states (stopped at max-states=5: the answer is partial)"))
        #expect(Self.json(results.last!).contains("\"complete\":false"))
    }

    @Test("a drop budget lets a w = 3 write fail at its timeout")
    func dropMakesWriteFail() {
        let lines = ["cluster leaderless nodes=3 n=3 w=3 r=1", "put x 1"]
        let (_, plain) = play(lines + ["explore"])
        #expect(plain.last!.text.contains("op 1 c1 put x=1: ok (the only outcome)"))
        let (_, dropped) = play(lines + ["explore drops=1"])
        #expect(dropped.last!.text.contains("op 1 c1 put x=1: ok | failed") || dropped.last!.text.contains("failed | ok"))
        let (_, found) = play(lines + ["explore find outcome 1 failed drops=1"])
        #expect(found.last!.text.contains("tick"))
    }

    @Test("two blind concurrent writes: LWW can lose one, siblings keep both")
    func concurrentBlindWrites() {
        let lww = play([
            "cluster leaderless nodes=3 n=3 w=2 r=2 resolve=lww", "put x 1 blind", "put x 2 as c2 blind", "explore",
        ]).1.last!
        #expect(lww.text.contains("lost-write on x"), "\(lww.text)")
        let siblings = play([
            "cluster leaderless nodes=3 n=3 w=2 r=2 resolve=siblings", "put x 1 blind", "put x 2 as c2 blind", "explore",
        ]).1.last!
        #expect(siblings.text.contains("conflict on x"), "\(siblings.text)")
        #expect(!siblings.text.contains("lost-write"))
    }

    @Test("explore find NAME stops at the shortest schedule that breaks that business rule")
    func findABrokenRuleByName() {
        let setup = [
            "cluster multi-leader leaders=2", "rule unique room-* as one-booking", "put room-1 alice", "put room-2 alice as c2",
        ]
        let (_, results) = play(setup + ["explore find one-booking", "explore apply 1", "check"])
        let found = results[results.count - 3]
        #expect(found.ok, "\(found.text)")
        #expect(found.text.contains("1. rule one-booking on room-1: shortest schedule 2 steps"))
        #expect(Self.json(found).contains("\"kind\":\"rule\""))
        #expect(results.last!.text.contains("rule one-booking (unique room-*) is broken"))
        let (_, missing) = play(setup + ["explore find one-bookings"])
        #expect(
            missing.last!.error
                == "explore cannot find \"one-bookings\": did you mean \"one-booking\"?; it is no anomaly kind of check (stale-read, lost-write, divergence, resurrection, conflict, split-brain, causality, rule), nor a rule's name (one-booking), nor outcome OP VALUE"
        )
    }

    @Test("bad arguments get a clear error and change nothing")
    func errors() {
        let setup = Self.readAfterAcknowledgedWrite(w: 1, r: 1)
        let cases: [(String, String)] = [
            ("explore drops=x", "drops must be a whole number from 0 to 3, not \"x\""),
            ("explore drops=9", "drops=9 is out of range: allowed 0 to 3"),
            (
                "explore drop=1",
                "explore has no option \"drop\": did you mean \"drops\"?; allowed: drops=K, duplicates=K, crashes=K, max-states=N"
            ),
            ("explore drops=1 drops=1", "explore: drops= is given twice"),
            ("explore find nonsense", "explore cannot find \"nonsense\""),
            ("explore find outcome 9 ok", "there is no operation 9; show history lists operations 1 to 2"),
            ("explore find outcome 1 ok", "operation 1 has already completed; explore looks at operations still in flight"),
            ("explore show 1", "nothing explored yet: explore first, then explore show N or explore apply N"),
            ("explore apply", "explore apply needs a finding's number: explore apply N (explore lists them)"),
        ]
        for (line, message) in cases {
            var (session, _) = play(setup)
            let log = session.log
            let result = session.execute(line)
            #expect(!result.ok, "\(line)")
            #expect(result.error?.hasPrefix(message) == true, "\(line): \(result.error ?? "no error")")
            #expect(session.log == log)
        }
        var (session, _) = play(setup + ["explore"])
        _ = session.execute("deliver all")
        #expect(
            session.execute("explore show 1").error
                == "the session has changed since the last explore: explore again, then use its findings")
        #expect(play(["explore"]).1.last!.error?.hasPrefix("there is no cluster yet") == true)
    }
}
