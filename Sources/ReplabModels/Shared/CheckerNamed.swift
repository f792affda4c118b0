import ReplabKernel

/// The anomalies the chapter names that need more than one replica's final state: split brain
/// and causality violations. Like every check they read only what was recorded (the history
/// and the trace's notes), never a model's internals, so they carry over to any model that
/// records the same notes: `failover` ("… promoted to leader …", "… steps down …") and
/// `overtaken` ("update KEY from ORIGIN finds no row …").
extension Checker {
    /// split-brain: two nodes accepted writes as leader at the same time. A node leads from its
    /// promotion (A from the start) until it steps down; a write it took while another node,
    /// promoted after it, also led was accepted by a deposed leader that did not know it.
    static func splitBrain(_ simulation: Simulation) -> [Anomaly] {
        guard case .singleLeader = simulation.model else { return [] }
        // Leadership intervals from the trace: (node, from step, until step).
        var intervals: [(node: Address, from: UInt32, until: UInt32)] = [(.replica(0), 0, .max)]
        for entry in simulation.trace.entries {
            guard case .note(let node, let note) = entry.event else { continue }
            if case .promoted = note {
                intervals.append((node, entry.step, .max))
            } else if case .stepsDown = note, let open = intervals.lastIndex(where: { $0.node == node && $0.until == .max }) {
                intervals[open].until = entry.step
            }
        }
        func leads(_ node: Address, at step: UInt32) -> (from: UInt32, until: UInt32)? {
            intervals.last { $0.node == node && $0.from <= step && step < $0.until }.map { ($0.from, $0.until) }
        }
        var found: [Anomaly] = []
        // Each key's writes, gathered in one pass (not one pass over every write per key).
        let byKey = Dictionary(grouping: simulation.history.filter { $0.isWrite && $0.written != nil }, by: \.key)
        for key in byKey.keys.sorted() {
            let writes = byKey[key]!
            var stale: [OperationRecord] = []
            var rivals = Set<Address>()
            for write in writes {
                let taker = write.written!.dot.node
                guard let own = leads(taker, at: write.startStep) else { continue }
                // Another node promoted after this one and still leading when the write began.
                let others = intervals.filter {
                    $0.node != taker && $0.from > own.from && $0.from <= write.startStep && write.startStep < $0.until
                }
                guard !others.isEmpty else { continue }
                stale.append(write)
                rivals.formUnion(others.map(\.node))
            }
            guard !stale.isEmpty else { continue }
            let takers = Set(stale.map { $0.written!.dot.node })
            // The rivals' own writes to the key while both led.
            let rivalWrites = writes.filter { write in
                rivals.contains(write.written!.dot.node)
                    && stale.contains { s in leads(write.written!.dot.node, at: write.startStep).map { $0.from <= s.startStep } ?? false }
            }
            func taken(_ records: [OperationRecord]) -> String {
                records.map { "\(describe($0)) at \($0.written!.dot.node.name)" }.joined(separator: ", ")
            }
            let leaders = (takers.union(rivals)).sorted().map(\.name).joined(separator: " and ")
            var detail =
                "\(leaders) accepted writes to \(key) as leader at the same time: \(takers.sorted().map(\.name).joined(separator: " and ")), deposed without knowing it, took "
                + taken(stale)
            if !rivalWrites.isEmpty { detail += "; \(rivals.sorted().map(\.name).joined(separator: " and ")) took " + taken(rivalWrites) }
            found.append(
                Anomaly(kind: .splitBrain, key: key, detail: detail, ops: (stale + rivalWrites).map(\.op).sorted()))
        }
        return found
    }

    /// causality: an operation applied at a replica before one it depends on (an update that
    /// reached a leader before the insert of its row, and did nothing there).
    static func causality(_ simulation: Simulation) -> [Anomaly] {
        var found: [Anomaly] = []
        let history = simulation.history
        for entry in simulation.trace.entries {
            guard case .note(let node, .overtaken(let key, let from)) = entry.event else { continue }
            let origin = from.name
            guard
                let update = history.last(where: {
                    $0.kind == .update && $0.key == key && $0.written?.dot.node == from && $0.startStep < entry.step
                }), let context = update.written?.context
            else { continue }
            let dependency = history.last { other in
                other.op != update.op && other.key == key && other.isWrite && other.written.map { context.contains($0.dot) } == true
            }
            var detail = "\(describe(update)), accepted by \(origin), reached \(node.name) at step \(entry.step) before "
            detail += dependency.map { "\(describe($0)), which it depends on" } ?? "the write of the row it depends on"
            detail += ": the update did nothing there (causal=on makes a leader hold it until its dependencies arrive)"
            found.append(
                Anomaly(kind: .causality, key: key, detail: detail, ops: ([update.op] + (dependency.map { [$0.op] } ?? [])).sorted()))
        }
        return found
    }

    /// A later write to the key that had seen every one of `versions` (so it replaced them), if any.
    static func resolver(of versions: [Version], key: String, in simulation: Simulation) -> OperationRecord? {
        simulation.history.first { record in
            record.key == key && record.isWrite && versions.allSatisfy { v in record.written.map { $0.supersedes(v) } == true }
        }
    }
}
