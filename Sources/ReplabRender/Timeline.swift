import ReplabKernel
import ReplabModels

/// What the timeline shows, drawn from the recorded trace: one row per delivered, dropped or
/// duplicated message, operation start and end, state note, fault, run of ticks, and anomaly.
///
/// Built by walking the trace backwards from its end until the rows asked for are found, and
/// looking up each message's `sent` entry through `Trace.sentIndex`: the cost follows what is
/// shown, not how long the session has run. Both the terminal diagram and the Mermaid
/// `sequenceDiagram` are drawn from this one model, so they never disagree.
struct TimelineModel {
    enum Fate: Equatable {
        case delivered
        /// The teacher (or the network) dropped it in flight.
        case dropped
        /// It reached a crashed receiver.
        case receiverCrashed
    }

    enum Event: Equatable {
        case message(id: MessageID, from: Address, to: Address, sentStep: UInt32, label: String, fate: Fate, copyOf: MessageID?)
        case opStarted(op: Int, client: Address, text: String)
        case opCompleted(op: Int, client: Address, ok: Bool, text: String)
        case note(node: Address, kind: String, text: String)
        case duplicated(original: MessageID, copy: MessageID, from: Address, to: Address)
        case partitioned([[Address]])
        case healed
        case crashed(Address)
        case recovered(Address)
        /// Time advanced from `from` to `to` (consecutive ticks are one row).
        case ticked(from: UInt64, to: UInt64, firstStep: UInt32)
        /// An anomaly `check` finds, placed where the last operation it names ended; `lanes`
        /// are the participants it concerns.
        case anomaly(kind: String, key: String, detail: String, lanes: [Address])
    }

    struct Row: Equatable {
        let step: UInt32
        let time: UInt64
        var event: Event
    }

    /// The fault state at a point of the timeline.
    struct Faults: Equatable {
        var groups: [[Address]] = []
        var crashed: [Address] = []
        var isEmpty: Bool { groups.isEmpty && crashed.isEmpty }
    }

    let participants: [Address]
    let rows: [Row]
    /// The faults in effect just before the first row shown.
    let faultsAtStart: Faults
    /// The last step not shown, when earlier rows were left out.
    let omittedThroughStep: UInt32?
    let inFlight: [Envelope<Message>]
    /// Messages in flight that cannot move (their link is cut).
    let held: Set<MessageID>
    /// How many messages in flight were left out of `inFlight`.
    let inFlightOmitted: Int
    let clusterSummary: String
    let now: UInt64
    let step: UInt32
    /// Why no anomaly rows are shown, when the checker was not run.
    let anomalyNote: String?
    /// A message that left at a shown step.
    struct Send: Equatable {
        let from: Address
        let id: MessageID
    }
    /// The messages sent at each shown step, in id order (the terminal marks the send on the
    /// sender's line and names them on the step's first row).
    var sends: [UInt32: [Send]] = [:]
    var filter = TimelineFilter()

    static let inFlightShown = 12

