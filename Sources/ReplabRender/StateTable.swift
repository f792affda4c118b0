import ReplabKernel
import ReplabModels

/// A hint a node holds for another (hinted handoff): the version it keeps until it can hand it
/// to the replica it was meant for.
struct HintRow: Equatable {
    let holder: Address
    let intendedFor: Address
    let key: String
    let versions: [Version]
}

/// What `show state` shows: replicas × keys, each cell the versions a replica holds.
struct StateModel {
    struct Cell: Equatable {
        let versions: [Version]
        /// Whether the replica is one of the key's primaries (leaderless placement).
        let primary: Bool
    }

    struct KeyRow: Equatable {
        let key: String
        let primaries: [Address]
        let cells: [Cell]
        /// The key's primaries do not all hold the same versions.
        let diverges: Bool
    }

    let replicas: [Address]
    let crashed: Set<Address>
    let rows: [KeyRow]
    let hints: [HintRow]
    let now: UInt64
    let step: UInt32
    /// Whether some keys live on only some replicas (nodes > n), so placement is worth showing.
    let partialPlacement: Bool
    /// Single-leader: versions read as the leader's log entries (`2 (A #2)`), not as dotted
    /// version vectors, which a single leader's followers have no use for.
    var singleLeader = false

    static func build(_ sim: Simulation, key: String?, hints: [HintRow]) -> StateModel {
        let keys = key.map { [$0] } ?? sim.replicas.flatMap(\.keys).uniqueSorted
        let replicas = sim.replicaAddresses
        var rows: [KeyRow] = []
        for key in keys {
            let primaries = sim.primaries(for: key)
            let cells = replicas.map { node in
                Cell(versions: sim.replicas[node.replicaIndex].store[key] ?? [], primary: primaries.contains(node))
            }
            let dotSets = Set(zip(replicas, cells).filter { $0.1.primary }.map { $0.1.versions.map(\.dot).sorted() })
            rows.append(KeyRow(key: key, primaries: primaries, cells: cells, diverges: dotSets.count > 1))
        }
        return StateModel(
            replicas: replicas, crashed: Set(sim.faults.crashed), rows: rows, hints: hints, now: sim.now, step: sim.step,
            partialPlacement: sim.config.n < sim.config.nodes, singleLeader: { if case .singleLeader = sim.model { true } else { false } }()
        )
    }

    /// How a version reads in a cell: `5 {c1:1}`, or `⊘ {c1:2} age 3` for a tombstone (the
    /// legend says what ⊘ means; short enough for three replicas at 80 columns).
    static func versionText(_ version: Version, now: UInt64, g: Glyphs, logEntry: Bool = false) -> String {
        if logEntry { return "\(version.valueText) (\(version.dot.node.name) #\(version.dot.counter))" }
        if version.isTombstone {
            let age = now >= version.writtenAt ? now - version.writtenAt : 0
            return (g.isUnicode ? "⊘ " : "(deleted) ") + "\(version.label) age \(age)"
        }
        return "\(version.valueText) \(version.label)"
    }
}

/// The state table in the terminal: a box-drawn grid, keys down, replicas across; wide
/// clusters are split into several grids of replicas that fit.
enum StateText {
    static let keyColumnMax = 16
    static let cellMinimum = 14

