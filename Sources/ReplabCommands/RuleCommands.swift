import ReplabKernel
import ReplabModels

/// The business-rule commands: `rule unique PATTERN [as NAME]`, `rules`, `rule drop NAME`.
public enum RuleCommand: Equatable, Sendable {
    case unique(pattern: String, name: String)
    case list
    case drop(String)

    static let usage = "rule unique PATTERN [as NAME] · rules · rule drop NAME"

    static func parse(_ command: String, _ words: inout Words) throws(CommandError) -> RuleCommand {
        if command == "rules" {
            try words.end()
            return .list
        }
        guard let verb = words.next() else { throw CommandError("rule needs unique or drop: \(usage)") }
        switch verb.text {
        case "unique":
            guard let token = words.next() else {
                throw CommandError("rule unique needs a key pattern, * standing for any characters: rule unique booking-* [as NAME]")
            }
            let pattern = token.text
            guard token.kind == .word, pattern.contains(where: { $0 != "*" }),
                Words.isKey(pattern.replacingStars()), pattern.first != "*" || pattern.count > 1
            else {
                throw CommandError(
                    "\"\(pattern)\" is not a key pattern: a key (lower-case letters, digits, _ or -) with * for any characters, like booking-*"
                )
            }
            var name = pattern
            if let word = words.next() {
                guard word.text == "as", let given = words.next() else {
                    throw CommandError(
                        "rule unique takes PATTERN and then as NAME, not \"\(word.text)\": rule unique booking-* as one-per-slot")
                }
                guard given.kind == .word, Words.isKey(given.text) else {
                    throw CommandError("\"\(given.text)\" is not a rule name: a lower-case word, like one-per-slot")
                }
                name = given.text
            }
            try words.end()
            return .unique(pattern: pattern, name: name)
        case "drop":
            guard let given = words.next() else { throw CommandError("rule drop needs the rule's name (rules lists them)") }
            try words.end()
            return .drop(given.text)
        default:
            throw CommandError("rule takes unique or drop, not \"\(verb.text)\": \(usage)")
        }
    }
}

extension String {
    /// The pattern with each `*` read as a letter, to check the rest is spelled like a key.
    fileprivate func replacingStars() -> String { String(map { $0 == "*" ? "a" : $0 }) }
}

extension Session {
    /// Runs a rule command on the simulation's settings (undo takes an added or dropped rule back).
    static func apply(_ command: RuleCommand, to sim: inout Simulation) throws(CommandError) -> String {
        switch command {
        case .unique(let pattern, let name):
            if sim.model.isLeaderless && sim.config.coordinator == .client {
                throw CommandError(
                    "rules are checked by a leader or a coordinating node against its own copy; with coordinator=client no node decides alone (try cluster leaderless coordinator=node, or a leader-based cluster)"
                )
            }
            if sim.settings.rules.contains(where: { $0.name == name }) {
                throw CommandError("there is already a rule named \(name) (rules lists them; rule drop \(name) removes it)")
            }
            sim.settings.rules.append(UniqueRule(name: name, pattern: pattern))
            return
                "rule \(name): no two keys matching \(pattern) may hold the same value; each leader checks its own copy when it accepts a write and refuses one that breaks it there"
        case .drop(let name):
            guard let index = sim.settings.rules.firstIndex(where: { $0.name == name }) else {
                let names = sim.settings.rules.map(\.name)
                throw CommandError(
                    "no rule named \"\(name)\"" + (names.isEmpty ? " (there are none)" : "; rules: \(names.joined(separator: ", "))"))
            }
            sim.settings.rules.remove(at: index)
            return "rule \(name) dropped: writes are no longer checked against it"
        case .list:
            return list(sim)
        }
    }

    static func list(_ sim: Simulation) -> String {
        guard !sim.settings.rules.isEmpty else { return "no rules yet: rule unique PATTERN [as NAME] adds one" }
        return
            (["rules (each leader checks them against its own copy):"]
            + sim.settings.rules.map { "  \($0.name): unique \($0.pattern) (no two matching keys hold the same value)" })
            .joined(separator: "\n")
    }
}