    /// Builds the model of the last `last` rows (all rows when nil).
    ///
    /// `anomalies` are those `check` reports (nil when it was not run); each becomes a row at
    /// the step the last operation it names ended, or at the end when it names none.
    static func build(
        _ sim: Simulation, last: Int?, anomalies: [Anomaly]?, anomalyNote: String? = nil, filter: TimelineFilter = TimelineFilter()
    ) -> TimelineModel {
        let entries = sim.trace.entries
        // Anomalies by the step they became true at; those still pending go at the end.
        var anomaliesAt: [UInt32: [Event]] = [:]
        var trailing: [Event] = []
        let placed = AnomalyPlacement.steps(of: anomalies ?? [], sim: sim)
        for (anomaly, at) in zip(anomalies ?? [], placed) {
            if let op = filter.op, !anomaly.ops.contains(op) { continue }
            if let key = filter.key, anomaly.key != key { continue }
            var pendingClient: Address? = nil
            var client: Address? = nil
            for op in anomaly.ops where op >= 1 && op <= sim.history.count {
                if sim.history[op - 1].endStep == nil && pendingClient == nil { pendingClient = sim.history[op - 1].client }
                if client == nil { client = sim.history[op - 1].client }
            }
            if let steps = filter.steps, !steps.contains(at ?? sim.step) { continue }
            var lanes: [Address] = []
            if let client = pendingClient ?? client { lanes = [client] } else { lanes = sim.primaries(for: anomaly.key).sorted() }
            let event = Event.anomaly(kind: anomaly.kind.rawValue, key: anomaly.key, detail: anomaly.detail, lanes: lanes)
            if let at, at > 0 { anomaliesAt[at, default: []].append(event) } else { trailing.append(event) }
        }
        // Which operation each entry belongs to, when a filter asks (one pass over the trace).
        let attribution = filter.needsAttribution ? Attribution(sim.trace) : nil
        var sends: [UInt32: [Send]] = [:]
        let limit = last ?? filter.last ?? Int.max
        // Rows are gathered newest first, then reversed.
        var reversed: [Row] = trailing.reversed().map { Row(step: sim.step, time: sim.now, event: $0) }
        var stepsWithAnomaliesPlaced = Set<UInt32>()
        var index = entries.count - 1
        var stoppedEarly = false
        var firstShownIndex = entries.count
        var currentStep: UInt32? = nil
        while index >= 0 {
            let entry = entries[index]
            // Walking backwards, the first entry of a step seen is its last: the step's anomalies
            // go there, after every other row of the step.
            if currentStep != entry.step {
                currentStep = entry.step
                if let events = anomaliesAt[entry.step], stepsWithAnomaliesPlaced.insert(entry.step).inserted {
                    if reversed.count >= limit {
                        stoppedEarly = true
                        break
                    }
                    for event in events.reversed() { reversed.append(Row(step: entry.step, time: entry.time, event: event)) }
                }
            }
            if case .sent(let id, let from, _, _) = entry.event,
                attribution.map({ admits(entry, index: index, $0, filter, sim) }) ?? true
            {
                // Walking backwards: the step's sends are gathered newest first.
                sends[entry.step, default: []].insert(Send(from: from, id: id), at: 0)
            }
            guard let event = rowEvent(entry, trace: sim.trace, index: index),
                attribution.map({ admits(entry, index: index, $0, filter, sim) }) ?? true
            else {
                index -= 1
                continue
            }
            // Consecutive ticks are one row.
            if case .ticked(let from, _, _) = event, let previous = reversed.last,
                case .ticked(let laterFrom, let laterTo, _) = previous.event, laterFrom == from + 1
            {
                reversed[reversed.count - 1].event = .ticked(from: from, to: laterTo, firstStep: entry.step)
                firstShownIndex = index
                index -= 1
                continue
            }
            if reversed.count >= limit {
                stoppedEarly = true
                break
            }
            reversed.append(Row(step: entry.step, time: entry.time, event: event))
            firstShownIndex = index
            index -= 1
        }
        var rows = Array(reversed.reversed())
        if rows.count > limit { rows.removeFirst(rows.count - limit) }
        let omitted: UInt32? = stoppedEarly ? (rows.first.map { $0.step > 0 ? $0.step - 1 : 0 } ?? sim.step) : nil
        let participants = sim.knownClients + sim.replicaAddresses
        let faults = faultsBefore(rows: rows, sim: sim, firstShownIndex: firstShownIndex)
        // Filtered by key or operation, only the messages in flight that belong to it.
        var flight = sim.inFlight
        if let attribution, filter.key != nil || filter.op != nil {
            flight = flight.filter {
                filter.admits(step: $0.sentStep, op: attribution.op(of: $0.id), text: $0.payload.label, history: sim.history)
            }
        }
        let shown = Array(flight.prefix(inFlightShown))
        let held = Set(shown.filter { !sim.isDeliverable($0) }.map(\.id))
        return TimelineModel(
            participants: participants, rows: rows, faultsAtStart: faults, omittedThroughStep: omitted, inFlight: shown, held: held,
            inFlightOmitted: flight.count - shown.count, clusterSummary: sim.model.summary, now: sim.now, step: sim.step,
            anomalyNote: anomalyNote, sends: sends, filter: filter)
    }

