import ReplabKernel
import ReplabModels

/// The ASCII views. Each is a pure function of the recorded trace and state: it returns text
/// and prints nothing.
public enum Views {
    static func pad(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    /// Columns padded to their widest cell; the last column wraps to fit `width`, its
    /// continuation lines starting under it.
    static func table(_ rows: [[String]], width: Int = ViewStyle.defaultWidth) -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count - 1 {
                widths[index] = max(widths[index], displayWidth(cell))
            }
        }
        var lines: [String] = []
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() where index < row.count - 1 { line += padRight(cell, widths[index]) + "  " }
            let start = displayWidth(line)
            let last = row.last ?? ""
            let room = width - start
            if room >= 16 {
                let pieces = wrap(last, width: room)
                lines.append((line + pieces[0]).trimmingTrailingSpaces)
                for piece in pieces.dropFirst() { lines.append(String(repeating: " ", count: start) + piece) }
            } else {
                lines.append((line + last).trimmingTrailingSpaces)
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func clusterIntro(_ sim: Simulation, style: ViewStyle = .standard) -> String {
        switch sim.model {
        case .leaderless: break
        case .singleLeader(let c):
            let followers = sim.replicaAddresses.dropFirst().map(\.name)
            return "replicas: A leads; \(followers.joined(separator: " ")) follow"
                + (c.sync > 0 ? " (\(followers.prefix(c.sync).joined(separator: " ")) synchronously)" : " (asynchronously)")
                + "\nwrites go to the leader; reads may go to any node (get KEY via NODE)"
        case .multiLeader(let c):
            let homes = "c1 writes to A, c2 to B, and so on"
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
            "quorums: w + r = \(c.w + c.r) \(overlap ? ">" : (style.unicode ? "≤" : "<=")) n = \(c.n): "
                + (overlap ? "every read quorum overlaps every write quorum" : "a read may miss the latest acknowledged write"))
        return lines.joined(separator: "\n")
    }

    // MARK: messages

    public static func messages(_ sim: Simulation, style: ViewStyle = .standard) -> String {
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
        return "\(flight.count) message(s) in flight, in delivery order:\n" + table(rows, width: style.width)
    }

    // MARK: state

    /// Hints each node holds for others (hinted handoff). The place where the model's hints
    /// enter the state view: nothing until the leaderless model keeps hints.
    static func hints(_ sim: Simulation) -> [HintRow] {
        var rows: [HintRow] = []
        for node in sim.replicaAddresses {
            for hint in sim.hints(at: node) {
                rows.append(HintRow(holder: node, intendedFor: hint.owner, key: hint.key, versions: hint.versions))
            }
        }
        return rows.sorted { ($0.key, $0.holder, $0.intendedFor) < ($1.key, $1.holder, $1.intendedFor) }
    }

    /// Leader-based replication state: roles, log positions, buffers.
    static func replicationSummary(_ sim: Simulation) -> [String] {
        switch sim.model {
        case .leaderless:
            return []
        case .singleLeader:
            return sim.replicaAddresses.map { node in
                let state = sim.replication(at: node)
                let crashed = sim.faults.isCrashed(node) ? ", crashed" : ""
                return "\(node.name): \(sim.role(of: node).name), log at #\(state.log.count)\(crashed)"
            }
        case .multiLeader(let c):
            return sim.replicaAddresses.map { node in
                let state = sim.replication(at: node)
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

    public static func state(_ sim: Simulation, key: String?, style: ViewStyle = .standard) -> String {
        let table = StateText.render(StateModel.build(sim, key: key, hints: hints(sim)), style: style)
        return (replicationSummary(sim) + [table]).joined(separator: "\n")
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
                                    ("version", keyVersionJSON(versions)),
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

    /// A version vector: one counter per writer, and under `"seen"` the single events it holds
    /// beyond them (`c1:3` seen without `c1:2`), so no event is lost.
    static func vectorJSON(_ vector: VersionVector) -> JSON {
        var pairs: [(String, JSON)] = vector.entries.map { ($0.node.name, .int(Int($0.counter))) }
        if !vector.extra.isEmpty { pairs.append(("seen", .array(vector.extra.map { .string($0.description) }))) }
        return .object(pairs)
    }

    /// A key's whole causal context on one replica: the merge of its versions' clocks, and under
    /// `"dots"` the events of the versions it holds. Two replicas holding different versions never
    /// print the same: siblings `A:1`, `B:1` and one version `B:1` after `{A:1}` share the merged
    /// clock `{A:1, B:1}` but not their dots.
    static func keyVersionJSON(_ versions: [Version]) -> JSON {
        guard case .object(var pairs) = vectorJSON(VersionMerge.context(of: versions)) else { return .null }
        pairs.append(("dots", .array(versions.map(\.dot).sorted().map { .string($0.description) })))
        return .object(pairs)
    }

    // MARK: history

    public static func history(_ sim: Simulation, style: ViewStyle = .standard) -> String {
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
        return table(rows, width: style.width)
    }

    // MARK: topology

    public static func topology(_ sim: Simulation, style: ViewStyle = .standard) -> String {
        TopologyText.render(TopologyModel.build(sim), style: style)
    }

    public static func topologyMermaid(_ sim: Simulation, title: String? = nil, theme: ExportTheme? = nil) -> String {
        if sim.model.isLeaderless { return LeaderlessTopologyMermaid.render(sim, TopologyModel.build(sim), title: title, theme: theme) }
        return TopologyMermaid.render(TopologyModel.build(sim), title: title, theme: theme)
    }

    // MARK: check

    public static func anomalies(_ anomalies: [Anomaly], style: ViewStyle = .standard) -> String {
        if anomalies.isEmpty { return "no anomalies found" }
        var lines = ["\(anomalies.count) anomal\(anomalies.count == 1 ? "y" : "ies"):"]
        for anomaly in anomalies {
            var line = StyledLine("- ")
            line.append("\(anomaly.kind.rawValue) on \(anomaly.key)", .anomaly)
            line.append(": " + anomaly.detail)
            lines += TopologyText.wrapLine(line, style.width, indent: 2).map { $0.render(style) }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: timeline

    /// A Lamport diagram of the last `last` rows (all when nil): one column per participant,
    /// time flowing down. `anomalies` are what `check` finds (nil: not run).
    public static func timeline(
        _ sim: Simulation, last: Int?, style: ViewStyle = .standard, anomalies: [Anomaly]? = nil, anomalyNote: String? = nil,
        filter: TimelineFilter = TimelineFilter()
    ) -> String {
        TimelineText.render(
            TimelineModel.build(sim, last: last, anomalies: anomalies, anomalyNote: anomalyNote, filter: filter), sim: sim, style: style)
    }

    public static func timelineMermaid(
        _ sim: Simulation, last: Int?, anomalies: [Anomaly]? = nil, anomalyNote: String? = nil, filter: TimelineFilter = TimelineFilter(),
        theme: ExportTheme? = nil, title: String? = nil
    ) -> String {
        TimelineMermaid.render(sim, last: last, anomalies: anomalies, anomalyNote: anomalyNote, filter: filter, theme: theme, title: title)
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }

    package func padded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

extension Array where Element == String {
    var uniqueSorted: [String] { Array(Set(self)).sorted() }
}
