import ReplabKernel
import ReplabModels

/// How much a command reports (`set detail brief|full`).
public enum Detail: String, Sendable {
    /// Every message sent and delivered, every note (the default).
    case full
    /// What a class needs to follow: the operations started, faults and decisions as they
    /// happen; deliveries that change nothing worth seeing print nothing; anti-entropy and
    /// hinted-handoff chatter folds into one line; the command ends with one line per completed
    /// operation and one per replica whose state changed.
    case brief
}

/// A command's report in brief detail, drawn from the same trace entries as the full one.
package enum BriefReport {
    /// Notes that are routine traffic: folded into one line per kind.
    static let chatter: [String: String] = [
        "anti-entropy": "anti-entropy", "hint": "hinted handoff", "sync": "synchronous replication",
        "buffered": "causal buffering", "repair": "repair", "read repair": "read repair",
    ]
    /// Notes whose effect the replica lines show (a sibling kept, a tombstone stored).
    static let shownByState: Set<String> = ["sibling", "tombstone", "delete"]

    package static func render(
        _ entries: ArraySlice<TraceEntry<Message, Note>>, simulation sim: Simulation, before: [ReplicaSnapshot], style: ViewStyle
    ) -> String {
        let g = style.glyphs
        var lines: [(String, Tone)] = []
        var sent: [MessageID] = []
        var delivered = 0
        var lost = 0
        var folded: [String: Set<Address>] = [:]
        var foldedOrder: [String] = []
        var completions: [(String, Tone)] = []
        var ticks: (from: UInt64, to: UInt64)? = nil
        for entry in entries {
            if case .ticked(let time) = entry.event {
                ticks = (ticks?.from ?? time, time)
                continue
            }
            switch entry.event {
            case .sent(let id, _, _, _): sent.append(id)
            case .delivered: delivered += 1
            case .dropped(let id, let reason):
                if case .receiverCrashed = reason {
                    lost += 1
                } else {
                    lines.append(("\(id) \(Report.link(id, sim)) dropped: \(Report.label(id, sim))", .lost))
                }
            case .duplicated(let original, let copy):
                lines.append(("\(original) duplicated: \(copy) carries the same \(Report.label(copy, sim))", .note))
            case .partitioned(let groups):
                let text = groups.map { $0.map(\.name).joined(separator: " ") }.joined(separator: " | ")
                lines.append(("partition: \(text) (links between the groups are cut)", .fault))
            case .healed: lines.append(("healed: every link works again", .ok))
            case .crashed(let node):
                lines.append(("\(node.name) crashed: it receives and sends nothing until recover \(node.name)", .crashed))
            case .recovered(let node): lines.append(("\(node.name) recovered with the state it had when it crashed", .ok))
            case .opStarted(let op, let client, let text): lines.append(("op \(op): \(client.name) \(text)", .started))
            case .opCompleted(_, _, let ok, let text): completions.append(("=> \(text)", ok ? .ok : .failed))
            case .note(let node, let note):
                let kind = note.kind
                let text = note.text(at: node)
                if let name = chatter[kind] {
                    if folded[name] == nil { foldedOrder.append(name) }
                    folded[name, default: []].insert(node)
                } else if !shownByState.contains(kind) {
                    lines.append(("   \(node.name): \(text)", .note))
                }
            case .command, .cluster, .ticked: break
            }
        }
        if let ticks {
            lines.insert(
                (
                    ticks.from == ticks.to
                        ? "tick: time is now t\(ticks.to)"
                        : "tick \(g.isUnicode ? "×" : "x")\(ticks.to - ticks.from + 1): time is now t\(ticks.to)",
                    .dim
                ), at: 0)
        }
        for name in foldedOrder {
            let nodes = folded[name]!.sorted().map(\.name).joined(separator: " ")
            lines.append(("   \(name) at \(nodes) (set detail full shows each step)", .dim))
        }
        if delivered > 0 || lost > 0 || !sent.isEmpty {
            var parts: [String] = []
            if !sent.isEmpty { parts.append("\(sent.count) sent") }
            if delivered > 0 { parts.append("\(delivered) delivered") }
            if lost > 0 { parts.append("\(lost) lost") }
            let flight = sim.inFlight.map(\.id.description)
            let shown = flight.prefix(8).joined(separator: " ") + (flight.count > 8 ? " \(g.ellipsis)" : "")
            parts.append(flight.isEmpty ? "nothing in flight" : "in flight: \(shown)")
            lines.append(("   messages: " + parts.joined(separator: ", "), .dim))
        }
        lines += completions
        lines += changedReplicas(sim, before: before, g: g).map { ($0, .plain) }
        return lines.flatMap { text, tone in wrapProse(text, width: style.width).map { StyledLine($0, tone).render(style) } }
            .joined(separator: "\n")
    }

    /// One line per replica whose stored versions or hints changed: the keys that changed, with
    /// what they hold now.
    /// What a replica held before a command: its table and its hints.
    package struct ReplicaSnapshot {
        let store: [String: [Version]]
        let hints: [Hint]
    }

    /// Every replica's table and hints, to compare with after the command.
    package static func snapshot(_ sim: Simulation) -> [ReplicaSnapshot] {
        sim.replicaAddresses.map { ReplicaSnapshot(store: sim.replicas[$0.replicaIndex].store, hints: sim.hints(at: $0)) }
    }

    static func changedReplicas(_ sim: Simulation, before: [ReplicaSnapshot], g: Glyphs) -> [String] {
        var lines: [String] = []
        for (index, replica) in sim.replicas.enumerated() {
            let hints = sim.hints(at: .replica(index))
            let oldStore = index < before.count ? before[index].store : [:]
            let oldHints = index < before.count ? before[index].hints : []
            var changes: [String] = []
            for key in Set(replica.store.keys).union(oldStore.keys).sorted() where replica.store[key] != oldStore[key] {
                let versions = replica.store[key] ?? []
                changes.append(versions.isEmpty ? "\(key) removed" : "\(key) = " + versions.map { text($0, sim) }.joined(separator: " | "))
            }
            if hints != oldHints {
                changes.append(
                    hints.isEmpty ? "no hints" : "hints for " + Set(hints.map(\.owner.name)).sorted().joined(separator: " ")
                )
            }
            guard !changes.isEmpty else { continue }
            lines.append("\(Address.replica(index).name) now: " + changes.joined(separator: "; "))
        }
        return lines
    }

    /// A version as the brief line shows it: the value and, where causality matters (leaderless
    /// and multi-leader clusters), its version vector.
    static func text(_ version: Version, _ sim: Simulation) -> String {
        if case .singleLeader = sim.model { return version.valueText }
        return "\(version.valueText) \(version.label)"
    }
}
