/// One configuration to simulate: a quorum and a latency model.
struct PBSConfig: Sendable, Equatable {
    var quorum: PBSQuorum
    var model: PBSModel

    /// "N=3 R=1 W=1 lnkd-disk"
    var label: String { "N=\(quorum.n) R=\(quorum.r) W=\(quorum.w) \(model.name)" }
}

/// A parsed `pbs` command line.
struct PBSRequest: Sendable, Equatable {
    var configs: [PBSConfig]
    var isCompare: Bool
    var trials: Int
    var seed: UInt64
    /// nil: the default list, shown up to the first time where 99.9% is reached.
    var times: [Double]?
    var k: Int

    static let defaultTimes: [Double] = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]
    static let defaultTrials = 100_000
}

/// Parses the words after `pbs`. Every failure is one line saying what was wrong and what is
/// allowed; nothing here can trap on user input.
enum PBSParser {
    static let optionKeys = ["n", "r", "w", "dist", "trials", "t", "k", "seed"]
    static let configKeys: Set<String> = ["n", "r", "w", "dist"]
    static let distributionNames = ["lnkd-ssd", "lnkd-disk", "ymmr", "wan", "exp"]
    static let allowedOptions = "n= r= w= dist= trials= t= k= seed="
    static let allowedDistributions = "lnkd-ssd, lnkd-disk, ymmr, wan, exp(w=λ,a=λ,r=λ,s=λ)"

    static func parse(_ rawArgs: [String], defaultSeed: UInt64) -> Result<PBSRequest, PBSError> {
        do {
            return .success(try parseOrThrow(rawArgs, defaultSeed: defaultSeed))
        } catch let error as PBSError {
            return .failure(error)
        } catch {
            return .failure(PBSError(message: "\(error)"))
        }
    }

    // MARK: - Words

    /// `exp(w=1, a=2)` arrives as two words when typed with a space: glue words back together
    /// while a parenthesis is open.
    static func joinParenthesized(_ words: [String]) throws -> [String] {
        var out: [String] = []
        var pending = ""
        var depth = 0
        for word in words where !word.isEmpty {
            pending += word
            for ch in word {
                if ch == "(" { depth += 1 }
                if ch == ")" { depth -= 1 }
            }
            if depth < 0 { throw PBSError(message: "unbalanced ')' in '\(pending)'") }
            if depth == 0 {
                out.append(pending)
                pending = ""
            }
        }
        if depth > 0 { throw PBSError(message: "missing ')' in '\(pending)'") }
        return out
    }

