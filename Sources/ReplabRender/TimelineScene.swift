import ReplabKernel
import ReplabModels

/// Which part of the timeline a view or export shows: `last=N steps=A..B key=K op=N`.
public struct TimelineFilter: Sendable, Hashable {
    /// The last N rows (deliveries, losses, operations, notes, faults) that pass the other filters.
    public var last: Int?
    /// Only rows whose step is in this range.
    public var steps: ClosedRange<UInt32>?
    /// Only what concerns this key: its operations, their messages and notes, and notes that name it.
    public var key: String?
    /// Only this operation: its start and end, the messages it caused and the notes they caused.
    public var op: Int?

    public init(last: Int? = nil, steps: ClosedRange<UInt32>? = nil, key: String? = nil, op: Int? = nil) {
        self.last = last
        self.steps = steps
        self.key = key
        self.op = op
    }

    public var isEmpty: Bool { last == nil && steps == nil && key == nil && op == nil }
    /// Whether the filter needs to know which operation each message and note belongs to.
    var needsAttribution: Bool { key != nil || op != nil || steps != nil }

    /// `steps=3..9 key=x` as typed.
    public var description: String {
        var parts: [String] = []
        if let steps { parts.append("steps=\(steps.lowerBound)..\(steps.upperBound)") }
        if let key { parts.append("key=\(key)") }
        if let op { parts.append("op=\(op)") }
        if let last { parts.append("last=\(last)") }
        return parts.joined(separator: " ")
    }
}

/// `theme=light|dark`: the colours of `.svg`, `.html` and `.mmd` exports.
public enum ExportTheme: String, Sendable, Hashable {
    case light, dark
}

/// What follows the file name of an `export`: filters, theme and title.
public struct ExportOptions: Sendable, Hashable {
    public var filter = TimelineFilter()
    public var theme: ExportTheme? = nil
    public var title: String? = nil

    public init(filter: TimelineFilter = TimelineFilter(), theme: ExportTheme? = nil, title: String? = nil) {
        self.filter = filter
        self.theme = theme
        self.title = title
    }
}

/// Which operation each message and note of a trace belongs to, found by following causes:
/// an operation's start causes the sends of its step; a delivery causes the sends and notes of
/// its step (a step is one delivery, operation start, fault or tick); a duplicate belongs where
/// its original does. Sends and notes of ticks and faults (timeouts, retries, anti-entropy,
/// handoffs) belong to no operation.
struct Attribution {
    /// Operation of message `m<i>` at index `i - 1`; 0 when none.
    private(set) var messageOp: [Int] = []
    /// Operation of the trace entry at each index (notes, sends, deliveries); 0 when none.
    private(set) var entryOp: [Int] = []

    init(_ trace: Trace<Message, Note>) {
        entryOp = Array(repeating: 0, count: trace.entries.count)
        var currentStep: UInt32 = .max
        var cause = 0
        for (index, entry) in trace.entries.enumerated() {
            if entry.step != currentStep {
                currentStep = entry.step
                cause = 0
            }
            switch entry.event {
            case .opStarted(let op, _, _):
                cause = op
                entryOp[index] = op
            case .opCompleted(let op, _, _, _): entryOp[index] = op
            case .delivered(let id):
                cause = op(of: id)
                entryOp[index] = cause
            case .dropped(let id, _): entryOp[index] = op(of: id)
            case .sent(let id, _, _, _):
                set(id, cause)
                entryOp[index] = cause
            case .duplicated(let original, let copy):
                set(copy, op(of: original))
                entryOp[index] = op(of: original)
            case .note: entryOp[index] = cause
            case .command, .partitioned, .healed, .crashed, .recovered, .ticked, .cluster: break
            }
        }
    }

    private mutating func set(_ id: MessageID, _ op: Int) {
        let slot = Int(id.raw) - 1
        guard slot >= 0 else { return }
        if messageOp.count <= slot { messageOp.append(contentsOf: repeatElement(0, count: slot + 1 - messageOp.count)) }
        messageOp[slot] = op
    }

