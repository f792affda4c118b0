/// A word of a command line, with the column it started at (1-based) for error messages.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A bare word: `put`, `x`, `w=2`, `A->B`, `m4`.
        case word
        /// A "quoted string" (the text is unescaped).
        case quoted
        /// The group separator of `partition`.
        case bar
    }
    public let kind: Kind
    public let text: String
    public let column: Int
}

/// An input error: one line that says what was wrong and what is allowed.
public struct CommandError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum Lexer {
    /// The longest line replab accepts.
    public static let maxLineLength = 4096

    /// Splits a line into tokens. `#` outside quotes starts a comment.
    public static func tokenize(_ line: String) throws(CommandError) -> [Token] {
        let scalars = Array(line.unicodeScalars)
        if scalars.count > maxLineLength {
            throw CommandError("the line is \(scalars.count) characters long; at most \(maxLineLength) are allowed")
        }
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                index += 1
                continue
            }
            if scalar == "#" { break }
            let column = index + 1
            if scalar == "|" {
                tokens.append(Token(kind: .bar, text: "|", column: column))
                index += 1
                continue
            }
            if scalar == "\"" {
                var text = ""
                index += 1
                var closed = false
                while index < scalars.count {
                    let c = scalars[index]
                    if c == "\"" {
                        closed = true
                        index += 1
                        break
                    }
                    if c == "\\" && index + 1 < scalars.count {
                        let next = scalars[index + 1]
                        switch next {
                        case "n": text += "\n"
                        case "t": text += "\t"
                        case "\"", "\\": text.unicodeScalars.append(next)
                        default:
                            throw CommandError("unknown escape \\\(next) at column \(index + 1): use \\\" \\\\ \\n or \\t")
                        }
                        index += 2
                        continue
                    }
                    if isControl(c) { throw oddCharacter(c, column: index + 1) }
                    text.unicodeScalars.append(c)
                    index += 1
                }
                if !closed { throw CommandError("unclosed quote starting at column \(column): end the string with \"") }
                if text.unicodeScalars.count > 256 {
                    throw CommandError(
                        "the quoted string at column \(column) is \(text.unicodeScalars.count) characters long; at most 256 are allowed")
                }
                tokens.append(Token(kind: .quoted, text: text, column: column))
                continue
            }
            var text = ""
            while index < scalars.count {
                let c = scalars[index]
                if c == " " || c == "\t" || c == "\r" || c == "\n" || c == "|" || c == "#" || c == "\"" { break }
                if isControl(c) || c == "\u{FFFD}" { throw oddCharacter(c, column: index + 1) }
                text.unicodeScalars.append(c)
                index += 1
            }
            tokens.append(Token(kind: .word, text: text, column: column))
        }
        return tokens
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
    }

    static func oddCharacter(_ scalar: Unicode.Scalar, column: Int) -> CommandError {
        let code = String(scalar.value, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
        if scalar == "\u{FFFD}" {
            return CommandError("the line has bytes that are not valid UTF-8 at column \(column); type plain text")
        }
        return CommandError("unexpected control character U+\(padded) at column \(column); commands are plain text")
    }
}
