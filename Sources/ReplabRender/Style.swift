/// How views are drawn: colour, character set and width. Renderers take it as an input and
/// never look at the terminal or the environment themselves; only the executable decides
/// (colour when standard output is a terminal and `NO_COLOR` is unset, `--color`, `--ascii`).
public struct ViewStyle: Sendable, Hashable {
    /// ANSI colour escapes in the output.
    public var color: Bool
    /// Unicode box-drawing and arrows; `false` keeps every character a view draws ASCII.
    public var unicode: Bool
    /// Columns available; views fit in it (never fewer than `minimumWidth`).
    public var width: Int

    public static let minimumWidth = 40
    public static let defaultWidth = 80

    public init(color: Bool = false, unicode: Bool = true, width: Int = ViewStyle.defaultWidth) {
        self.color = color
        self.unicode = unicode
        self.width = max(ViewStyle.minimumWidth, width)
    }

    /// The style of files and of `replab run` when standard output is not a terminal:
    /// Unicode, no colour, 80 columns.
    public static let standard = ViewStyle()
    /// What `.txt` exports use: ASCII only, no colour, 80 columns, the same on every machine.
    public static let file = ViewStyle(color: false, unicode: false, width: ViewStyle.defaultWidth)

    var glyphs: Glyphs { unicode ? .unicode : .ascii }
}

/// What a piece of text means; the style decides how (or whether) it is coloured.
enum Tone: Sendable, Hashable, CaseIterable {
    case plain
    case dim
    case heading
    case replica
    case client
    case leader
    case follower
    case crashed
    case cut
    case lost
    case ok
    case failed
    case note
    case anomaly
    case started
    case fault
    case diverge

    /// The SGR parameters of the tone (nil: no colour).
    var sgr: String? {
        switch self {
        case .plain: return nil
        case .dim: return "2"
        case .heading: return "1"
        case .replica: return "34"
        case .client: return "36"
        case .leader: return "1;35"
        case .follower: return "34"
        case .crashed: return "1;31"
        case .cut: return "31"
        case .lost: return "31"
        case .ok: return "32"
        case .failed: return "1;31"
        case .note: return "33"
        case .anomaly: return "1;35"
        case .started: return "36"
        case .fault: return "1;31"
        case .diverge: return "1;33"
        }
    }
}

/// Every character a view draws that is not plain text, in both character sets.
struct Glyphs: Sendable {
    let isUnicode: Bool
    let lifeline: Character
    let downLifeline: Character
    let horizontal: Character
    let headRight: Character
    let headLeft: Character
    let senderRight: Character
    let senderLeft: Character
    let lost: Character
    let opStart: Character
    let opDone: Character
    let opFailed: Character
    let note: Character
    let anomaly: Character
    let crash: Character
    let recover: Character
    let partitionRule: Character
    let partitionCross: Character
    let healRule: Character
    let healCross: Character
    let arrow: String
    let bothWays: String
    let oneWay: String
    let backWay: String
    let cutBoth: String
    let cutOneWay: String
    let cutBackWay: String
    let ellipsis: String
    let bullet: String
    let tombstone: String
    let notEqual: String
    let separator: String
    // Box drawing for tables.
    let boxH: Character
    let boxV: Character
    let boxTopLeft: Character
    let boxTopMid: Character
    let boxTopRight: Character
    let boxMidLeft: Character
    let boxMidMid: Character
    let boxMidRight: Character
    let boxBottomLeft: Character
    let boxBottomMid: Character
    let boxBottomRight: Character
    let headerH: Character

