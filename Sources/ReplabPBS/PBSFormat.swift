/// Number formatting that is identical on every machine: no locale, no libc printf (a REPL may
/// have called `setlocale`), and decimal rounding of the exact binary value, as C's `%.Nf` does.
enum PBSFormat {
    static let powersOfTen: [Double] = (0...15).map { e in (0..<e).reduce(1.0) { acc, _ in acc * 10 } }

    /// `printf("%.*f", decimals, value)`: the exact value of the double, rounded half to even
    /// (or, with `roundingDown`, truncated: never more than the value).
    static func fixed(_ value: Double, decimals: Int, roundingDown: Bool = false) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value < 0 { return "-" + fixed(-value, decimals: decimals, roundingDown: roundingDown) }
        var d = min(max(decimals, 0), 15)
        // n ± 0.5 must stay exact below, so keep value·10^d under 2⁵².
        while d > 0 && !(value * powersOfTen[d] < 4.0e15) { d -= 1 }
        if !(value < 4.0e15) {
            return value < 9.0e18 ? String(Int64(value)) : "9e18+"
        }
        let scale = powersOfTen[d]
        // Find n = floor(value·scale) exactly: a fused multiply-add rounds once, so the sign of
        // value·scale − n is exact.
        var n = (value * scale).rounded(.down)
        while n > 0 && (-n).addingProduct(value, scale) < 0 { n -= 1 }
        while (-(n + 1)).addingProduct(value, scale) >= 0 { n += 1 }
        let half = (-(n + 0.5)).addingProduct(value, scale)
        if !roundingDown && (half > 0 || (half == 0 && n.truncatingRemainder(dividingBy: 2) != 0)) { n += 1 }
        let digits = Int64(n)
        if d == 0 { return String(digits) }
        let unit = Int64(scale)
        let fraction = String(digits % unit)
        return String(digits / unit) + "." + String(repeating: "0", count: d - fraction.count) + fraction
    }

    /// Milliseconds to about four significant digits (at most three decimals): 0.489, 10.89,
    /// 219.3, 1470.
    static func ms(_ value: Double) -> String {
        if value == 0 { return "0" }
        let decimals = value < 10 ? 3 : value < 100 ? 2 : value < 1000 ? 1 : 0
        return fixed(value, decimals: decimals)
    }

    /// A time the user gave (validated to at most three decimals), without trailing zeros:
    /// 0, 0.5, 10, 12.25.
    static func time(_ t: Double) -> String {
        var s = fixed(t, decimals: 3)
        while s.hasSuffix("0") && s.contains(".") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// A probability with four decimals, rounded down, so a printed 0.9990 has reached 99.9%;
    /// "1" only when it is exactly 1, and more decimals when four would show an inexact value
    /// as 0 (0.00004 → 0.00004). Values within 10⁻¹² of a printed boundary are taken to be on
    /// it, so 1 − 0.3 prints as 0.7000 and not 0.6999.
    static func probability(_ p: Double) -> String {
        if p >= 1 { return "1" }
        if p <= 0 { return "0" }
        let snapped = p + 1e-12
        for decimals in 4...9 {
            var s = fixed(snapped, decimals: decimals, roundingDown: true)
            if s.hasPrefix("1") { s = "0." + String(repeating: "9", count: decimals) }  // below 1 stays below 1
            if s.contains(where: { $0 != "0" && $0 != "." }) { return s }
        }
        return fixed(p, decimals: 9, roundingDown: true)
    }

    /// The exact fraction numerator/denominator (0 ≤ it ≤ 1) as `probability` prints it, by
    /// integer arithmetic: 7/10 is 0.7000.
    static func probability(_ numerator: Int, of denominator: Int) -> String {
        if numerator >= denominator { return "1" }
        if numerator <= 0 { return "0" }
        var scale = 1
        for decimals in 1...9 {
            scale *= 10
            guard decimals >= 4 else { continue }
            let digits = numerator.multipliedReportingOverflow(by: scale)
            if digits.overflow { break }
            let value = digits.partialValue / denominator
            if value > 0 {
                let text = String(value)
                return "0." + String(repeating: "0", count: decimals - text.count) + text
            }
        }
        return probability(Double(numerator) / Double(denominator))
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, ch) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// Right-aligns `text` in `width` columns.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// Left-aligns `text` in `width` columns.
    static func padRight(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A JSON string literal.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
