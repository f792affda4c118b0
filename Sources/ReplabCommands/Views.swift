import ReplabKernel
import ReplabModels

/// The ASCII views. Each is a pure function of the recorded trace and state: it returns text
/// and prints nothing.
public enum Views {
    static func pad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in index == row.count - 1 ? cell : pad(cell, widths[index]) }
                .joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n")
    }

    public static func clusterIntro(_ sim: Simulation) -> String {
        switch sim.model {
        case .leaderless: break
        case .singleLeader(let c):
            let followers = sim.replicaAddresses.dropFirst().map(\.name)
            return "replicas: A leads; \(followers.joined(separator: " ")) follow"
                + (c.sync > 0 ? " (\(followers.prefix(c.sync).joined(separator: " ")) synchronously)" : " (asynchronously)")
                + "\nwrites go to the leader; reads may go to any node (get KEY via NODE)"
        case .multiLeader(let c):
            let homes = "c1 writes to A, c2 to B, …"
            var how: String
            switch c.topology {
            case .allToAll: how = "every leader sends its writes to every other leader"
            case .star: how = "leaders send to the hub A, which forwards to the others"
            case .ring:
                how =
                    "each leader forwards to the next: "
                    + (sim.replicaAddresses + [sim.replicaAddresses[0]]).map(\.name).joined(separator: "->")
            }
            return "leaders: \(sim.replicaAddresses.map(\.name).joined(separator: " ")); every one accepts writes (\(homes))\n\(how)"
        }
        var lines = [
            "replicas: \(sim.replicaAddresses.map(\.name).joined(separator: " ")); clients appear when a command names them (default c1)"
        ]
        let c = sim.config
        let overlap = c.w + c.r > c.n
        lines.append(
            "quorums: w + r = \(c.w + c.r) \(overlap ? ">" : "≤") n = \(c.n): "
                + (overlap ? "every read quorum overlaps every write quorum" : "a read may miss the latest acknowledged write"))
        return lines.joined(separator: "\n")
    }

    // MARK: messages

    public static func messages(_ sim: Simulation) -> String {
        let flight = sim.inFlight
        if flight.isEmpty { return "no messages in flight" }
        var rows = [["id", "link", "kind", "carries", "sent", ""]]
        for envelope in flight {
            let status =
                sim.blockedReason(envelope).map { "held: \($0)" }
                ?? (sim.faults.isCrashed(envelope.to) ? "receiver crashed: will be lost" : "")
            rows.append([
                envelope.id.description, "\(envelope.from.name)->\(envelope.to.name)", envelope.payload.kind, envelope.payload.label,
                "step \(envelope.sentStep)", status,
            ])
        }
        return "\(flight.count) message(s) in flight, in delivery order:\n" + table(rows)
    }

    // MARK: state

    static func versionText(_ version: Version, now: UInt64) -> String {
        if version.isTombstone { return "tombstone \(version.label) age \(now - version.writtenAt)" }
        return "\(version.valueText) \(version.label)"
    }

    /// Leader-based replication state: roles, log positions, buffers.
    static func replicationSummary(_ sim: Simulation) -> [String] {
        switch sim.model {
        case .leaderless:
            return []
        case .singleLeader:
            return sim.replicaAddresses.map { node in
                let state = sim.replicas[node.replicaIndex].replication
                let crashed = sim.faults.isCrashed(node) ? ", crashed" : ""
                return "\(node.name): \(sim.role(of: node).name), log at #\(state.log.count)\(crashed)"
            }
        case .multiLeader(let c):
            return sim.replicaAddresses.map { node in
                let state = sim.replicas[node.replicaIndex].replication
                var line = "\(node.name): \(sim.role(of: node).name), has applied \(state.applied)"
                if c.causal || !state.buffer.isEmpty {
                    line +=
                        state.buffer.isEmpty
                        ? ", nothing buffered"
                        : ", buffered: " + state.buffer.map { "\($0.text) from \($0.origin.name)" }.joined(separator: "; ")
                }
                return line + (sim.faults.isCrashed(node) ? ", crashed" : "")
            }
        }
    }

    public static func state(_ sim: Simulation, key: String?) -> String {
        let keys = key.map { [$0] } ?? (sim.replicas.flatMap(\.keys) + hintedKeys(sim)).uniqueSorted
        let summary = replicationSummary(sim)
        if keys.isEmpty {
            return (summary + ["no replica holds any key yet (time t\(sim.now))"]).joined(separator: "\n")
        }
        var out: [String] = summary
        for key in keys {
            let primaries = sim.primaries(for: key)
            var rows: [[String]] = []
            var distinct = Set<[Dot]>()
            for (index, replica) in sim.replicas.enumerated() {
                let node = Address.replica(index)
                let versions = replica.store[key] ?? []
                let isPrimary = primaries.contains(node)
                if versions.isEmpty && !isPrimary { continue }
                if isPrimary { distinct.insert(versions.map(\.dot)) }
                var cells = versions.map { versionText($0, now: sim.now) }
                if cells.isEmpty { cells = ["(nothing)"] }
                var flags: [String] = []
                if versions.filter({ !$0.isTombstone }).count > 1 || versions.count > 1 { flags.append("\(versions.count) siblings") }
                if sim.faults.isCrashed(node) { flags.append("crashed") }
                if !isPrimary { flags.append("not a primary") }
                rows.append(["  \(node.name)", cells.joined(separator: " | "), flags.joined(separator: ", ")])
            }
            let diverge = distinct.count > 1 ? "  <-- replicas disagree" : ""
            out.append(
                (sim.model.isLeaderless ? "\(key)  (primaries \(primaries.map(\.name).joined(separator: " ")))" : key) + diverge)
            out.append(table(rows))
            out += hintLines(sim, key: key)
        }
        return out.joined(separator: "\n")
    }

    public static func stateJSON(_ sim: Simulation, key: String?) -> JSON {
        .object(
            sim.replicas.enumerated().map { index, replica in
                let keys = key.map { k in replica.store[k] == nil ? [] : [k] } ?? replica.keys
                return (
                    Address.replica(index).name,
                    .object(
                        keys.map { k in
                            let versions = replica.store[k] ?? []
                            let live = versions.compactMap { $0.value?.text }.sorted()
                            return (
                                k,
                                .object([
                                    ("values", .array(live.map(JSON.string))),
                                    ("tombstone", .bool(versions.contains { $0.isTombstone })),
                                    ("version", vectorJSON(VersionMerge.context(of: versions))),
                                    (
                                        "siblings",
                                        .array(
                                            versions.map {
                                                .object([
                                                    ("value", $0.value.map { .string($0.text) } ?? .null),
                                                    ("dot", .string($0.dot.description)), ("version", vectorJSON($0.clock)),
                                                    ("timestamp", .int(Int($0.timestamp))),
                                                ])
                                            }),
                                    ),
                                ])
                            )
                        })
                )
            })
    }

    static func vectorJSON(_ vector: VersionVector) -> JSON {
        .object(vector.entries.map { ($0.node.name, .int(Int($0.counter))) })
    }

    // MARK: history

    public static func history(_ sim: Simulation) -> String {
        if sim.history.isEmpty { return "no client operations yet" }
        var rows = [["op", "client", "operation", "started", "ended", "result"]]
        for record in sim.history {
            let started = "step \(record.startStep) t\(record.startTime)"
            let ended = record.endStep.map { "step \($0) t\(record.endTime ?? 0)" } ?? "-"
            var result: String
            switch record.outcome {
            case .pending: result = "pending: " + (sim.progress(of: record.op) ?? "waiting")
            case .failed(let reason): result = "FAILED: \(reason)"
            case .ok:
                if record.kind == .get {
                    let live = record.read.filter { !$0.isTombstone }
                    result = live.isEmpty ? "not found" : live.map { "\($0.valueText) \($0.label)" }.joined(separator: " | ")
                } else {
                    result = "ok" + (record.written.map { " \($0.label)" } ?? "")
                }
            }
            let text = record.text + (record.via.map { " via \($0.name)" } ?? "") + (record.blind ? " blind" : "")
            rows.append(["\(record.op)", record.client.name, text, started, ended, result])
        }
        return table(rows)
    }

    // MARK: topology

    public static func topology(_ sim: Simulation) -> String {
        var lines = ["\(sim.model.name) cluster: \(sim.model.summary.dropFirst(sim.model.name.count + 1))"]
        let clients = sim.knownClients
        if sim.model.isLeaderless {
            let replicas = sim.replicaAddresses.map { node in
                node.name + (sim.faults.isCrashed(node) ? " (crashed)" : "")
            }
            lines.append("replicas: " + replicas.joined(separator: "  ") + "   (leaderless: every replica accepts reads and writes)")
            lines.append("clients:  " + (clients.isEmpty ? "(none yet)" : clients.map(\.name).joined(separator: "  ")))
            lines.append(
                sim.config.coordinator == .client
                    ? "links:    each client sends to the n=\(sim.config.n) replicas of a key and collects their replies"
                    : "links:    each client asks one coordinator node, which forwards to the key's n=\(sim.config.n) replicas")
        } else {
            for node in sim.replicaAddresses {
                lines.append("  \(node.name)  \(sim.role(of: node).name)" + (sim.faults.isCrashed(node) ? "  (crashed)" : ""))
            }
            lines.append("clients:  " + (clients.isEmpty ? "(none yet)" : clients.map(\.name).joined(separator: "  ")))
            let replication = sim.modelLinks.filter { $0.from.isReplica && $0.to.isReplica }
            lines.append("links:    " + replication.map { "\($0.from.name)->\($0.to.name)" }.joined(separator: " "))
        }
        if sim.faults.isPartitioned {
            lines.append(
                "partition: " + sim.faults.groups.map { "{" + $0.map(\.name).joined(separator: " ") + "}" }.joined(separator: " | "))
            var cut: [String] = []
            let everyone = sim.replicaAddresses + clients
            for (i, a) in everyone.enumerated() {
                for b in everyone[(i + 1)...] where sim.faults.isCut(a, b) { cut.append("\(a.name)-\(b.name)") }
            }
            lines.append("cut links: " + cut.joined(separator: " "))
        }
        var counts: [String: Int] = [:]
        for envelope in sim.inFlight { counts["\(envelope.from.name)->\(envelope.to.name)", default: 0] += 1 }
        if !counts.isEmpty {
            lines.append("in flight: " + counts.keys.sorted().map { "\($0) \(counts[$0]!)" }.joined(separator: ", "))
        }
        lines.append("time t\(sim.now), step \(sim.step)")
        return lines.joined(separator: "\n")
    }

    // MARK: check

    public static func anomalies(_ anomalies: [Anomaly]) -> String {
        if anomalies.isEmpty { return "no anomalies found" }
        return "\(anomalies.count) anomal\(anomalies.count == 1 ? "y" : "ies"):\n"
            + anomalies.map { "- \($0.kind.rawValue) on \($0.key): \($0.detail)" }.joined(separator: "\n")
    }

    // MARK: timeline

    /// A Lamport diagram: one column per participant, time flowing down, one row per delivered,
    /// dropped or duplicated message, operation start and end, state note and fault.
    public static func timeline(_ sim: Simulation, last: Int?) -> String {
        let participants = sim.knownClients + sim.replicaAddresses
        let columnWidth = 5
        var position: [Address: Int] = [:]
        for (index, participant) in participants.enumerated() { position[participant] = index * columnWidth + 2 }
        let width = participants.count * columnWidth
        func lifelines() -> [Character] {
            var line = Array(repeating: Character(" "), count: width)
            for participant in participants { line[position[participant]!] = "|" }
            return line
        }
        var rows: [(step: UInt32, line: String)] = []
        func add(_ step: UInt32, _ diagram: [Character], _ label: String) {
            rows.append((step, String(diagram).trimmingTrailingSpaces.padded(to: width) + "  " + label))
        }
        for entry in sim.trace.entries {
            switch entry.event {
            case .delivered(let id), .dropped(let id, _):
                guard let sent = sim.trace.sentEntry(id), case .sent(_, let from, let to, _, let label) = sent.event,
                    let a = position[from], let b = position[to]
                else { continue }
                var line = lifelines()
                var dropped = false
                if case .dropped = entry.event { dropped = true }
                if a < b {
                    for i in (a + 1)..<b { line[i] = "-" }
                    line[b - 1] = dropped ? "x" : ">"
                } else if a > b {
                    for i in (b + 1)..<a { line[i] = "-" }
                    line[b + 1] = dropped ? "x" : "<"
                }
                let when = sent.step == entry.step ? "" : " (sent \(sent.step))"
                add(entry.step, line, "\(id)\(when) \(label)" + (dropped ? "  LOST" : ""))
            case .opStarted(let op, let client, let text):
                guard let p = position[client] else { continue }
                var line = lifelines()
                line[p] = "*"
                add(entry.step, line, "op \(op) starts: \(text)")
            case .opCompleted(let op, let client, let ok, let text):
                guard let p = position[client] else { continue }
                var line = lifelines()
                line[p] = ok ? "#" : "!"
                add(
                    entry.step, line,
                    "op \(op) \(ok ? "done" : "failed"): \(text.split(separator: ":", maxSplits: 1).last.map { String($0).trimmingWhitespace } ?? text)"
                )
            case .note(let node, _, let text):
                guard let p = position[node] else { continue }
                var line = lifelines()
                line[p] = "o"
                add(entry.step, line, "\(node.name): \(text)")
            case .duplicated(let original, let copy):
                add(entry.step, lifelines(), "\(original) duplicated as \(copy)")
            case .partitioned(let groups):
                add(
                    entry.step, lifelines(),
                    "== partition \(groups.map { $0.map(\.name).joined(separator: " ") }.joined(separator: " | ")) ==")
            case .healed:
                add(entry.step, lifelines(), "== healed ==")
            case .crashed(let node):
                var line = lifelines()
                if let p = position[node] { line[p] = "X" }
                add(entry.step, line, "\(node.name) crashed")
            case .recovered(let node):
                add(entry.step, lifelines(), "\(node.name) recovered")
            case .ticked(let time):
                add(entry.step, lifelines(), "-- t\(time) --")
            case .sent, .command, .cluster:
                continue
            }
        }
        let shown = last.map { Array(rows.suffix($0)) } ?? rows
        var header = Array(repeating: Character(" "), count: width)
        for participant in participants {
            let name = Array(participant.name)
            let start = max(0, position[participant]! - (name.count - 1) / 2)
            for (offset, character) in name.enumerated() where start + offset < width { header[start + offset] = character }
        }
        var lines = ["step  " + String(header).trimmingTrailingSpaces]
        if shown.isEmpty { lines.append("      (nothing has happened yet)") }
        if let last, rows.count > last { lines.append("      … \(rows.count - last) earlier row(s) not shown") }
        for row in shown { lines.append(String(row.step).leftPadded(to: 4) + "  " + row.line) }
        let flight = sim.inFlight
        if !flight.isEmpty {
            lines.append("in flight:")
            for envelope in flight {
                let held = sim.isDeliverable(envelope) ? "" : "  (held: link cut)"
                lines.append(
                    "      \(envelope.id) \(envelope.from.name)->\(envelope.to.name) (sent \(envelope.sentStep)) \(envelope.payload.label)\(held)"
                )
            }
        }
        lines.append("legend: * op starts  # op done  ! op failed  o state change  -> delivered  x lost  X crash")
        return lines.joined(separator: "\n")
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }

    func padded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

extension Array where Element == String {
    var uniqueSorted: [String] { Array(Set(self)).sorted() }
}
