/// SplitMix64, the one source of randomness in the PBS lab.
///
/// The constants and the uniform conversion are those of `../shared/bench/pbs.c` (and of
/// `ReplabKernel.SplitMix64`, which this target cannot import: it has no dependencies), so a
/// seed gives the same draws here as in the C yardstick.
@usableFromInline
struct PBSRandom: Sendable {
    @usableFromInline var state: UInt64

    @inlinable
    init(seed: UInt64) { state = seed }

    @inlinable
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        // Masking shifts (&>>) and a concrete Int conversion below: the same result as >> for
        // these constant amounts, but no generic code, which matters in debug builds.
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// A uniform number in (0, 1]: the top 53 bits plus one, times 2⁻⁵³ (as `unit()` in pbs.c).
    /// Never 0, so `log` and `pow(u, 1/α)` stay finite.
    @inlinable
    mutating func unit() -> Double {
        Double(Int(truncatingIfNeeded: (next() &>> 11) &+ 1)) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A number in `0..<bound` as `next() mod bound` (the workloads' definition; the modulo bias
    /// is below 10⁻¹⁷ for the replica counts used here).
    @inlinable
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next() % UInt64(truncatingIfNeeded: bound))
    }
}
