/// A value a client writes: an integer, a bare word or a quoted string. Kept as the text the user
/// meant; printed bare when it reads unambiguously as one token, quoted otherwise.
public struct Value: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public var integer: Int64? { Int64(text) }

    /// The order LWW uses to break a timestamp tie ("the larger value"): integers numerically
    /// and before words, words by their UTF-8 bytes.
    public static func < (lhs: Value, rhs: Value) -> Bool {
        switch (lhs.integer, rhs.integer) {
        case (let a?, let b?): return a < b
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return Array(lhs.text.utf8).lexicographicallyPrecedes(Array(rhs.text.utf8))
        }
    }

    /// Whether the text can be written without quotes.
    public var isBare: Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                ($0.value >= 48 && $0.value <= 57) || ($0.value >= 65 && $0.value <= 90)
                    || ($0.value >= 97 && $0.value <= 122) || $0 == "_" || $0 == "-" || $0 == "." || $0 == "+"
            }
    }

    public var description: String {
        if isBare { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
