import Foundation
import ReplabCommands
import ReplabKernel

/// Command lines drawn from replab's own grammar: the syntax lines of `Catalog` (so a new command
/// or option is fuzzed as soon as `help` knows it), filled with values that are sometimes right
/// and often wrong, then mangled: bad numbers, Unicode, control characters, invalid UTF-8, huge
/// lines, shuffled, dropped and repeated tokens.
struct Grammar {
    /// One piece of a syntax line.
    indirect enum Item {
        case word(String)
        /// `a|b|c`, or `key=a|b` (the key is kept, the value chosen).
        case choice(prefix: String, [String])
        /// An upper-case placeholder: KEY, VALUE, NODE, COUNT, …
        case placeholder(String)
        case optional([Item])
    }

    /// Every form of every command, parsed from the catalog once.
    let forms: [(name: String, items: [Item])]

    init() {
        var forms: [(String, [Item])] = []
        for command in Catalog.commands {
            for line in command.syntax.split(separator: "\n") {
                for part in line.split(separator: " · ") {
                    let text = String(part).trimmingCharacters(in: .whitespaces)
                    // `show state [KEY] | show history | …`: alternatives that each start with the name.
                    let pieces = text.components(separatedBy: " | ")
                    let alternatives = pieces.allSatisfy { $0.hasPrefix(command.name) } ? pieces : [text]
                    for alternative in alternatives { forms.append((command.name, Grammar.parse(alternative))) }
                }
            }
        }
        self.forms = forms
    }

    /// Splits a syntax line into items, brackets nesting.
    static func parse(_ text: String) -> [Item] {
        var items: [[Item]] = [[]]
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            items[items.count - 1].append(item(word))
            word = ""
        }
        for character in text {
            switch character {
            case "[":
                flush()
                items.append([])
            case "]":
                flush()
                let group = items.removeLast()
                if items.isEmpty { items = [[]] }
                items[items.count - 1].append(.optional(group))
            case " ":
                flush()
            default:
                word.append(character)
            }
        }
        flush()
        return items.flatMap { $0 }
    }

    static func item(_ word: String) -> Item {
        let bare = word.replacingOccurrences(of: "…", with: "")
        if bare == "|" { return .word(bare) }  // partition's group separator
        if let equals = bare.firstIndex(of: "=") {
            let key = String(bare[...equals])
            let values = bare[bare.index(after: equals)...].split(separator: "|").map(String.init)
            return values.isEmpty ? .word(bare) : .choice(prefix: key, values)
        }
        if bare.contains("|") { return .choice(prefix: "", bare.split(separator: "|").map(String.init)) }
        if !bare.isEmpty, bare.allSatisfy({ $0.isUppercase || $0 == "_" }) { return .placeholder(bare) }
        return .word(bare)
    }
}

/// The fuzzer's random choices: SplitMix64 with a seed, so a seed replays its lines exactly.
struct Draw {
    var prng: SplitMix64

    mutating func below(_ bound: Int) -> Int { Int(prng.below(UInt64(max(1, bound)))) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func shuffle<T>(_ items: inout [T]) {
        for index in items.indices.reversed() where index > 0 { items.swapAt(index, below(index + 1)) }
    }
}

extension Grammar {
    /// Numbers: mostly small and valid, sometimes wrong in every way a number can be.
    static let badNumbers = [
        "0", "-1", "-0", "00", "1.5", "1e3", "0x10", "+3", "99999999999999999999", "4294967297", "9223372036854775808",
        "١٢", "３", "NaN", "∞", "", "1_000", " 2",
    ]
    static let words = [
        "x", "y", "z", "cart", "room-42", "a_b", "X", "1x", "x!", "é", "ключ", String(repeating: "k", count: 70), "-",
        "\"\"", "\"a b\"", "\"say \\\"hi\\\"\"", "\"tab\\there\"", "\"line\\nbreak\"", "\"\\q\"", "\"unclosed", "|", "#",
        "A->B", "c1->A", "A->", "->", "m1", "m0", "m999999", "all", "to", "from", "via", "as", "blind", "random",
        "on", "off", "mermaid", "last=3", "every=2",
    ]
    static let unicode = [
        "日本", "😀", "e\u{301}", "\u{200B}", "\u{202E}abc", "\u{FEFF}", "\u{FFFD}", "𝔘𝔫𝔦", "\u{2028}", "ﬂ", "İ",
    ]
    static let controls: [UInt8] = [0x00, 0x01, 0x07, 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x1B, 0x7F]
    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    func number(_ draw: inout Draw, small: Bool = true) -> String {
        if draw.chance(80) { return String(draw.below(small ? 7 : 30)) }
        return draw.pick(Grammar.badNumbers)
    }

