import ReplabCommands
import ReplabRender

/// What a step did, for the claims that look at the step itself rather than the cluster.
struct StepRecord: Sendable {
    /// The transcript of the step's commands (their text, errors included).
    var output: String
    /// The errors of the step's commands that were refused, in order.
    var errors: [String]
}

extension Claim {
    /// Checks the claim against what replab did: nil when it holds, otherwise a sentence saying
    /// what replab did instead.
    func evaluate(in world: LessonWorld, step: StepRecord) -> String? {
        do {
            return try check(in: world, step: step)
        } catch {
            return error.reason
        }
    }

    private func check(in world: LessonWorld, step: StepRecord) throws(Unmet) -> String? {
        switch kind {
        case .read(let key, let client, let expected):
            let reads = world.completions.filter { $0.kind == "get" && $0.key == key && (client == nil || $0.client == client) }
            let who = client.map { " by \($0)" } ?? ""
            guard let last = reads.last else { return "no read of \(key)\(who) has completed" }
            guard last.ok else { return "the last read of \(key)\(who), \(last.label), failed" }
            if last.values == expected { return nil }
            return "the last read of \(key)\(who), \(last.label), returned \(Claim.describe(last.values))"
        case .outcome(let ok, let key):
            let done = world.completions.filter { key == nil || $0.key == key }
            let onKey = key.map { " on \($0)" } ?? ""
            guard let last = done.last else { return "no operation\(onKey) has completed" }
            if last.ok == ok { return nil }
            return "the last operation\(onKey), \(last.label), \(last.ok ? "succeeded" : "failed")"
        case .siblings(let key, let count):
            let state = try Claim.replicas(world)
            var counts: [String] = []
            for (node, keys) in state {
                guard let entry = keys[key] else { continue }
                let versions =
                    entry["siblings"]?.items.count ?? (Claim.liveValues(entry).count + (entry["tombstone"]?.boolValue == true ? 1 : 0))
                if versions == count { return nil }
                counts.append("\(node) \(versions)")
            }
            if counts.isEmpty { return "no replica holds \(key)" }
            return "no replica holds \(count) versions of \(key) (versions per replica: \(counts.joined(separator: ", ")))"
        case .state(let node, let key, let expected):
            let state = try Claim.replicas(world)
            guard let keys = state.first(where: { $0.0 == node })?.1 else {
                return "there is no replica \(node) (replicas: \(state.map(\.0).joined(separator: " ")))"
            }
            let actual = Claim.holding(keys[key])
            if actual == expected { return nil }
            return "\(node) holds \(Claim.describe(actual)) for \(key)"
        case .anomaly(let anomalyKind, let key):
            let found = try Claim.anomalies(world)
            if found.contains(where: { Claim.matches($0, kind: anomalyKind, key: key) }) { return nil }
            return "check found no \(anomalyKind)\(key.map { " on \($0)" } ?? "")"
                + Claim.summary(found, prefix: " (it found ", suffix: ")")
        case .noAnomaly(let anomalyKind, let key):
            let found = try Claim.anomalies(world)
            guard let hit = found.first(where: { Claim.matches($0, kind: anomalyKind, key: key) }) else { return nil }
            return "check found \(Claim.describe(anomaly: hit))"
        case .noAnomalies:
            let found = try Claim.anomalies(world)
            return found.isEmpty ? nil : "check found " + found.map { Claim.describe(anomaly: $0) }.joined(separator: "; ")
        case .outputContains(let needle):
            return step.output.contains(needle) ? nil : "the step's output does not contain \"\(needle)\""
        case .inFlight(let count):
            let result = world.look("messages")
            guard result.ok, let messages = result.messages else { return result.error ?? "messages said nothing" }
            let actual = messages.items.count
            return actual == count ? nil : "\(actual) message\(actual == 1 ? " is" : "s are") in flight"
        case .errorContains(let needle):
            if step.errors.contains(where: { $0.contains(needle) }) { return nil }
            if step.errors.isEmpty { return "every command of the step succeeded" }
            return "the step's errors were: " + step.errors.map { "\"\($0)\"" }.joined(separator: "; ")
        }
    }

    /// Every replica's keys, from `show state` (an object of replica name → key → entry).
    static func replicas(_ world: LessonWorld) throws(Unmet) -> [(String, JSON)] {
        let result = world.look("show state")
        guard result.ok, let replicas = result.replicas else { throw Unmet(result.error ?? "show state gave no replicas") }
        return replicas.members
    }

    /// The anomalies `check` reports.
    static func anomalies(_ world: LessonWorld) throws(Unmet) -> [JSON] {
        let result = world.look("check")
        guard result.ok else { throw Unmet(result.error ?? "check failed") }
        return result.json["anomalies"]?.items ?? []
    }

    static func matches(_ anomaly: JSON, kind: String, key: String?) -> Bool {
        anomaly["kind"]?.stringValue == kind && (key == nil || anomaly["key"]?.stringValue == key)
    }

    static func describe(anomaly: JSON) -> String {
        let kind = anomaly["kind"]?.stringValue ?? "?"
        let key = anomaly["key"]?.stringValue.map { " on \($0)" } ?? ""
        return kind + key
    }

    static func summary(_ anomalies: [JSON], prefix: String, suffix: String) -> String {
        guard !anomalies.isEmpty else { return " (it found no anomalies)" }
        return prefix + anomalies.map { describe(anomaly: $0) }.joined(separator: ", ") + suffix
    }

    static func liveValues(_ entry: JSON) -> [String] {
        (entry["values"]?.items ?? []).compactMap(\.stringValue).sorted()
    }

    static func holding(_ entry: JSON?) -> Holding {
        guard let entry else { return .nothing }
        let values = liveValues(entry)
        if !values.isEmpty { return .values(values) }
        return entry["tombstone"]?.boolValue == true ? .tombstone : .nothing
    }

    static func describe(_ values: [String]) -> String {
        values.isEmpty ? "nothing" : values.joined(separator: " | ")
    }

    static func describe(_ holding: Holding) -> String {
        switch holding {
        case .nothing: return "nothing"
        case .tombstone: return "a tombstone"
        case .values(let values): return describe(values)
        }
    }
}

/// Why a claim could not even be looked at (no cluster yet, say): the sentence to report.
struct Unmet: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
