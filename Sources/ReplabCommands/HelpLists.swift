import ReplabModels

/// The parts of help that name the command language's words, built from the vocabulary table
/// (Vocabulary.swift): each command's forms, and the entries that explain `set`'s switches and
/// `show`'s views and options. A word added to the table shows up in help by itself; only the
/// explanations are written by hand, in the catalog.
enum HelpLists {
    /// The column an entry's explanation starts at (`set tombstones on|off    off: …`).
    static let column = 26

    /// One entry: the head, then its explanation from `column` on (on the next line when the head
    /// is too wide). The explanation is one line; help's reflow breaks it to the terminal's width
    /// and continues it under itself.
    static func entry(_ head: String, _ explanation: String?) -> String {
        let text = (explanation ?? "").split(separator: "\n").map { String($0).trimmingWhitespace }.joined(separator: " ")
        guard !text.isEmpty else { return head }
        let lead = head.prefix { $0 == " " }.count
        if head.count + 2 <= column { return head.padded(to: column) + text }
        // A wrapped head stays apart from its explanation, which starts at the column as ever.
        return head + "\n" + String(repeating: " ", count: max(column, lead + 4)) + text
    }

    /// `[name=a|b]` for each option name in `options` (`name=a`, `name=b`, `name=`, `word`), in
    /// the order they first appear; a default goes first (`[n=3]`, `[causal=off|on]`), a number
    /// without one is written with its placeholder (`[last=N]`).
    static func optionGroups(_ options: [String], defaults: [String: String] = [:]) -> [String] {
        var names: [String] = []
        var values: [String: [String]] = [:]
        for option in options {
            let parts = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            if values[name] == nil {
                names.append(name)
                values[name] = []
            }
            guard parts.count == 2 else { continue }
            let value = parts[1].isEmpty ? defaults[name] ?? Vocabulary.placeholders[name + "="] ?? "N" : parts[1]
            if !values[name]!.contains(value) { values[name]!.append(value) }
        }
        return names.map { name in
            guard var list = values[name], !list.isEmpty else { return "[\(name)]" }
            if let first = defaults[name], let index = list.firstIndex(of: first) { list.insert(list.remove(at: index), at: 0) }
            return "[\(name)=\(list.joined(separator: "|"))]"
        }
    }

    // MARK: - cluster

    static var clusterSyntax: String {
        Vocabulary.clusterModels.map { model in
            (["cluster", model]
                + optionGroups(Vocabulary.clusterOptions[model] ?? [], defaults: Vocabulary.clusterDefaults[model] ?? [:]))
                .joined(separator: " ")
        }.joined(separator: "\n")
    }

    // MARK: - set

    /// What follows `set NAME`: `on|off`, `TICKS|off`, `on|off [every=TICKS]`.
    static func switchForm(_ name: String) -> String {
        let values = (Vocabulary.switchArguments[name].map { [$0] } ?? []) + (Vocabulary.switchValues[name] ?? [])
        return ([values.joined(separator: "|")] + optionGroups(Vocabulary.switchOptions[name] ?? [])).joined(separator: " ")
    }

    /// `set a|b|c on|off · set timeout TICKS · …`: the switches that take the same values share a form.
    static var setSyntax: String {
        var forms: [String] = []
        var names: [String: [String]] = [:]
        for name in Vocabulary.switches {
            let form = switchForm(name)
            if names[form] == nil { forms.append(form) }
            names[form, default: []].append(name)
        }
        return forms.map { "set \(names[$0]!.joined(separator: "|")) \($0)" }.joined(separator: " · ")
    }

    /// Each switch with its values and what it does.
    static func setEntries(_ explanations: [String: String]) -> String {
        Vocabulary.switches.map { entry("set \($0) \(switchForm($0))", explanations[$0]) }.joined(separator: "\n")
    }

    // MARK: - show

    static func viewForm(_ view: String) -> String {
        (["show", view] + (Vocabulary.viewArguments[view].map { [$0] } ?? []) + optionGroups(Vocabulary.viewOptions[view] ?? []))
            .joined(separator: " ")
    }

    static var showSyntax: String { Vocabulary.views.map(viewForm).joined(separator: " | ") }

    /// The options of the views, each once, in the order they first appear.
    static var viewOptionNames: [String] {
        var names: [String] = []
        for view in Vocabulary.views {
            for option in Vocabulary.viewOptions[view] ?? [] where !names.contains(option) { names.append(option) }
        }
        return names
    }

    /// Each view, then each view option, with what it shows.
    static func showEntries(views: [String: String], options: [String: String]) -> String {
        let viewLines = Vocabulary.views.map { view in
            entry((["show", view] + (Vocabulary.viewArguments[view].map { [$0] } ?? [])).joined(separator: " "), views[view])
        }
        let optionLines = viewOptionNames.map { option in
            entry("  " + option + (option.hasSuffix("=") ? Vocabulary.placeholders[option] ?? "N" : ""), options[option])
        }
        return (viewLines + optionLines).joined(separator: "\n")
    }

    // MARK: - export, rule, explore

    static var exportSyntax: String {
        (["export", Vocabulary.exportKinds.joined(separator: "|"), "FILE"] + optionGroups(Vocabulary.exportOptions))
            .joined(separator: " ")
    }

    /// The export options that are not timeline filters, as prose: `theme=light|dark and title="…"`.
    static var exportStyleOptions: String {
        let filters = Vocabulary.viewOptions["timeline"] ?? []
        let groups = optionGroups(Vocabulary.exportOptions.filter { !filters.contains($0) }).map { String($0.dropFirst().dropLast()) }
        return groups.count < 2 ? groups.joined() : groups.dropLast().joined(separator: ", ") + " and " + groups.last!
    }

    static func verbForms(_ command: String, _ verbs: [String]) -> [String] {
        verbs.map { verb in
            ([command, verb] + (Vocabulary.verbArguments[command]?[verb].map { [$0] } ?? [])).joined(separator: " ")
        }
    }

    static var ruleSyntax: String { verbForms("rule", Vocabulary.ruleVerbs).joined(separator: " · ") }

    static var exploreSyntax: String {
        ((["explore"] + optionGroups(Vocabulary.exploreBudgets)).joined(separator: " ")
            + "\n" + verbForms("explore", Vocabulary.exploreVerbs).joined(separator: "\n"))
    }

    /// The kinds `explore find` looks for: check's anomaly kinds.
    static var anomalyKinds: String { Anomaly.Kind.allCases.map(\.rawValue).joined(separator: ", ") }
}
