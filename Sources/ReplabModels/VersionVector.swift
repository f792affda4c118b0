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
public struct VersionVector: Hashable, Sendable, CustomStringConvertible {
    public private(set) var entries: [(node: Address, counter: UInt64)]

    public init() { entries = [] }

    public init(_ pairs: [(Address, UInt64)]) {
        entries = []
        for (node, counter) in pairs { self[node] = Swift.max(self[node], counter) }
    }

    public subscript(node: Address) -> UInt64 {
        get { entries.first { $0.node == node }?.counter ?? 0 }
        set {
            if let index = entries.firstIndex(where: { $0.node == node }) {
                if newValue == 0 { entries.remove(at: index) } else { entries[index].counter = newValue }
            } else if newValue > 0 {
                let at = entries.firstIndex { $0.node > node } ?? entries.count
                entries.insert((node, newValue), at: at)
            }
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The least upper bound: every entry's maximum.
    public func merged(with other: VersionVector) -> VersionVector {
        var result = self
        for (node, counter) in other.entries where counter > result[node] { result[node] = counter }
        return result
    }

    /// `self ≤ other`: every entry of self is ≤ the matching entry of other.
    public func isDominated(by other: VersionVector) -> Bool {
        entries.allSatisfy { $0.counter <= other[$0.node] }
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
    public func contains(_ dot: Dot) -> Bool { self[dot.node] >= dot.counter }

    public var description: String {
        "{" + entries.map { "\($0.node.name):\($0.counter)" }.joined(separator: ", ") + "}"
    }

    public static func == (lhs: VersionVector, rhs: VersionVector) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.node == $1.node && $0.counter == $1.counter }
    }

    public func hash(into hasher: inout Hasher) {
        for (node, counter) in entries {
            hasher.combine(node)
            hasher.combine(counter)
        }
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
