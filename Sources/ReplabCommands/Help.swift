import ReplabRender

/// The text of `help` and `help COMMAND`.
public enum Help {
    public static func text(topic: String?, width: Int = ViewStyle.defaultWidth) throws(CommandError) -> String {
        guard let topic else { return index }
        let name = topic == "exit" ? "quit" : topic
        guard let help = Catalog.help(for: name) else {
            throw CommandError(
                "no help for \"\(topic)\"\(suggestion(for: topic, among: Catalog.names)); type help for the list of commands")
        }
        // Several forms on one line (`a · b`, `show x | show y`) go one per line when they do not fit.
        let syntax = help.syntax.split(separator: "\n").flatMap { line -> [String] in
            guard line.count > width else { return [String(line)] }
            let separator = line.contains(" · ") ? " · " : " | \(help.name) "
            var forms: [String] = []
            var rest = Substring(line)
            while let range = rest.firstRange(of: separator) {
                forms.append(String(rest[..<range.lowerBound]))
                rest = rest[range.upperBound...]
            }
            forms.append(String(rest))
            return forms.enumerated().map { $0 == 0 ? $1 : (separator == " · " ? $1 : "\(help.name) \($1)") }
        }
        // Each form on its own line(s), continued four columns in.
        let forms = syntax.flatMap { form in
            wrap(form, width: width - 4, firstWidth: width).enumerated().map { $0 == 0 ? $1 : "    " + $1 }
        }
        var lines = [forms.joined(separator: "\n"), "", help.summary.prefix(1).uppercased() + help.summary.dropFirst() + "."]
        if !help.detail.isEmpty { lines += ["", help.detail] }
        lines += ["", "Example:", "  \(help.example)"]
        return lines.joined(separator: "\n")
    }

    static var index: String {
        var lines = ["replab: step through replication, one message at a time. help COMMAND explains one."]
        for group in Catalog.groups {
            let commands = Catalog.commands.filter { $0.group == group }
            guard !commands.isEmpty else { continue }
            lines.append("")
            lines.append(group + ":")
            for command in commands {
                lines.append("  " + command.name.padded(to: 13) + command.summary)
            }
        }
        lines.append("")
        lines.append("Names: replicas A B C …, clients c1 c2 …, messages m1 m2 …; keys are lower-case words.")
        return lines.joined(separator: "\n")
    }
}