    func op(of id: MessageID) -> Int {
        let slot = Int(id.raw) - 1
        return slot >= 0 && slot < messageOp.count ? messageOp[slot] : 0
    }

    /// Whether `text` names `key` as a whole word (`x=5`, `key x`, `{x}`), for notes and messages
    /// that belong to no operation.
    static func mentions(_ text: String, _ key: String) -> Bool { words(text).contains(key) }

    /// The words of a text: runs of letters, digits and `- _ . /` (the characters a key can hold).
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var word = ""
        for character in text {
            if character.isLetter || character.isNumber || character == "-" || character == "_" || character == "." || character == "/" {
                word.append(character)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}

extension TimelineFilter {
    /// Whether an item with this step, operation and text passes the step, key and op filters.
    func admits(step: UInt32, op: Int, text: String, history: OperationHistory) -> Bool {
        if let steps, !steps.contains(step) { return false }
        if let wanted = self.op, op != wanted { return false }
        if let key {
            if op >= 1 && op <= history.count { return history[op - 1].key == key }
            return Attribution.mentions(text, key)
        }
        return true
    }
}

/// Where `check`'s anomalies belong on a timeline: the step at which each became true.
enum AnomalyPlacement {
    /// A stale read is true once the read returned. A lost write is true once it was
    /// acknowledged (the first operation named) and the last change to the key's replicas (the
    /// last state note that names the key) has happened. A conflict or a resurrection is true at
    /// that last change (or, when no note names the key, once its operations ended). A
    /// divergence (replicas disagree with nothing in flight) is true at the end. Nil: at the end
    /// (also while an operation it names is still pending).
    static func steps(of anomalies: [Anomaly], sim: Simulation) -> [UInt32?] {
        // First what the operations say: when they ended, and how far back a note can matter.
        struct Known {
            let ended: UInt32
            let floor: UInt32
        }
        var known: [Known?] = []
        var floors: [String: UInt32] = [:]
        for anomaly in anomalies {
            if anomaly.kind == .divergence {
                known.append(nil)
                continue
            }
            var ended: UInt32 = 0
            var first: UInt32 = .max
            var pending = false
            for op in anomaly.ops where op >= 1 && op <= sim.history.count {
                let record = sim.history[op - 1]
                guard let at = record.endStep else {
                    pending = true
                    break
                }
                first = min(first, record.startStep)
                if anomaly.kind != .lostWrite || op == anomaly.ops.first { ended = max(ended, at) }
            }
            if pending {
                known.append(nil)
                continue
            }
            let floor = anomaly.kind == .lostWrite || first == .max ? ended : first
            known.append(Known(ended: ended, floor: floor))
            if anomaly.kind != .staleRead { floors[anomaly.key] = min(floors[anomaly.key] ?? .max, floor) }
        }
        // Then one walk back from the end, only as far as the earliest floor, for the last state
        // note naming each key: the cost is one pass however many anomalies there are.
        var lastNote: [String: UInt32] = [:]
        if let lowest = floors.values.min() {
            let entries = sim.trace.entries
            var index = entries.count - 1
            var remaining = Set(floors.keys)
            while index >= 0 && entries[index].step > lowest && !remaining.isEmpty {
                if case .note(let node, let note) = entries[index].event, note.kind != "hint" {
                    for word in Attribution.words(note.text(at: node)) where remaining.contains(word) {
                        lastNote[word] = entries[index].step
                        remaining.remove(word)
                    }
                }
                index -= 1
            }
        }
        return zip(anomalies, known).map { anomaly, known in
            guard let known else { return nil }
            if anomaly.kind != .staleRead, let note = lastNote[anomaly.key], note > known.floor { return note }
            return known.ended
        }
    }
}

/// The one input of the drawn timelines (`.svg`, the session page, ShiViz): lanes, messages
/// with their send and delivery (or loss), crashed stretches, partitions, operations, notes and
/// anomalies, each at its step and virtual time, built from the recorded trace in one pass.
package struct TimelineScene {
    enum Fate: Equatable {
        case delivered
        case dropped
        case receiverCrashed
        /// Still in flight at the end of the trace.
        case inFlight
    }

    struct Message: Equatable {
        let id: MessageID
        let from: Address
        let to: Address
        let kind: String
        let label: String
        let sendStep: UInt32
        let sendTime: UInt64
        /// The step it was delivered or lost (nil while in flight).
        var endStep: UInt32?
        var endTime: UInt64?
        var fate: Fate
        /// The message it is a copy of (the network duplicated it): drawn from the original's send.
        let copyOf: MessageID?
        /// The operation it belongs to (0: none).
        let op: Int
    }

    /// A row of the diagram's text column, at its step.
    struct Item: Equatable {
        enum Kind: Equatable {
            case delivered(MessageID)
            case lost(MessageID)
            case opStarted
            case opCompleted(ok: Bool)
            case note(String)
            case crashed
            case recovered
            case partitioned
            case healed
            case anomaly
        }
        let step: UInt32
        let time: UInt64
        /// Where its mark goes (nil: across the diagram).
        let lanes: [Address]
        let kind: Kind
        let text: String
        /// The operation it belongs to (0: none).
        let op: Int
        /// The key an anomaly is about.
        var key: String? = nil
    }

    /// A stretch of steps: a crash of one lane, or a partition.
    struct Span: Equatable {
        let from: UInt32
        /// Nil when it lasts to the end.
        let to: UInt32?
    }

    struct Command: Equatable {
        let text: String
        /// The steps its events took (nil when it made no step).
        let steps: ClosedRange<UInt32>?
        /// Trace entries `entries.lowerBound..<entries.upperBound` are its events.
        let entries: Range<Int>
    }

    var title: String
    let summary: String
    let lanes: [Address]
    /// Messages shown, in send order.
    let messages: [Message]
    /// Rows shown, in trace order.
    let items: [Item]
    let crashes: [(lane: Address, span: Span)]
    let partitions: [(groups: [[Address]], span: Span)]
    let commands: [Command]
    /// The steps that have a row, ascending.
    let steps: [UInt32]
    /// The time of each shown step.
    let times: [UInt32: UInt64]
    let now: UInt64
    let step: UInt32
    /// What the filter left out, in words (nil when nothing was).
    let filterNote: String?

    static func == (a: TimelineScene, b: TimelineScene) -> Bool { a.items == b.items && a.messages == b.messages }

    package static func build(_ sim: Simulation, filter: TimelineFilter = TimelineFilter(), anomalies: [Anomaly] = []) -> TimelineScene {
        let trace = sim.trace
        let entries = trace.entries
        let attribution = Attribution(trace)
        let history = sim.history
        var messages: [Message] = []
        var messageIndex: [MessageID: Int] = [:]
        var items: [Item] = []
        var crashes: [(lane: Address, span: Span)] = []
        var openCrash: [Address: UInt32] = [:]
        var partitions: [(groups: [[Address]], span: Span)] = []
        var openPartition: (groups: [[Address]], from: UInt32)? = nil
        var commands: [Command] = []
        var commandStart: (text: String, index: Int)? = nil
        func closeCommand(at end: Int) {
            guard let start = commandStart else { return }
            var low: UInt32? = nil
            var high: UInt32 = 0
            for entry in entries[(start.index + 1)..<end] where entry.step > 0 {
                low = min(low ?? entry.step, entry.step)
                high = max(high, entry.step)
            }
            commands.append(Command(text: start.text, steps: low.map { $0...high }, entries: start.index..<end))
            commandStart = nil
        }
        // Anomalies by the step they became true at.
        var anomalyAt: [UInt32: [Anomaly]] = [:]
        var anomaliesAtEnd: [Anomaly] = []
        for (anomaly, step) in zip(anomalies, AnomalyPlacement.steps(of: anomalies, sim: sim)) {
            if let step, step > 0 {
                anomalyAt[step, default: []].append(anomaly)
            } else {
                anomaliesAtEnd.append(anomaly)
            }
        }
        func anomalyItem(_ anomaly: Anomaly, step: UInt32, time: UInt64) -> Item {
            var lanes: [Address] = []
            if let op = anomaly.ops.first, op >= 1, op <= history.count {
                lanes = [history[op - 1].client]
            } else {
                lanes = sim.primaries(for: anomaly.key).sorted()
            }
            return Item(
                step: step, time: time, lanes: lanes, kind: .anomaly,
                text: "check: \(anomaly.kind.rawValue) on \(anomaly.key): \(anomaly.detail)",
                op: anomaly.ops.first ?? 0, key: anomaly.key)
        }
        for (index, entry) in entries.enumerated() {
            let op = attribution.entryOp[index]
            switch entry.event {
            case .command(let text):
                closeCommand(at: index)
                commandStart = (text, index)
            case .sent(let id, let from, let to, let sentMessage):
                let label = sentMessage.label
                let kind = sentMessage.kind
                var sendStep = entry.step
                var sendTime = entry.time
                let copyOf = TimelineModel.copyOrigin(id, trace: trace)
                if let copyOf, let original = messageIndex[copyOf] {
                    sendStep = messages[original].sendStep
                    sendTime = messages[original].sendTime
                }
                messageIndex[id] = messages.count
                messages.append(
                    Message(
                        id: id, from: from, to: to, kind: kind, label: label, sendStep: sendStep, sendTime: sendTime, endStep: nil,
                        endTime: nil,
                        fate: .inFlight, copyOf: copyOf, op: attribution.op(of: id)))
            case .delivered(let id), .dropped(let id, _):
                guard let at = messageIndex[id] else { break }
                var fate = Fate.delivered
                if case .dropped(_, let reason) = entry.event { fate = reason == .receiverCrashed ? .receiverCrashed : .dropped }
                messages[at].endStep = entry.step
                messages[at].endTime = entry.time
                messages[at].fate = fate
                let m = messages[at]
                var text =
                    "\(m.id) \(m.from.name)→\(m.to.name) \(m.label) (sent \(m.sendStep)" + (m.copyOf.map { ", copy of \($0)" } ?? "") + ")"
                switch fate {
                case .dropped: text += " LOST: dropped"
                case .receiverCrashed: text += " LOST: \(m.to.name) is crashed"
                case .delivered, .inFlight: break
                }
                items.append(
                    Item(
                        step: entry.step, time: entry.time, lanes: [m.to], kind: fate == .delivered ? .delivered(id) : .lost(id),
                        text: text,
                        op: m.op))
            case .opStarted(let number, let client, let text):
                items.append(
                    Item(
                        step: entry.step, time: entry.time, lanes: [client], kind: .opStarted, text: "op \(number): \(client.name) \(text)",
                        op: number))
            case .opCompleted(let number, let client, let ok, let text):
                items.append(
                    Item(
                        step: entry.step, time: entry.time, lanes: [client], kind: .opCompleted(ok: ok), text: "op \(number) ⇒ \(text)",
                        op: number))
            case .note(let node, let note):
                let kind = note.kind
                let text = note.text(at: node)
                items.append(
                    Item(
                        step: entry.step, time: entry.time, lanes: [node], kind: .note(kind),
                        text: "\(node.name): \(text)" + (op > 0 ? " (op \(op))" : ""), op: op))
            case .crashed(let node):
                openCrash[node] = entry.step
                items.append(Item(step: entry.step, time: entry.time, lanes: [node], kind: .crashed, text: "\(node.name) crashed", op: 0))
            case .recovered(let node):
                crashes.append((node, Span(from: openCrash[node] ?? 0, to: entry.step)))
                openCrash[node] = nil
                items.append(
                    Item(
                        step: entry.step, time: entry.time, lanes: [node], kind: .recovered,
                        text: "\(node.name) recovered with the state it had", op: 0))
            case .partitioned(let groups):
                if let open = openPartition { partitions.append((open.groups, Span(from: open.from, to: entry.step))) }
                openPartition = (groups, entry.step)
                items.append(
                    Item(
                        step: entry.step, time: entry.time, lanes: [], kind: .partitioned,
                        text: "partition " + TimelineModel.describe(groups, bar: "|") + ": links between the groups are cut", op: 0))
            case .healed:
                if let open = openPartition { partitions.append((open.groups, Span(from: open.from, to: entry.step))) }
                openPartition = nil
                items.append(
                    Item(step: entry.step, time: entry.time, lanes: [], kind: .healed, text: "healed: every link works again", op: 0))
            case .duplicated, .ticked, .cluster: break
            }
            // A step's anomalies go after its last entry.
            let lastOfStep = index + 1 == entries.count || entries[index + 1].step != entry.step
            if lastOfStep, let found = anomalyAt.removeValue(forKey: entry.step) {
                for anomaly in found { items.append(anomalyItem(anomaly, step: entry.step, time: entry.time)) }
            }
        }
        closeCommand(at: entries.count)
        for anomaly in anomaliesAtEnd { items.append(anomalyItem(anomaly, step: sim.step, time: sim.now)) }
        for (node, from) in openCrash.sorted(by: { $0.key < $1.key }) { crashes.append((node, Span(from: from, to: nil))) }
        if let open = openPartition { partitions.append((open.groups, Span(from: open.from, to: nil))) }

        // Filters: step, key and operation first, then the last N rows.
        var shown = items.filter { item in
            switch item.kind {
            case .crashed, .recovered, .partitioned, .healed:
                // Faults are the background of every filtered view; only steps= leaves them out.
                return filter.steps.map { $0.contains(item.step) } ?? true
            case .anomaly:
                if let steps = filter.steps, !steps.contains(item.step) { return false }
                if let op = filter.op, item.op != op { return false }
                if let key = filter.key, item.key != key { return false }
                return true
            default:
                return filter.admits(step: item.step, op: item.op, text: item.text, history: history)
            }
        }
        var dropped = items.count - shown.count
        if let last = filter.last, shown.count > last {
            dropped += shown.count - last
            shown.removeFirst(shown.count - last)
        }
        let firstShown = shown.first?.step ?? 0
        let endedShown = Set(
            shown.compactMap { item -> MessageID? in
                switch item.kind {
                case .delivered(let id), .lost(let id): return id
                default: return nil
                }
            })
        var shownMessages = messages.filter { endedShown.contains($0.id) }
        // Messages still in flight are shown when their send is.
        let inFlight = messages.filter {
            $0.fate == .inFlight && filter.admits(step: $0.sendStep, op: $0.op, text: $0.label, history: history)
                && $0.sendStep >= firstShown
        }
        shownMessages += inFlight
        shownMessages.sort { $0.id < $1.id }
        var stepSet = Set(shown.map(\.step))
        var times: [UInt32: UInt64] = [:]
        for item in shown { times[item.step] = item.time }
        for message in shownMessages where message.sendStep >= firstShown || shown.isEmpty {
            stepSet.insert(message.sendStep)
            if times[message.sendStep] == nil { times[message.sendStep] = message.sendTime }
        }
        let participants = sim.knownClients + sim.replicaAddresses
        var note: String? = nil
        if !filter.isEmpty {
            note = "filter \(filter.description): \(shown.count) of \(items.count) rows shown"
        } else if dropped > 0 {
            note = "\(dropped) rows not shown"
        }
        return TimelineScene(
            title: "replab timeline · \(sim.model.summary)", summary: sim.model.summary, lanes: participants, messages: shownMessages,
            items: shown, crashes: crashes, partitions: partitions, commands: commands, steps: stepSet.sorted(), times: times,
            now: sim.now, step: sim.step, filterNote: note)
    }
}
