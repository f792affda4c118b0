import ReplabKernel

/// Something that went wrong, found in the recorded history.
public struct Anomaly: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case staleRead = "stale-read"
        case lostWrite = "lost-write"
        case divergence
        case resurrection
        case conflict
        case splitBrain = "split-brain"
        case causality
        case rule
    }
    public let kind: Kind
    public let key: String
    public let detail: String
    /// The operations involved.
    public let ops: [Int]
    /// For a broken rule (`rule`), the rule's name.
    public var rule: String? = nil
}

/// The named invariants, each checked from the recorded history and the replicas' final state
/// (never by reaching into a model's internals).
public enum Checker {
    public static func check(_ simulation: Simulation) -> [Anomaly] {
        let history = simulation.history
        var anomalies: [Anomaly] = []
        anomalies += staleReads(history, simulation.config.resolve)
        anomalies += lostWrites(simulation)
        anomalies += divergence(simulation)
        anomalies += resurrections(history, simulation.config.resolve)
        anomalies += conflicts(simulation)
        anomalies += splitBrain(simulation) + causality(simulation)  // CheckerNamed.swift
        anomalies += brokenRules(simulation)  // Rules.swift
        return anomalies
    }

    static func describe(_ record: OperationRecord) -> String {
        "\(record.client.name)'s \(record.text) (op \(record.op))"
    }

    /// Whether `version` is `write` or something that makes it out of date.
    static func reflects(_ version: Version, _ write: Version, _ resolution: Resolution) -> Bool {
        version.dot == write.dot || version.supersedes(write) || (resolution == .lww && version.beatsLWW(write))
    }

    /// stale-read: a read that returned no version of a write acknowledged before the read
    /// began, and nothing newer. Only writes that no other such write superseded count.
    static func staleReads(_ history: OperationHistory, _ resolution: Resolution) -> [Anomaly] {
        // One sweep per key: acknowledged writes in the order they completed, reads in the order
        // they began (history order). The frontier holds the writes acknowledged so far that no
        // other such write supersedes (reflection is transitive, so a write superseded once stays
        // out). Linear in the history for each key, not quadratic in it.
        var writes: [String: [OperationRecord]] = [:]
        for record in history where record.isWrite && record.isAcknowledged && record.written != nil {
            writes[record.key, default: []].append(record)
        }
        for key in writes.keys { writes[key]!.sort { ($0.endStep!, $0.op) < ($1.endStep!, $1.op) } }
        var next: [String: Int] = [:]
        var frontier: [String: [OperationRecord]] = [:]
        var found: [Anomaly] = []
        for read in history where read.kind == .get && read.isAcknowledged {
            let keyWrites = writes[read.key] ?? []
            var index = next[read.key] ?? 0
            var latest = frontier[read.key] ?? []
            while index < keyWrites.count, keyWrites[index].endStep! < read.startStep {
                let write = keyWrites[index]
                latest.removeAll { reflects(write.written!, $0.written!, resolution) }
                if !latest.contains(where: { reflects($0.written!, write.written!, resolution) }) { latest.append(write) }
                index += 1
            }
            next[read.key] = index
            frontier[read.key] = latest
            for write in latest.sorted(by: { $0.op < $1.op }) where write.kind.writesValue {
                let version = write.written!
                if !read.read.contains(where: { reflects($0, version, resolution) }) {
                    let got = read.read.isEmpty ? "not found" : Message.describe(read.read)
                    found.append(
                        Anomaly(
                            kind: .staleRead, key: read.key,
                            detail:
                                "\(describe(read)) returned \(got), missing \(describe(write)), which was acknowledged at step \(write.endStep!) before the read began at step \(read.startStep)",
                            ops: [read.op, write.op]))
                }
            }
        }
        return found
    }

