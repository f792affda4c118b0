import ReplabKernel

/// How two version vectors relate. `equal` and `concurrent` are different answers (ShiViz's
/// compare famously returns the same one for both).
public enum Causality: String, Sendable, Hashable {
    case equal
    case before
    case after
    case concurrent
}

/// A version vector: one counter per writer (a replica, or in client-coordinated clusters a
/// client). A missing entry counts as 0. Entries are kept sorted by writer, so printing,
/// comparing and hashing never depend on hash order.
///
/// `A:3` means "A's events 1, 2 and 3". A context can also hold a single later event without
/// the ones before it (a blind write `c1:2` made without having seen `c1:1`); such events are
/// kept exactly, as `extra` dots, and printed with a star (`c1:2*`), so a context never claims
/// to have seen a write it has not (the dotted-version-vector rule that prevents lost updates).
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    public private(set) var entries: [(node: Address, counter: UInt64)]
    /// Single events beyond the contiguous counters, sorted.
    public private(set) var extra: [Dot] = []

    public init() { entries = [] }

    public init(_ pairs: [(Address, UInt64)]) {
        entries = []
        for (node, counter) in pairs where counter > self[node] { setCounter(node, counter) }
    }

    /// The contiguous counter of `node`: every event of node up to it has been seen.
    public subscript(node: Address) -> UInt64 {
        entries.first { $0.node == node }?.counter ?? 0
    }

    /// The highest event of `node` this vector knows of, contiguous or not.
    public func highest(_ node: Address) -> UInt64 {
        max(self[node], extra.filter { $0.node == node }.map(\.counter).max() ?? 0)
    }

    private mutating func setCounter(_ node: Address, _ counter: UInt64) {
        if let index = entries.firstIndex(where: { $0.node == node }) {
            if counter == 0 { entries.remove(at: index) } else { entries[index].counter = counter }
        } else if counter > 0 {
            let at = entries.firstIndex { $0.node > node } ?? entries.count
            entries.insert((node, counter), at: at)
        }
    }

    public var isEmpty: Bool { entries.isEmpty && extra.isEmpty }

    /// This vector with one more event seen.
    public func inserting(_ dot: Dot) -> VersionVector {
        var result = self
        if !result.contains(dot) { result.extra.append(dot) }
        result.compact()
        return result
    }

    /// Folds extra dots that have become contiguous into the counters.
    private mutating func compact() {
        extra.sort()
        var changed = true
        while changed {
            changed = false
            for dot in extra where dot.counter == self[dot.node] + 1 {
                setCounter(dot.node, dot.counter)
                changed = true
            }
            let counters = entries
            extra.removeAll { dot in dot.counter <= (counters.first { $0.node == dot.node }?.counter ?? 0) }
        }
    }

    /// The least upper bound: every entry's maximum, and every extra event of either.
    public func merged(with other: VersionVector) -> VersionVector {
        var result = self
        for (node, counter) in other.entries where counter > result[node] { result.setCounter(node, counter) }
        for dot in other.extra where !result.extra.contains(dot) { result.extra.append(dot) }
        result.compact()
        return result
    }

    /// `self ≤ other`: every event self has seen, other has seen.
    public func isDominated(by other: VersionVector) -> Bool {
        entries.allSatisfy { $0.counter <= other[$0.node] } && extra.allSatisfy { other.contains($0) }
    }

    public func compare(_ other: VersionVector) -> Causality {
        let le = isDominated(by: other)
        let ge = other.isDominated(by: self)
        switch (le, ge) {
        case (true, true): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (false, false): return .concurrent
        }
    }

    /// Whether this vector has seen the event `dot`.
    public func contains(_ dot: Dot) -> Bool { self[dot.node] >= dot.counter || extra.contains(dot) }

    public var description: String {
        let parts = entries.map { "\($0.node.name):\($0.counter)" } + extra.map { "\($0.node.name):\($0.counter)*" }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    public static func == (lhs: VersionVector, rhs: VersionVector) -> Bool {
        lhs.entries.count == rhs.entries.count && lhs.extra == rhs.extra
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.node == $1.node && $0.counter == $1.counter }
    }

    public func hash(into hasher: inout Hasher) {
        for (node, counter) in entries {
            hasher.combine(node)
            hasher.combine(counter)
        }
        hasher.combine(extra)
    }
}

/// One write event: the writer and its counter (`A:3`). Dotted version vectors give every stored
/// value its own dot, so two concurrent writes through the same writer stay distinct.
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let node: Address
    public let counter: UInt64

    public init(_ node: Address, _ counter: UInt64) {
        self.node = node
        self.counter = counter
    }

    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        (lhs.node, lhs.counter) < (rhs.node, rhs.counter)
    }

    public var description: String { "\(node.name):\(counter)" }
}