    /// Splits at commas outside parentheses.
    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }

    /// "key=value" → (lower-cased key, value), or an error that says what was expected.
    static func setting(_ word: String) throws -> (key: String, value: String) {
        guard let eq = word.firstIndex(of: "=") else {
            let lower = word.lowercased()
            if distributionNames.contains(lower) || lower.hasPrefix("exp(") {
                throw PBSError(message: "'\(word)' needs a name: write dist=\(word)")
            }
            if lower == "compare" {
                throw PBSError(message: "'compare' must come first: pbs compare CONFIG CONFIG … [options]")
            }
            var hint = ""
            if let guess = suggestion(lower, among: optionKeys) { hint = " (did you mean \(guess)=…?)" }
            throw PBSError(message: "expected OPTION=VALUE but got '\(word)'\(hint); options are \(allowedOptions)")
        }
        let key = word[..<eq].lowercased()
        let value = String(word[word.index(after: eq)...])
        guard optionKeys.contains(key) else {
            var hint = ""
            if let guess = suggestion(key, among: optionKeys) { hint = " (did you mean \(guess)=?)" }
            throw PBSError(message: "unknown option '\(key)='\(hint); options are \(allowedOptions)")
        }
        if value.isEmpty { throw PBSError(message: "\(key)= needs a value (\(describe(key)))") }
        return (key, value)
    }

    // MARK: - Whole command

    static func parseOrThrow(_ rawArgs: [String], defaultSeed: UInt64) throws -> PBSRequest {
        var words = try joinParenthesized(rawArgs)
        var isCompare = false
        if let first = words.first, first.lowercased() == "compare" {
            isCompare = true
            words.removeFirst()
        }

        var shared: [String: String] = [:]
        // Configurations in the order their words were given: (word position, settings).
        var configWords: [(position: Int, settings: [(key: String, value: String)])] = []
        var singles: [(position: Int, key: String, value: String)] = []

        for (position, word) in words.enumerated() {
            let parts = splitTopLevel(word)
            let first = try setting(parts[0])
            if parts.count > 1 && configKeys.contains(first.key) {
                // A configuration word: n=3,r=2,w=1 (compare only).
                if parts.dropFirst().contains(where: { !$0.contains("=") }) {
                    throw PBSError(
                        message:
                            "\(word) gives \(first.key)= several values; to compare them write pbs compare \(first.key)=… \(first.key)=…")
                }
                guard isCompare else {
                    throw PBSError(
                        message: "'\(word)' describes one configuration for pbs compare; for one run give n=, r=, w= as separate words")
                }
                var settings = [first]
                for part in parts.dropFirst() {
                    let s = try setting(part)
                    guard configKeys.contains(s.key) else {
                        throw PBSError(
                            message:
                                "in '\(word)', \(s.key)= applies to every configuration: give it as its own word (a configuration sets only n, r, w, dist)"
                        )
                    }
                    guard !settings.contains(where: { $0.key == s.key }) else {
                        throw PBSError(message: "\(s.key)= is given twice in '\(word)'")
                    }
                    settings.append(s)
                }
                configWords.append((position, settings))
            } else {
                singles.append((position, first.key, String(word.drop(while: { $0 != "=" }).dropFirst())))
            }
        }

        // A configuration key repeated in separate words gives one configuration per value
        // (pbs compare r=1 r=2 r=3); given once, it applies to all.
        for single in singles {
            let repeated = singles.filter { $0.key == single.key }.count > 1
            if repeated && isCompare && configKeys.contains(single.key) {
                configWords.append((single.position, [(single.key, single.value)]))
            } else if repeated {
                throw PBSError(
                    message: "\(single.key)= is given twice"
                        + (isCompare
                            ? " (only n, r, w and dist may be repeated, to compare their values)"
                            : "; to compare values use pbs compare \(single.key)=… \(single.key)=…"))
            } else {
                shared[single.key] = single.value
            }
        }
        configWords.sort { $0.position < $1.position }

        let trials = try parseTrials(shared["trials"])
        let k = try parseInt("k", shared["k"], default: 1, range: 1...PBSLimits.maxK)
        let seed = try shared["seed"].map(parseSeed) ?? defaultSeed
        let times = try shared["t"].map(parseTimes)

        var configs: [PBSConfig] = []
        if isCompare {
            guard configWords.count >= 2 else {
                throw PBSError(
                    message:
                        "compare needs at least two configurations, e.g. pbs compare n=3,r=1,w=1 n=3,r=2,w=1 (or repeat one option: pbs compare r=1 r=2)"
                )
            }
            guard configWords.count <= PBSLimits.maxConfigs else {
                throw PBSError(message: "compare takes at most \(PBSLimits.maxConfigs) configurations, got \(configWords.count)")
            }
            for (index, (_, settings)) in configWords.enumerated() {
                var merged = shared
                for s in settings { merged[s.key] = s.value }
                let text = settings.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                do {
                    configs.append(try parseConfig(merged))
                } catch let error as PBSError {
                    throw PBSError(message: "configuration \(index + 1) (\(text)): \(error.message)")
                }
            }
            for (index, config) in configs.enumerated() {
                if let earlier = configs[..<index].firstIndex(of: config) {
                    throw PBSError(
                        message: "configurations \(earlier + 1) and \(index + 1) are the same (\(config.label)); compare different ones")
                }
            }
        } else {
            configs.append(try parseConfig(shared))
        }

        for config in configs where trials * config.quorum.n > PBSLimits.maxWork {
            throw PBSError(
                message:
                    "trials=\(PBSFormat.grouped(trials)) with n=\(config.quorum.n) is too much work: keep trials × n ≤ \(PBSFormat.grouped(PBSLimits.maxWork))"
            )
        }
        return PBSRequest(configs: configs, isCompare: isCompare, trials: trials, seed: seed, times: times, k: k)
    }

    static func parseConfig(_ settings: [String: String]) throws -> PBSConfig {
        let n = try parseInt("n", settings["n"], default: 3, range: 1...PBSLimits.maxReplicas)
        let r = try parseInt("r", settings["r"], default: 1, range: 1...PBSLimits.maxReplicas)
        let w = try parseInt("w", settings["w"], default: 1, range: 1...PBSLimits.maxReplicas)
        if r > n {
            throw PBSError(message: "r=\(r) is larger than n=\(n): a read can wait for at most n replicas (1 ≤ r ≤ n)")
        }
        if w > n {
            throw PBSError(message: "w=\(w) is larger than n=\(n): a write can wait for at most n replicas (1 ≤ w ≤ n)")
        }
        let model = try parseDistribution(settings["dist"] ?? "lnkd-disk")
        return PBSConfig(quorum: PBSQuorum(n: n, r: r, w: w), model: model)
    }

    // MARK: - Values

    static func describe(_ key: String) -> String {
        switch key {
        case "n": return "n is the number of replicas, 1 to \(PBSLimits.maxReplicas)"
        case "r": return "r is the number of read responses to wait for, 1 to n"
        case "w": return "w is the number of write acknowledgements to wait for, 1 to n"
        case "dist": return "dist is one of \(allowedDistributions)"
        case "trials": return "trials is a whole number from 1 to \(PBSFormat.grouped(PBSLimits.maxTrials))"
        case "t": return "t is a list of times in ms after the write commits, e.g. t=0,1,5,10"
        case "k": return "k is how many recent versions count as fresh, 1 to \(PBSLimits.maxK)"
        case "seed": return "seed is a whole number, decimal or 0x hex"
        default: return ""
        }
    }

    static func parseInt(_ key: String, _ text: String?, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return fallback }
        let cleaned = text.replacingAll("_", "")
        guard !cleaned.isEmpty, cleaned.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(cleaned) else {
            throw PBSError(message: "\(key)=\(text) is not a whole number (\(describe(key)))")
        }
        guard range.contains(value) else {
            throw PBSError(message: "\(key)=\(text) is out of range (\(describe(key)))")
        }
        return value
    }

    static func parseTrials(_ text: String?) throws -> Int {
        guard let text else { return PBSRequest.defaultTrials }
        let cleaned = text.replacingAll("_", "").replacingAll(",", "")
        var value: Int?
        if cleaned.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Digits only: anything past Int's range is simply too many.
            value = cleaned.isEmpty ? nil : (Int(cleaned) ?? Int.max)
        } else if let d = parseDecimal(cleaned), d == d.rounded(), d >= 0 {
            value = d < 1e18 ? Int(d) : Int.max  // 1e6
        }
        guard let value else {
            throw PBSError(message: "trials=\(text) is not a whole number (\(describe("trials")))")
        }
        guard value >= 1 && value <= PBSLimits.maxTrials else {
            throw PBSError(message: "trials=\(text) is out of range (\(describe("trials")))")
        }
        return value
    }

    static func parseSeed(_ text: String) throws -> UInt64 {
        let lower = text.lowercased().replacingAll("_", "")
        let value: UInt64?
        if lower.hasPrefix("0x") {
            value = UInt64(lower.dropFirst(2), radix: 16)
        } else if lower.allSatisfy({ $0.isASCII && $0.isNumber }) {
            value = UInt64(lower)
        } else {
            value = nil
        }
        guard let value else {
            throw PBSError(message: "seed=\(text) is not a whole number from 0 to 18446744073709551615 (decimal, or hex as 0x5EED)")
        }
        return value
    }

    /// A plain decimal number: digits, an optional point and an optional exponent (no "inf",
    /// "nan" or hex, which Swift's `Double(_:)` would also accept).
    static func parseDecimal(_ text: String) -> Double? {
        let allowed = Set("0123456789.eE+-")
        guard !text.isEmpty, text.allSatisfy({ allowed.contains($0) }),
            text.contains(where: { $0.isNumber }), let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    static func parseTimes(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var times: [Double] = []
        for part in parts {
            guard let t = parseDecimal(part) else {
                throw PBSError(message: "t=\(text): '\(part)' is not a number (\(describe("t")))")
            }
            guard t >= 0 else {
                throw PBSError(message: "t=\(text): \(part) is negative; t counts ms after the write commits, so t ≥ 0")
            }
            guard t <= PBSLimits.maxTimeMs else {
                throw PBSError(message: "t=\(text): \(part) is beyond \(PBSFormat.grouped(Int(PBSLimits.maxTimeMs))) ms")
            }
            guard parseDecimal(PBSFormat.fixed(t, decimals: 3)) == t else {
                throw PBSError(message: "t=\(text): \(part) has more than three decimals (times are in ms, to 0.001 ms)")
            }
            times.append(t == 0 ? 0 : t)  // -0 → 0
        }
        guard times.count <= PBSLimits.maxTimes else {
            throw PBSError(message: "t= lists \(times.count) times; at most \(PBSLimits.maxTimes) are allowed")
        }
        return Array(Set(times)).sorted()
    }

    static func parseDistribution(_ text: String) throws -> PBSModel {
        let lower = text.lowercased()
        if let model = PBSModel.named.first(where: { $0.name == lower }) { return model }
        if lower.hasPrefix("exp(") && lower.hasSuffix(")") {
            return try parseExponential(String(lower.dropFirst(4).dropLast()))
        }
        if lower == "exp" {
            throw PBSError(
                message:
                    "dist=exp needs its rates: dist=exp(w=λ,a=λ,r=λ,s=λ), λ per ms (mean 1/λ ms; inf = exactly 0 ms; a missing rate is 1)")
        }
        let stem = lower.split(separator: "(").first.map(String.init) ?? lower
        var hint = ""
        if stem.hasPrefix("exp") {
            hint = " (did you mean exp(w=…,a=…,r=…,s=…)?)"
        } else if let guess = suggestion(stem, among: distributionNames) {
            hint = " (did you mean \(guess == "exp" ? "exp(w=…,a=…,r=…,s=…)" : guess)?)"
        }
        throw PBSError(message: "unknown distribution '\(text)'\(hint); distributions are \(allowedDistributions)")
    }

    /// `w=0.1,a=1,r=1,s=1`: rates per ms; `inf` is an instant (exactly 0 ms) message.
    static func parseExponential(_ body: String) throws -> PBSModel {
        var rates: [String: Double] = [:]
        let keys = ["w", "a", "r", "s"]
        for part in body.split(separator: ",", omittingEmptySubsequences: true).map(String.init) {
            guard let eq = part.firstIndex(of: "=") else {
                throw PBSError(message: "exp(\(body)): '\(part)' should be NAME=RATE with NAME one of w, a, r, s")
            }
            let key = part[..<eq].trimmingSpaces()
            let valueText = part[part.index(after: eq)...].trimmingSpaces()
            guard keys.contains(key) else {
                var hint = ""
                if let guess = suggestion(key, among: keys) { hint = " (did you mean \(guess)=?)" }
                throw PBSError(message: "exp(\(body)): unknown rate '\(key)='\(hint); the rates are w=, a=, r=, s=")
            }
            guard rates[key] == nil else { throw PBSError(message: "exp(\(body)): \(key)= is given twice") }
            if valueText == "inf" {
                rates[key] = .infinity
                continue
            }
            guard let rate = parseDecimal(valueText) else {
                throw PBSError(message: "exp(\(body)): \(key)=\(valueText) is not a number (a rate per ms, or inf for an instant message)")
            }
            guard rate >= 1e-6 && rate <= 1e6 else {
                throw PBSError(
                    message:
                        "exp(\(body)): \(key)=\(valueText) is out of range; a rate is from 0.000001 to 1000000 per ms (or inf for an instant message)"
                )
            }
            rates[key] = rate
        }
        func latency(_ key: String) -> PBSLatency {
            let rate = rates[key] ?? 1
            return rate.isInfinite ? .zero : .exponential(rate: rate)
        }
        func show(_ key: String) -> String {
            let rate = rates[key] ?? 1
            if rate.isInfinite { return "inf" }
            var s = PBSFormat.fixed(rate, decimals: 6)
            while s.hasSuffix("0") && s.contains(".") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s
        }
        let name = "exp(" + keys.map { "\($0)=\(show($0))" }.joined(separator: ",") + ")"
        return PBSModel(name: name, w: latency("w"), a: latency("a"), r: latency("r"), s: latency("s"), remoteDelayMs: 0)
    }

    // MARK: - Did you mean

    /// The closest name within a small edit distance, if any.
    static func suggestion(_ word: String, among names: [String]) -> String? {
        var best: (name: String, distance: Int)?
        for name in names {
            let d = editDistance(word, name)
            // One-letter names (n, r, w, t, k) are too close to everything to guess at.
            let limit = name.count <= 2 ? 0 : name.count <= 4 ? 1 : 2
            if word.count <= 1 { continue }
            if d <= limit && d < (best?.distance ?? Int.max) { best = (name, d) }
        }
        return best?.name
    }

    /// Edit distance where a swap of two neighbours counts as one edit ("dsit" → "dist").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    best = min(best, table[i - 2][j - 2] + 1)
                }
                table[i][j] = best
            }
        }
        return table[x.count][y.count]
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for ch in self {
            if ch == target { out += replacement } else { out.append(ch) }
        }
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
