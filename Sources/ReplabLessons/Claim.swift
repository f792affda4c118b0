/// A checked claim: one line of an ```expect block, saying what replab will have done once the
/// step's commands have run. The vocabulary is documented in `Lessons/README.md`.
public struct Claim: Sendable, Equatable {
    /// The line as written (trimmed): how failures quote it.
    public var text: String
    /// Its line in the lesson file.
    public var line: Int
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        /// `read KEY [as CLIENT] = VALUES`: the last completed read of KEY (by CLIENT) returned
        /// exactly these values (no values: `nothing`).
        case read(key: String, client: String?, values: [String])
        /// `ok [KEY]` / `failed [KEY]`: the last completed operation (on KEY) succeeded / failed.
        case outcome(ok: Bool, key: String?)
        /// `siblings KEY N`: some replica holds exactly N versions of KEY side by side.
        case siblings(key: String, count: Int)
        /// `state NODE KEY = VALUES | nothing | tombstone`.
        case state(node: String, key: String, expected: Holding)
        /// `anomaly KIND [on KEY]`: `check` reports it.
        case anomaly(kind: String, key: String?)
        /// `no anomaly KIND [on KEY]`: `check` does not report it.
        case noAnomaly(kind: String, key: String?)
        /// `no anomalies`.
        case noAnomalies
        /// `output contains "TEXT"`: the step's output (all its commands) contains TEXT.
        case outputContains(String)
        /// `in flight N`: exactly N messages are in flight.
        case inFlight(Int)
        /// `error contains "TEXT"`: a command of the step was refused with an error containing TEXT.
        case errorContains(String)
    }

    /// What a replica holds for a key.
    public enum Holding: Sendable, Equatable {
        /// These live values (sorted), with or without a tombstone beside them.
        case values([String])
        /// Nothing at all: no value and no tombstone.
        case nothing
        /// A tombstone and no live value.
        case tombstone
    }

    /// The anomaly kinds of `check` (the JSON contract of `../shared/COMMANDS.md`).
    public static let anomalyKinds = [
        "stale-read", "lost-write", "divergence", "resurrection", "conflict", "split-brain", "causality", "rule",
    ]

    /// The words a claim can start with, for error messages.
    static let leadingWords = ["read", "ok", "failed", "siblings", "state", "anomaly", "no", "output", "in", "error"]

    static let forms = """
        read KEY [as CLIENT] = VALUE [| VALUE…] (or = nothing), ok [KEY], failed [KEY], siblings KEY N, \
        state NODE KEY = VALUE [| VALUE…] (or nothing, tombstone), anomaly KIND [on KEY], no anomaly KIND [on KEY], \
        no anomalies, output contains "TEXT", in flight N, error contains "TEXT"
        """
}

// MARK: - Parsing

extension Claim {
    /// Parses one claim line; the error message says what is wrong (the caller adds file and line).
    public static func parse(_ text: String, line: Int) throws(ClaimSyntaxError) -> Claim {
        let trimmed = text.trimmedLine
        var tokens = try ClaimTokens(trimmed)
        guard let first = tokens.word() else { throw ClaimSyntaxError("an empty claim") }
        let kind: Kind
        switch first {
        case "read":
            let key = try tokens.key(usage: "read KEY [as CLIENT] = VALUE [| VALUE…]")
            var client: String? = nil
            if tokens.peek == .word("as") {
                _ = tokens.next()
                guard let name = tokens.word(), name.isClientName else {
                    throw ClaimSyntaxError("read \(key) as needs a client name like c2")
                }
                client = name
            }
            kind = .read(
                key: key, client: client, values: try tokens.values(usage: "read \(key) = VALUE [| VALUE…] or read \(key) = nothing"))
        case "ok", "failed":
            let key = tokens.isAtEnd ? nil : try tokens.key(usage: "\(first) [KEY]")
            kind = .outcome(ok: first == "ok", key: key)
        case "siblings":
            let key = try tokens.key(usage: "siblings KEY N")
            kind = .siblings(key: key, count: try tokens.count(usage: "siblings \(key) N", minimum: 1))
        case "state":
            guard let node = tokens.word(), node.isNodeName else {
                throw ClaimSyntaxError("state needs a replica like A: state NODE KEY = VALUE [| VALUE…] (or nothing, tombstone)")
            }
            let key = try tokens.key(usage: "state \(node) KEY = VALUE [| VALUE…]")
            let usage = "state \(node) \(key) = VALUE [| VALUE…] (or = nothing, = tombstone)"
            if tokens.peek == .equals, tokens.peek(1) == .word("tombstone"), tokens.peek(2) == nil {
                _ = tokens.next()
                _ = tokens.next()
                kind = .state(node: node, key: key, expected: .tombstone)
            } else {
                let values = try tokens.values(usage: usage)
                kind = .state(node: node, key: key, expected: values.isEmpty ? .nothing : .values(values))
            }
        case "anomaly":
            let (anomaly, key) = try tokens.anomaly(usage: "anomaly KIND [on KEY]")
            kind = .anomaly(kind: anomaly, key: key)
        case "no":
            let next = tokens.word()
            switch next {
            case "anomalies": kind = .noAnomalies
            case "anomaly":
                let (anomaly, key) = try tokens.anomaly(usage: "no anomaly KIND [on KEY]")
                kind = .noAnomaly(kind: anomaly, key: key)
            default:
                let found = next.map { ", not \"\($0)\"\(suggest($0, among: ["anomalies", "anomaly"]))" } ?? ""
                throw ClaimSyntaxError("no is followed by anomalies or anomaly KIND [on KEY]" + found)
            }
        case "output", "error":
            guard tokens.word() == "contains", case .text(let needle)? = tokens.next(), !needle.isEmpty else {
                throw ClaimSyntaxError("\(first) contains needs quoted text: \(first) contains \"TEXT\"")
            }
            kind = first == "output" ? .outputContains(needle) : .errorContains(needle)
        case "in":
            guard tokens.word() == "flight" else { throw ClaimSyntaxError("in is followed by flight: in flight N") }
            kind = .inFlight(try tokens.count(usage: "in flight N", minimum: 0))
        default:
            throw ClaimSyntaxError(
                "unknown claim \"\(first)\"\(suggest(first, among: leadingWords)); a claim is one of: \(forms)")
        }
        guard tokens.isAtEnd else {
            throw ClaimSyntaxError("unexpected \(tokens.peek.map(\.display) ?? "text") at the end of \"\(trimmed)\"")
        }
        return Claim(text: trimmed, line: line, kind: kind)
    }
}

