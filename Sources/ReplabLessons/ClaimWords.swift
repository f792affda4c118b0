/// Claims as a student reads them: `✓ 3 messages are in flight`, not `✓ in flight 3`. The
/// lesson file's own wording (`text`) stays what failures quote, with the file and line.
extension Claim {
    public var sentence: String {
        func values(_ list: [String]) -> String {
            list.isEmpty ? "nothing" : list.count == 1 ? list[0] : "the siblings " + list.joined(separator: " and ")
        }
        switch kind {
        case .read(let key, let client, let list):
            return "the last read of \(key)\(client.map { " by \($0)" } ?? "") returned \(values(list))"
        case .outcome(let ok, let key):
            return "the last operation\(key.map { " on \($0)" } ?? "") \(ok ? "succeeded" : "failed")"
        case .siblings(let key, let count):
            return "a replica holds \(count) versions of \(key) side by side"
        case .state(let node, let key, let expected):
            switch expected {
            case .values(let list): return "\(node) holds \(key) = \(values(list))"
            case .nothing: return "\(node) holds nothing for \(key)"
            case .tombstone: return "\(node) holds a tombstone for \(key)"
            }
        case .anomaly(let kind, let key):
            return "check finds \(Claim.anomalyWords(kind))\(key.map { " on \($0)" } ?? "")"
        case .noAnomaly(let kind, let key):
            return "check finds no \(Claim.anomalyWords(kind))\(key.map { " on \($0)" } ?? "")"
        case .noAnomalies:
            return "check finds nothing wrong"
        case .outputContains(let text):
            return "the output says \"\(text)\""
        case .inFlight(let count):
            return count == 1 ? "1 message is in flight" : "\(count) messages are in flight"
        case .errorContains(let text):
            return "replab refuses a command, saying \"\(text)\""
        }
    }

    /// An anomaly kind in words, with its name: `a stale read (stale-read)`.
    static func anomalyWords(_ kind: String) -> String {
        let words: [String: String] = [
            "stale-read": "a stale read", "lost-write": "a lost write", "divergence": "divergent replicas",
            "resurrection": "a resurrected delete", "conflict": "a conflict", "split-brain": "split brain",
            "causality": "a causality violation", "rule": "a broken rule",
        ]
        return words[kind].map { "\($0) (\(kind))" } ?? kind
    }
}
