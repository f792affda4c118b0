import ReplabKernel
import ReplabModels

/// Colours that read in Mermaid's light and dark themes: translucent fills (the theme's
/// background shows through, so the theme's own text colour stays readable) and mid-tone strokes.
enum MermaidColours {
    static let classDefs = [
        "    classDef replica fill:#3b82f62e,stroke:#3b82f6,stroke-width:2px",
        "    classDef leader fill:#8b5cf640,stroke:#8b5cf6,stroke-width:3px",
        "    classDef multileader fill:#8b5cf62e,stroke:#8b5cf6,stroke-width:2px",
        "    classDef follower fill:#0ea5e92e,stroke:#0ea5e9,stroke-width:2px",
        "    classDef client fill:#9ca3af2e,stroke:#9ca3af,stroke-width:2px",
        "    classDef crashed fill:#ef44442e,stroke:#ef4444,stroke-width:3px,stroke-dasharray:6 3",
        "    classDef key fill:#f59e0b1f,stroke:#d97706,stroke-width:1px",
    ]
    static let partitionSide = "fill:#f59e0b14,stroke:#d97706,stroke-width:2px,stroke-dasharray:4 4"
    static let cut = "stroke:#ef4444,stroke-width:2px,color:#ef4444"
    static let hint = "stroke:#d97706,stroke-width:2px,stroke-dasharray:5 4"
}

/// The leaderless topology as a Mermaid flowchart: the replicas on the hash ring in token order
/// (each key is stored on the first n nodes clockwise from its position), the clients as one
/// node that sends each operation to its key's preference list, each known key's preference
/// list, and the hints fallbacks hold for crashed or unreachable owners (dashed, holder → owner).
/// Drawing every client wired to every replica said nothing and crowded the slide.
enum LeaderlessTopologyMermaid {
    /// Keys listed with their preference lists; the rest are counted.
    static let keysShown = 8

    static func render(_ sim: Simulation, _ model: TopologyModel, title: String?, theme: ExportTheme?) -> String {
        var lines: [String] = []
        let summary = "replab topology: \(model.summary) · time t\(model.now), step \(model.step)"
        lines.append(MermaidText.frontMatter(title: title ?? summary, theme: theme) + "%% " + MermaidText.escape(summary))
        lines.append("%% The ring in token order; each key lives on the first n=\(sim.config.n) nodes clockwise from it (its primaries),")
        lines.append("%% then the fallbacks; dashed arrows are hints a fallback holds for a primary; red links are cut by the partition.")
        lines.append("flowchart LR")
        let ring = sim.ring.nodes
        func declaration(_ address: Address) -> String {
            guard let node = model.node(address) else { return "" }
            var text = address.name
            if let group = node.group, model.groups.count > 1 { text += "<br>side \(group + 1)" }
            if node.crashed { text += "<br>CRASHED" }
            return "\(TopologyMermaid.id(address))[\"\(text)\"]"
        }
        lines.append("    subgraph ring [\"hash ring, clockwise in token order\"]")
        lines.append("        direction LR")
        for node in ring { lines.append("        " + declaration(node)) }
        var edgeIndex = 0
        var cutEdges: [Int] = []
        var hintEdges: [Int] = []
        func cut(_ a: Address, _ b: Address) -> Bool { sim.faults.isCut(a, b) || sim.faults.isCut(b, a) }
        if ring.count > 1 {
            for (offset, node) in ring.enumerated() {
                let next = ring[(offset + 1) % ring.count]
                lines.append("        \(TopologyMermaid.id(node)) --> \(TopologyMermaid.id(next))")
                if cut(node, next) { cutEdges.append(edgeIndex) }
                edgeIndex += 1
            }
        }
        lines.append("    end")
        let clients = sim.knownClients
        if !clients.isEmpty {
            let names = clients.map(\.name).joined(separator: " ")
            let how =
                sim.config.coordinator == .node
                ? "each operation goes to a coordinator node"
                : "each operation goes to its key's preference list"
            lines.append("    clients([\"\(MermaidText.escape(names))<br>\(MermaidText.escape(how))\"])")
            let inFlight = sim.inFlight.filter { $0.from.isClient || $0.to.isClient }.count
            let label = inFlight == 0 ? "" : "|\"\(inFlight) in flight\"|"
            lines.append("    clients <-->\(label) ring")
            if clients.contains(where: { client in sim.replicaAddresses.contains { cut(client, $0) } }) { cutEdges.append(edgeIndex) }
            edgeIndex += 1
        }
        // Preference lists: primaries, then fallbacks.
        let keys = sim.knownKeys
        if !keys.isEmpty {
            lines.append("    subgraph keys [\"preference lists (n=\(sim.config.n))\"]")
            for (index, key) in keys.prefix(keysShown).enumerated() {
                let list = sim.ring.preferenceList(for: key)
                let primaries = list.prefix(sim.config.n).map(\.name).joined(separator: " ")
                let fallbacks = list.dropFirst(sim.config.n).map(\.name).joined(separator: " ")
                var text = "\(MermaidText.escape(key)): \(primaries)"
                if !fallbacks.isEmpty { text += "<br>then \(fallbacks)" }
                lines.append("        key\(index)[\"\(text)\"]")
            }
            if keys.count > keysShown { lines.append("        morekeys[\"… and \(keys.count - keysShown) more keys (show ring)\"]") }
            lines.append("    end")
        }
        // Hints: holder → owner, one edge per pair, naming the keys.
        var hintKeys: [Address: [Address: [String]]] = [:]
        for row in Views.hints(sim) { hintKeys[row.holder, default: [:]][row.intendedFor, default: []].append(row.key) }
        for holder in hintKeys.keys.sorted() {
            for owner in hintKeys[holder]!.keys.sorted() {
                let keysHeld = hintKeys[holder]![owner]!
                let text = "hint for \(owner.name): " + keysHeld.prefix(4).joined(separator: ", ") + (keysHeld.count > 4 ? " …" : "")
                lines.append("    \(TopologyMermaid.id(holder)) -.->|\"\(MermaidText.escape(text))\"| \(TopologyMermaid.id(owner))")
                hintEdges.append(edgeIndex)
                edgeIndex += 1
            }
        }
        lines += MermaidColours.classDefs
        let crashed = ring.filter { sim.faults.isCrashed($0) }
        let live = ring.filter { !sim.faults.isCrashed($0) }
        if !live.isEmpty { lines.append("    class \(live.map(TopologyMermaid.id).joined(separator: ",")) replica") }
        if !crashed.isEmpty { lines.append("    class \(crashed.map(TopologyMermaid.id).joined(separator: ",")) crashed") }
        if !clients.isEmpty { lines.append("    class clients client") }
        if !keys.isEmpty {
            let ids = (0..<min(keys.count, keysShown)).map { "key\($0)" } + (keys.count > keysShown ? ["morekeys"] : [])
            lines.append("    class \(ids.joined(separator: ",")) key")
        }
        if !cutEdges.isEmpty { lines.append("    linkStyle \(cutEdges.map(String.init).joined(separator: ",")) \(MermaidColours.cut)") }
        if !hintEdges.isEmpty { lines.append("    linkStyle \(hintEdges.map(String.init).joined(separator: ",")) \(MermaidColours.hint)") }
        return lines.joined(separator: "\n")
    }
}
