import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands

/// `check` names what the chapter names: split brain, causality violations, conflicts and who
/// resolved them.
@Suite struct AnomalyTests {
    func check(_ lines: [String]) -> [Anomaly] {
        let (session, results) = play(lines)
        for (line, result) in zip(lines, results) { #expect(result.ok, "\(line): \(result.error ?? "")") }
        return Checker.check(session.simulation!)
    }

    static let splitBrain = [
        "cluster single-leader replicas=3", "put x 1", "run", "partition A | B C", "failover B", "run", "put x 2 via A",
        "put x 3 via B", "run", "heal", "run",
    ]

    @Test func twoLeadersAcceptingWritesIsSplitBrain() {
        let found = check(Self.splitBrain).filter { $0.kind == .splitBrain }
        #expect(found.count == 1)
        #expect(found.first?.ops == [2, 3])
        #expect(
            found.first?.detail
                == "A and B accepted writes to x as leader at the same time: A, deposed without knowing it, took c1's put x=2 (op 2) at A; B took c1's put x=3 (op 3) at B"
        )
    }

    @Test func aFailoverFromACrashedLeaderIsNotSplitBrain() {
        let found = check(["cluster single-leader replicas=3", "put x 1", "run", "crash A", "failover B", "run", "put x 2", "run"])
        #expect(!found.contains { $0.kind == .splitBrain })
    }

    static let overtaking = [
        "cluster multi-leader leaders=3", "insert room-1 alice", "deliver c1->A", "deliver A->B", "update room-1 bob as c2",
        "deliver c2->B", "deliver B->C", "run",
    ]

    @Test func anUpdateBeforeItsInsertIsACausalityViolation() {
        let found = check(Self.overtaking).filter { $0.kind == .causality }
        #expect(found.count == 1)
        #expect(found.first?.key == "room-1")
        #expect(found.first?.ops == [1, 2])
        #expect(
            found.first?.detail.hasPrefix(
                "c2's update room-1=bob (op 2), accepted by B, reached C at step 6 before c1's insert room-1=alice (op 1), which it depends on"
            ) == true)
    }

    @Test func causalDeliveryPreventsTheViolation() {
        let lines = [Self.overtaking[0] + " causal=on"] + Self.overtaking.dropFirst()
        #expect(!check(lines).contains { $0.kind == .causality })
    }

    /// In a resolve=siblings cluster a conflict a later write merged is reported as resolved,
    /// by that write, and last-write-wins is never blamed.
    @Test func aResolvedConflictNamesItsResolver() {
        let found = check([
            "cluster multi-leader leaders=3 resolve=siblings", "put x 1", "put x 2 as c2", "run", "get x", "run", "put x 3", "run",
        ])
        let conflict = found.first { $0.kind == .conflict }
        #expect(conflict?.detail.contains("c1's put x=3 (op 4), which had seen them all, resolved them") == true)
        #expect(conflict?.detail.contains("last-write-wins") == false)
        #expect(conflict?.ops.contains(4) == true)
    }

    @Test func lastWriteWinsIsNamedOnlyWhereItDecides() {
        let lww = check(["cluster multi-leader leaders=2 resolve=lww", "put x 1", "put x 2 as c2", "run"])
        #expect(lww.first { $0.kind == .conflict }?.detail.contains("last-write-wins kept one") == true)
    }

    @Test func theNewKindsArePartOfTheJSONContract() {
        #expect(Anomaly.Kind.splitBrain.rawValue == "split-brain")
        #expect(Anomaly.Kind.causality.rawValue == "causality")
    }
}
