import ReplabCommands
import ReplabRender

/// Text layout for the terminal: lessons are read on an 80-column screen.
enum Layout {
    /// The width the runner's own text is wrapped to.
    static let width = 78

    /// Wraps words to `width` columns: the first line starts with `first`, the others with `rest`.
    /// A word longer than a line is left whole.
    static func wrap(_ text: String, width: Int = Layout.width, first: String = "", rest: String = "") -> [String] {
        var lines: [String] = []
        var current = first
        var empty = true
        for word in words(text) {
            if !empty && current.count + 1 + word.count > width {
                lines.append(current)
                current = rest
                empty = true
            }
            current += (empty ? "" : " ") + word
            empty = false
        }
        if !empty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// The words of `text`; an inline code span (`put x 1`) stays one word, so it is never split
    /// across lines.
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var open = false
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if open, let last = result.popLast() {
                result.append(last + " " + word)
            } else {
                result.append(String(word))
            }
            if word.filter({ $0 == "`" }).count % 2 == 1 { open.toggle() }
        }
        return result
    }

    /// Narration blocks as terminal text: paragraphs and list items reflowed, verbatim blocks
    /// indented by four spaces; blocks are separated by blank lines, except between list items.
    static func render(_ blocks: [Block], indent: String = "") -> String {
        var out: [String] = []
        var previousWasItem = false
        for block in blocks {
            switch block {
            case .paragraph(let text):
                if !out.isEmpty { out.append("") }
                out += wrap(text, first: indent, rest: indent)
                previousWasItem = false
            case .item(let marker, let text):
                if !out.isEmpty && !previousWasItem { out.append("") }
                let hanging = indent + String(repeating: " ", count: marker.count + 1)
                out += wrap(text, first: indent + marker + " ", rest: hanging)
                previousWasItem = true
            case .verbatim(let lines):
                if !out.isEmpty { out.append("") }
                out += lines.map { $0.isEmpty ? "" : indent + "    " + $0 }
                previousWasItem = false
            }
        }
        return out.joined(separator: "\n")
    }

    /// `── TITLE ───…` filled to the width.
    static func rule(_ title: String) -> String {
        let head = "── \(title) "
        return head + String(repeating: "─", count: max(3, width - head.count))
    }
}

extension StringProtocol {
    /// Without spaces, tabs and line ends at either end.
    var trimmedLine: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" { scalars.removeLast() }
        return String(scalars)
    }

    /// The number of leading spaces.
    var indentation: Int { prefix(while: { $0 == " " }).count }
}

/// ` (did you mean "read"?)` for the closest candidate within distance 2, or "".
func suggest(_ word: String, among candidates: [String]) -> String {
    closestMatch(for: word, among: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
}

/// Reading the JSON of a command result (the stable surface: `../shared/COMMANDS.md`).
extension JSON {
    subscript(_ name: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first(where: { $0.0 == name })?.1
    }

    var items: [JSON] {
        if case .array(let items) = self { return items }
        return []
    }

    /// The members of an object, in order.
    var members: [(String, JSON)] {
        if case .object(let pairs) = self { return pairs }
        return []
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }
}
