import ReplabKernel
import ReplabModels

/// `explain KEY [NODE]`: why the versions of a key stand as they do on one replica.
package enum Explain {
    package static func text(_ sim: Simulation, key: String, node: Address?, width: Int) -> String {
        let holders = sim.replicaAddresses.filter { !(sim.replicas[$0.replicaIndex].store[key] ?? []).isEmpty }
        guard let node = node ?? holders.first else {
            return "no replica holds \(key) now (a delete without tombstones, or nothing arrived yet)"
        }
        let versions = (sim.replicas[node.replicaIndex].store[key] ?? []).sorted { $0.dot < $1.dot }
        var lines: [String] = []
        guard !versions.isEmpty else {
            let others = holders.map(\.name).joined(separator: " ")
            return "\(node.name) holds nothing for \(key)" + (others.isEmpty ? "" : "; \(others) do (explain \(key) \(holders[0].name))")
        }
        lines.append(
            "\(key) on \(node.name): \(versions.count == 1 ? "one version" : "\(versions.count) versions side by side (siblings)")")
        for version in versions {
            lines.append(
                "  \(version.valueText) \(version.label): dot \(version.dot), \(writer(of: version, sim)), had seen \(version.context)")
        }
        // Each pair of siblings, entry by entry (at most `maxPairs`: siblings can pile up).
        var pairs: [(Version, Version)] = []
        for (i, a) in versions.enumerated() { for b in versions[(i + 1)...] { pairs.append((a, b)) } }
        if pairs.contains(where: { $0.0.clock.extra.isEmpty == false || $0.1.clock.extra.isEmpty == false }) {
            lines.append("  (in a vector, 2* means that writer's event 2 alone, without the ones before it)")
        }
        for (a, b) in pairs.prefix(maxPairs) {
            do {
                lines.append("")
                lines.append("\(a.valueText) (\(a.dot)) and \(b.valueText) (\(b.dot)), entry by entry:")
                let actors = Set(a.clock.entries.map(\.node) + b.clock.entries.map(\.node) + (a.clock.extra + b.clock.extra).map(\.node))
                    .sorted()
                for actor in actors {
                    let left = entry(a.clock, actor)
                    let right = entry(b.clock, actor)
                    let plain = !left.contains("*") && !right.contains("*")
                    let compare =
                        left == right
                        ? "same"
                        : plain
                            ? (a.clock[actor] > b.clock[actor] ? "\(a.valueText) has seen more" : "\(b.valueText) has seen more")
                            : "different events"
                    lines.append("  \(actor.name): \(left) vs \(right)  (\(compare))")
                }
                lines.append("  " + verdict(a, b))
            }
        }
        if pairs.count > maxPairs { lines.append("(and \(pairs.count - maxPairs) more pairs, alike)") }
        // What a write with the last read's context would do.
        lines.append("")
        if let read = sim.history.last(where: { $0.kind == .get && $0.key == key && $0.isAcknowledged }) {
            let context = VersionMerge.context(of: read.read)
            let replaced = versions.filter { context.contains($0.dot) }
            let kept = versions.filter { !context.contains($0.dot) }
            var text = "the last read, \(read.client.name)'s get \(key) (op \(read.op)), gave the context \(context): a put of \(key) "
            text += "with it (as \(read.client.name)) would replace "
            text += replaced.isEmpty ? "nothing here" : replaced.map { "\($0.valueText) (\($0.dot))" }.joined(separator: " and ")
            if !kept.isEmpty {
                text += " and keep " + kept.map { "\($0.valueText) (\($0.dot))" }.joined(separator: " and ")
                text += " beside it, a version that read never saw"
            }
            if sim.model.isLeaderless && sim.config.clocks == .vv && !kept.isEmpty {
                text += " (clocks=vv: only a clock that dominates the key's whole clock replaces anything)"
            }
            lines.append(text)
        } else {
            lines.append("no read of \(key) has completed yet: a put now carries no context for it and replaces nothing (get \(key) first)")
        }
        return lines.flatMap { wrapProse($0, width: width) }.joined(separator: "\n")
    }

    static let maxPairs = 10

    /// One writer's entry of a vector: `2`, `2*` (event 2 alone) or `1+3*`.
    static func entry(_ vector: VersionVector, _ actor: Address) -> String {
        let counter = vector[actor]
        let extra = vector.extra.filter { $0.node == actor }.map { "\($0.counter)*" }
        if extra.isEmpty { return "\(counter)" }
        return (counter > 0 ? "\(counter)+" : "") + extra.joined(separator: ",")
    }

    static func writer(of version: Version, _ sim: Simulation) -> String {
        guard version.op > 0, version.op <= sim.history.count else { return "written before the history began" }
        let record = sim.history[version.op - 1]
        return "written by \(record.client.name)'s \(record.text) (op \(record.op))"
    }

    /// Why two versions stand as they do: which has seen the other's dot.
    static func verdict(_ a: Version, _ b: Version) -> String {
        let aSawB = a.supersedes(b)
        let bSawA = b.supersedes(a)
        switch (aSawB, bSawA) {
        case (true, _): return "\(a.valueText) has seen \(b.dot), so it supersedes \(b.valueText)"
        case (_, true): return "\(b.valueText) has seen \(a.dot), so it supersedes \(a.valueText)"
        default:
            return
                "\(a.valueText) has not seen \(b.dot) and \(b.valueText) has not seen \(a.dot): neither supersedes the other, so both are kept"
        }
    }
}