/// Why a claim line could not be read.
public struct ClaimSyntaxError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}

/// The tokens of a claim: words, `=`, `|` and "quoted text".
struct ClaimTokens {
    enum Token: Equatable {
        case word(String)
        case text(String)
        case equals
        case bar

        var display: String {
            switch self {
            case .word(let word): return "\"\(word)\""
            case .text(let text): return "\"\(text)\""
            case .equals: return "\"=\""
            case .bar: return "\"|\""
            }
        }
    }

    private var tokens: [Token]
    private var index = 0

    init(_ text: String) throws(ClaimSyntaxError) {
        var tokens: [Token] = []
        var word = ""
        var characters = text.makeIterator()
        func flush() {
            if !word.isEmpty { tokens.append(.word(word)) }
            word = ""
        }
        while let character = characters.next() {
            switch character {
            case " ", "\t":
                flush()
            case "=":
                flush()
                tokens.append(.equals)
            case "|":
                flush()
                tokens.append(.bar)
            case "\"":
                flush()
                var quoted = ""
                var closed = false
                while let inner = characters.next() {
                    if inner == "\\", let escaped = characters.next() {
                        quoted.append(escaped)
                    } else if inner == "\"" {
                        closed = true
                        break
                    } else {
                        quoted.append(inner)
                    }
                }
                guard closed else { throw ClaimSyntaxError("a quoted text is not closed: add the closing \"") }
                tokens.append(.text(quoted))
            default:
                word.append(character)
            }
        }
        flush()
        self.tokens = tokens
    }

    var isAtEnd: Bool { index >= tokens.count }
    var peek: Token? { peek(0) }
    func peek(_ offset: Int) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }

    mutating func next() -> Token? {
        guard index < tokens.count else { return nil }
        index += 1
        return tokens[index - 1]
    }

    /// The next token if it is a bare word.
    mutating func word() -> String? {
        guard case .word(let word)? = peek else { return nil }
        index += 1
        return word
    }

    mutating func key(usage: String) throws(ClaimSyntaxError) -> String {
        guard let word = word() else { throw ClaimSyntaxError("a key is missing: \(usage)") }
        guard word.isKeyName else {
            throw ClaimSyntaxError("\"\(word)\" is not a key (keys are lower-case words like x or user_1): \(usage)")
        }
        return word
    }

    mutating func count(usage: String, minimum: Int) throws(ClaimSyntaxError) -> Int {
        guard let word = word(), let value = Int(word), value >= minimum, value <= 1_000_000 else {
            throw ClaimSyntaxError("a whole number (\(minimum) or more) is missing: \(usage)")
        }
        return value
    }

    /// `= nothing` (no values) or `= VALUE | VALUE …`, sorted.
    mutating func values(usage: String) throws(ClaimSyntaxError) -> [String] {
        guard next() == .equals else { throw ClaimSyntaxError("\"=\" is missing: \(usage)") }
        if peek == .word("nothing"), peek(1) == nil {
            _ = next()
            return []
        }
        var values: [String] = []
        while true {
            switch next() {
            case .word(let value), .text(let value): values.append(value)
            default: throw ClaimSyntaxError("a value is missing: \(usage)")
            }
            guard let token = peek else { break }
            guard token == .bar else { throw ClaimSyntaxError("values are separated by \"|\": \(usage)") }
            _ = next()
        }
        return values.sorted()
    }

    mutating func anomaly(usage: String) throws(ClaimSyntaxError) -> (String, String?) {
        guard let kind = word() else { throw ClaimSyntaxError("an anomaly kind is missing: \(usage)") }
        guard Claim.anomalyKinds.contains(kind) else {
            throw ClaimSyntaxError(
                "unknown anomaly \"\(kind)\"\(suggest(kind, among: Claim.anomalyKinds)); kinds are \(Claim.anomalyKinds.joined(separator: ", "))"
            )
        }
        guard peek == .word("on") else { return (kind, nil) }
        _ = next()
        return (kind, try key(usage: usage))
    }
}

extension String {
    /// Keys match `[a-z][a-z0-9_-]*`.
    var isKeyName: Bool {
        guard let first = unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// Replicas are single upper-case letters.
    var isNodeName: Bool { unicodeScalars.count == 1 && ("A"..."Z").contains(unicodeScalars.first!) }

    /// Clients are `c1`, `c2`, ….
    var isClientName: Bool {
        guard hasPrefix("c"), let number = Int(dropFirst()), number >= 1 else { return false }
        return "c\(number)" == self
    }
}
