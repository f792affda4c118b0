import ReplabKernel
import ReplabModels

/// `export timeline FILE.svg`: a space-time (Lamport) diagram drawn from a `TimelineScene`.
///
/// One vertical line per client and node, time flowing down, one row per step that has
/// something to show (a gap and the new time `tN` in the margin where virtual time moved on).
/// Each message is a straight arrow from the row it was sent in to the row it was delivered
/// in, so a delayed message slants and one that overtakes another crosses it; a lost message
/// stops in mid-air with a cross at the row it was lost; a duplicate is a second (dashed) arrow
/// from the same send. A crashed node's line is broken (dotted) while it is down; partitions
/// are shaded bands. What happened at each step is written in the column on the right, one
/// row per step, so no label sits on another; arrows carry only their id near the head.
///
/// Coordinates are whole pixels computed from the scene alone: the same scene gives the same
/// bytes.
package enum SVGTimeline {
    struct Palette {
        let background, text, dim, lane, message, copy, lost, note, ok, failed, crash, partition, partitionText, anomaly, highlight: String

        static let light = Palette(
            background: "#ffffff", text: "#111827", dim: "#6b7280", lane: "#9ca3af", message: "#1d4ed8", copy: "#7c3aed", lost: "#dc2626",
            note: "#0f766e", ok: "#15803d", failed: "#b91c1c", crash: "#dc2626", partition: "#f59e0b", partitionText: "#b45309",
            anomaly: "#be185d", highlight: "#fde68a")
        static let dark = Palette(
            background: "#111827", text: "#e5e7eb", dim: "#9ca3af", lane: "#6b7280", message: "#93c5fd", copy: "#c4b5fd", lost: "#f87171",
            note: "#5eead4", ok: "#4ade80", failed: "#f87171", crash: "#f87171", partition: "#f59e0b", partitionText: "#fbbf24",
            anomaly: "#f472b6", highlight: "#854d0e")
    }

    // Layout, in pixels.
    static let left = 96
    static let lineHeight = 18
    static let textWidthCharacters = 64
    static let fontSize = 14
    static let titleY = 34
    static let laneTop = 112

    static func laneGap(_ count: Int) -> Int { count <= 6 ? 110 : (count <= 10 ? 84 : 64) }

    package static func render(_ scene: TimelineScene, theme: ExportTheme = .light, title: String? = nil, idPrefix: String = "") -> String {
        let p = theme == .dark ? Palette.dark : Palette.light
        let lanes = scene.lanes
        let gap = laneGap(lanes.count)
        var laneX: [Address: Int] = [:]
        for (index, lane) in lanes.enumerated() { laneX[lane] = left + 20 + index * gap }
        let diagramRight = left + 20 + max(0, lanes.count - 1) * gap
        let textX = diagramRight + 48
        let width = textX + textWidthCharacters * 8 + 24

        // Rows: one per shown step, as tall as its text.
        var itemsAt: [UInt32: [TimelineScene.Item]] = [:]
        for item in scene.items { itemsAt[item.step, default: []].append(item) }
        // A step shown only because a message left then (a timer's handoff, a retry) says so.
        var sentAt: [UInt32: [TimelineScene.Message]] = [:]
        for message in scene.messages where message.copyOf == nil { sentAt[message.sendStep, default: []].append(message) }
        var rowTop: [UInt32: Int] = [:]
        var rowY: [UInt32: Int] = [:]
        var rowHeight: [UInt32: Int] = [:]
        var lines: [UInt32: [(String, String)]] = [:]
        var timeLabels: [(Int, UInt64)] = []
        var y = laneTop + 16
        var previousTime: UInt64? = nil
        for step in scene.steps {
            let time = scene.times[step] ?? 0
            if previousTime == nil || time != previousTime! {
                if previousTime != nil { y += 12 }
                timeLabels.append((y, time))
            }
            previousTime = time
            var rowLines: [(String, String)] = []
            for item in itemsAt[step] ?? [] {
                for piece in wrap(item.text, width: textWidthCharacters) { rowLines.append((piece, textClass(item.kind))) }
            }
            if rowLines.isEmpty, let sent = sentAt[step] {
                let text = "sends " + sent.map { "\($0.id) \($0.from.name)→\($0.to.name)" }.joined(separator: ", ")
                for piece in wrap(text, width: textWidthCharacters) { rowLines.append((piece, "dim")) }
            }
            let height = max(28, rowLines.count * lineHeight + 10)
            rowTop[step] = y
            rowY[step] = y + 14
            rowHeight[step] = height
            lines[step] = rowLines
            y += height
        }
        // Messages still in flight end below the last row, one level per message to the same
        // receiver, so their ids do not overlap.
        var flightLevel: [MessageID: Int] = [:]
        var levelsUsed: [Address: Int] = [:]
        for message in scene.messages where message.fate == .inFlight {
            flightLevel[message.id] = levelsUsed[message.to, default: 0]
            levelsUsed[message.to, default: 0] += 1
        }
        let flight = !flightLevel.isEmpty
        let flightTop = y + 16
        let bottom = y + (flight ? 30 + 16 * (levelsUsed.values.max() ?? 1) : 12)
        let firstTop = scene.steps.first.flatMap { rowTop[$0] } ?? laneTop
        // A step without a row (a send or a fault outside what is shown) is placed at the top of
        // the next row (binary search: the steps are sorted), or at the bottom.
        func yOf(_ step: UInt32) -> Int {
            if let exact = rowY[step] { return exact }
            var low = 0
            var high = scene.steps.count
            while low < high {
                let middle = (low + high) / 2
                if scene.steps[middle] > step { high = middle } else { low = middle + 1 }
            }
            return low < scene.steps.count ? rowTop[scene.steps[low]]! : bottom
        }

        // The legend, below the diagram.
        let legend: [(String, String)] = [
            ("msg", "message: sent (top) to delivered (head)"), ("copy", "duplicate: a second copy"),
            ("lost", "lost: dropped, or its receiver was down"), ("flight", "still in flight"), ("crash", "node down (crashed)"),
            ("partition", "partition: links between groups cut"), ("note", "state change (hint, sibling, repair…)"),
            ("op", "operation starts / ends ok / fails"), ("anomaly", "anomaly found by check"),
        ]
        let legendColumns = max(1, (width - 40) / 330)
        let legendTop = bottom + 28
        let legendRows = (legend.count + legendColumns - 1) / legendColumns
        let height = legendTop + 20 + legendRows * 24 + 16

        var out: [String] = []
        out.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                + "font-family=\"DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif\" font-size=\"\(fontSize)\" class=\"replab-timeline\">"
        )
        let titleText = title ?? scene.title
        out.append("<title>\(escape(titleText))</title>")
        out.append("<style>")
        out.append("  .bg { fill: \(p.background); }")
        out.append("  text { fill: \(p.text); }")
        out.append("  .dim { fill: \(p.dim); }")
        out.append("  .lane { stroke: \(p.lane); stroke-width: 2; }")
        out.append("  .down { stroke: \(p.crash); stroke-width: 2; stroke-dasharray: 2 5; }")
        out.append("  .msg { stroke: \(p.message); stroke-width: 2; fill: none; }")
        out.append("  .copy { stroke: \(p.copy); stroke-width: 2; stroke-dasharray: 7 4; fill: none; }")
        out.append("  .lost { stroke: \(p.lost); stroke-width: 2; fill: none; }")
        out.append("  .flight { stroke: \(p.dim); stroke-width: 2; stroke-dasharray: 3 4; fill: none; }")
        out.append("  .cross { stroke: \(p.lost); stroke-width: 3; }")
        out.append("  .crashmark { stroke: \(p.crash); stroke-width: 3; }")
        out.append("  .recover { stroke: \(p.ok); stroke-width: 3; }")
        out.append("  .tag { font-size: 12px; font-weight: bold; }")
        out.append(
            "  .tag-msg { fill: \(p.message); } .tag-copy { fill: \(p.copy); } .tag-lost { fill: \(p.lost); } .tag-flight { fill: \(p.dim); }"
        )
        out.append(
            "  .partition { fill: \(p.partition); fill-opacity: 0.16; stroke: \(p.partition); stroke-opacity: 0.5; stroke-dasharray: 6 4; }"
        )
        out.append("  .note { fill: \(p.note); } .t-note { fill: \(p.note); }")
        out.append("  .opstart { fill: \(p.text); } .opok { fill: \(p.ok); } .opfail { fill: \(p.failed); }")
        out.append("  .t-ok { fill: \(p.ok); } .t-fail { fill: \(p.failed); } .t-lost { fill: \(p.lost); } .t-crash { fill: \(p.crash); }")
        out.append("  .t-partition { fill: \(p.partitionText); } .t-anomaly { fill: \(p.anomaly); font-weight: bold; }")
        out.append("  .anomaly { fill: \(p.anomaly); } .side { font-size: 11px; }")
        out.append("  .row { fill: \(p.background); fill-opacity: 0; }")
        out.append("  .row.current { fill: \(p.highlight); fill-opacity: 0.55; }")
        out.append("  .name { font-weight: bold; font-size: 16px; } .client { fill: \(p.dim); }")
        out.append("</style>")
        out.append("<defs>")
        for (name, colour) in [("msg", p.message), ("copy", p.copy), ("flight", p.dim)] {
            out.append(
                "<marker id=\"\(idPrefix)head-\(name)\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                    + "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"\(colour)\"/></marker>")
        }
        out.append("</defs>")
        out.append("<rect class=\"bg\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\"/>")
        out.append("<text x=\"24\" y=\"\(titleY)\" font-size=\"22\" font-weight=\"bold\">\(escape(titleText))</text>")
        var subtitle = "\(scene.summary) · time t\(scene.now), step \(scene.step)"
        if let note = scene.filterNote { subtitle += " · \(note)" }
        out.append("<text class=\"dim\" x=\"24\" y=\"\(titleY + 24)\" font-size=\"13\">\(escape(subtitle))</text>")

        // Row backgrounds (the session page highlights the current command's rows).
        for step in scene.steps {
            out.append(
                "<rect class=\"row\" data-step=\"\(step)\" x=\"0\" y=\"\(rowTop[step]!)\" width=\"\(width)\" height=\"\(rowHeight[step]!)\"/>"
            )
        }
        // Partitions.
        for partition in scene.partitions {
            let top = yOf(partition.span.from) - 10
            let end = partition.span.to.map { yOf($0) - 10 } ?? bottom
            guard end > top, end > firstTop else { continue }
            let from = max(top, firstTop - 4)
            out.append(
                "<rect class=\"partition\" x=\"\(left)\" y=\"\(from)\" width=\"\(diagramRight - left + 40)\" height=\"\(end - from)\"/>")
            // Which side of the cut each lane is on, at the top of the band.
            for (index, group) in partition.groups.enumerated() {
                for lane in group {
                    guard let x = laneX[lane] else { continue }
                    out.append("<text class=\"t-partition side\" x=\"\(x + 5)\" y=\"\(from + 12)\">side \(index + 1)</text>")
                }
            }
        }
        // Lanes, broken where the node was down.
        out.append("<g class=\"lanes\">")
        for lane in lanes {
            let x = laneX[lane]!
            out.append(
                "<text class=\"name\(lane.isClient ? " client" : "")\" x=\"\(x)\" y=\"\(laneTop - 12)\" text-anchor=\"middle\">\(lane.name)</text>"
            )
            var downs: [(Int, Int)] = []
            for crash in scene.crashes where crash.lane == lane {
                let a = max(yOf(crash.span.from), laneTop)
                let b = crash.span.to.map { yOf($0) } ?? bottom
                if b > a { downs.append((a, b)) }
            }
            downs.sort { $0.0 < $1.0 }
            var cursor = laneTop
            for (a, b) in downs {
                if a > cursor { out.append(line("lane", x, cursor, x, a)) }
                out.append(line("down", x, a, x, b))
                cursor = max(cursor, b)
            }
            if bottom > cursor { out.append(line("lane", x, cursor, x, bottom)) }
        }
        out.append("</g>")

        // Messages.
        out.append("<g class=\"messages\">")
        for message in scene.messages {
            guard let x1 = laneX[message.from], let xTo = laneX[message.to] else { continue }
            let y1 = message.sendStep < (scene.steps.first ?? 0) ? laneTop : yOf(message.sendStep)
            let direction = xTo >= x1 ? 1 : -1
            let tagAnchor = direction > 0 ? "end" : "start"
            let cls: String
            var x2 = xTo
            var y2: Int
            switch message.fate {
            case .delivered:
                cls = message.copyOf == nil ? "msg" : "copy"
                y2 = yOf(message.endStep ?? scene.step)
            case .dropped:
                cls = "lost"
                y2 = yOf(message.endStep ?? scene.step)
                x2 = x1 + (xTo - x1) / 2
            case .receiverCrashed:
                cls = "lost"
                y2 = yOf(message.endStep ?? scene.step)
                x2 = xTo - direction * 12
            case .inFlight:
                cls = "flight"
                y2 = flightTop + 16 * (flightLevel[message.id] ?? 0)
            }
            if x1 == xTo {
                // A message to itself: a small loop to the right.
                y2 = max(y2, y1 + 12)
                out.append(
                    "<path class=\"\(cls)\" data-id=\"\(message.id)\" d=\"M\(x1),\(y1) C\(x1 + 40),\(y1) \(x1 + 40),\(y2) \(x1 + 2),\(y2)\""
                        + (cls == "lost" ? "" : " marker-end=\"url(#\(idPrefix)head-\(cls))\"") + "/>")
            } else {
                out.append(
                    "<line class=\"\(cls)\" data-id=\"\(message.id)\" x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\""
                        + (cls == "lost" ? "" : " marker-end=\"url(#\(idPrefix)head-\(cls))\"") + "/>")
            }
            if cls == "lost" {
                out.append(line("cross", x2 - 6, y2 - 6, x2 + 6, y2 + 6))
                out.append(line("cross", x2 - 6, y2 + 6, x2 + 6, y2 - 6))
            }
            // The id near the head, on the sender's side, above the arrow.
            let tagX = x1 == xTo ? x1 + 44 : x2 - direction * (cls == "lost" ? 10 : 14)
            let tagY = x1 == xTo ? y2 : y2 - 7
            let tagClass = cls == "msg" ? "tag-msg" : "tag-\(cls)"
            out.append(
                "<text class=\"tag \(tagClass)\" x=\"\(tagX)\" y=\"\(tagY)\" text-anchor=\"\(x1 == xTo ? "start" : tagAnchor)\">\(message.id)</text>"
            )
        }
        out.append("</g>")

        // Marks on the lanes.
        out.append("<g class=\"marks\">")
        for item in scene.items {
            guard let y = rowY[item.step] else { continue }
            for lane in item.lanes {
                guard let x = laneX[lane] else { continue }
                switch item.kind {
                case .delivered, .lost: break
                case .opStarted: out.append("<circle class=\"opstart\" cx=\"\(x)\" cy=\"\(y)\" r=\"6\"/>")
                case .opCompleted(let ok):
                    out.append(
                        "<path class=\"\(ok ? "opok" : "opfail")\" d=\"M\(x),\(y - 8) L\(x + 8),\(y) L\(x),\(y + 8) L\(x - 8),\(y) z\"/>")
                case .note: out.append("<circle class=\"note\" cx=\"\(x)\" cy=\"\(y)\" r=\"5\"/>")
                case .crashed:
                    out.append(line("crashmark", x - 8, y - 8, x + 8, y + 8))
                    out.append(line("crashmark", x - 8, y + 8, x + 8, y - 8))
                case .recovered: out.append(line("recover", x - 10, y, x + 10, y))
                case .anomaly:
                    out.append("<path class=\"anomaly\" d=\"M\(x),\(y - 9) L\(x + 9),\(y + 7) L\(x - 9),\(y + 7) z\"/>")
                case .partitioned, .healed: break
                }
            }
        }
        out.append("</g>")

        // The margin (steps and times) and the text column.
        out.append("<g class=\"text\">")
        for (ty, time) in timeLabels {
            out.append("<text class=\"dim\" x=\"12\" y=\"\(ty + 2)\" font-size=\"12\" font-weight=\"bold\">t\(time)</text>")
        }
        for step in scene.steps {
            let ry = rowY[step]!
            out.append("<text class=\"dim\" x=\"\(left - 10)\" y=\"\(ry + 5)\" font-size=\"12\" text-anchor=\"end\">step \(step)</text>")
            for (index, piece) in (lines[step] ?? []).enumerated() {
                out.append(
                    "<text class=\"\(piece.1)\" x=\"\(textX)\" y=\"\(ry + 5 + index * lineHeight)\">\(escape(piece.0))</text>")
            }
        }
        if scene.steps.isEmpty {
            let why = scene.filterNote == nil ? "(nothing has happened yet)" : "(no row matches the filter)"
            out.append("<text class=\"dim\" x=\"\(textX)\" y=\"\(laneTop + 30)\">\(why)</text>")
        }
        if flight {
            out.append(
                "<text class=\"dim\" x=\"\(textX)\" y=\"\(flightTop + 4)\">dotted arrows: still in flight at step \(scene.step)</text>")
        }
        out.append("</g>")

        // The legend.
        out.append("<g class=\"legend\">")
        out.append(line("lane", 24, legendTop - 8, width - 24, legendTop - 8))
        for (index, entry) in legend.enumerated() {
            let column = index % legendColumns
            let row = index / legendColumns
            let x = 24 + column * 330
            let ly = legendTop + 16 + row * 24
            switch entry.0 {
            case "msg", "copy", "flight":
                out.append(
                    "<line class=\"\(entry.0)\" x1=\"\(x)\" y1=\"\(ly - 10)\" x2=\"\(x + 36)\" y2=\"\(ly)\" marker-end=\"url(#\(idPrefix)head-\(entry.0))\"/>"
                )
            case "lost":
                out.append(line("lost", x, ly - 10, x + 26, ly - 2))
                out.append(line("cross", x + 20, ly - 8, x + 32, ly + 4))
                out.append(line("cross", x + 20, ly + 4, x + 32, ly - 8))
            case "crash": out.append(line("down", x + 18, ly - 14, x + 18, ly + 6))
            case "partition": out.append("<rect class=\"partition\" x=\"\(x)\" y=\"\(ly - 14)\" width=\"36\" height=\"20\"/>")
            case "note": out.append("<circle class=\"note\" cx=\"\(x + 18)\" cy=\"\(ly - 4)\" r=\"5\"/>")
            case "op":
                out.append("<circle class=\"opstart\" cx=\"\(x + 4)\" cy=\"\(ly - 4)\" r=\"5\"/>")
                out.append(
                    "<path class=\"opok\" d=\"M\(x + 20),\(ly - 11) L\(x + 27),\(ly - 4) L\(x + 20),\(ly + 3) L\(x + 13),\(ly - 4) z\"/>")
                out.append(
                    "<path class=\"opfail\" d=\"M\(x + 34),\(ly - 11) L\(x + 41),\(ly - 4) L\(x + 34),\(ly + 3) L\(x + 27),\(ly - 4) z\"/>")
            default: out.append("<path class=\"anomaly\" d=\"M\(x + 18),\(ly - 13) L\(x + 27),\(ly + 3) L\(x + 9),\(ly + 3) z\"/>")
            }
            out.append("<text x=\"\(x + 48)\" y=\"\(ly)\" font-size=\"13\">\(escape(entry.1))</text>")
        }
        out.append("</g>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func textClass(_ kind: TimelineScene.Item.Kind) -> String {
        switch kind {
        case .delivered: return "t-msg"
        case .lost: return "t-lost"
        case .opStarted: return "t-op"
        case .opCompleted(let ok): return ok ? "t-ok" : "t-fail"
        case .note: return "t-note"
        case .crashed: return "t-crash"
        case .recovered: return "t-ok"
        case .partitioned, .healed: return "t-partition"
        case .anomaly: return "t-anomaly"
        }
    }

    static func line(_ cls: String, _ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int) -> String {
        "<line class=\"\(cls)\" x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\"/>"
    }

    /// Escapes text for XML content and attribute values; control characters become spaces.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0xD800 && scalar.value < 0xE000)
                    || scalar.value == 0xFFFE
                    || scalar.value == 0xFFFF
                {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
