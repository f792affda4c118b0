/// A state's 128-bit fingerprint: what the explorer keeps of a visited state.
///
/// Two different states with the same fingerprint would make the explorer skip the second one
/// (and everything only reachable through it). As in TLC, this is a deliberate trade of a tiny
/// risk for memory: the explorer reports the probability of such a collision, estimated as for a
/// random 128-bit function, n² / 2¹²⁹ for n visited states (about 10⁻²⁴ for a million states).
public struct Fingerprint: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64

    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// A deterministic 128-bit hasher: the same words give the same fingerprint in every process and
/// on every machine (Swift's `Hasher` is seeded at random per process, so it cannot serve).
///
/// Two independent lanes, each a chain of bijective 64-bit mixes with its own constants
/// (MurmurHash3's finaliser and SplitMix64's), fed one word at a time; the word count is mixed in
/// at the end so that sequences of different lengths differ. Not cryptographic: a state cannot be
/// chosen to collide on purpose by the model, and that is all the explorer needs.
public struct StableHasher: Sendable {
    @usableFromInline var a: UInt64 = 0x243F_6A88_85A3_08D3
    @usableFromInline var b: UInt64 = 0x1319_8A2E_0370_7344
    @usableFromInline var count: UInt64 = 0

    @inlinable
    public init() {}

    @inlinable
    public mutating func combine(_ word: UInt64) {
        var x = a ^ word
        x = (x ^ (x >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        x = (x ^ (x >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        a = x ^ (x >> 33)
        var y = (b ^ word) &+ 0x9E37_79B9_7F4A_7C15
        y = (y ^ (y >> 30)) &* 0xBF58_476D_1CE4_E5B9
        y = (y ^ (y >> 27)) &* 0x94D0_49BB_1331_11EB
        b = y ^ (y >> 31)
        count &+= 1
    }

    @inlinable
    public mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    @inlinable
    public mutating func combine(_ value: Bool) { combine(value ? 1 as UInt64 : 0) }

    /// The UTF-8 bytes of `text`, eight to a word, after its length.
    @inlinable
    public mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            combine(UInt64(bytes.count))
            var word: UInt64 = 0
            var filled = 0
            for byte in bytes {
                word = word << 8 | UInt64(byte)
                filled += 1
                if filled == 8 {
                    combine(word)
                    word = 0
                    filled = 0
                }
            }
            if filled > 0 { combine(word) }
        }
    }

    @inlinable
    public mutating func combine<T: Fingerprintable>(_ value: T) { value.fingerprint(into: &self) }

    /// The fingerprint of everything combined so far.
    @inlinable
    public func finalize() -> Fingerprint {
        var x = a ^ count
        x = (x ^ (x >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        x = (x ^ (x >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        var y = b ^ (count &* 0x9E37_79B9_7F4A_7C15)
        y = (y ^ (y >> 30)) &* 0xBF58_476D_1CE4_E5B9
        y = (y ^ (y >> 27)) &* 0x94D0_49BB_1331_11EB
        return Fingerprint(high: x ^ (x >> 33), low: y ^ (y >> 31))
    }
}

/// A value that feeds the stable hasher with everything that tells it apart from other values of
/// its type, in a fixed order (never in a `Set`'s or `Dictionary`'s iteration order).
public protocol Fingerprintable {
    func fingerprint(into hasher: inout StableHasher)
}

extension Fingerprintable {
    /// This value's fingerprint alone.
    @inlinable
    public var fingerprint: Fingerprint {
        var hasher = StableHasher()
        fingerprint(into: &hasher)
        return hasher.finalize()
    }
}

/// The visited set: fingerprints in an open-addressing table with linear probing, 16 bytes a slot
/// (both halves side by side, so one probe touches one cache line), at most three quarters full.
/// The all-zero fingerprint marks an empty slot, so a state whose fingerprint is all zeros is
/// stored as (0, 1): one more way two states could share a slot, as unlikely as any other collision.
@usableFromInline
struct FingerprintSet {
    /// Slot i is words[2i] (high) and words[2i + 1] (low).
    @usableFromInline var words: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline var count = 0

    @usableFromInline
    init(capacity: Int = 1 << 12) {
        var size = 1 << 12
        while size * 3 / 4 < capacity { size <<= 1 }
        words = Array(repeating: 0, count: 2 * size)
        mask = size - 1
    }

    /// Bytes the table occupies.
    @usableFromInline var bytes: Int { words.count * 8 }

    /// Adds `fingerprint`; false if it was there already.
    @inlinable
    mutating func insert(_ fingerprint: Fingerprint) -> Bool {
        if (count + 1) * 4 > (mask + 1) * 3 { grow() }
        let high = fingerprint.high
        let low = high == 0 && fingerprint.low == 0 ? 1 : fingerprint.low
        let mask = self.mask
        let added = words.withUnsafeMutableBufferPointer { table in
            var slot = Int(truncatingIfNeeded: high ^ (high >> 29)) & mask
            while true {
                let h = table[2 &* slot]
                let l = table[2 &* slot &+ 1]
                if h == 0 && l == 0 {
                    table[2 &* slot] = high
                    table[2 &* slot &+ 1] = low
                    return true
                }
                if h == high && l == low { return false }
                slot = (slot &+ 1) & mask
            }
        }
        if added { count += 1 }
        return added
    }

    /// Whether `fingerprint` is in the set.
    @inlinable
    func contains(_ fingerprint: Fingerprint) -> Bool {
        let high = fingerprint.high
        let low = high == 0 && fingerprint.low == 0 ? 1 : fingerprint.low
        return words.withUnsafeBufferPointer { table in
            var slot = Int(truncatingIfNeeded: high ^ (high >> 29)) & mask
            while true {
                let h = table[2 &* slot]
                let l = table[2 &* slot &+ 1]
                if h == 0 && l == 0 { return false }
                if h == high && l == low { return true }
                slot = (slot &+ 1) & mask
            }
        }
    }

    @usableFromInline
    mutating func grow() {
        let old = words
        let size = (mask + 1) * 2
        words = []
        words = Array(repeating: 0, count: 2 * size)
        mask = size - 1
        count = 0
        var index = 0
        while index < old.count {
            if old[index] != 0 || old[index + 1] != 0 { _ = insert(Fingerprint(high: old[index], low: old[index + 1])) }
            index += 2
        }
    }
}