    /// lost-write: an acknowledged write that no live replica holds any more (in its store or as
    /// a hint) and that no later write causally superseded.
    ///
    /// Single-leader: a write whose entry is still in a replica's log is held there, whatever
    /// came after it in that log (the table is that log applied in order). A delete removes the
    /// row outright, and a client write delivered twice is logged twice with the history keeping
    /// only the last copy's version, whose context (taken from the row then, often none) need
    /// not cover the put the first copy deleted; only a write cut from the log is lost.
    static func lostWrites(_ simulation: Simulation) -> [Anomaly] {
        let history = simulation.history
        var found: [Anomaly] = []
        var logged: [Set<LoggedWrite>] = []
        if case .singleLeader = simulation.model {
            logged = simulation.replicaAddresses.map { node in
                Set(simulation.replication(at: node).log.map { LoggedWrite(op: $0.op, dot: $0.version.dot) })
            }
        }
        var writesByKey: [String: [Version]] = [:]
        for record in history { if let written = record.written { writesByKey[record.key, default: []].append(written) } }
        for write in history where write.kind.writesValue && write.isAcknowledged {
            guard let version = write.written else { continue }
            let superseded = (writesByKey[write.key] ?? []).contains { other in other.dot != version.dot && other.supersedes(version) }
            if superseded { continue }
            var heldLive = false
            var heldCrashed: [Address] = []
            for (index, replica) in simulation.replicas.enumerated() {
                // A fallback's hint still holds the write: it is on its way to its owner, not lost.
                let hinted = simulation.hints(at: .replica(index)).filter { $0.key == write.key }.flatMap(\.versions)
                let versions = (replica.store[write.key] ?? []) + hinted
                let inLog = !logged.isEmpty && logged[index].contains(LoggedWrite(op: write.op, dot: version.dot))
                guard inLog || versions.contains(where: { $0.dot == version.dot || $0.supersedes(version) }) else { continue }
                if simulation.faults.isCrashed(.replica(index)) { heldCrashed.append(.replica(index)) } else { heldLive = true }
            }
            if heldLive { continue }
            var detail = "\(describe(write)) was acknowledged at step \(write.endStep!) but no live replica holds it any more"
            let winners = Set(simulation.replicas.flatMap { $0.store[write.key] ?? [] }.filter { $0.beatsLWW(version) }.map(\.op))
            if case .singleLeader = simulation.model {
                detail += "; the leader that took it was replaced before every replica had it"
            } else if simulation.config.resolve == .lww, let winner = winners.sorted().first, winner > 0, winner <= history.count {
                detail += "; last-write-wins discarded it in favour of \(describe(history[winner - 1])), which did not know of it"
            }
            if !heldCrashed.isEmpty {
                detail += " (only crashed \(heldCrashed.map(\.name).joined(separator: ", ")) still has it)"
            }
            found.append(Anomaly(kind: .lostWrite, key: write.key, detail: detail, ops: [write.op] + winners.sorted()))
        }
        return found
    }

    /// A single-leader log entry as `lostWrites` looks it up: the operation and the version's
    /// dot (a dot alone could name an entry a later leader wrote at a cut entry's index).
    struct LoggedWrite: Hashable {
        let op: Int
        let dot: Dot
    }

    /// divergence: with nothing in flight, the key's replicas disagree.
    static func divergence(_ simulation: Simulation) -> [Anomaly] {
        guard simulation.network.isEmpty else { return [] }
        var found: [Anomaly] = []
        for key in simulation.knownKeys {
            let owners = simulation.primaries(for: key)
            let states = owners.map { owner in
                (owner, (simulation.replicas[owner.replicaIndex].store[key] ?? []).map(\.dot).sorted())
            }
            guard Set(states.map(\.1)).count > 1 else { continue }
            let parts = states.map { owner, _ in
                "\(owner.name) has \(Message.describe(simulation.replicas[owner.replicaIndex].store[key] ?? []))"
            }
            found.append(
                Anomaly(
                    kind: .divergence, key: key,
                    detail: "nothing is in flight but the replicas of \(key) disagree: " + parts.joined(separator: "; "),
                    ops: []))
        }
        return found
    }

