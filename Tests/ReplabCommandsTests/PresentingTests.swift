import Foundation
import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands
@testable import ReplabRender

/// What a class sees first and what a program reads: the version, the JSON `version` of a key,
/// the topology's links and leader.
@Suite struct PresentingTests {
    @Test func versionFlagPrintsTheRelease() throws {
        let (status, output) = try runReplab(["--version"])
        #expect(status == 0)
        #expect(output == About.version + "\n")
        #expect(About.banner.hasPrefix("replab \(About.version): "))
        #expect(About.banner.contains("help") && About.banner.contains("lessons"))
    }

    /// Two replicas holding different versions never print the same JSON `version`: blind
    /// writes `c1:2 after {}` and `c1:3 after {}` once both printed `{}`.
    @Test func jsonVersionKeepsEveryDot() {
        let (session, results) = play([
            "cluster leaderless nodes=3 n=3 w=1 r=1", "put x 1", "drop all", "put x 2 blind", "deliver c1->A",
            "drop all", "put x 3 blind", "deliver c1->B", "drop all", "show state x",
        ])
        let allOK = results.allSatisfy { $0.ok }
        #expect(allOK)
        guard case .object(let replicas)? = results.last?.replicas else {
            Issue.record("show state gave no replicas")
            return
        }
        func version(_ name: String) -> String {
            guard case .object(let keys)? = replicas.first(where: { $0.0 == name })?.1,
                case .object(let fields)? = keys.first(where: { $0.0 == "x" })?.1
            else { return "" }
            return fields.first { $0.0 == "version" }?.1.text ?? ""
        }
        #expect(version("A") == #"{"seen":["c1:2"],"dots":["c1:2"]}"#)
        #expect(version("B") == #"{"seen":["c1:3"],"dots":["c1:3"]}"#)
        // Every pair of replicas: different versions held, different JSON.
        let sim = session.simulation!
        for a in sim.replicaAddresses {
            for b in sim.replicaAddresses where a < b {
                let heldA = (sim.replicas[a.replicaIndex].store["x"] ?? []).map(\.dot).sorted()
                let heldB = (sim.replicas[b.replicaIndex].store["x"] ?? []).map(\.dot).sorted()
                if heldA != heldB && !heldA.isEmpty && !heldB.isEmpty { #expect(version(a.name) != version(b.name)) }
            }
        }
    }

    /// Siblings `A:1`, `B:1` and a single `B:1 after {A:1}` merge to the same clock: the dots
    /// tell them apart.
    @Test func keyVersionNamesTheDotsHeld() {
        let a = Version(value: Value("1"), dot: Dot(.replica(0), 1), context: VersionVector(), timestamp: 1, writtenAt: 0, op: 1)
        let b = Version(value: Value("2"), dot: Dot(.replica(1), 1), context: VersionVector(), timestamp: 2, writtenAt: 0, op: 2)
        let c = Version(
            value: Value("2"), dot: Dot(.replica(1), 1), context: VersionVector([(.replica(0), 1)]), timestamp: 2, writtenAt: 0, op: 2)
        #expect(Views.keyVersionJSON([a, b]).text == #"{"A":1,"B":1,"dots":["A:1","B:1"]}"#)
        #expect(Views.keyVersionJSON([c]).text == #"{"A":1,"B":1,"dots":["B:1"]}"#)
    }

    /// Followers acknowledge on the link the log travels: it is drawn both ways. After a
    /// failover the text names the new leader, and a deposed one that still accepts writes.
    @Test func singleLeaderTopologyFollowsFailover() {
        let (_, results) = play([
            "cluster single-leader replicas=3", "put x 1", "run", "show topology", "partition A | B C", "failover B", "run",
            "show topology",
        ])
        let before = results[3].output
        #expect(before.contains("A  ◄───► B") && before.contains("A  ◄───► C"))
        #expect(before.contains("A takes every write"))
        let after = results[7].output
        #expect(after.contains("B takes every write"))
        #expect(after.contains("still believes it leads and accepts writes too (split brain)"))
        #expect(after.contains("B  ◄───► C"))
    }
}
