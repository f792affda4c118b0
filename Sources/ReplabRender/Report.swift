import ReplabKernel
import ReplabModels

/// What a command did, drawn from the trace entries it recorded: every command's report is a
/// view of the trace, so what a person reads and what the timeline shows never disagree.
package enum Report {
    package static func render(_ entries: ArraySlice<TraceEntry<Message, Note>>, simulation: Simulation, style: ViewStyle = .standard)
        -> String
    {
        let g = style.glyphs
        // Each line with the tone it is coloured in when colour is on.
        var lines: [(String, Tone)] = []
        var copies = Set<MessageID>()
        for entry in entries {
            if case .duplicated(_, let copy) = entry.event { copies.insert(copy) }
        }
        var pendingTicks: (from: UInt64, to: UInt64)? = nil
        func flushTicks() {
            if let ticks = pendingTicks {
                lines.append(
                    (
                        ticks.from == ticks.to
                            ? "tick: time is now t\(ticks.to)"
                            : "tick \(g.isUnicode ? "×" : "x")\(ticks.to - ticks.from + 1): time is now t\(ticks.to)", .dim
                    ))
                pendingTicks = nil
            }
        }
        for entry in entries {
            if case .ticked(let time) = entry.event {
                pendingTicks = (pendingTicks?.from ?? time, time)
                continue
            }
            flushTicks()
            switch entry.event {
            case .command, .cluster:
                break
            case .sent(let id, let from, let to, let sentMessage):
                let label = sentMessage.label
                if !copies.contains(id) { lines.append(("   \(g.arrow) \(id) \(from.name)->\(to.name) \(condensed(label))", .plain)) }
            case .delivered(let id):
                lines.append(("\(id) \(link(id, simulation)) delivered: \(label(id, simulation))", .plain))
            case .dropped(let id, let reason):
                switch reason {
                case .receiverCrashed:
                    lines.append(("\(id) \(link(id, simulation)) lost: its receiver is crashed (\(label(id, simulation)))", .lost))
                default:
                    lines.append(("\(id) \(link(id, simulation)) dropped: \(label(id, simulation))", .lost))
                }
            case .duplicated(let original, let copy):
                lines.append(
                    ("\(original) duplicated: \(copy) \(link(copy, simulation)) carries the same \(label(copy, simulation))", .note))
            case .partitioned(let groups):
                lines.append(
                    (
                        "partition: \(groups.map { $0.map(\.name).joined(separator: " ") }.joined(separator: " | ")) (links between the groups are cut)",
                        .fault
                    ))
            case .healed:
                lines.append(("healed: every link works again", .ok))
            case .crashed(let node):
                lines.append(("\(node.name) crashed: it receives and sends nothing until recover \(node.name)", .crashed))
            case .recovered(let node):
                lines.append(("\(node.name) recovered with the state it had when it crashed", .ok))
            case .ticked:
                break
            case .opStarted(let op, let client, let text):
                lines.append(("op \(op): \(client.name) \(text)", .started))
            case .opCompleted(_, _, let ok, let text):
                lines.append(("=> \(text)", ok ? .ok : .failed))
            case .note(let node, let note):
                let text = note.text(at: node)
                lines.append(("   \(node.name): \(text)", .note))
            }
        }
        flushTicks()
        return lines.flatMap { text, tone in wrapProse(text, width: style.width).map { StyledLine($0, tone).render(style) } }
            .joined(separator: "\n")
    }

    static func link(_ id: MessageID, _ simulation: Simulation) -> String {
        guard let entry = simulation.trace.sentEntry(id), case .sent(_, let from, let to, _) = entry.event else { return "" }
        return "\(from.name)->\(to.name)"
    }

    static func label(_ id: MessageID, _ simulation: Simulation) -> String {
        guard let entry = simulation.trace.sentEntry(id), case .sent(_, _, _, let sentMessage) = entry.event else { return "" }
        let label = sentMessage.label
        return condensed(label)
    }

    /// A Merkle hash message as a report line shows it: the hashes of empty ranges (`0:----`)
    /// counted rather than listed, so an exchange over a sparse tree reads in a few words
    /// (`merkle #2 level 3 1:3668 3:1e92, 2 empty`; all empty: `merkle #2 level 3: 4 empty`).
    static func condensed(_ label: String) -> String {
        guard label.hasPrefix("merkle #"), label.contains(":----") else { return label }
        let words = label.split(separator: " ").map(String.init)
        let empty = words.filter { $0.hasSuffix(":----") }.count
        let kept = words.filter { !$0.hasSuffix(":----") }
        let hashes = kept.dropFirst(words.count > 2 && words[2] == "level" ? 4 : 3).count
        return kept.joined(separator: " ") + (hashes == 0 ? ": \(empty) empty" : ", \(empty) empty")
    }
}
