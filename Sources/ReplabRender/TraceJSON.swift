import ReplabKernel
import ReplabModels

/// The full recorded trace as JSON (`export timeline|session FILE.json`), in the format that
/// `docs/trace-format.md` documents. One top-level member per line and one event per line, so
/// the file reads well in a diff and with `grep`; keys come in a fixed order, never from a
/// hash table, so the same session always writes the same bytes.
package enum TraceJSON {
    static let formatName = "replab-trace"
    static let formatVersion = 1

    package static func render(_ sim: Simulation, script: [String], seed: UInt64, anomalies: [Anomaly]) -> String {
        var members: [(String, String)] = []
        members.append(("format", JSON.string(formatName).text))
        members.append(("version", JSON.int(formatVersion).text))
        // Which replab wrote it (the format's version above is what readers depend on).
        members.append(("replab", JSON.string(About.version).text))
        members.append(
            (
                "cluster",
                JSON.object([
                    ("model", .string(sim.model.name)), ("summary", .string(sim.model.summary)),
                    ("replicas", .array(sim.replicaAddresses.map { .string($0.name) })),
                    ("clients", .array(sim.knownClients.map { .string($0.name) })),
                ]).text
            ))
        members.append(("seed", JSON.string(String(seed)).text))
        members.append(("now", JSON.int(Int(sim.now)).text))
        members.append(("step", JSON.int(Int(sim.step)).text))
        members.append(("script", "[\n" + script.map { "  " + JSON.string($0).text }.joined(separator: ",\n") + "\n]"))
        var events: [String] = []
        events.reserveCapacity(sim.trace.count)
        for entry in sim.trace.entries { events.append("  " + event(entry).text) }
        members.append(("events", "[\n" + events.joined(separator: ",\n") + "\n]"))
        members.append(
            (
                "faults",
                JSON.object([
                    ("partition", .array(sim.faults.groups.map { .array($0.map { .string($0.name) }) })),
                    ("crashed", .array(sim.faults.crashed.map { .string($0.name) })),
                ]).text
            ))
        members.append(
            (
                "in_flight",
                "["
                    + sim.inFlight.map { envelope in
                        "\n  "
                            + JSON.object([
                                ("id", .string(envelope.id.description)), ("from", .string(envelope.from.name)),
                                ("to", .string(envelope.to.name)), ("kind", .string(envelope.payload.kind)),
                                ("label", .string(envelope.payload.label)), ("sent_step", .int(Int(envelope.sentStep))),
                                ("sent_time", .int(Int(envelope.sentAt))), ("deliverable", .bool(sim.isDeliverable(envelope))),
                            ]).text
                    }.joined(separator: ",") + (sim.inFlight.isEmpty ? "]" : "\n]")
            ))
        members.append(
            ("history", "[" + sim.history.map { "\n  " + operation($0).text }.joined(separator: ",") + (sim.history.isEmpty ? "]" : "\n]")))
        members.append(("state", Views.stateJSON(sim, key: nil).text))
        members.append(
            (
                "anomalies",
                JSON.array(
                    anomalies.map {
                        .object([
                            ("kind", .string($0.kind.rawValue)), ("key", .string($0.key)), ("detail", .string($0.detail)),
                            ("ops", .array($0.ops.map(JSON.int))),
                        ])
                    }
                ).text
            ))
        return "{\n" + members.map { JSON.string($0.0).text + ": " + $0.1 }.joined(separator: ",\n") + "\n}\n"
    }

    static func event(_ entry: TraceEntry<Message, Note>) -> JSON {
        var pairs: [(String, JSON)] = [("step", .int(Int(entry.step))), ("time", .int(Int(entry.time)))]
        func add(_ name: String, _ more: [(String, JSON)]) {
            pairs.append(("event", .string(name)))
            pairs += more
        }
        switch entry.event {
        case .cluster(let description, let replicas):
            add("cluster", [("description", .string(description)), ("replicas", .array(replicas.map { .string($0.name) }))])
        case .command(let line):
            add("command", [("line", .string(line))])
        case .sent(let id, let from, let to, let sentMessage):
            let label = sentMessage.label
            let kind = sentMessage.kind
            add(
                "sent",
                [
                    ("id", .string(id.description)), ("from", .string(from.name)), ("to", .string(to.name)), ("kind", .string(kind)),
                    ("label", .string(label)),
                ])
        case .delivered(let id):
            add("delivered", [("id", .string(id.description))])
        case .dropped(let id, let reason):
            add("dropped", [("id", .string(id.description)), ("reason", .string(reason.rawValue))])
        case .duplicated(let original, let copy):
            add("duplicated", [("original", .string(original.description)), ("copy", .string(copy.description))])
        case .partitioned(let groups):
            add("partitioned", [("groups", .array(groups.map { .array($0.map { .string($0.name) }) }))])
        case .healed:
            add("healed", [])
        case .crashed(let node):
            add("crashed", [("node", .string(node.name))])
        case .recovered(let node):
            add("recovered", [("node", .string(node.name))])
        case .ticked:
            // The new time is the entry's own `time`.
            add("ticked", [])
        case .opStarted(let op, let client, let text):
            add("op_started", [("op", .int(op)), ("client", .string(client.name)), ("text", .string(text))])
        case .opCompleted(let op, let client, let ok, let text):
            add("op_completed", [("op", .int(op)), ("client", .string(client.name)), ("ok", .bool(ok)), ("text", .string(text))])
        case .note(let node, let note):
            let kind = note.kind
            let text = note.text(at: node)
            add("note", [("node", .string(node.name)), ("kind", .string(kind)), ("text", .string(text))])
        }
        return .object(pairs)
    }

    static func vector(_ vector: VersionVector) -> JSON {
        var pairs: [(String, JSON)] = vector.entries.map { ($0.node.name, .int(Int($0.counter))) }
        if !vector.extra.isEmpty { pairs.append(("+", .array(vector.extra.map { .string($0.description) }))) }
        return .object(pairs)
    }

    static func version(_ version: Version) -> JSON {
        .object([
            ("value", version.value.map { .string($0.text) } ?? .null), ("dot", .string(version.dot.description)),
            ("context", vector(version.context)), ("label", .string(version.label)), ("timestamp", .int(Int(version.timestamp))),
            ("written_at", .int(Int(version.writtenAt))), ("op", .int(version.op)),
        ])
    }

    static func operation(_ record: OperationRecord) -> JSON {
        var pairs: [(String, JSON)] = [
            ("op", .int(record.op)), ("client", .string(record.client.name)), ("kind", .string(record.kind.rawValue)),
            ("key", .string(record.key)), ("value", record.value.map { .string($0.text) } ?? .null),
            ("via", record.via.map { .string($0.name) } ?? .null), ("blind", .bool(record.blind)),
            ("start_step", .int(Int(record.startStep))), ("start_time", .int(Int(record.startTime))),
            ("end_step", record.endStep.map { .int(Int($0)) } ?? .null), ("end_time", record.endTime.map { .int(Int($0)) } ?? .null),
        ]
        switch record.outcome {
        case .pending: pairs.append(("outcome", .string("pending")))
        case .ok: pairs.append(("outcome", .string("ok")))
        case .failed(let reason):
            pairs.append(("outcome", .string("failed")))
            pairs.append(("reason", .string(reason)))
        }
        pairs.append(("context", vector(record.context)))
        if let written = record.written { pairs.append(("written", version(written))) }
        if record.kind == .get {
            pairs.append(("read", .array(record.read.map(version))))
            pairs.append(("replied_by", .array(record.repliedBy.map { .string($0.name) })))
        }
        return .object(pairs)
    }
}
