#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One configuration's results, ready to print.
struct PBSSummary: Sendable {
    let config: PBSConfig
    let outcome: PBSOutcome
    let k: Int

    /// P(consistent) (k-staleness) at `outcome.spec.times[j]`.
    func probability(_ j: Int) -> Double {
        PBSOutcome.kStale(count: outcome.consistent[j], trials: outcome.trials, k: k)
    }

    /// P(consistent) at `outcome.spec.times[j]` as printed (exact fraction when k = 1).
    func probabilityText(_ j: Int) -> String {
        k == 1 ? PBSFormat.probability(outcome.consistent[j], of: outcome.trials) : PBSFormat.probability(probability(j))
    }

    /// P(consistent) at any t, read from the staleness-window histogram (for plotting).
    func curve(at t: Double) -> Double {
        if config.quorum.isStrict { return 1 }
        return PBSOutcome.kStale(count: outcome.window.count(atOrBelow: t), trials: outcome.trials, k: k)
    }

    var tVisibility: Double { outcome.tVisibility(k: k) }

    /// p50, p99, p99.9 of a latency histogram.
    static func percentiles(_ h: PBSHistogram) -> [Double] {
        [h.quantile(1, 2), h.quantile(99, 100), h.quantile(999, 1000)]
    }

    var read: [Double] { Self.percentiles(outcome.readLatency) }
    var write: [Double] { Self.percentiles(outcome.writeLatency) }

    /// The paper's closed form for A = R = S = 0 at t = 0 (a read of R replicas misses all W
    /// written ones): P(stale) = C(N−W, R) / C(N, R), as an exact ratio of integers.
    var closedFormStale: (numerator: Int, denominator: Int)? {
        guard config.model.hasInstantAcksAndReads else { return nil }
        let q = config.quorum
        return (binomial(q.n - q.w, q.r), binomial(q.n, q.r))
    }
}

/// C(n, k) exactly (n ≤ 50 keeps it well inside Int).
func binomial(_ n: Int, _ k: Int) -> Int {
    if k < 0 || k > n { return 0 }
    let k = min(k, n - k)
    var result = 1
    var i = 0
    while i < k {
        result = result * (n - i) / (i + 1)
        i += 1
    }
    return result
}

enum PBSRender {
    static let percentileNames = ["p50", "p99", "p99.9"]
    static let jsonPercentileNames = ["p50", "p99", "p999"]
    static let markers: [Character] = ["*", "o", "+", "x", "@", "%"]
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    static let colorNames = ["blue", "red", "green", "orange", "purple", "brown"]

    /// The times to show: the user's, or the default list up to the first time at which every
    /// configuration has reached 99.9% (at least 0, 1, 2, 5).
    static func shownTimeCount(_ request: PBSRequest, _ summaries: [PBSSummary]) -> Int {
        let count = summaries.first?.outcome.spec.times.count ?? 0
        if request.times != nil { return count }
        for j in 0..<count {
            if summaries.allSatisfy({ $0.probability(j) >= 0.999 }) { return min(max(j + 1, 4), count) }
        }
        return count
    }

    // MARK: - Text

