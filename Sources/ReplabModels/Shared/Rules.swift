import ReplabKernel

/// A business rule (`rule unique PATTERN [as NAME]`): no two keys matching `pattern` may hold
/// the same value, e.g. no two bookings of one room for the same slot. A leader or coordinator
/// checks it against its own copy when it accepts a write, as an application checks
/// availability before booking; what it cannot see (a write another leader accepted) can still
/// break it, and `check` reports that as `rule`.
public struct UniqueRule: Sendable, Hashable {
    public let name: String
    /// Keys with `*` standing for any run of characters: `booking-*`.
    public let pattern: String

    public init(name: String, pattern: String) {
        self.name = name
        self.pattern = pattern
    }

    /// Whether `key` matches the pattern (`*` matches any run of characters, also none).
    public func matches(_ key: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return key == pattern }
        guard key.hasPrefix(parts[0]), key.count >= parts[0].count + parts[parts.count - 1].count else { return false }
        var rest = Substring(key.dropFirst(parts[0].count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.firstRange(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1])
    }
}

extension ReplicaCluster {
    /// The rule a write of `value` to `key` would break on `node`'s own copy, with the key that
    /// already holds the value there; nil when the write keeps every rule (or writes no value).
    func brokenRule(key: String, value: Value?, at node: Address) -> (rule: UniqueRule, other: String)? {
        guard let value else { return nil }
        for rule in settings.rules where rule.matches(key) {
            for other in replicas[node.replicaIndex].keys where other != key && rule.matches(other) {
                if replicas[node.replicaIndex].store[other]?.contains(where: { $0.value == value }) == true { return (rule, other) }
            }
        }
        return nil
    }
}

extension Checker {
    /// rule: a replica holds two keys matching a uniqueness rule with the same value (each
    /// leader checked its own copy; the writes met only after replication).
    static func brokenRules(_ simulation: Simulation) -> [Anomaly] {
        var found: [Anomaly] = []
        for rule in simulation.settings.rules {
            // value -> keys holding it -> replicas
            var holders: [String: [String: [Address]]] = [:]
            for (index, replica) in simulation.replicas.enumerated() {
                for key in replica.keys where rule.matches(key) {
                    for value in Set((replica.store[key] ?? []).compactMap(\.value?.text)) {
                        holders[value, default: [:]][key, default: []].append(.replica(index))
                    }
                }
            }
            for value in holders.keys.sorted() {
                let keys = holders[value]!
                guard keys.count > 1 else { continue }
                let where_ = keys.keys.sorted().map { "\($0) on \(keys[$0]!.map(\.name).joined(separator: " "))" }
                let writes = simulation.history.filter {
                    keys[$0.key] != nil && $0.isWrite && $0.value?.text == value && $0.isAcknowledged
                }
                let ops = writes.map(\.op)
                found.append(
                    Anomaly(
                        kind: .rule, key: keys.keys.sorted()[0],
                        detail:
                            "rule \(rule.name) (unique \(rule.pattern)) is broken: \(value) is held by \(keys.count) keys: "
                            + where_.joined(separator: "; ")
                            + (writes.isEmpty ? "" : "; written by " + writes.map(describe).joined(separator: " and ")),
                        ops: ops, rule: rule.name))
            }
        }
        return found
    }
}