    static func render(_ model: StateModel, style: ViewStyle) -> String {
        let g = style.glyphs
        var out: [StyledLine] = []
        if model.rows.isEmpty {
            out.append(StyledLine("no replica holds any key yet (time t\(model.now), step \(model.step))", .dim))
        } else {
            let diverging = model.rows.filter(\.diverges).map(\.key)
            var title = StyledLine("state at time t\(model.now), step \(model.step)", .heading)
            if !diverging.isEmpty {
                title.append("  \(g.notEqual) replicas disagree on: " + diverging.joined(separator: " "), .diverge)
            }
            out += TopologyText.wrapLine(title, style.width)
            var keyWidth = max(3, model.rows.map { displayWidth($0.key) }.max() ?? 3)
            if !diverging.isEmpty { keyWidth = max(keyWidth, displayWidth(g.notEqual + " differ")) }
            if model.partialPlacement { keyWidth = max(keyWidth, 8) }
            keyWidth = min(keyColumnMax, keyWidth)
            // Each grid: the key column plus as many replica columns as fit.
            let available = style.width - (keyWidth + 4)
            let perGrid = max(1, min(model.replicas.count, available / (cellMinimum + 3)))
            // As many replicas as fit at their natural width; at least perGrid (their cells wrap).
            // A table that fits whole is never split.
            let natural = model.replicas.indices.map { naturalWidth(model, $0, g: g) }
            var wrapsACell = false
            var start = 0
            while start < model.replicas.count {
                var end = start
                var used = keyWidth + 4
                while end < model.replicas.count && used + natural[end] + 3 <= style.width {
                    used += natural[end] + 3
                    end += 1
                }
                end = max(end, min(model.replicas.count, start + perGrid))
                let drawn = grid(model, columns: Array(start..<end), keyWidth: keyWidth, style: style)
                out += drawn
                wrapsACell = wrapsACell || drawn.contains { $0.plain.contains(continuationMark(g)) }
                start = end
            }
            var legend = "\(g.separator) nothing stored"
            if model.partialPlacement { legend += "; blank: not one of the key's n replicas" }
            legend += model.singleLeader ? "; 2 (A #2): the value A logged as entry #2" : "; several lines in a cell are siblings"
            if wrapsACell { legend += "; \(continuationMark(g)) continues the line above" }
            if g.isUnicode && model.rows.contains(where: { $0.cells.contains { $0.versions.contains(where: \.isTombstone) } }) {
                legend += "; ⊘ a tombstone (a delete) and its age in ticks"
            }
            if !diverging.isEmpty { legend += "; \(g.notEqual) marks a key its replicas disagree on" }
            out += TopologyText.wrapLine(StyledLine(legend, .dim), style.width)
        }
        if !model.hints.isEmpty {
            out.append(StyledLine("hints held for other nodes (handed off when they are back)", .heading))
            for hint in model.hints {
                var line = StyledLine("  ")
                line.append(hint.holder.name, .replica)
                line.append(" holds for ")
                line.append(hint.intendedFor.name, .replica)
                line.append(
                    ": \(hint.key) = "
                        + hint.versions.map { StateModel.versionText($0, now: model.now, g: g, logEntry: model.singleLeader) }.joined(
                            separator: " | "))
                out += TopologyText.wrapLine(line, style.width, indent: 6)
            }
        }
        return out.render(style)
    }

