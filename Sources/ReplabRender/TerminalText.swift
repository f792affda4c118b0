/// Text from files, scripts and values reaches the terminal as text, never as terminal commands.
///
/// A control character (C0 but newline and tab, DEL, C1) is shown as its code, `\u001B` style:
/// an escape sequence in a lesson or a script line cannot set the window title, clear the screen
/// or write the clipboard (OSC 52). JSON escapes the same characters as JSON does.
///
/// Where it is applied, and why there: at the edges where human text leaves replab (the
/// executable's printing, the REPL's output, the exported files), so text from any source, today's
/// or a future one, is covered. replab's own colours are the only escape sequences allowed through,
/// and only the exact ones `ViewStyle` draws (`keepingColour`); so that even those cannot come from
/// outside, untrusted text is also escaped where it enters a styled line (`StyledLine.render`), the
/// echo of a script line (`ScriptRunner`) and a lesson's prose (`LessonParser`).
public enum TerminalText {
    /// Whether a scalar is shown as its code: C0 but newline and tab, DEL and C1.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }

    /// The text with every control character but newline and tab written as `\u001B`.
    public static func escaped(_ text: String) -> String {
        escaped(text, keepingColour: false)
    }

    /// The text escaped; with `keepingColour`, replab's own colour codes (exactly the SGR sequences
    /// of `Tone`, and the reset) are kept as they are.
    public static func escaped(_ text: String, keepingColour: Bool) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if keepingColour, scalar == "\u{1B}", let length = colourCodeLength(scalars, at: index) {
                out.append(contentsOf: scalars[index..<(index + length)])
                index += length
                continue
            }
            if isControl(scalar) {
                out.append(contentsOf: code(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    /// `\u001B` for ESC.
    static func code(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The SGR sequences replab draws itself: `ESC [ p m` for each tone's parameters, and the reset.
    static let colourCodes = Set((Tone.allCases.compactMap(\.sgr) + ["0"]).map { "\u{1B}[\($0)m" })

    /// The length of one of replab's colour codes starting at `index`, or nil.
    static func colourCodeLength(_ scalars: [Unicode.Scalar], at index: Int) -> Int? {
        guard index + 2 < scalars.count, scalars[index + 1] == "[" else { return nil }
        var end = index + 2
        while end < scalars.count, end - index < 12, scalars[end] == ";" || (scalars[end].value >= 48 && scalars[end].value <= 57) {
            end += 1
        }
        guard end < scalars.count, scalars[end] == "m" else { return nil }
        var candidate = String.UnicodeScalarView()
        candidate.append(contentsOf: scalars[index...end])
        return colourCodes.contains(String(candidate)) ? end - index + 1 : nil
    }
}