    func placeholder(_ name: String, _ draw: inout Draw) -> String {
        if draw.chance(8) { return draw.pick(Grammar.words) }
        switch name {
        case "KEY": return draw.pick(["x", "y", "z", "cart"])
        case "VALUE": return draw.chance(70) ? String(draw.below(100)) : draw.pick(["v", "\"a b\"", "\"x\\ny\"", "-3", "1.5"])
        case "NODE": return String(UnicodeScalar(UInt8(65 + draw.below(draw.chance(90) ? 5 : 27))))
        case "CLIENT": return "c\(draw.below(4))"
        case "COUNT", "N", "TICKS": return number(&draw, small: false)
        case "FILE": return draw.pick(["s.replab", "t.md", "t.mmd", "t.txt", "t.json", "t.svg", "noext", "s.replab", "\"a b.md\""])
        case "SELECTOR":
            return draw.pick(["all", "m\(draw.below(12))", "A->B", "c1->A", "B->c1", "to A", "from B", "to c1", "m1 m2", "all all"])
        case "COMMAND": return draw.pick(Catalog.names + ["nonsense"])
        case "NAME": return draw.pick(["quorums", "6", "x"])
        default: return name.lowercased()
        }
    }

    func expand(_ items: [Item], _ draw: inout Draw, into out: inout [String]) {
        for item in items {
            switch item {
            case .word(let word): out.append(word)
            case .choice(let prefix, let values):
                if prefix.isEmpty {
                    out.append(draw.pick(values))
                } else {
                    let value = draw.pick(values)
                    if value.allSatisfy({ $0.isUppercase }) {
                        out.append(prefix + placeholder(value, &draw))  // max=N, last=N
                    } else if value.allSatisfy(\.isNumber) || value.contains(",") {
                        out.append(prefix + number(&draw))  // a default (n=3): any number, right or wrong
                    } else {
                        out.append(prefix + value)
                    }
                }
            case .placeholder(let name): out.append(placeholder(name, &draw))
            case .optional(let group): if draw.chance(45) { expand(group, &draw, into: &out) }
            }
        }
    }

    /// The commands a session spends most of its lines on (the rest are drawn evenly).
    static let busy = ["put", "get", "step", "run", "deliver", "tick", "messages", "show", "undo", "crash", "recover", "set"]

    /// One command line, as the bytes a file or a pipe would hold (never a newline).
    func line(_ draw: inout Draw) -> [UInt8] {
        let form: (name: String, items: [Item])
        if draw.chance(60) {
            let name = draw.pick(Grammar.busy)
            form = draw.pick(forms.filter { $0.name == name })
        } else {
            form = draw.pick(forms)
        }
        var tokens: [String] = []
        expand(form.items, &draw, into: &tokens)
        // pbs samples for a long time when asked to: keep its trials small unless they are wrong.
        if form.name == "pbs" { tokens = tokens.map { $0.hasPrefix("trials=") ? "trials=\(draw.below(2000))" : $0 } }
        // explore is bounded by the states it visits (a million by default), not by time: keep
        // the bound small so that one fuzzing minute covers many commands.
        if form.name == "explore" && !["show", "apply"].contains(tokens.dropFirst().first ?? "") {
            tokens = tokens.filter { !$0.hasPrefix("max-states=") } + ["max-states=\(1 + draw.below(400))"]
        }
        return mangle(tokens, &draw)
    }

    /// Mostly leaves a line alone; otherwise breaks it in one or two of many ways.
    func mangle(_ tokens: [String], _ draw: inout Draw) -> [UInt8] {
        var tokens = tokens
        var bytes: [UInt8]? = nil
        guard draw.chance(35) else { return Array(tokens.joined(separator: " ").utf8) }
        for _ in 0..<(1 + draw.below(2)) {
            switch draw.below(11) {
            case 0: draw.shuffle(&tokens)
            case 1: if !tokens.isEmpty { tokens.remove(at: draw.below(tokens.count)) }
            case 2: if !tokens.isEmpty { tokens.insert(tokens[draw.below(tokens.count)], at: draw.below(tokens.count + 1)) }
            case 3: tokens.insert(draw.pick(Grammar.words), at: draw.below(tokens.count + 1))
            case 4: tokens.insert(draw.pick(Grammar.unicode), at: draw.below(tokens.count + 1))
            case 5: tokens.insert(draw.pick(Grammar.badNumbers), at: draw.below(tokens.count + 1))
            case 6: if !tokens.isEmpty { tokens[draw.below(tokens.count)] = draw.pick(tokens).uppercased() }
            case 7:
                // A huge line: past the lexer's bound, or just under it.
                let unit = draw.pick(["x ", "put ", "日本", "\"aaaa\" ", "m1 "])
                let length = draw.pick([Lexer.maxLineLength - 5, Lexer.maxLineLength + 1, 100_000])
                tokens.append(String(repeating: unit, count: length / unit.count + 1))
            case 8: tokens = [tokens.joined(separator: draw.pick(["", "\t", "  ", " | ", "="]))]
            default:
                // Raw bytes: a control character or a piece of invalid UTF-8 anywhere in the line.
                var raw = bytes ?? Array(tokens.joined(separator: " ").utf8)
                let insert: [UInt8] = draw.chance(50) ? [draw.pick(Grammar.controls)] : draw.pick(Grammar.invalidUTF8)
                raw.insert(contentsOf: insert, at: draw.below(raw.count + 1))
                bytes = raw
            }
        }
        if draw.chance(10) { tokens.append("# " + draw.pick(Grammar.unicode)) }
        return bytes ?? Array(tokens.joined(separator: " ").utf8)
    }
}