    /// resurrection: a read that returned a value older than a delete acknowledged before it began.
    static func resurrections(_ history: OperationHistory, _ resolution: Resolution) -> [Anomaly] {
        var found: [Anomaly] = []
        // Each read looks only at its key's acknowledged deletes, gathered in one pass.
        var deletes: [String: [OperationRecord]] = [:]
        for record in history where record.kind == .delete && record.isAcknowledged { deletes[record.key, default: []].append(record) }
        guard !deletes.isEmpty else { return [] }
        for read in history where read.kind == .get && read.isAcknowledged {
            for delete in deletes[read.key] ?? [] where (delete.endStep ?? .max) < read.startStep {
                guard let tombstone = delete.written else { continue }
                let old = read.read.filter { version in
                    version.value != nil && (tombstone.supersedes(version) || (resolution == .lww && tombstone.beatsLWW(version)))
                }
                for version in old {
                    let origin = version.op > 0 && version.op <= history.count ? " from \(describe(history[version.op - 1]))" : ""
                    found.append(
                        Anomaly(
                            kind: .resurrection, key: read.key,
                            detail:
                                "\(describe(read)) returned \(version.valueText)\(origin), which \(describe(delete)) had deleted at step \(delete.endStep!)",
                            ops: [read.op, delete.op] + (version.op > 0 ? [version.op] : [])))
                }
            }
        }
        return found
    }

    /// conflict: concurrent versions (siblings) exist on a replica or came back from a read.
    static func conflicts(_ simulation: Simulation) -> [Anomaly] {
        var found: [Anomaly] = []
        // Each key's operations, gathered in one pass over the history (not one pass per key).
        var operations: [String: [OperationRecord]] = [:]
        for record in simulation.history { operations[record.key, default: []].append(record) }
        for key in simulation.knownKeys {
            var holders: [String] = []
            var ops = Set<Int>()
            for (index, replica) in simulation.replicas.enumerated() {
                let versions = replica.store[key] ?? []
                if versions.count > 1 {
                    holders.append(Address.replica(index).name)
                    ops.formUnion(versions.map(\.op))
                }
            }
            let reads = (operations[key] ?? []).filter { $0.kind == .get && $0.read.count > 1 }
            var concurrent = false
            var concurrentVersions: [Version] = []
            var lww = simulation.config.resolve == .lww
            if case .multiLeader(let c) = simulation.model {
                lww = c.resolve == .lww
                // Leaders accept writes without asking each other: concurrent writes to a key are
                // a conflict even when last-write-wins hides it (the other one is then lost).
                let writes = (operations[key] ?? []).filter { $0.isWrite && $0.written != nil }
                for (i, a) in writes.enumerated() {
                    for b in writes[(i + 1)...] where !a.written!.supersedes(b.written!) && !b.written!.supersedes(a.written!) {
                        ops.formUnion([a.op, b.op])
                        concurrent = true
                        concurrentVersions += [a.written!, b.written!]
                    }
                }
            }
            for read in reads { ops.formUnion(read.read.map(\.op)) }
            guard !holders.isEmpty || !reads.isEmpty || concurrent else { continue }
            let writers = ops.sorted().filter { $0 > 0 && $0 <= simulation.history.count }
                .map { describe(simulation.history[$0 - 1]) }
            // A later write that had seen them all resolved the conflict (and which one it was);
            // otherwise last-write-wins hid it, and only where the cluster resolves that way.
            let seen = concurrentVersions + reads.flatMap(\.read)
            let resolvedBy = holders.isEmpty ? resolver(of: seen, key: key, in: simulation) : nil
            if let resolvedBy { ops.insert(resolvedBy.op) }
            var detail: String
            if let resolvedBy {
                detail =
                    (reads.isEmpty ? "concurrent writes to \(key) met at the leaders" : "concurrent writes to \(key) were kept as siblings")
                    + "; \(describe(resolvedBy)), which had seen them all, resolved them"
            } else if holders.isEmpty && reads.isEmpty {
                detail =
                    lww
                    ? "concurrent writes to \(key) met at the leaders; last-write-wins kept one"
                    : "concurrent writes to \(key) met at the leaders"
            } else {
                detail = "concurrent writes to \(key) are kept as siblings"
            }
            if !holders.isEmpty { detail += " on \(holders.joined(separator: ", "))" }
            if !reads.isEmpty { detail += "; read by " + reads.map { describe($0) }.joined(separator: ", ") }
            if !writers.isEmpty { detail += "; written by " + writers.joined(separator: " and ") }
            found.append(Anomaly(kind: .conflict, key: key, detail: detail, ops: ops.sorted()))
        }
        return found
    }
}