    /// Whether a trace entry passes the step, key and operation filters. Faults pass every
    /// filter but `steps=` (they are the background of what is shown); ticks pass only `steps=`.
    static func admits(
        _ entry: TraceEntry<Message, Note>, index: Int, _ attribution: Attribution, _ filter: TimelineFilter, _ sim: Simulation
    )
        -> Bool
    {
        switch entry.event {
        case .partitioned, .healed, .crashed, .recovered:
            return filter.steps.map { $0.contains(entry.step) } ?? true
        case .ticked:
            return filter.key == nil && filter.op == nil && (filter.steps.map { $0.contains(entry.step) } ?? true)
        case .delivered(let id), .dropped(let id, _):
            var text = ""
            if let sent = sim.trace.sentEntry(id), case .sent(_, _, _, let sentMessage) = sent.event { text = sentMessage.label }
            return filter.admits(step: entry.step, op: attribution.entryOp[index], text: text, history: sim.history)
        case .sent(_, _, _, let sentMessage):
            let label = sentMessage.label
            return filter.admits(step: entry.step, op: attribution.entryOp[index], text: label, history: sim.history)
        case .note(let noteNode, let note):
            let text = note.text(at: noteNode)
            return filter.admits(step: entry.step, op: attribution.entryOp[index], text: text, history: sim.history)
        case .duplicated:
            return filter.admits(step: entry.step, op: attribution.entryOp[index], text: "", history: sim.history)
        case .opStarted(let op, _, let text), .opCompleted(let op, _, _, let text):
            return filter.admits(step: entry.step, op: op, text: text, history: sim.history)
        case .command, .cluster: return false
        }
    }

    /// The row a trace entry makes, if any.
    static func rowEvent(_ entry: TraceEntry<Message, Note>, trace: Trace<Message, Note>, index: Int) -> Event? {
        switch entry.event {
        case .delivered(let id), .dropped(let id, _):
            guard let sent = trace.sentEntry(id), case .sent(_, let from, let to, let sentMessage) = sent.event else { return nil }
            let label = sentMessage.label
            var fate = Fate.delivered
            if case .dropped(_, let reason) = entry.event { fate = reason == .receiverCrashed ? .receiverCrashed : .dropped }
            return .message(
                id: id, from: from, to: to, sentStep: sent.step, label: label, fate: fate, copyOf: copyOrigin(id, trace: trace))
        case .duplicated(let original, let copy):
            guard let sent = trace.sentEntry(copy), case .sent(_, let from, let to, _) = sent.event else { return nil }
            return .duplicated(original: original, copy: copy, from: from, to: to)
        case .opStarted(let op, let client, let text): return .opStarted(op: op, client: client, text: text)
        case .opCompleted(let op, let client, let ok, let text): return .opCompleted(op: op, client: client, ok: ok, text: text)
        case .note(let node, let note): return .note(node: node, kind: note.kind, text: note.text(at: node))
        case .partitioned(let groups): return .partitioned(groups)
        case .healed: return .healed
        case .crashed(let node): return .crashed(node)
        case .recovered(let node): return .recovered(node)
        case .ticked(let time): return .ticked(from: time, to: time, firstStep: entry.step)
        case .sent, .command, .cluster: return nil
        }
    }

    /// The original of a duplicated message: the kernel records `duplicated` right after the copy's `sent`.
    static func copyOrigin(_ id: MessageID, trace: Trace<Message, Note>) -> MessageID? {
        let slot = Int(id.raw) - 1
        guard slot >= 0, slot < trace.sentIndex.count else { return nil }
        let next = Int(trace.sentIndex[slot]) + 1
        guard trace.sentIndex[slot] >= 0, next < trace.entries.count,
            case .duplicated(let original, let copy) = trace.entries[next].event, copy == id
        else { return nil }
        return original
    }

    /// The faults in effect before the first row shown: the current faults with the shown
    /// fault events undone. Only when a shown partition event replaced an earlier partition is
    /// the trace searched further back, and then only as far as that earlier partition.
    static func faultsBefore(rows: [Row], sim: Simulation, firstShownIndex: Int) -> Faults {
        var crashed = Set(sim.faults.crashed)
        var partitionEventShown = false
        for row in rows.reversed() {
            switch row.event {
            case .crashed(let node): crashed.remove(node)
            case .recovered(let node): crashed.insert(node)
            case .partitioned, .healed: partitionEventShown = true
            default: break
            }
        }
        var groups = sim.faults.groups
        if partitionEventShown {
            groups = []
            var index = min(firstShownIndex, sim.trace.entries.count) - 1
            while index >= 0 {
                if case .partitioned(let earlier) = sim.trace.entries[index].event {
                    groups = earlier
                    break
                }
                if case .healed = sim.trace.entries[index].event { break }
                index -= 1
            }
        }
        return Faults(groups: groups, crashed: crashed.sorted())
    }

    /// `{ A B c1 } | { C }`.
    static func describe(_ groups: [[Address]], bar: String) -> String {
        groups.map { "{ " + $0.map(\.name).joined(separator: " ") + " }" }.joined(separator: " \(bar) ")
    }
}

