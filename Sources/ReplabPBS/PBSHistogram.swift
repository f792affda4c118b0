/// A log-bucketed histogram of non-negative milliseconds, for percentiles and t-visibility
/// without keeping every sample (a run may have 100 million trials).
///
/// Bucket 0 holds values ≤ 0 exactly (a read that was already consistent, a zero latency);
/// bucket 1 holds (0, 2⁻²⁰); then each power of two up to 2⁴⁴ ms is cut into 2¹⁰ equal buckets,
/// so a bucket is at most 0.1% wide. A bucket is identified by the top bits of the value's IEEE
/// representation, which is cheap and identical on every machine. Values ≥ 2⁴⁴ ms (550 years)
/// share the last bucket.
struct PBSHistogram: Sendable, Equatable {
    static let mantissaBits: UInt64 = 10
    static let shift: UInt64 = 52 - mantissaBits
    /// The key (exponent and top mantissa bits) of 2⁻²⁰.
    static let minKey: UInt64 = (1023 - 20) << mantissaBits
    static let maxKey: UInt64 = (1023 + 44) << mantissaBits
    static let bucketCount = Int(maxKey - minKey) + 3

    let counts: [UInt32]
    /// `cumulative[i]` is the number of values in buckets 0...i.
    let cumulative: [Int]
    var total: Int { cumulative.last ?? 0 }

    init(counts: [UInt32]) {
        self.counts = counts
        var sum = 0
        cumulative = counts.map {
            sum += Int($0); return sum
        }
    }

    @inline(__always)
    static func bucket(_ value: Double) -> Int {
        if !(value > 0) { return 0 }
        let key = value.bitPattern &>> shift
        if key < minKey { return 1 }
        if key >= maxKey { return bucketCount - 1 }
        return Int(key - minKey) &+ 2
    }

    /// Every value in bucket `index` is ≤ this (strictly below it, except in bucket 0).
    static func upperEdge(_ index: Int) -> Double {
        if index == 0 { return 0 }
        if index >= bucketCount - 1 { return .infinity }
        return Double(bitPattern: (minKey + UInt64(index - 1)) &<< shift)
    }

    /// The smallest bucket edge at or below which at least `needed` values lie.
    func value(reaching needed: Int) -> Double {
        if needed <= 0 { return 0 }
        // The first bucket whose cumulative count reaches `needed` (binary search).
        var low = 0
        var high = cumulative.count
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] >= needed { high = mid } else { low = mid + 1 }
        }
        return low < cumulative.count ? Self.upperEdge(low) : .infinity
    }

    /// The number of values certainly ≤ `t` (t ≥ 0): those in buckets below the one holding t
    /// (exact at t = 0; otherwise short by at most the values in the one bucket that holds t).
    func count(atOrBelow t: Double) -> Int {
        cumulative[max(Self.bucket(t) - 1, 0)]
    }

    /// The q-quantile, q = numerator/denominator: the value reaching ⌈q·total⌉ samples.
    func quantile(_ numerator: Int, _ denominator: Int) -> Double {
        value(reaching: (numerator * total + denominator - 1) / denominator)
    }
}
