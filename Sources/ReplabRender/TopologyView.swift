import ReplabKernel
import ReplabModels

/// What the topology shows: every participant with its role, the links the model uses (each
/// pair once, with its directions), which of them the partition cuts, and the messages in
/// flight on each. The terminal drawing and the Mermaid flowchart are both drawn from it.
struct TopologyModel {
    struct Node: Equatable {
        let address: Address
        /// `replica`, `leader (epoch 1)`, `async follower of A, lag 2`, `client`, …
        let role: String
        let tone: Tone
        /// The Mermaid class: replica, leader, follower, multileader, client.
        let roleClass: String
        let crashed: Bool
        /// The partition group it is in (0-based), if any.
        let group: Int?
    }

    /// A pair of participants the model links, `a` before `b` in display order.
    struct Link: Equatable {
        let a: Address
        let b: Address
        let aToB: Bool
        let bToA: Bool
        let cut: Bool
        /// Messages in flight from a to b, and from b to a (ids, in id order).
        let toB: [MessageID]
        let toA: [MessageID]
    }

    let summary: String
    let modelName: String
    let nodes: [Node]
    let links: [Link]
    let groups: [[Address]]
    /// Participants named in no partition group (they reach everyone).
    let ungrouped: [Address]
    /// Messages in flight between participants the model does not link (e.g. a repair).
    let otherFlight: [(from: Address, to: Address, ids: [MessageID])]
    /// A sentence about the shape: the ring's direction, the star's hub, the leader.
    let shape: String
    let now: UInt64
    let step: UInt32

    static func build(_ sim: Simulation) -> TopologyModel {
        let replicas = sim.replicaAddresses
        let clients = sim.knownClients
        let faults = sim.faults
        var nodes: [Node] = []
        for replica in replicas {
            let role = sim.role(of: replica)
            let (tone, roleClass): (Tone, String)
            switch role {
            case .replica: (tone, roleClass) = (.replica, "replica")
            case .leader: (tone, roleClass) = (.leader, "leader")
            case .follower: (tone, roleClass) = (.follower, "follower")
            case .multiLeader: (tone, roleClass) = (.leader, "multileader")
            }
            var name = role.name
            if case .leaderless = sim.model { name = "replica" }
            nodes.append(
                Node(
                    address: replica, role: name, tone: tone, roleClass: roleClass, crashed: faults.isCrashed(replica),
                    group: faults.group(of: replica)))
        }
        for client in clients {
            nodes.append(
                Node(
                    address: client, role: "client", tone: .client, roleClass: "client", crashed: faults.isCrashed(client),
                    group: faults.group(of: client)))
        }
        let order = Dictionary(uniqueKeysWithValues: (clients + replicas).enumerated().map { ($1, $0) })
        func before(_ x: Address, _ y: Address) -> Bool { (order[x] ?? Int.max, x) < (order[y] ?? Int.max, y) }
        // Directed links become pairs.
        struct Pair: Hashable {
            let a: Address
            let b: Address
        }
        var directions: [Pair: (Bool, Bool)] = [:]
        var pairOrder: [Pair] = []
        for link in sim.modelLinks where link.from != link.to {
            let forward = before(link.from, link.to)
            let pair = forward ? Pair(a: link.from, b: link.to) : Pair(a: link.to, b: link.from)
            if directions[pair] == nil { pairOrder.append(pair) }
            var value = directions[pair] ?? (false, false)
            if forward { value.0 = true } else { value.1 = true }
            directions[pair] = value
        }
        var flight: [Pair: ([MessageID], [MessageID])] = [:]
        var other: [Pair: [MessageID]] = [:]
        var otherDirected: [(Address, Address)] = []
        for envelope in sim.inFlight.sorted(by: { $0.id < $1.id }) {
            let forward = before(envelope.from, envelope.to)
            let pair = forward ? Pair(a: envelope.from, b: envelope.to) : Pair(a: envelope.to, b: envelope.from)
            if directions[pair] != nil {
                var value = flight[pair] ?? ([], [])
                if forward { value.0.append(envelope.id) } else { value.1.append(envelope.id) }
                flight[pair] = value
            } else {
                let directed = Pair(a: envelope.from, b: envelope.to)
                if other[directed] == nil { otherDirected.append((envelope.from, envelope.to)) }
                other[directed, default: []].append(envelope.id)
            }
        }
        pairOrder.sort { before($0.a, $1.a) || ($0.a == $1.a && before($0.b, $1.b)) }
        let links = pairOrder.map { pair in
            Link(
                a: pair.a, b: pair.b, aToB: directions[pair]!.0, bToA: directions[pair]!.1, cut: faults.isCut(pair.a, pair.b),
                toB: flight[pair]?.0 ?? [], toA: flight[pair]?.1 ?? [])
        }
        let grouped = Set(faults.groups.flatMap { $0 })
        let ungrouped = faults.isPartitioned ? (clients + replicas).filter { !grouped.contains($0) } : []
        var shape: String
        switch sim.model {
        case .leaderless(let c):
            shape =
                c.coordinator == .client
                ? "each client sends to the n=\(c.n) replicas of a key and collects their replies"
                : "each client asks one coordinator node, which forwards to the key's n=\(c.n) replicas"
        case .singleLeader(let c):
            // The leader is the one most recently promoted; a deposed leader that has not heard
            // of its successor still believes it leads (split brain) and is named as such.
            let leader = sim.currentLeader
            let deposed = replicas.filter { node in
                guard node != leader, case .leader = sim.role(of: node) else { return false }
                return true
            }
            shape =
                "\(leader.name) takes every write and sends its log to the followers"
                + (c.sync > 0 ? "; the first \(c.sync) wait(s) synchronously" : ", asynchronously")
            if !deposed.isEmpty {
                let names = deposed.map(\.name).joined(separator: " and ")
                let crashed = deposed.allSatisfy { sim.faults.isCrashed($0) }
                shape += "; \(names), deposed\(crashed ? " and crashed" : ""), still "
                shape += deposed.count == 1 ? "believes it leads" : "believe they lead"
                if !crashed { shape += " and \(deposed.count == 1 ? "accepts" : "accept") writes too (split brain)" }
            }
        case .multiLeader(let c):
            let names = replicas.map(\.name)
            switch c.topology {
            case .allToAll: shape = "every leader sends its writes to every other leader"
            case .star:
                let hub = replicas.first { if case .multiLeader(true) = sim.role(of: $0) { return true } else { return false } }
                shape = "star: leaders send to the hub \((hub ?? replicas.first)?.name ?? "A"), which forwards to the others"
            case .ring:
                shape = "ring: " + (names + names.prefix(1)).joined(separator: " -> ") + " (each forwards to the next)"
            }
        }
        return TopologyModel(
            summary: sim.model.summary, modelName: sim.model.name, nodes: nodes, links: links, groups: faults.groups,
            ungrouped: ungrouped, otherFlight: otherDirected.map { ($0.0, $0.1, other[Pair(a: $0.0, b: $0.1)] ?? []) },
            shape: shape, now: sim.now, step: sim.step)
    }

