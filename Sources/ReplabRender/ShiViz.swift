import ReplabKernel
import ReplabModels

/// `export timeline FILE.shiviz`: the trace as a log ShiViz (the distributed-systems log
/// visualizer, https://bestchai.bitbucket.io/shiviz/) opens.
///
/// The file starts the way ShiViz reads an uploaded log: the parsing regular expression on the
/// first line, an empty second line (no delimiter between executions: the file is one
/// execution), then one line per event:
///
///     (?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)
///
///     c1 {"c1":1} op 1 starts: put x=5
///     c1 {"c1":2} send m1 to A: write x=5 {c1:1}
///     A {"A":1,"c1":2} receive m1 from c1: write x=5 {c1:1}
///
/// Each event's clock is its process's vector clock of happens-before (message causality, not
/// the data's version vectors): a process ticks its own entry at each event, a send stamps the
/// message with the sender's clock, a receive takes the entry-wise maximum with the message's
/// stamp and then ticks. Events are an operation's start and end (at its client), a send, a
/// receive, a state note, a crash and a recovery. A duplicate carries its original's stamp; a
/// lost message is a send with no receive (ShiViz draws it without an arrow). Partitions,
/// heals and ticks are not events of any process and are left out.
package enum ShiViz {
    static let regex = #"(?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)"#

    package static func render(_ sim: Simulation, filter: TimelineFilter = TimelineFilter()) -> String {
        let trace = sim.trace
        let kept = keptEntries(sim, filter: filter)
        var clocks: [Address: [Address: Int]] = [:]
        var stamps: [MessageID: [Address: Int]] = [:]
        var lines = [regex, ""]
        func event(_ host: Address, _ text: String, merging stamp: [Address: Int]? = nil) -> [Address: Int] {
            var clock = clocks[host] ?? [:]
            if let stamp { for (process, count) in stamp { clock[process] = max(clock[process] ?? 0, count) } }
            clock[host, default: 0] += 1
            clocks[host] = clock
            let json = clock.sorted { $0.key < $1.key }.map { "\"\($0.key.name)\":\($0.value)" }.joined(separator: ",")
            lines.append("\(host.name) {\(json)} " + oneLine(text))
            return clock
        }
        for index in kept {
            let entry = trace.entries[index]
            switch entry.event {
            case .sent(let id, let from, let to, let sentMessage):
                let label = sentMessage.label
                // A duplicate's copy is recorded as sent right before `duplicated`: it is no new send.
                if index + 1 < trace.entries.count, case .duplicated(_, let copy) = trace.entries[index + 1].event, copy == id { continue }
                stamps[id] = event(from, "send \(id) to \(to.name): \(label)")
            case .duplicated(let original, let copy):
                stamps[copy] = stamps[original] ?? [:]
            case .delivered(let id):
                guard let sent = trace.sentEntry(id), case .sent(_, let from, let to, let sentMessage) = sent.event else { continue }
                let label = sentMessage.label
                // A send a filter left out stamps nothing: the log keeps only the causality it shows.
                _ = event(to, "receive \(id) from \(from.name): \(label)", merging: stamps[id] ?? [:])
            case .opStarted(let op, let client, let text): _ = event(client, "op \(op) starts: \(text)")
            case .opCompleted(let op, let client, _, let text): _ = event(client, "op \(op) ends: \(text)")
            case .note(let node, let note): _ = event(node, "\(note.kind): \(note.text(at: node))")
            case .crashed(let node): _ = event(node, "crashed")
            case .recovered(let node): _ = event(node, "recovered with the state it had")
            case .dropped, .partitioned, .healed, .ticked, .command, .cluster: break
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The indices of the trace entries that become events, in order: every one, or with a
    /// filter those it admits (`steps=`, `key=`, `op=` as in every timeline), then the last N of
    /// them for `last=N`. Vector clocks are computed over these alone, so a filtered log is a
    /// consistent log of what it shows: a message whose send was left out stamps nothing.
    static func keptEntries(_ sim: Simulation, filter: TimelineFilter) -> [Int] {
        let trace = sim.trace
        let attribution = filter.needsAttribution ? Attribution(trace) : nil
        var kept: [Int] = []
        for (index, entry) in trace.entries.enumerated() {
            let text: String
            switch entry.event {
            case .sent(_, _, _, let sentMessage): text = sentMessage.label
            case .delivered(let id):
                guard let sent = trace.sentEntry(id), case .sent(_, _, _, let sentMessage) = sent.event else { continue }
                let label = sentMessage.label
                text = label
            case .duplicated: text = ""
            case .opStarted(_, _, let words), .opCompleted(_, _, _, let words): text = words
            case .note(let node, let note): text = note.text(at: node)
            case .crashed, .recovered: text = ""
            case .dropped, .partitioned, .healed, .ticked, .command, .cluster: continue
            }
            if let attribution,
                !filter.admits(step: entry.step, op: attribution.entryOp[index], text: text, history: sim.history)
            {
                continue
            }
            kept.append(index)
        }
        if let last = filter.last, kept.count > last {
            // Count events, not entries: a duplicate (its copy's `sent` and the `duplicated`
            // after it) writes no line of its own.
            var events = 0
            var first = kept.count
            while first > 0 && events < last {
                first -= 1
                if writesLine(kept[first], trace) { events += 1 }
            }
            kept.removeFirst(first)
        }
        return kept
    }

    static func writesLine(_ index: Int, _ trace: Trace<Message, Note>) -> Bool {
        switch trace.entries[index].event {
        case .duplicated: return false
        case .sent(let id, _, _, _):
            guard index + 1 < trace.entries.count, case .duplicated(_, let copy) = trace.entries[index + 1].event else { return true }
            return copy != id
        default: return true
        }
    }

    /// An event is one line: line breaks and control characters become spaces.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}
