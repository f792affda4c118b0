/// The one source of randomness in replab: SplitMix64, seeded explicitly.
///
/// Every random choice a simulation makes draws from one of these, so the same seed
/// gives the same run on every machine. The algorithm and constants are those of
/// `../shared/bench/WORKLOADS.md` (and of Java's `SplittableRandom`).
public struct SplitMix64: Sendable, Hashable {
    public var state: UInt64

    @inlinable
    public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_133111EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`, as `next() mod bound` (the workloads' definition; the tiny
    /// modulo bias is part of the reference results, so it is kept on purpose).
    @inlinable
    public mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "below(0) has no values")
        return next() % bound
    }
}
