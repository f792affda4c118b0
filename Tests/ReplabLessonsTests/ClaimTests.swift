import ReplabModels
import Testing

@testable import ReplabLessons

@Suite struct ClaimTests {
    func syntaxError(_ text: String) -> String? {
        do {
            _ = try Claim.parse(text, line: 1)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func theVocabularyParses() throws {
        #expect(try Claim.parse("read x = 2 | 1", line: 3).kind == .read(key: "x", client: nil, values: ["1", "2"]))
        #expect(try Claim.parse("read x as c2 = nothing", line: 1).kind == .read(key: "x", client: "c2", values: []))
        #expect(try Claim.parse("read x = \"nothing\"", line: 1).kind == .read(key: "x", client: nil, values: ["nothing"]))
        #expect(try Claim.parse("read x=1|2", line: 1).kind == .read(key: "x", client: nil, values: ["1", "2"]))
        #expect(try Claim.parse("ok", line: 1).kind == .outcome(ok: true, key: nil))
        #expect(try Claim.parse("failed y", line: 1).kind == .outcome(ok: false, key: "y"))
        #expect(try Claim.parse("siblings x 2", line: 1).kind == .siblings(key: "x", count: 2))
        #expect(try Claim.parse("state A x = 1", line: 1).kind == .state(node: "A", key: "x", expected: .values(["1"])))
        #expect(try Claim.parse("state B x = nothing", line: 1).kind == .state(node: "B", key: "x", expected: .nothing))
        #expect(try Claim.parse("state C x = tombstone", line: 1).kind == .state(node: "C", key: "x", expected: .tombstone))
        #expect(try Claim.parse("anomaly stale-read", line: 1).kind == .anomaly(kind: "stale-read", key: nil))
        #expect(try Claim.parse("anomaly conflict on x", line: 1).kind == .anomaly(kind: "conflict", key: "x"))
        #expect(try Claim.parse("no anomaly lost-write on y", line: 1).kind == .noAnomaly(kind: "lost-write", key: "y"))
        #expect(try Claim.parse("no anomalies", line: 1).kind == .noAnomalies)
        #expect(try Claim.parse("output contains \"say \\\"hi\\\"\"", line: 1).kind == .outputContains("say \"hi\""))
        #expect(try Claim.parse("in flight 0", line: 1).kind == .inFlight(0))
        #expect(try Claim.parse("error contains \"not in flight\"", line: 1).kind == .errorContains("not in flight"))
        #expect(try Claim.parse("  ok x  ", line: 7).text == "ok x")
    }

    @Test func badClaimsSayWhatIsWrong() {
        #expect(syntaxError("read = 1") == "a key is missing: read KEY [as CLIENT] = VALUE [| VALUE…]")
        #expect(
            syntaxError("read X = 1")
                == "\"X\" is not a key (keys are lower-case words like x or user_1): read KEY [as CLIENT] = VALUE [| VALUE…]")
        #expect(syntaxError("read x 1") == "\"=\" is missing: read x = VALUE [| VALUE…] or read x = nothing")
        #expect(syntaxError("read x = 1 2") == "values are separated by \"|\": read x = VALUE [| VALUE…] or read x = nothing")
        #expect(syntaxError("read x = 1 |") == "a value is missing: read x = VALUE [| VALUE…] or read x = nothing")
        #expect(syntaxError("read x as bob = 1") == "read x as needs a client name like c2")
        #expect(syntaxError("siblings x two") == "a whole number (1 or more) is missing: siblings x N")
        #expect(syntaxError("state a x = 1") == "state needs a replica like A: state NODE KEY = VALUE [| VALUE…] (or nothing, tombstone)")
        #expect(syntaxError("anomaly") == "an anomaly kind is missing: anomaly KIND [on KEY]")
        #expect(syntaxError("no anomaly") == "an anomaly kind is missing: no anomaly KIND [on KEY]")
        #expect(syntaxError("no way") == "no is followed by anomalies or anomaly KIND [on KEY], not \"way\"")
        #expect(syntaxError("no") == "no is followed by anomalies or anomaly KIND [on KEY]")
        #expect(syntaxError("output contains hello") == "output contains needs quoted text: output contains \"TEXT\"")
        #expect(syntaxError("output contains \"open") == "a quoted text is not closed: add the closing \"")
        #expect(syntaxError("in transit 2") == "in is followed by flight: in flight N")
        #expect(syntaxError("ok x y") == "unexpected \"y\" at the end of \"ok x y\"")
        #expect(syntaxError("okay") == "unknown claim \"okay\" (did you mean \"ok\"?); a claim is one of: \(Claim.forms)")
    }

    @Test func anomalyKindsFollowTheChecker() {
        #expect(Claim.anomalyKinds == Anomaly.Kind.allCases.map(\.rawValue))
    }

    // MARK: - Checked against what replab did

    static let staleRead = [
        "cluster leaderless nodes=3 n=3 w=1 r=1", "put x 1", "deliver c1->A", "deliver A->c1", "get x as c2", "deliver c2->C",
        "deliver C->c2",
    ]

    @Test func readsAreTheLastCompletedRead() throws {
        let stale = world(Self.staleRead)
        #expect(try evaluate("read x = nothing", in: stale) == nil)
        #expect(try evaluate("read x as c2 = nothing", in: stale) == nil)
        #expect(try evaluate("read x = 1", in: stale) == "the last read of x, c2's get x (op 2), returned nothing")
        #expect(try evaluate("read x as c1 = 1", in: stale) == "no read of x by c1 has completed")
        #expect(try evaluate("read y = 1", in: stale) == "no read of y has completed")
        let later = world(Self.staleRead + ["run", "get x", "run"])
        #expect(try evaluate("read x = 1", in: later) == nil)
        #expect(try evaluate("read x as c2 = nothing", in: later) == nil)
    }

    @Test func undoTakesCompletionsBackAndANewClusterForgetsThem() throws {
        var stale = world(Self.staleRead)
        _ = stale.execute("undo")
        #expect(try evaluate("read x = nothing", in: stale) == "no read of x has completed")
        _ = stale.execute("deliver C->c2")
        #expect(try evaluate("read x = nothing", in: stale) == nil)
        _ = stale.execute("cluster leaderless")
        #expect(try evaluate("read x = nothing", in: stale) == "no read of x has completed")
        _ = stale.execute("undo")
        #expect(try evaluate("read x = nothing", in: stale) == nil)
    }

    @Test func outcomesAreTheLastCompletedOperation() throws {
        let stale = world(Self.staleRead)
        #expect(try evaluate("ok", in: stale) == nil)
        #expect(try evaluate("failed", in: stale) == "the last operation, c2's get x (op 2), succeeded")
        #expect(try evaluate("ok y", in: stale) == "no operation on y has completed")
        let timedOut = world(["cluster leaderless", "put x 1", "tick 5"])
        #expect(try evaluate("failed x", in: timedOut) == nil)
        #expect(try evaluate("ok", in: timedOut) == "the last operation, c1's put x (op 1), failed")
        #expect(try evaluate("ok", in: world([])) == "no operation has completed")
    }

    @Test func stateAndSiblingsLookAtTheReplicas() throws {
        let stale = world(Self.staleRead)
        #expect(try evaluate("state A x = 1", in: stale) == nil)
        #expect(try evaluate("state C x = nothing", in: stale) == nil)
        #expect(try evaluate("state C x = 1", in: stale) == "C holds nothing for x")
        #expect(try evaluate("state A x = tombstone", in: stale) == "A holds 1 for x")
        #expect(try evaluate("state D x = 1", in: stale) == "there is no replica D (replicas: A B C)")
        #expect(
            try evaluate("state A x = 1", in: world([]))
                == "there is no cluster yet: build one first, e.g. cluster leaderless (see help cluster)")
        let deleted = world(["cluster leaderless", "put x 1", "run", "delete x", "run"])
        #expect(try evaluate("state B x = tombstone", in: deleted) == nil)
        #expect(try evaluate("state B x = nothing", in: deleted) == "B holds a tombstone for x")
        let siblings = world(["cluster leaderless", "put x 1 blind", "put x 2 as c2 blind", "run"])
        #expect(try evaluate("siblings x 2", in: siblings) == nil)
        #expect(try evaluate("state A x = 2 | 1", in: siblings) == nil)
        #expect(try evaluate("siblings x 3", in: siblings) == "no replica holds 3 versions of x (versions per replica: A 2, B 2, C 2)")
        #expect(try evaluate("siblings y 1", in: siblings) == "no replica holds y")
    }

