import ReplabRender

/// Fitting human-readable text to the terminal's width (80 columns when output is not a
/// terminal), breaking between words.
///
/// Views lay themselves out for the width; this is the last pass every command's text goes
/// through, so prose that no view laid out (help, errors, notes, notices) never runs past the
/// edge either. A line that fits is left exactly as it is.

/// `text` with every line wider than `width` broken between words. A line that reads as an
/// entry (`term   what it means`) continues under its description; any other line continues
/// five columns past its own indentation, as command reports do. Lines carrying colour escapes
/// are measured without them.
public func fitToWidth(_ text: String, width: Int) -> String {
    guard text.contains(where: { $0 == "\n" }) || visibleWidth(text) > width else { return text }
    var out: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        out += fitLine(String(line), width: width)
    }
    return out.joined(separator: "\n")
}

/// One line broken to `width` columns (see `fitToWidth`).
func fitLine(_ line: String, width: Int) -> [String] {
    guard visibleWidth(line) > width else { return [line] }
    // Colour cannot survive a break cleanly: an over-long coloured line is broken as plain text.
    let plain = line.contains("\u{1B}") ? stripEscapes(line) : line
    guard displayWidth(plain) > width else { return [line] }
    let lead = plain.prefix { $0 == " " }.count
    let hang = hangingColumn(plain) ?? (lead + 5)
    let indent = hang <= width / 2 ? hang : lead + 5
    let body = String(plain.dropFirst(lead))
    let pieces = wrap(body, width: max(20, width - indent), firstWidth: max(20, width - lead))
    return [String(repeating: " ", count: lead) + pieces[0]]
        + pieces.dropFirst().map { String(repeating: " ", count: indent) + $0 }
}

/// Where the description of an entry line (`  term   description`) starts: after the first run
/// of two or more spaces that follows text. nil when the line has no such gap.
func hangingColumn(_ line: String) -> Int? {
    var column = 0
    var seenText = false
    var spaces = 0
    for character in line {
        if character == " " {
            spaces += 1
        } else {
            if seenText && spaces >= 2 { return column }
            seenText = true
            spaces = 0
        }
        column += displayWidth(character)
    }
    return nil
}

/// Columns a line takes on screen, colour escapes not counted.
func visibleWidth(_ text: String) -> Int {
    text.contains("\u{1B}") ? displayWidth(stripEscapes(text)) : displayWidth(text)
}

/// The text without ANSI SGR escapes (`ESC [ … m`).
func stripEscapes(_ text: String) -> String {
    var out = ""
    var inEscape = false
    var sawBracket = false
    for character in text {
        if inEscape {
            if !sawBracket {
                sawBracket = character == "["
                if !sawBracket { inEscape = false }
                continue
            }
            if character.isLetter { inEscape = false }
            continue
        }
        if character == "\u{1B}" {
            inEscape = true
            sawBracket = false
            continue
        }
        out.append(character)
    }
    return out
}

/// Help and other hand-laid prose, reflowed for `width`: each entry (a line with its
/// continuation lines, indented under its description) or paragraph (lines of the same
/// indentation) that does not fit is joined and broken again between words; whatever fits is
/// left exactly as written.
func reflow(_ text: String, width: Int) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var out: [String] = []
    var index = 0
    while index < lines.count {
        let head = lines[index]
        let lead = head.prefix { $0 == " " }.count
        if head.trimmingWhitespace.isEmpty {
            out.append(head)
            index += 1
            continue
        }
        let hang = hangingColumn(head)
        // The block: the head, and the lines that continue it.
        var end = index + 1
        while end < lines.count {
            let next = lines[end]
            if next.trimmingWhitespace.isEmpty { break }
            let nextLead = next.prefix { $0 == " " }.count
            if hang != nil {
                // Continuation lines sit deeper than the head (under its description, or at the
                // column the other entries' descriptions start).
                guard nextLead > lead, hangingColumn(next) == nil || nextLead == hang else { break }
            } else {
                guard nextLead == lead, hangingColumn(next) == nil else { break }
            }
            end += 1
        }
        let block = Array(lines[index..<end])
        if block.allSatisfy({ displayWidth($0) <= width }) {
            out += block
        } else {
            let joined = ([head] + block.dropFirst().map { $0.trimmingWhitespace }).joined(separator: " ")
            let column = hang ?? lead
            let indent = column <= width / 2 ? column : lead + 5
            let body = String(joined.dropFirst(lead))
            let pieces = wrap(body, width: max(20, width - indent), firstWidth: max(20, width - lead))
            out.append(String(repeating: " ", count: lead) + pieces[0])
            out += pieces.dropFirst().map { String(repeating: " ", count: indent) + $0 }
        }
        index = end
    }
    return out.joined(separator: "\n")
}