    static let unicode = Glyphs(
        isUnicode: true, lifeline: "│", downLifeline: "╎", horizontal: "─", headRight: "►", headLeft: "◄", senderRight: "├",
        senderLeft: "┤",
        lost: "×", opStart: "●", opDone: "◆", opFailed: "✗", note: "○", anomaly: "▲", crash: "╳", recover: "┬",
        partitionRule: "═", partitionCross: "╪", healRule: "─", healCross: "┼",
        arrow: "→", bothWays: "◄───►", oneWay: "────►", backWay: "◄────", cutBoth: "◄─╳─►", cutOneWay: "──╳─►", cutBackWay: "◄─╳──",
        ellipsis: "…", bullet: "•", tombstone: "⊘", notEqual: "≠", separator: "·",
        boxH: "─", boxV: "│", boxTopLeft: "┌", boxTopMid: "┬", boxTopRight: "┐", boxMidLeft: "├", boxMidMid: "┼",
        boxMidRight: "┤", boxBottomLeft: "└", boxBottomMid: "┴", boxBottomRight: "┘", headerH: "═")

    static let ascii = Glyphs(
        isUnicode: false, lifeline: "|", downLifeline: ":", horizontal: "-", headRight: ">", headLeft: "<", senderRight: "|",
        senderLeft: "|",
        lost: "x", opStart: "*", opDone: "#", opFailed: "!", note: "o", anomaly: "^", crash: "X", recover: "+",
        partitionRule: "=", partitionCross: "=", healRule: "-", healCross: "+",
        arrow: "->", bothWays: "<--->", oneWay: "---->", backWay: "<----", cutBoth: "<-x->", cutOneWay: "--x->", cutBackWay: "<-x--",
        ellipsis: "...", bullet: "-", tombstone: "(deleted)", notEqual: "!=", separator: ".",
        boxH: "-", boxV: "|", boxTopLeft: "+", boxTopMid: "+", boxTopRight: "+", boxMidLeft: "+", boxMidMid: "+",
        boxMidRight: "+", boxBottomLeft: "+", boxBottomMid: "+", boxBottomRight: "+", headerH: "=")
}

/// Columns a character takes in a terminal: 0 for combining marks, 2 for East Asian wide and
/// emoji-presentation characters, 1 otherwise.
package func displayWidth(_ character: Character) -> Int {
    guard let first = character.unicodeScalars.first else { return 0 }
    let value = first.value
    if value < 0x300 { return value < 0x20 || value == 0x7F ? 0 : 1 }
    switch first.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) { return 2 }
    let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD,
    ]
    return wide.contains { $0.contains(value) } ? 2 : 1
}

/// Columns a string takes in a terminal.
package func displayWidth(_ text: String) -> Int {
    var total = 0
    for character in text { total += displayWidth(character) }
    return total
}

/// A run of text with one tone.
struct Span: Sendable, Hashable {
    var text: String
    var tone: Tone
    init(_ text: String, _ tone: Tone = .plain) {
        self.text = text
        self.tone = tone
    }
}

/// One line of styled text: laid out by its plain text, coloured only when written out.
struct StyledLine: Sendable, Hashable {
    var spans: [Span] = []

    init(_ spans: [Span] = []) { self.spans = spans }
    init(_ text: String, _ tone: Tone = .plain) { spans = [Span(text, tone)] }

    var plain: String { spans.map(\.text).joined() }
    var width: Int { spans.reduce(0) { $0 + displayWidth($1.text) } }

    mutating func append(_ text: String, _ tone: Tone = .plain) {
        guard !text.isEmpty else { return }
        // Spaces look the same in any tone: joining them to the run before saves escapes.
        if let last = spans.last, last.tone == tone || (text.allSatisfy { $0 == " " } && last.tone != .plain) {
            spans[spans.count - 1].text += text
        } else {
            spans.append(Span(text, tone))
        }
    }

    mutating func append(_ line: StyledLine) {
        for span in line.spans { append(span.text, span.tone) }
    }

    /// The line as the terminal gets it, trailing spaces removed.
    func render(_ style: ViewStyle) -> String {
        var parts = spans
        while let last = parts.last {
            var text = last.text
            while text.last == " " { text.removeLast() }
            if text.isEmpty {
                parts.removeLast()
            } else {
                parts[parts.count - 1].text = text
                break
            }
        }
        var out = ""
        for span in parts {
            // Untrusted text (values, command lines) is escaped before it is coloured, so the only
            // escape sequences a line holds are the ones drawn here.
            let text = TerminalText.escaped(span.text)
            if style.color, let sgr = span.tone.sgr {
                out += "\u{1B}[\(sgr)m" + text + "\u{1B}[0m"
            } else {
                out += text
            }
        }
        return out
    }
}