/// The timeline in the terminal: a Lamport diagram with one column per participant and time
/// flowing down.
enum TimelineText {
    static func render(_ model: TimelineModel, sim: Simulation, style: ViewStyle) -> String {
        let g = style.glyphs
        let width = style.width
        // Participants: everyone when they fit, else those the shown rows involve.
        var lanes = model.participants
        let maxStep = max(model.rows.last?.step ?? 0, model.step)
        let stepWidth = max(4, String(maxStep).count)
        let prefix = stepWidth + 2
        // Labels get at least this much room; lanes narrow (down to 2) to leave it.
        let labelMinimum = 34
        func laneWidth(for count: Int) -> Int {
            guard count > 1 else { return 3 }
            return min(6, max(2, (width - prefix - 2 - labelMinimum) / (count - 1)))
        }
        if (lanes.count - 1) * 2 + 1 + prefix + 2 + labelMinimum > width {
            let involved = Set(model.rows.flatMap { involvedParticipants($0.event) })
            lanes = lanes.filter { involved.contains($0) }
        }
        let lane = laneWidth(for: lanes.count)
        var position: [Address: Int] = [:]
        for (index, participant) in lanes.enumerated() { position[participant] = index * lane }
        let diagramWidth = max(1, (lanes.count - 1) * lane + 1)
        let labelColumn = prefix + diagramWidth + 2
        let labelWidth = max(12, width - labelColumn)

        var down = Set(model.faultsAtStart.crashed)
        var out: [StyledLine] = []

        func lifelines() -> [(Character, Tone)] {
            var cells = Array(repeating: (Character(" "), Tone.plain), count: diagramWidth)
            for participant in lanes {
                let p = position[participant]!
                cells[p] = down.contains(participant) ? (g.downLifeline, .crashed) : (g.lifeline, .dim)
            }
            return cells
        }
        func emit(step: String, _ cells: [(Character, Tone)], _ label: StyledLine, stepTone: Tone = .dim) {
            var pieces = wrapHanging(label, width: labelWidth, indent: 2)
            var line = StyledLine(padLeft(step, stepWidth) + "  ", stepTone)
            for cell in cells { line.append(String(cell.0), cell.1) }
            line.append("  ")
            line.append(pieces.removeFirst())
            out.append(line)
            for piece in pieces {
                var more = StyledLine(String(repeating: " ", count: prefix))
                for cell in lifelines() { more.append(String(cell.0), cell.1) }
                more.append("    ")
                more.append(piece)
                out.append(more)
            }
        }

        // The header: names over their lifelines, on two lines when a name is wider than a lane.
        let stagger = lanes.contains { displayWidth($0.name) >= lane } && lanes.count > 1
        var headers: [StyledLine] = []
        for row in 0..<(stagger ? 2 : 1) {
            var line = StyledLine(padRight(row == 0 ? "step" : "", prefix), .heading)
            var column = 0
            for (index, participant) in lanes.enumerated() where !stagger || index % 2 == row {
                let p = position[participant]!
                if p > column { line.append(String(repeating: " ", count: p - column)) }
                line.append(participant.name, participant.isClient ? .client : .replica)
                column = p + displayWidth(participant.name)
            }
            headers.append(line)
        }
        out += headers

        if lanes.count < model.participants.count {
            let hidden = model.participants.filter { !lanes.contains($0) }.map(\.name).joined(separator: " ")
            out.append(StyledLine("      (not involved here, not drawn: \(hidden))", .dim))
        }
        if let through = model.omittedThroughStep {
            out.append(StyledLine(String(repeating: " ", count: prefix) + "\(g.ellipsis) steps 1 to \(through) not shown", .dim))
        }
        if !model.filter.isEmpty {
            out.append(StyledLine(String(repeating: " ", count: prefix) + "(only \(model.filter.description): other rows not shown)", .dim))
        }
        // The send of a message is marked on its sender's line at the step it left.
        let sendGlyph: Character = g.isUnicode ? "▾" : "v"
        var sendsMarked = Set<UInt32>()
        if !model.faultsAtStart.groups.isEmpty && model.omittedThroughStep != nil {
            var label = StyledLine()
            label.append("partition in effect: " + TimelineModel.describe(model.faultsAtStart.groups, bar: g.isUnicode ? "╳" : "|"), .fault)
            emit(step: "", lifelines(), label)
        }
        if model.rows.isEmpty {
            let why = model.filter.isEmpty ? "(nothing has happened yet)" : "(no row matches \(model.filter.description))"
            out.append(StyledLine(String(repeating: " ", count: prefix) + why, .dim))
        }

        for row in model.rows {
            var cells = lifelines()
            var label = StyledLine()
            var stepTone = Tone.dim

            switch row.event {
            case .message(let id, let from, let to, let sentStep, let text, let fate, let copyOf):
                if let a = position[from], let b = position[to], a != b {
                    drawArrow(&cells, from: a, to: b, fate: fate, g: g)
                }
                label.append(id.description, fate == .delivered ? .heading : .lost)
                label.append(" \(from.name)\(g.arrow)\(to.name)", fate == .delivered ? .plain : .lost)
                label.append(" (sent \(sentStep)" + (copyOf.map { ", copy of \($0)" } ?? "") + ") ", .dim)
                label.append(text)
                switch fate {
                case .delivered: break
                case .dropped: label.append("  LOST: dropped", .lost)
                case .receiverCrashed: label.append("  LOST: \(to.name) is crashed", .lost)
                }
            case .opStarted(let op, let client, let text):
                if let p = position[client] { cells[p] = (g.opStart, .started) }
                label.append("op \(op): \(client.name) \(text)", .started)
            case .opCompleted(let op, let client, let ok, let text):
                if let p = position[client] { cells[p] = ok ? (g.opDone, .ok) : (g.opFailed, .failed) }
                label.append("op \(op) \(g.isUnicode ? "⇒" : "=>") ", ok ? .ok : .failed)
                label.append(text, ok ? .plain : .failed)
            case .note(let node, _, let text):
                if let p = position[node] { cells[p] = (g.note, .note) }
                label.append("\(node.name): ", .note)
                label.append(text)
            case .duplicated(let original, let copy, let from, let to):
                label.append("\(original) duplicated: \(copy) \(from.name)\(g.arrow)\(to.name) carries the same", .note)
            case .partitioned(let groups):
                for index in cells.indices {
                    cells[index] = (cells[index].0 == " " ? g.partitionRule : g.partitionCross, .fault)
                }
                label.append("partition " + TimelineModel.describe(groups, bar: g.isUnicode ? "╳" : "|"), .fault)
                label.append(": links between the groups are cut")
                stepTone = .fault
            case .healed:
                for index in cells.indices { cells[index] = (cells[index].0 == " " ? g.healRule : g.healCross, .ok) }
                label.append("healed", .ok)
                label.append(": every link works again")
            case .crashed(let node):
                down.insert(node)
                if let p = position[node] { cells[p] = (g.crash, .crashed) }
                label.append("\(node.name) crashed", .crashed)
            case .recovered(let node):
                down.remove(node)
                if let p = position[node] { cells[p] = (g.recover, .ok) }
                label.append("\(node.name) recovered", .ok)
                label.append(" with the state it had")
            case .ticked(let from, let to, let firstStep):
                label.append(from == to ? "time t\(to)" : "time t\(from) \(g.arrow) t\(to) (steps \(firstStep) to \(row.step))", .dim)
            case .anomaly(let kind, let key, let detail, let anomalyLanes):
                for participant in anomalyLanes { if let p = position[participant] { cells[p] = (g.anomaly, .anomaly) } }
                label.append("check: \(kind) on \(key): ", .anomaly)
                label.append(detail)
            }
            if case .crashed(let node) = row.event, let p = position[node] {
                // The crash mark sits on the lifeline; below it the lifeline is dotted.
                cells[p] = (g.crash, .crashed)
            }
            if let sends = model.sends[row.step], sendsMarked.insert(row.step).inserted {
                for send in sends {
                    guard let p = position[send.from], cells[p].0 == g.lifeline || cells[p].0 == g.downLifeline else { continue }
                    cells[p] = (sendGlyph, .heading)
                }
                // Which messages left here, so a later row's "(sent N)" can be found.
                let shown = sends.prefix(6).map(\.id.description).joined(separator: " ")
                label.append("  \(sendGlyph) " + shown + (sends.count > 6 ? " +\(sends.count - 6)" : ""), .dim)
            }
            emit(step: String(row.step), cells, label, stepTone: stepTone)
        }
        if let note = model.anomalyNote {
            out.append(StyledLine(String(repeating: " ", count: prefix) + note, .dim))
        }

        // Messages in flight, beneath the diagram.
        if !model.inFlight.isEmpty {
            let total = model.inFlight.count + model.inFlightOmitted
            out.append(StyledLine("in flight (\(total)), in delivery order:", .heading))
            for envelope in model.inFlight {
                var line = StyledLine("  ")
                line.append(envelope.id.description, .heading)
                line.append(" \(envelope.from.name)\(g.arrow)\(envelope.to.name) ")
                line.append("(sent \(envelope.sentStep)) ", .dim)
                line.append(envelope.payload.label)
                if model.held.contains(envelope.id) { line.append("  held: link cut", .cut) }
                for (index, piece) in wrapHanging(line, width: width, indent: 6).enumerated() {
                    out.append(index == 0 ? piece : StyledLine([Span("      ")] + piece.spans))
                }
            }
            if model.inFlightOmitted > 0 {
                out.append(StyledLine("  \(g.ellipsis) and \(model.inFlightOmitted) more (messages lists them all)", .dim))
            }
        }
        let legend =
            g.isUnicode
            ? [
                "● op starts", "◆ done", "✗ failed", "○ state change", "▾ sends", "├─► delivered", "× lost", "╳ crash", "┬ recover",
                "═ partition", "▲ anomaly",
            ]
            : [
                "* op starts", "# done", "! failed", "o state change", "v sends", "|--> delivered", "x lost", "X crash", "+ recover",
                "= partition", "^ anomaly",
            ]
        var legendLine = "legend:"
        for item in legend {
            if displayWidth(legendLine) + 2 + displayWidth(item) > width {
                out.append(StyledLine(legendLine, .dim))
                legendLine = "       "
            }
            legendLine += "  " + item
        }
        out.append(StyledLine(legendLine, .dim))
        return out.render(style)
    }