    static func text(_ request: PBSRequest, _ summaries: [PBSSummary]) -> String {
        var lines: [String] = []
        let shown = shownTimeCount(request, summaries)
        let times = summaries[0].outcome.spec.times
        let kText = request.k == 1 ? "" : ", k=\(request.k)"
        let trialsText =
            "\(PBSFormat.grouped(request.trials)) trial\(request.trials == 1 ? "" : "s") of the WARS model,"
            + " seed \(request.seed)\(kText)"
        if summaries.count == 1 {
            let s = summaries[0]
            lines.append("PBS: \(s.config.label)")
            lines.append(trialsText)
            lines.append("  t (ms)  P(consistent)")
            for j in 0..<shown {
                lines.append(PBSFormat.pad(PBSFormat.time(times[j]), 8) + "  " + s.probabilityText(j))
            }
            lines.append(tVisibilitySentence(s))
            lines.append(PBSFormat.padRight("latency (ms)", 12) + percentileNames.map { PBSFormat.pad($0, 9) }.joined())
            lines.append(PBSFormat.padRight("read", 12) + s.read.map { PBSFormat.pad(PBSFormat.ms($0), 9) }.joined())
            lines.append(PBSFormat.padRight("write", 12) + s.write.map { PBSFormat.pad(PBSFormat.ms($0), 9) }.joined())
        } else {
            let common = labelParts(summaries).common
            lines.append("PBS compare" + (common.isEmpty ? "" : ": " + common))
            lines.append(trialsText)
            lines.append("(the same random draws for every configuration)")
            for (index, s) in summaries.enumerated() {
                lines.append("  [\(index + 1)] \(markers[index]) \(s.config.label)")
            }
            let width = 10
            let first = 12
            lines.append(PBSFormat.padRight("t (ms)", first) + summaries.indices.map { PBSFormat.pad("[\($0 + 1)]", width) }.joined())
            for j in 0..<shown {
                lines.append(
                    PBSFormat.pad(PBSFormat.time(times[j]), 6) + String(repeating: " ", count: first - 6)
                        + summaries.map { PBSFormat.pad($0.probabilityText(j), width) }.joined())
            }
            lines.append(PBSFormat.padRight("99.9% at t", first) + summaries.map { PBSFormat.pad(tVisibilityShort($0), width) }.joined())
            for (name, index) in zip(percentileNames, 0...) {
                lines.append(
                    PBSFormat.padRight("read \(name)", first)
                        + summaries.map { PBSFormat.pad(PBSFormat.ms($0.read[index]), width) }.joined())
            }
            for (name, index) in zip(percentileNames, 0...) {
                lines.append(
                    PBSFormat.padRight("write \(name)", first)
                        + summaries.map { PBSFormat.pad(PBSFormat.ms($0.write[index]), width) }.joined())
            }
            lines.append("(times and latencies in ms; 99.9% at t: the smallest t with P ≥ 0.999)")
        }
        lines.append("")
        lines.append(contentsOf: plot(summaries))
        lines.append(contentsOf: notes(request, summaries))
        return lines.joined(separator: "\n")
    }

    static func tVisibilitySentence(_ s: PBSSummary) -> String {
        let t = s.tVisibility
        if s.config.quorum.isStrict { return "99.9% consistent from t = 0 ms (R + W > N)" }
        if t == 0 { return "99.9% consistent already at t = 0 ms" }
        if t.isInfinite { return "99.9% consistent: not within 2^44 ms" }
        return "99.9% consistent from t = \(PBSFormat.ms(t)) ms (smallest such t for these trials, to 0.1%)"
    }

    static func tVisibilityShort(_ s: PBSSummary) -> String {
        let t = s.tVisibility
        return t.isInfinite ? "never" : PBSFormat.ms(t)
    }

    static func notes(_ request: PBSRequest, _ summaries: [PBSSummary]) -> [String] {
        var lines: [String] = []
        for (index, s) in summaries.enumerated() {
            let prefix = summaries.count == 1 ? "" : "[\(index + 1)] "
            if s.config.quorum.isStrict {
                lines.append("\(prefix)R + W > N: every read quorum overlaps the write quorum,")
                lines.append("\(prefix)so P(consistent) = 1 exactly.")
            }
            if let (stale, total) = s.closedFormStale, !s.config.quorum.isStrict {
                let exact = PBSFormat.probability(total - stale, of: total)
                let measured = PBSFormat.probability(s.outcome.window.count(atOrBelow: 0), of: s.outcome.trials)
                lines.append("\(prefix)A = R = S = 0, where the paper's closed form holds:")
                lines.append("\(prefix)P(consistent at t=0) = 1 − C(N−W,R)/C(N,R) = 1 − \(stale)/\(total)")
                lines.append("\(prefix)  = \(exact); simulated \(measured)")
            }
        }
        if request.k > 1 {
            lines.append("k=\(request.k): P is the chance to read one of the last \(request.k) versions,")
            lines.append("1 − (1 − p)^\(request.k), with p the chance to read the latest (versions independent).")
        }
        if !lines.isEmpty { lines.insert("", at: 0) }
        return lines
    }

    // MARK: - ASCII plot

    static let plotWidth = 64

    /// The x range: a round number a little past the latest 99.9% point (at least 1 ms).
    static func plotMaxTime(_ summaries: [PBSSummary]) -> Double {
        let latest = summaries.map { $0.tVisibility }.filter { $0.isFinite }.max() ?? 0
        let want = max(latest * 1.2, 1)
        var scale = 1.0
        while scale * 10 <= want { scale *= 10 }
        for step in [1.0, 2, 5, 10] where step * scale >= want { return step * scale }
        return 10 * scale
    }

