import Testing

@testable import ReplabCommands

/// `explain KEY [NODE]`: why the versions of a key stand as they do.
@Suite struct ExplainTests {
    static let siblings = [
        "cluster leaderless", "put cart milk", "put cart eggs as c2 blind", "run", "get cart as c3", "run", "put cart ham as c1 blind",
        "run",
    ]

    @Test func siblingsAreComparedEntryByEntry() {
        let (_, results) = play(Self.siblings + ["explain cart B"])
        let text = results.last!.output
        #expect(text.hasPrefix("cart on B: 3 versions side by side (siblings)\n"))
        #expect(text.contains("  milk {c1:1}: dot c1:1, written by c1's put cart=milk (op 1), had seen {}"))
        #expect(
            text.contains(
                "milk (c1:1) and eggs (c2:1), entry by entry:\n  c1: 1 vs 0  (milk has seen more)\n  c2: 0 vs 1  (eggs has seen more)"))
        #expect(text.contains("  c1: 1 vs 2*  (different events)"))
        #expect(text.contains("milk has not seen c2:1 and eggs has not seen c1:1: neither supersedes the\n       other, so both are kept"))
    }

    @Test func theLastReadsContextSaysWhatAWriteWouldReplace() {
        let (_, results) = play(Self.siblings + ["explain cart"])
        let unbroken = results.last!.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(
            unbroken.contains(
                "the last read, c3's get cart (op 3), gave the context {c1:1, c2:1}: a put of cart with it (as c3) would replace milk (c1:1) and eggs (c2:1) and keep ham (c1:2) beside it, a version that read never saw"
            ))
    }

    @Test func aSupersededPairAndErrors() {
        let (_, results) = play([
            "cluster multi-leader leaders=2 resolve=siblings", "put x 1", "run", "put x 2", "run", "explain x A", "explain y",
            "explain x Q",
        ])
        #expect(results[5].output.hasPrefix("x on A: one version\n  2 {A:2}: dot A:2, written by c1's put x=2 (op 2), had seen {A:1}"))
        #expect(results[5].output.contains("no read of x has completed yet"))
        #expect(results[6].error == "no replica or operation has touched key \"y\"")
        #expect(results[7].error == "unknown node Q: this cluster has A B")
    }
}
