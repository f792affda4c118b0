import ReplabKernel
import ReplabModels

/// Mermaid text for the topology (`flowchart`) and the timeline (`sequenceDiagram`), written so
/// that Mermaid 11 renders it whatever the labels contain.
///
/// Escaping (`MermaidText.escape`): every label is written with Mermaid's entity codes for the
/// characters its parsers or its HTML labels would take as syntax. Mermaid replaces `#…;`
/// codes before it parses and turns them back into characters when it draws:
///
/// | character | written | why |
/// |---|---|---|
/// | `"` | `#quot;` | ends a quoted flowchart label |
/// | `#` | `#35;` | starts an entity code; ends sequence text |
/// | `;` | `#59;` | ends a sequence statement |
/// | `%` | `#37;` | `%%` starts a comment, `%%{` a directive |
/// | `<` `>` `&` | `#lt;` `#gt;` `#amp;` | HTML in labels |
/// | `` ` `` | `#96;` | starts a Markdown string |
/// | `\|` | `#124;` | delimits flowchart edge text |
/// | `\` | `#92;` | escapes in some label forms |
/// | `ﬂ` `°` `¶` `ß` | `#64258;` `#176;` `#182;` `#223;` | Mermaid's own placeholders for entity codes |
/// | line breaks, tabs, control characters | a space | a label is one line |
///
/// and, in a label that contains `style` or `classDef`, `:` is written `#58;` (Mermaid strips
/// the last `;` of a line matching `style…:…#…;` before it looks for entity codes). Node and
/// participant ids are replab's own names (`A`, `c1`), never user text; flowchart ids get a
/// prefix (`node_A`, `client_c1`) so no id is a keyword or starts an edge (`o`, `x`).
enum MermaidText {
    static func escape(_ text: String) -> String {
        let guardColons = text.contains("style") || text.contains("classDef")
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "#quot;"
            case "#": out += "#35;"
            case ";": out += "#59;"
            case "%": out += "#37;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "&": out += "#amp;"
            case "`": out += "#96;"
            case "|": out += "#124;"
            case "\\": out += "#92;"
            case ":" where guardColons: out += "#58;"
            case "\u{FB02}", "\u{B0}", "\u{B6}", "\u{DF}": out += "#\(scalar.value);"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
                    || scalar == "\u{2028}" || scalar == "\u{2029}"
                {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Escapes and breaks a long label into lines joined by `<br>` (Mermaid does not wrap
    /// sequence labels by itself).
    static func label(_ text: String, lineWidth: Int = 56) -> String {
        wrap(text, width: lineWidth).map(escape).joined(separator: "<br>")
    }

    /// The front matter that gives a diagram its title (drawn above it) and, when asked, the
    /// theme: `---`, `title: "…"` (a YAML double-quoted string), `config: theme: dark`, `---`.
    static func frontMatter(title: String, theme: ExportTheme?) -> String {
        var quoted = "\""
        for scalar in title.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0) {
                    quoted += " "
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        quoted += "\""
        var lines = ["---", "title: \(quoted)"]
        if let theme { lines += ["config:", "  theme: \(theme == .dark ? "dark" : "default")"] }
        lines.append("---")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mermaid's default `maxTextSize` is 50 000 characters; diagrams stay well below it.
    static let textBudget = 40_000
}

// MARK: - Topology as a flowchart

enum TopologyMermaid {
    static func id(_ address: Address) -> String { address.isClient ? "client_\(address.name)" : "node_\(address.name)" }

    static func render(_ model: TopologyModel, title: String? = nil, theme: ExportTheme? = nil) -> String {
        var lines: [String] = []
        lines.append(
            MermaidText.frontMatter(
                title: title ?? "replab topology: \(model.summary) · time t\(model.now), step \(model.step)", theme: theme)
                + "%% replab topology: \(MermaidText.escape(model.summary)) · time t\(model.now), step \(model.step)")
        lines.append("%% Solid links work; dotted red links ending in x are cut by the partition; labels count messages in flight.")
        lines.append("flowchart LR")
        // Too many client links would pass Mermaid's edge limit (500): clients then share one node.
        let clients = model.nodes.filter { $0.address.isClient }
        let clientLinks = model.links.filter { $0.a.isClient || $0.b.isClient }.count
        let mergeClients = model.links.count > 400 && clientLinks > 0
        func declaration(_ node: TopologyModel.Node) -> String {
            var text = node.address.name + "<br>" + MermaidText.escape(node.role)
            if node.crashed { text += "<br>CRASHED" }
            return node.address.isClient ? "\(id(node.address))([\"\(text)\"])" : "\(id(node.address))[\"\(text)\"]"
        }
        var declared: [String] = []
        if model.groups.count > 1 {
            for (index, group) in model.groups.enumerated() {
                lines.append("    subgraph side\(index + 1) [\"partition side \(index + 1)\"]")
                for address in group {
                    guard let node = model.node(address), !(mergeClients && address.isClient) else { continue }
                    lines.append("        " + declaration(node))
                    declared.append(node.address.name)
                }
                lines.append("    end")
            }
        }
        for node in model.nodes where !declared.contains(node.address.name) && !(mergeClients && node.address.isClient) {
            lines.append("    " + declaration(node))
        }
        if mergeClients {
            let names = clients.map(\.address.name).joined(separator: " ")
            lines.append("    clients([\"clients<br>\(MermaidText.escape(names))\"])")
        }
        var edgeIndex = 0
        var cutEdges: [Int] = []
        var mergedDone = Set<Address>()
        for link in model.links {
            var a = id(link.a)
            var b = id(link.b)
            if mergeClients && (link.a.isClient || link.b.isClient) {
                let replica = link.a.isClient ? link.b : link.a
                guard mergedDone.insert(replica).inserted else { continue }
                if link.a.isClient { a = "clients" } else { b = "clients" }
            }
            let edge: String
            switch (link.aToB, link.bToA, link.cut) {
            case (true, true, false): edge = "<-->"
            case (true, false, false): edge = "-->"
            case (false, true, false): edge = "<--"
            case (_, _, true): edge = "x-.-x"
            case (false, false, false): edge = "---"
            }
            // A cut link's style says it is cut; its label only counts the messages it holds.
            let verb = link.cut ? "held" : "in flight"
            var parts: [String] = []
            if !link.toB.isEmpty { parts.append("\(link.toB.count) \(verb) → \(link.b.name)") }
            if !link.toA.isEmpty { parts.append("\(link.toA.count) \(verb) → \(link.a.name)") }
            if mergeClients && (link.a.isClient || link.b.isClient) { parts = [] }
            // `A <-- B` is not an edge in Mermaid: draw it as `B --> A`.
            let text = parts.isEmpty ? "" : "|\"\(MermaidText.escape(parts.joined(separator: ", ")))\"|"
            if edge == "<--" {
                lines.append("    \(b) -->\(text) \(a)")
            } else {
                lines.append("    \(a) \(edge)\(text) \(b)")
            }
            if link.cut { cutEdges.append(edgeIndex) }
            edgeIndex += 1
        }
        for item in model.otherFlight {
            let text = "\(item.ids.count) in flight → \(item.to.name)"
            lines.append("    \(id(item.from)) -.->|\"\(MermaidText.escape(text))\"| \(id(item.to))")
            edgeIndex += 1
        }
        lines += MermaidColours.classDefs.filter { !$0.contains("classDef key ") }
        var byClass: [String: [String]] = [:]
        var classOrder: [String] = []
        for node in model.nodes where !(mergeClients && node.address.isClient) {
            let name = node.crashed ? "crashed" : node.roleClass
            if byClass[name] == nil { classOrder.append(name) }
            byClass[name, default: []].append(id(node.address))
        }
        if mergeClients {
            if byClass["client"] == nil { classOrder.append("client") }
            byClass["client", default: []].append("clients")
        }
        for name in classOrder { lines.append("    class \(byClass[name]!.joined(separator: ",")) \(name)") }
        if !cutEdges.isEmpty {
            lines.append("    linkStyle \(cutEdges.map(String.init).joined(separator: ",")) \(MermaidColours.cut)")
        }
        if model.groups.count > 1 {
            for index in model.groups.indices {
                lines.append("    style side\(index + 1) \(MermaidColours.partitionSide)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Timeline as a sequence diagram

enum TimelineMermaid {
    static let partitionTint = "rgba(245, 158, 11, 0.14)"
    static let anomalyTint = "rgba(190, 24, 93, 0.16)"

    /// The timeline as a `sequenceDiagram`, the last `last` rows (all when nil) or fewer when
    /// the text would pass Mermaid's size limit.
    static func render(
        _ sim: Simulation, last: Int?, anomalies: [Anomaly]?, anomalyNote: String? = nil, filter: TimelineFilter = TimelineFilter(),
        theme: ExportTheme? = nil, title: String? = nil
    ) -> String {
        var limit = last ?? filter.last
        while true {
            let model = TimelineModel.build(sim, last: limit, anomalies: anomalies, anomalyNote: anomalyNote, filter: filter)
            let text = render(model, theme: theme, title: title)
            if text.utf8.count <= MermaidText.textBudget || model.rows.count <= 10 { return text }
            // Shrink in proportion, with a margin, and try again.
            let shrunk = model.rows.count * MermaidText.textBudget / text.utf8.count * 9 / 10
            limit = max(10, min(shrunk, model.rows.count - 1))
        }
    }

    static func render(_ model: TimelineModel, theme: ExportTheme? = nil, title: String? = nil) -> String {
        var lines: [String] = []
        let first = model.participants.first?.name ?? "A"
        let lastName = model.participants.last?.name ?? first
        let everyone = first == lastName ? first : "\(first),\(lastName)"
        let defaultTitle =
            "replab timeline: \(model.clusterSummary) · time t\(model.now), step \(model.step)"
            + (model.filter.isEmpty ? "" : " · \(model.filter.description)")
        lines.append(MermaidText.frontMatter(title: title ?? defaultTitle, theme: theme) + "%% " + MermaidText.escape(defaultTitle))
        lines.append("%% Mermaid cannot draw slanted arrows: each message is drawn where it was delivered (->>) or lost (--x, dotted),")
        lines.append("%% and its label gives the step it was sent in and the step it arrived: m7 (sent 3, step 5).")
        lines.append("%% A message that overtook another shows a later sent step above an earlier one.")
        lines.append("sequenceDiagram")
        for participant in model.participants {
            lines.append("    participant \(participant.name)")
        }
        lines.append(
            "    Note over \(everyone): "
                + MermaidText.label("time flows down; each arrow is drawn when its message arrived, (sent N) is the step it left"))
        if let through = model.omittedThroughStep {
            lines.append("    Note over \(everyone): " + MermaidText.label("… steps 1 to \(through) not shown"))
        }
        var faults = model.faultsAtStart
        var open = false
        func faultText(_ f: TimelineModel.Faults) -> String {
            var parts: [String] = []
            if !f.groups.isEmpty { parts.append("partition " + TimelineModel.describe(f.groups, bar: "|")) }
            if !f.crashed.isEmpty { parts.append(f.crashed.map(\.name).joined(separator: ", ") + " down") }
            return parts.joined(separator: "; ")
        }
        func reopen(_ note: String?, over: String) {
            if open {
                lines.append("    end")
                open = false
            }
            // Only a partition concerns everyone: it is a band; a crash is marked on its node alone.
            if !faults.groups.isEmpty {
                lines.append("    rect \(partitionTint)")
                open = true
            }
            if let note { lines.append((open ? "        " : "    ") + "Note over \(over): " + MermaidText.label(note)) }
        }
        if !faults.isEmpty {
            reopen("already in effect: " + faultText(faults), over: everyone)
        }
        // A crashed node's lifeline carries an activation bar while it is down.
        var down = Set<String>()
        for node in faults.crashed where down.insert(node.name).inserted { lines.append("    activate \(node.name)") }
        let indent = { open ? "        " : "    " }
        for row in model.rows {
            switch row.event {
            case .message(let id, let from, let to, let sentStep, let label, let fate, let copyOf):
                var text = "\(id) (sent \(sentStep), step \(row.step)" + (copyOf.map { ", copy of \($0)" } ?? "") + ") \(label)"
                switch fate {
                case .delivered: break
                case .dropped: text += " · LOST: dropped"
                case .receiverCrashed: text += " · LOST: \(to.name) is crashed"
                }
                let arrow = fate == .delivered ? "->>" : "--x"
                lines.append(indent() + "\(from.name)\(arrow)\(to.name): " + MermaidText.label(text))
            case .opStarted(let op, let client, let text):
                lines.append(indent() + "Note over \(client.name): " + MermaidText.label("step \(row.step) · op \(op): \(text)"))
            case .opCompleted(let op, let client, _, let text):
                lines.append(indent() + "Note over \(client.name): " + MermaidText.label("step \(row.step) · op \(op) ⇒ \(text)"))
            case .note(let node, _, let text):
                lines.append(indent() + "Note over \(node.name): " + MermaidText.label("step \(row.step) · \(text)"))
            case .duplicated(let original, let copy, let from, let to):
                lines.append(
                    indent() + "Note over \(from.name): "
                        + MermaidText.label("step \(row.step) · \(original) duplicated: \(copy) \(from.name) → \(to.name)"))
            case .partitioned(let groups):
                faults.groups = groups
                reopen(
                    "step \(row.step) · partition " + TimelineModel.describe(groups, bar: "|") + ": links between the groups are cut",
                    over: everyone)
            case .healed:
                faults.groups = []
                reopen("step \(row.step) · healed: every link works again", over: everyone)
            case .crashed(let node):
                if !faults.crashed.contains(node) { faults.crashed = (faults.crashed + [node]).sorted() }
                lines.append(
                    indent() + "Note over \(node.name): "
                        + MermaidText.label("step \(row.step) · \(node.name) crashed (down while its bar lasts)"))
                if down.insert(node.name).inserted { lines.append(indent() + "activate \(node.name)") }
            case .recovered(let node):
                faults.crashed.removeAll { $0 == node }
                if down.remove(node.name) != nil { lines.append(indent() + "deactivate \(node.name)") }
                lines.append(indent() + "Note over \(node.name): " + MermaidText.label("step \(row.step) · \(node.name) recovered"))
            case .ticked(let from, let to, let firstStep):
                let text = from == to ? "step \(row.step) · time t\(to)" : "steps \(firstStep) to \(row.step) · time t\(from) → t\(to)"
                lines.append(indent() + "Note over \(everyone): " + MermaidText.label(text))
            case .anomaly(let kind, let key, let detail, let lanes):
                let over = lanes.isEmpty ? everyone : (lanes.count == 1 ? lanes[0].name : "\(lanes.first!.name),\(lanes.last!.name)")
                lines.append(indent() + "rect \(anomalyTint)")
                lines.append(indent() + "    Note over \(over): " + MermaidText.label("check: \(kind) on \(key): \(detail)"))
                lines.append(indent() + "end")
            }
        }
        if open { lines.append("    end") }
        for name in down.sorted() { lines.append("    deactivate \(name)") }
        if let note = model.anomalyNote {
            lines.append("    Note over \(everyone): " + MermaidText.label(note))
        }
        if !model.inFlight.isEmpty {
            var items = model.inFlight.map { envelope in
                "\(envelope.id) \(envelope.from.name) → \(envelope.to.name) (sent \(envelope.sentStep)) \(envelope.payload.label)"
                    + (model.held.contains(envelope.id) ? " · held: link cut" : "")
            }
            if model.inFlightOmitted > 0 { items.append("… and \(model.inFlightOmitted) more") }
            let total = model.inFlight.count + model.inFlightOmitted
            let text = (["in flight (\(total)):"] + items).map { MermaidText.label($0) }.joined(separator: "<br>")
            lines.append("    Note over \(everyone): " + text)
        }
        return lines.joined(separator: "\n")
    }
}