    @Test func anomaliesComeFromCheck() throws {
        let stale = world(Self.staleRead)
        #expect(try evaluate("anomaly stale-read", in: stale) == nil)
        #expect(try evaluate("anomaly stale-read on x", in: stale) == nil)
        #expect(try evaluate("anomaly stale-read on y", in: stale) == "check found no stale-read on y (it found stale-read on x)")
        #expect(try evaluate("anomaly conflict", in: stale) == "check found no conflict (it found stale-read on x)")
        #expect(try evaluate("no anomaly conflict", in: stale) == nil)
        #expect(try evaluate("no anomaly stale-read", in: stale) == "check found stale-read on x")
        #expect(try evaluate("no anomalies", in: stale) == "check found stale-read on x")
        let calm = world(["cluster leaderless", "put x 1", "run"])
        #expect(try evaluate("no anomalies", in: calm) == nil)
        #expect(try evaluate("anomaly lost-write", in: calm) == "check found no lost-write (it found no anomalies)")
    }

    @Test func outputErrorsAndMessagesInFlight() throws {
        let started = world(["cluster leaderless", "put x 1"])
        #expect(try evaluate("in flight 3", in: started) == nil)
        #expect(try evaluate("in flight 1", in: started) == "3 messages are in flight")
        #expect(try evaluate("output contains \"acks\"", in: started, output: "waits for 2 acks") == nil)
        #expect(
            try evaluate("output contains \"siblings\"", in: started, output: "waits") == "the step's output does not contain \"siblings\"")
        #expect(try evaluate("error contains \"not in flight\"", in: started, errors: ["m9 is not in flight"]) == nil)
        #expect(try evaluate("error contains \"w > n\"", in: started) == "every command of the step succeeded")
        #expect(
            try evaluate("error contains \"w > n\"", in: started, errors: ["m9 is not in flight"])
                == "the step's errors were: \"m9 is not in flight\"")
    }

    @Test func checkingNeverChangesTheSession() throws {
        let stale = world(Self.staleRead)
        let before = stale.session.log
        for claim in ["state A x = 1", "no anomalies", "in flight 0", "siblings x 1"] { _ = try evaluate(claim, in: stale) }
        #expect(stale.session.log == before)
        var copy = stale
        #expect(copy.execute("undo").output == "undid 1 command(s); last command now: deliver c2->C")
    }
}