    func node(_ address: Address) -> Node? { nodes.first { $0.address == address } }
}

/// The topology in the terminal.
enum TopologyText {
    static let pairLinesMax = 12

    static func render(_ model: TopologyModel, style: ViewStyle) -> String {
        let g = style.glyphs
        var out: [StyledLine] = []
        var title = StyledLine("\(model.modelName) cluster", .heading)
        title.append(": " + model.summary.dropFirst(model.modelName.count + 1))
        out += wrapLine(title, style.width)
        out.append(StyledLine("time t\(model.now), step \(model.step)", .dim))
        out.append(StyledLine())

        // Nodes, with role, state and partition side.
        out.append(StyledLine("nodes", .heading))
        let nameWidth = model.nodes.map { displayWidth($0.address.name) }.max() ?? 1
        let roleWidth = min(36, model.nodes.map { displayWidth($0.role) }.max() ?? 0)
        for node in model.nodes {
            var line = StyledLine("  ")
            line.append(padRight(node.address.name, nameWidth), node.crashed ? .crashed : node.tone)
            line.append("  ")
            line.append(padRight(node.role, roleWidth), node.crashed ? .dim : .plain)
            if node.crashed { line.append("  \(g.crash) CRASHED: receives and sends nothing", .crashed) }
            if let group = node.group, model.groups.count > 1 { line.append("  side \(group + 1)", .fault) }
            out += wrapLine(line, style.width, indent: 4 + nameWidth)
        }
        out.append(StyledLine())
        out += wrapLine(StyledLine(model.shape, .dim), style.width)

        if !model.groups.isEmpty {
            var line = StyledLine("partition  ", .fault)
            for (index, group) in model.groups.enumerated() {
                if index > 0 { line.append(g.isUnicode ? "  ╳  " : "  |  ", .cut) }
                line.append("side \(index + 1): { " + group.map(\.name).joined(separator: " ") + " }", .fault)
            }
            out += wrapLine(line, style.width, indent: 11)
            if !model.ungrouped.isEmpty {
                out += wrapLine(
                    StyledLine("           in no group (reach everyone): " + model.ungrouped.map(\.name).joined(separator: " "), .dim),
                    style.width, indent: 11)
            }
        }
        out.append(StyledLine())

        let legend =
            "links the model uses (\(g.bothWays) both ways, \(g.oneWay) one way"
            + (model.links.contains { $0.cut } ? ", \(g.cutBoth) cut by the partition" : "") + ")"
        out += wrapLine(StyledLine(legend, .heading), style.width)
        if model.links.isEmpty {
            out.append(StyledLine("  (none yet: clients appear when a command names them)", .dim))
        } else if model.links.count <= pairLinesMax {
            out += pairLines(model, style: style)
        } else {
            out += groupedLines(model, style: style)
        }
        if !model.otherFlight.isEmpty {
            out.append(StyledLine("in flight off those links", .heading))
            for item in model.otherFlight {
                var line = StyledLine("  \(item.from.name) \(g.oneWay) \(item.to.name)  ")
                line.append(flightText(item.ids, to: item.to, g: g), .note)
                out += wrapLine(line, style.width, indent: 4)
            }
        }
        return out.render(style)
    }