extension Array where Element == StyledLine {
    func render(_ style: ViewStyle) -> String { map { $0.render(style) }.joined(separator: "\n") }
}

/// A line of a command's report, broken to fit `width` columns: continuation lines are indented
/// five columns past the line's own indentation (deeper than a report's three-column sub-items),
/// so a wrapped note still reads as one item.
package func wrapProse(_ line: String, width: Int) -> [String] {
    guard displayWidth(line) > width else { return [line] }
    let lead = line.prefix { $0 == " " }.count
    let margin = String(repeating: " ", count: lead)
    let indent = String(repeating: " ", count: lead + 5)
    let parts = wrap(String(line.dropFirst(lead)), width: max(20, width - lead - 5), firstWidth: max(20, width - lead))
    return [margin + parts[0]] + parts.dropFirst().map { indent + $0 }
}

/// Breaks `text` into lines of at most `width` columns (the first line: `firstWidth`, when
/// given), at spaces where it can and inside a word only when the word alone is too long.
/// Never returns an empty array.
package func wrap(_ text: String, width: Int, firstWidth: Int? = nil) -> [String] {
    var limit = max(1, firstWidth ?? width)
    if displayWidth(text) <= limit { return [text] }
    var lines: [String] = []
    var current = ""
    var currentWidth = 0
    func flush() {
        lines.append(current)
        current = ""
        currentWidth = 0
        limit = max(1, width)
    }
    for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
        let wordWidth = displayWidth(word)
        if currentWidth > 0 && currentWidth + 1 + wordWidth <= limit {
            current += " " + word
            currentWidth += 1 + wordWidth
            continue
        }
        if currentWidth > 0 { flush() }
        if wordWidth <= limit {
            current = word
            currentWidth = wordWidth
            continue
        }
        // A word wider than the line: cut it.
        for character in word {
            let w = displayWidth(character)
            if currentWidth + w > limit { flush() }
            current.append(character)
            currentWidth += w
        }
    }
    if currentWidth > 0 || lines.isEmpty { lines.append(current) }
    return lines
}

/// `text` cut to `width` columns with an ellipsis when it does not fit.
func truncate(_ text: String, width: Int, ellipsis: String) -> String {
    if displayWidth(text) <= width { return text }
    let room = max(0, width - displayWidth(ellipsis))
    var out = ""
    var used = 0
    for character in text {
        let w = displayWidth(character)
        if used + w > room { break }
        out.append(character)
        used += w
    }
    return out + ellipsis
}

/// Pads with spaces to `width` columns.
func padRight(_ text: String, _ width: Int) -> String {
    let w = displayWidth(text)
    return w >= width ? text : text + String(repeating: " ", count: width - w)
}

func padLeft(_ text: String, _ width: Int) -> String {
    let w = displayWidth(text)
    return w >= width ? text : String(repeating: " ", count: width - w) + text
}

/// Replaces the few non-ASCII symbols replab's own text uses with ASCII spellings (for
/// `--ascii`); anything else, such as a value a user typed, is left as it is.
package func asciiFallback(_ text: String) -> String {
    guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
    var out = ""
    for character in text {
        switch character {
        case "→": out += "->"
        case "←": out += "<-"
        case "…": out += "..."
        case "≤": out += "<="
        case "≥": out += ">="
        case "≠": out += "!="
        case "×": out += "x"
        case "·": out += "-"
        case "—", "–": out += "-"
        case "•": out += "-"
        case "⊘": out += "(deleted)"
        default: out.append(character)
        }
    }
    return out
}

/// Wraps a styled line so the first piece fits `width` and the others `width - indent` (the
/// caller indents them), keeping each character's tone.
func wrapHanging(_ line: StyledLine, width: Int, indent: Int) -> [StyledLine] {
    TimelineText.wrapStyled(line, width: max(8, width - indent), firstWidth: width)
}