    /// The plot's bottom in thousandths: P at t = 0 rounded down to a twentieth (950 when
    /// everything starts at 1).
    static func plotBottom(_ summaries: [PBSSummary]) -> Int {
        let lowest = summaries.map { $0.curve(at: 0) }.min() ?? 0
        return min(max(Int((lowest * 20).rounded(.down)), 0), 19) * 50
    }

    /// The height of a row, in thousandths of P: the finest step that divides the range into
    /// at most 16 rows (every other row gets a label with two decimals).
    static func plotStep(bottom: Int) -> Int {
        let span = 1000 - bottom
        return [5, 10, 20, 25, 50, 100].first { span % $0 == 0 && span / $0 <= 16 } ?? 100
    }

    /// Position on the symmetric-log axis: log10(1 + t/1 ms), linear near 0, logarithmic beyond.
    static func axis(_ t: Double) -> Double { log10(1 + t) }

    static func plot(_ summaries: [PBSSummary]) -> [String] {
        let width = plotWidth
        let maxT = plotMaxTime(summaries)
        let bottom = plotBottom(summaries)
        let step = plotStep(bottom: bottom)
        let height = (1000 - bottom) / step + 1
        let span = axis(maxT)
        var grid = [[Character]](repeating: [Character](repeating: " ", count: width), count: height)

        func row(_ p: Double) -> Int {
            let steps = (p * 1000 - Double(bottom)) / Double(step)
            return min(max(Int(steps.rounded()), 0), height - 1)
        }
        for (index, s) in summaries.enumerated() {
            let mark = markers[index]
            var previousRow: Int?
            for column in 0..<width {
                let t = column == 0 ? 0 : pow(10, span * Double(column) / Double(width - 1)) - 1
                let current = row(s.curve(at: t))
                // Fill a jump so a step shows as a vertical run, not a gap.
                let from = min(previousRow ?? current, current)
                let to = max(previousRow ?? current, current)
                for r in from...to {
                    let cell = grid[r][column]
                    grid[r][column] = (cell == " " || cell == mark) ? mark : "#"
                }
                previousRow = current
            }
        }

        var lines = ["P(consistent)"]
        for r in stride(from: height - 1, through: 0, by: -1) {
            let label =
                (height - 1 - r) % 2 == 0
                ? PBSFormat.fixed(Double(bottom + r * step) / 1000, decimals: 2) : ""
            var line = PBSFormat.pad(label, 5) + " |" + String(grid[r])
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        lines.append("      +" + String(repeating: "-", count: width))
        lines.append("       " + tickLine(maxT: maxT, width: width))
        lines.append("       t after the write commits (ms; log scale above 1 ms)")
        if summaries.count > 1 {
            let legend = summaries.enumerated().map { "\(markers[$0.offset]) [\($0.offset + 1)]" }
            lines.append("       " + legend.joined(separator: "  ") + "  # several")
        }
        return lines
    }

    static func tickLine(maxT: Double, width: Int) -> String {
        var candidates: [Double] = [0]
        var scale = 0.1
        while scale <= maxT {
            for step in [1.0, 2, 5] where step * scale <= maxT { candidates.append(step * scale) }
            scale *= 10
        }
        if candidates.last != maxT { candidates.append(maxT) }
        var line = [Character](repeating: " ", count: width + 6)
        var nextFree = 0
        let span = axis(maxT)
        // The end label first, so the others make room for it.
        let endLabel = Array(PBSFormat.time(maxT))
        let endStart = width - 1 - (endLabel.count - 1) / 2
        for (offset, ch) in endLabel.enumerated() where endStart + offset < line.count { line[endStart + offset] = ch }
        for t in candidates.dropLast() {
            let column = Int((axis(t) / span * Double(width - 1)).rounded())
            let label = Array(PBSFormat.time(t))
            let start = max(column - (label.count - 1) / 2, 0)
            if start < nextFree || start + label.count >= endStart { continue }
            for (offset, ch) in label.enumerated() { line[start + offset] = ch }
            nextFree = start + label.count + 1
        }
        var text = String(line)
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    // MARK: - JSON

    /// The value of "pbs" for one configuration, on one line, keys in a fixed order.
    static func json(_ request: PBSRequest, _ s: PBSSummary, shown: Int) -> String {
        let times = s.outcome.spec.times
        let points = (0..<shown).map {
            "{\"t\":\(PBSFormat.time(times[$0])),\"consistent\":\(s.probabilityText($0))}"
        }.joined(separator: ",")
        func percentiles(_ values: [Double]) -> String {
            "{" + zip(jsonPercentileNames, values).map { "\"\($0.0)\":\(jsonNumber($0.1))" }.joined(separator: ",") + "}"
        }
        let q = s.config.quorum
        return "{\"points\":[\(points)]"
            + ",\"t999\":\(jsonNumber(s.tVisibility))"
            + ",\"read_ms\":\(percentiles(s.read))"
            + ",\"write_ms\":\(percentiles(s.write))"
            + ",\"trials\":\(request.trials)"
            + ",\"seed\":\(request.seed)"
            + ",\"config\":{\"n\":\(q.n),\"r\":\(q.r),\"w\":\(q.w),\"dist\":\(PBSFormat.jsonString(s.config.model.name)),\"k\":\(request.k)}}"
    }

    static func jsonNumber(_ value: Double) -> String {
        value.isFinite ? PBSFormat.ms(value) : "null"
    }

    // MARK: - Mermaid

    /// For compare: each configuration's settings that differ from the others' ("R=2"), and
    /// the settings they share ("N=3 W=1 lnkd-ssd").
    static func labelParts(_ summaries: [PBSSummary]) -> (series: [String], common: String) {
        let configs = summaries.map { $0.config }
        let fields: [(PBSConfig) -> String] = [
            { "N=\($0.quorum.n)" }, { "R=\($0.quorum.r)" }, { "W=\($0.quorum.w)" }, { shortName($0.model.name) },
        ]
        var series = [[String]](repeating: [], count: configs.count)
        var common: [String] = []
        for field in fields {
            let values = configs.map(field)
            if Set(values).count > 1 || configs.count == 1 {
                for index in values.indices { series[index].append(values[index]) }
            } else {
                common.append(values[0])
            }
        }
        return (series.map { $0.joined(separator: " ") }, common.joined(separator: " "))
    }

    /// exp(w=0.1,a=1,r=1,s=1) → exp(w=0.1): rates of 1 (the default) left out.
    static func shortName(_ name: String) -> String {
        guard name.hasPrefix("exp(") && name.hasSuffix(")") else { return name }
        let rates = name.dropFirst(4).dropLast().split(separator: ",").filter { !$0.hasSuffix("=1") }
        return "exp(" + rates.joined(separator: ",") + ")"
    }

    static func mermaid(_ request: PBSRequest, _ summaries: [PBSSummary], shown: Int) -> String {
        let times = summaries[0].outcome.spec.times
        let (names, common) = labelParts(summaries)
        let title: String
        var xTitle = "t after the write commits (ms)"
        if summaries.count == 1 {
            title = "P(consistent read) vs t: \(summaries[0].config.label)"
        } else {
            title = "P(consistent read) vs t" + (common.isEmpty ? "" : ": " + common)
            xTitle += "; " + names.enumerated().map { "\(colorNames[$0.offset]) \($0.element)" }.joined(separator: ", ")
        }
        let minP = Double(plotBottom(summaries)) / 1000
        var lines = [
            "---",
            "config:",
            "  xyChart:",
            // Wide enough for the colour legend in the x-axis title (about 9 px a character).
            "    width: \(min(max(700, xTitle.count * 9 + 100), 1600))",
            "  themeVariables:",
            "    xyChart:",
            "      plotColorPalette: \"\(colors.prefix(summaries.count).joined(separator: ", "))\"",
            "---",
            "xychart-beta",
            "    title \"\(title.replacingAll("\"", "'"))\"",
            "    x-axis \"\(xTitle.replacingAll("\"", "'"))\" ["
                + (0..<shown).map { "\"\(PBSFormat.time(times[$0]))\"" }.joined(separator: ", ") + "]",
            "    y-axis \"P(consistent)\" \(PBSFormat.time(minP)) --> 1",
        ]
        for (s, name) in zip(summaries, names) {
            let values = (0..<shown).map { s.probabilityText($0) }.joined(separator: ", ")
            lines.append("    line \"\(name.replacingAll("\"", "'"))\" [\(values)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