    static func arrow(_ link: TopologyModel.Link, g: Glyphs) -> String {
        switch (link.aToB, link.bToA, link.cut) {
        case (true, true, false): return g.bothWays
        case (true, false, false): return g.oneWay
        case (false, true, false): return g.backWay
        case (true, true, true): return g.cutBoth
        case (true, false, true): return g.cutOneWay
        case (false, true, true): return g.cutBackWay
        case (false, false, _): return "    "
        }
    }

    static func flightText(_ ids: [MessageID], to: Address, g: Glyphs) -> String {
        let shown = ids.prefix(4).map(\.description).joined(separator: " ")
        return "\(ids.count) \(g.arrow) \(to.name) (\(shown)\(ids.count > 4 ? " \(g.ellipsis)" : ""))"
    }

    /// One line per linked pair: `c1 ◄──► A   2 in flight …`.
    static func pairLines(_ model: TopologyModel, style: ViewStyle) -> [StyledLine] {
        let g = style.glyphs
        let aWidth = model.links.map { displayWidth($0.a.name) }.max() ?? 1
        let bWidth = model.links.map { displayWidth($0.b.name) }.max() ?? 1
        let arrowWidth = model.links.map { displayWidth(arrow($0, g: g)) }.max() ?? 4
        var out: [StyledLine] = []
        for link in model.links {
            var line = StyledLine("  ")
            line.append(padRight(link.a.name, aWidth), tone(link.a, model))
            line.append(" ")
            line.append(padRight(arrow(link, g: g), arrowWidth), link.cut ? .cut : .dim)
            line.append(" ")
            line.append(padRight(link.b.name, bWidth), tone(link.b, model))
            var notes: [Span] = []
            if link.cut { notes.append(Span("cut", .cut)) }
            for (ids, target) in [(link.toB, link.b), (link.toA, link.a)] where !ids.isEmpty {
                notes.append(Span((link.cut ? "held " : "in flight ") + flightText(ids, to: target, g: g), link.cut ? .cut : .note))
            }
            let down = [link.a, link.b].filter { model.node($0)?.crashed == true }
            if !down.isEmpty { notes.append(Span(down.map(\.name).joined(separator: ", ") + " down", .crashed)) }
            if !notes.isEmpty {
                line.append("   ")
                for (index, span) in notes.enumerated() {
                    if index > 0 { line.append("; ", .dim) }
                    line.append(span.text, span.tone)
                }
            }
            out += wrapLine(line, style.width, indent: 6 + aWidth + bWidth + arrowWidth)
        }
        return out
    }

    /// Many pairs: one line per participant and arrow kind, listing its partners.
    static func groupedLines(_ model: TopologyModel, style: ViewStyle) -> [StyledLine] {
        let g = style.glyphs
        var out: [StyledLine] = []
        var order: [String] = []
        var groups: [String: (a: Address, arrow: String, links: [TopologyModel.Link])] = [:]
        for link in model.links {
            let plainArrow = arrow(
                TopologyModel.Link(a: link.a, b: link.b, aToB: link.aToB, bToA: link.bToA, cut: false, toB: [], toA: []), g: g)
            let key = "\(link.a.raw) \(plainArrow)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: (link.a, plainArrow, [])].links.append(link)
        }
        let nameWidth = model.nodes.map { displayWidth($0.address.name) }.max() ?? 1
        for key in order {
            let entry = groups[key]!
            var line = StyledLine("  ")
            line.append(padRight(entry.a.name, nameWidth), tone(entry.a, model))
            line.append(" \(entry.arrow) ", .dim)
            for (index, link) in entry.links.enumerated() {
                if index > 0 { line.append(" ") }
                line.append(link.b.name, tone(link.b, model))
                var marks: [String] = []
                if link.cut { marks.append("cut") }
                let count = link.toB.count + link.toA.count
                if count > 0 { marks.append("\(count) in flight") }
                if !marks.isEmpty { line.append("[" + marks.joined(separator: ", ") + "]", link.cut ? .cut : .note) }
            }
            out += wrapLine(line, style.width, indent: 4 + nameWidth + displayWidth(entry.arrow) + 2)
        }
        return out
    }

    static func tone(_ address: Address, _ model: TopologyModel) -> Tone {
        guard let node = model.node(address) else { return .plain }
        return node.crashed ? .crashed : node.tone
    }

    /// Wraps a styled line; continuation lines are indented.
    static func wrapLine(_ line: StyledLine, _ width: Int, indent: Int = 2) -> [StyledLine] {
        let indent = min(indent, width / 2)
        let pieces = wrapHanging(line, width: width, indent: indent)
        return [pieces[0]] + pieces.dropFirst().map { StyledLine([Span(String(repeating: " ", count: indent))] + $0.spans) }
    }
}