    static func grid(_ model: StateModel, columns: [Int], keyWidth: Int, style: ViewStyle) -> [StyledLine] {
        let g = style.glyphs
        let count = columns.count
        // Widths: the key column, then the replica columns sharing what is left.
        let available = style.width - (keyWidth + 3) - count * 3 - 1
        let natural = columns.map { naturalWidth(model, $0, g: g) }
        var widths = natural
        if widths.reduce(0, +) > available {
            // Share the room evenly, giving short columns only what they need.
            var remaining = available
            var open = Array(0..<count)
            widths = Array(repeating: 0, count: count)
            while !open.isEmpty {
                let share = max(4, remaining / open.count)
                let fitting = open.filter { natural[$0] <= share }
                if fitting.isEmpty {
                    for c in open { widths[c] = share }
                    break
                }
                for c in fitting {
                    widths[c] = natural[c]
                    remaining -= natural[c]
                }
                open.removeAll { fitting.contains($0) }
            }
        }
        func rule(_ left: Character, _ mid: Character, _ right: Character, _ fill: Character) -> StyledLine {
            var text = String(left) + String(repeating: String(fill), count: keyWidth + 2)
            for width in widths { text += String(mid) + String(repeating: String(fill), count: width + 2) }
            return StyledLine(text + String(right), .dim)
        }
        func line(_ cells: [(String, Tone)]) -> StyledLine {
            var result = StyledLine()
            for (index, cell) in cells.enumerated() {
                let width = index == 0 ? keyWidth : widths[index - 1]
                result.append(String(g.boxV) + " ", .dim)
                result.append(padRight(cell.0, width), cell.1)
                result.append(" ")
            }
            result.append(String(g.boxV), .dim)
            return result
        }
        var out: [StyledLine] = [rule(g.boxTopLeft, g.boxTopMid, g.boxTopRight, g.boxH)]
        var header: [(String, Tone)] = [("key", .heading)]
        for (c, column) in columns.enumerated() {
            let node = model.replicas[column]
            header.append(
                (
                    truncate(headerText(model, column, g: g), width: widths[c], ellipsis: g.ellipsis),
                    model.crashed.contains(node) ? .crashed : .replica
                ))
        }
        out.append(line(header))
        for (index, row) in model.rows.enumerated() {
            out.append(
                index == 0
                    ? rule(g.isUnicode ? "╞" : "+", g.isUnicode ? "╪" : "+", g.isUnicode ? "╡" : "+", g.headerH)
                    : rule(g.boxMidLeft, g.boxMidMid, g.boxMidRight, g.boxH))
            var columnLines: [[(String, Tone)]] = []
            var keyLines: [(String, Tone)] = wrap(row.key, width: keyWidth).map { ($0, row.diverges ? .diverge : .heading) }
            if row.diverges { keyLines.append((g.notEqual + " differ", .diverge)) }
            if model.partialPlacement {
                keyLines.append(
                    (
                        truncate("on " + row.primaries.prefix(4).map(\.name).joined(separator: " "), width: keyWidth, ellipsis: g.ellipsis),
                        .dim
                    ))
            }
            columnLines.append(keyLines)
            for (c, column) in columns.enumerated() {
                let cell = row.cells[column]
                let down = model.crashed.contains(model.replicas[column])
                var lines: [(String, Tone)] = []
                if cell.versions.isEmpty {
                    lines.append((cell.primary ? g.separator : "", .dim))
                }
                for version in cell.versions {
                    let tone: Tone = down ? .dim : (version.isTombstone ? .note : (cell.versions.count > 1 ? .diverge : .plain))
                    // A version too wide for its column goes on under a mark, so its second line
                    // cannot be taken for a second sibling.
                    let text = StateModel.versionText(version, now: model.now, g: g, logEntry: model.singleLeader)
                    let mark = continuationMark(g) + " "
                    let pieces = wrap(text, width: widths[c], firstWidth: widths[c])
                    let rest = pieces.count > 1 ? wrap(pieces.dropFirst().joined(separator: " "), width: max(2, widths[c] - 2)) : []
                    lines.append((pieces[0], tone))
                    for piece in rest { lines.append((mark + piece, tone)) }
                }
                if !cell.primary && !cell.versions.isEmpty { lines.append(("(not a primary)", .dim)) }
                columnLines.append(lines)
            }
            let height = columnLines.map(\.count).max() ?? 1
            for lineIndex in 0..<height {
                out.append(line(columnLines.map { lineIndex < $0.count ? $0[lineIndex] : ("", .plain) }))
            }
        }
        out.append(rule(g.boxBottomLeft, g.boxBottomMid, g.boxBottomRight, g.boxH))
        return out
    }

    /// What starts the second and later lines of a wrapped version in a cell.
    static func continuationMark(_ g: Glyphs) -> String { g.isUnicode ? "↳" : "+" }

    /// The columns a replica's cells need unbroken: its header and its longest version.
    static func naturalWidth(_ model: StateModel, _ column: Int, g: Glyphs) -> Int {
        var width = max(1, displayWidth(headerText(model, column, g: g)))
        for row in model.rows {
            for version in row.cells[column].versions {
                width = max(width, displayWidth(StateModel.versionText(version, now: model.now, g: g, logEntry: model.singleLeader)))
            }
        }
        return width
    }

    static func headerText(_ model: StateModel, _ column: Int, g: Glyphs) -> String {
        let node = model.replicas[column]
        return model.crashed.contains(node) ? "\(node.name) \(g.crash) crashed" : node.name
    }
}