    static func involvedParticipants(_ event: TimelineModel.Event) -> [Address] {
        switch event {
        case .message(_, let from, let to, _, _, _, _): return [from, to]
        case .opStarted(_, let client, _), .opCompleted(_, let client, _, _): return [client]
        case .note(let node, _, _), .crashed(let node), .recovered(let node): return [node]
        case .duplicated(_, _, let from, let to): return [from, to]
        case .partitioned(let groups): return groups.flatMap { $0 }
        case .anomaly(_, _, _, let lanes): return lanes
        case .healed, .ticked: return []
        }
    }

    /// Draws a message from lane position `a` to `b`: delivered arrows end in a head at the
    /// receiver, dropped ones stop half-way with a cross, ones a crashed receiver lost end in a
    /// cross at the receiver.
    static func drawArrow(_ cells: inout [(Character, Tone)], from a: Int, to b: Int, fate: TimelineModel.Fate, g: Glyphs) {
        let tone: Tone = fate == .delivered ? .plain : .lost
        let right = a < b
        let step = right ? 1 : -1
        cells[a] = (right ? g.senderRight : g.senderLeft, tone)
        var end = b - step  // the cell just before the receiver's lifeline
        if fate == .dropped {
            let middle = (a + b) / 2
            end = middle == a ? a + step : middle
        }
        var p = a + step
        while p != end && (right ? p < end : p > end) {
            cells[p] = (g.horizontal, tone)
            p += step
        }
        if end != a {
            switch fate {
            case .delivered: cells[end] = (right ? g.headRight : g.headLeft, tone)
            case .dropped, .receiverCrashed: cells[end] = (g.lost, .lost)
            }
        }
    }

    /// Wraps a styled line to `width` columns, keeping each character's tone.
    static func wrapStyled(_ line: StyledLine, width: Int, firstWidth: Int? = nil) -> [StyledLine] {
        let plain = line.plain
        let pieces = wrap(plain, width: width, firstWidth: firstWidth)
        if pieces.count == 1 { return [line] }
        // Map each character of the plain text to its tone, then cut along the wrapped pieces.
        var tones: [Tone] = []
        for span in line.spans { tones += Array(repeating: span.tone, count: span.text.count) }
        let characters = Array(plain)
        var result: [StyledLine] = []
        var cursor = 0
        for piece in pieces {
            var styled = StyledLine()
            for character in piece {
                // Skip what the wrap dropped (spaces at the breaks) to find this character's tone.
                while cursor < characters.count && characters[cursor] != character { cursor += 1 }
                let tone = cursor < tones.count ? tones[cursor] : .plain
                styled.append(String(character), tone)
                cursor += 1
            }
            result.append(styled)
        }
        return result
    }
}
