import Testing

@testable import ReplabCommands

/// Found by replab-fuzz: `undo N` past a command that replaced the simulation.
@Suite struct UndoAcrossTests {
    @Test func undoPastAResetRestoresTheOldTrace() {
        var session = Session()
        for line in ["cluster single-leader", "tick 13", "put y 43 via A"] { #expect(session.execute(line).ok) }
        let before = session.execute("show timeline").output + session.execute("show history").output
        // Back to before tick 20: past the reset, which swapped the simulation (and its trace) out.
        for line in ["tick 20", "reset", "crash B", "update cart 53", "run", "crash C"] { #expect(session.execute(line).ok) }
        #expect(session.execute("undo 6").output == "undid 6 command(s); last command now: put y 43 via A")
        #expect(session.execute("show timeline").output + session.execute("show history").output == before)
        // And once more past a new cluster, then a single undo taking back a read.
        for line in ["cluster leaderless", "put x 1", "run"] { #expect(session.execute(line).ok) }
        #expect(session.execute("undo 3").output == "undid 3 command(s); last command now: put y 43 via A")
        #expect(session.execute("show timeline").output + session.execute("show history").output == before)
        #expect(session.execute("get cart").ok)
        #expect(session.execute("undo").ok)
        #expect(session.execute("show timeline").output + session.execute("show history").output == before)
    }
}
