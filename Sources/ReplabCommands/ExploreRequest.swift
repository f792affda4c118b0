import ReplabModels

/// The fault budgets and bound of one exploration.
public struct ExploreOptions: Equatable, Sendable {
    /// How many in-flight messages a schedule may lose, duplicate, and how many nodes it may crash.
    public var drops = 0
    public var duplicates = 0
    public var crashes = 0
    /// The most distinct states to visit.
    public var maxStates = ExploreOptions.defaultMaxStates

    public static let defaultMaxStates = 1_000_000
    public static let maxBudget = 3
    public static let maxMaxStates = 100_000_000

    public init(drops: Int = 0, duplicates: Int = 0, crashes: Int = 0, maxStates: Int = ExploreOptions.defaultMaxStates) {
        self.drops = drops
        self.duplicates = duplicates
        self.crashes = crashes
        self.maxStates = maxStates
    }
}

/// What `explore find` stops at.
public enum ExploreTarget: Equatable, Sendable {
    /// An anomaly kind of `check`.
    case anomaly(Anomaly.Kind)
    /// A business rule broken, by its name (`rule unique … as NAME`); the session checks the name.
    case rule(String)
    /// Operation `op` completes with `value`: `ok` or `failed`, or for a read the values it
    /// returned (`nothing` when it found none; siblings joined by commas, sorted).
    case outcome(op: Int, value: String)
}

/// The forms of `explore`.
public enum ExploreRequest: Equatable, Sendable {
    /// `explore [drops=K] [duplicates=K] [crashes=K] [max-states=N]`, or with `find KIND` first.
    case run(ExploreOptions, find: ExploreTarget?)
    /// `explore show N`: finding N's schedule as commands.
    case show(Int)
    /// `explore apply N`: play finding N's schedule into the session.
    case apply(Int)
}

extension Parser {
    static let exploreUsage =
        "explore [drops=K] [duplicates=K] [crashes=K] [max-states=N] | explore find KIND [OPTION=N…] | explore show N | explore apply N"

    static func parseExplore(_ words: inout Words) throws(CommandError) -> ExploreRequest {
        switch words.peek()?.text {
        case "show", "apply":
            let form = words.next()!.text
            guard let token = words.next() else {
                throw CommandError("explore \(form) needs a finding's number: explore \(form) N (explore lists them)")
            }
            let number = try Parser.number(token.text, what: "N", range: 1...100_000)
            try words.end()
            return form == "show" ? .show(number) : .apply(number)
        case "find":
            _ = words.next()
            let target = try parseExploreTarget(&words)
            return .run(try parseExploreOptions(&words), find: target)
        default:
            return .run(try parseExploreOptions(&words), find: nil)
        }
    }

    static func parseExploreTarget(_ words: inout Words) throws(CommandError) -> ExploreTarget {
        let kinds = Anomaly.Kind.allCases.map(\.rawValue)
        let allowed = "an anomaly kind of check (\(kinds.joined(separator: ", "))), a rule's name or outcome OP VALUE"
        guard let token = words.next() else { throw CommandError("explore find needs what to find: \(allowed)") }
        if let kind = Anomaly.Kind(rawValue: token.text) { return .anomaly(kind) }
        // Anything else but `outcome` names a rule; the session knows which rules there are.
        guard token.text == "outcome" else { return .rule(token.text) }
        let usage = "explore find outcome OP VALUE (OP: the operation's number in show history; VALUE: ok, failed, nothing or a value)"
        guard let opToken = words.next() else { throw CommandError("explore find outcome needs an operation and a value: \(usage)") }
        let op = try Parser.number(opToken.text, what: "OP", range: 1...Int(UInt32.max))
        guard let value = words.next(), !value.text.contains("=") else {
            throw CommandError("explore find outcome needs a value after the operation: \(usage)")
        }
        return .outcome(op: op, value: value.text)
    }

    static func parseExploreOptions(_ words: inout Words) throws(CommandError) -> ExploreOptions {
        var options = ExploreOptions()
        var seen: Set<String> = []
        let names = ["drops", "duplicates", "crashes", "max-states"]
        while let token = words.next() {
            guard let eq = token.text.firstIndex(of: "="), eq != token.text.startIndex else {
                throw CommandError("explore takes OPTION=N, not \"\(token.text)\": \(exploreUsage)")
            }
            let name = String(token.text[..<eq])
            let value = String(token.text[token.text.index(after: eq)...])
            guard names.contains(name) else {
                throw CommandError(
                    "explore has no option \"\(name)\"\(suggestion(for: name, among: names)); allowed: drops=K, duplicates=K, crashes=K, max-states=N"
                )
            }
            guard seen.insert(name).inserted else { throw CommandError("explore: \(name)= is given twice") }
            switch name {
            case "drops": options.drops = try Parser.number(value, what: "drops", range: 0...ExploreOptions.maxBudget)
            case "duplicates": options.duplicates = try Parser.number(value, what: "duplicates", range: 0...ExploreOptions.maxBudget)
            case "crashes": options.crashes = try Parser.number(value, what: "crashes", range: 0...ExploreOptions.maxBudget)
            default: options.maxStates = try Parser.number(value, what: "max-states", range: 1...ExploreOptions.maxMaxStates)
            }
        }
        return options
    }
}
