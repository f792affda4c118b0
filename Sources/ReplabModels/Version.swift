import ReplabKernel

/// One stored version of a key: a value (or a tombstone) with its causal identity.
///
/// Causality follows dotted version vectors (Preguiça et al.; Riak 2.0's `dvv_enabled`): the
/// version's own event is its `dot`, and `context` is what its writer had seen when it wrote.
/// A version supersedes another exactly when its context contains the other's dot; two versions
/// neither of which supersedes the other are concurrent and both are kept (siblings).
/// `clock` (context plus dot) is the version vector people see.
public struct Version: Hashable, Sendable {
    /// The value; `nil` for a tombstone (a delete is a version with no value).
    public var value: Value?
    public var dot: Dot
    public var context: VersionVector
    /// Last-write-wins timestamp: writes are stamped in the order they are issued, as if every
    /// clock in the cluster were perfectly synchronised.
    public var timestamp: UInt64
    /// Virtual time the write was issued (tombstone age is measured from here).
    public var writtenAt: UInt64
    /// The client operation that wrote it.
    public var op: Int

    public init(value: Value?, dot: Dot, context: VersionVector, timestamp: UInt64, writtenAt: UInt64, op: Int) {
        self.value = value
        self.dot = dot
        self.context = context
        self.timestamp = timestamp
        self.writtenAt = writtenAt
        self.op = op
    }

    public var isTombstone: Bool { value == nil }

    /// Everything this version has seen, itself included.
    public var clock: VersionVector { context.inserting(dot) }

    /// The version as people read it: its version vector `{A:2, c1:1}`; when its dot is not the
    /// next event after its context (two writes by the same writer, the second blind), the
    /// vector alone would look newer than its sibling, so the dot is shown with what it saw:
    /// `c1:2 after {}`.
    public var label: String {
        if context.contains(dot) { return context.description }
        return context.highest(dot.node) < dot.counter && context[dot.node] + 1 == dot.counter
            ? clock.description : "\(dot) after \(context)"
    }

    /// Whether this version causally supersedes `other` (its writer had seen `other`).
    public func supersedes(_ other: Version) -> Bool { context.contains(other.dot) }

    /// Last-write-wins order: the higher timestamp; on a tie a tombstone, then the larger value
    /// (Cassandra's rule).
    public func beatsLWW(_ other: Version) -> Bool {
        if timestamp != other.timestamp { return timestamp > other.timestamp }
        switch (value, other.value) {
        case (nil, nil): return dot > other.dot
        case (nil, _): return true
        case (_, nil): return false
        case (let a?, let b?): return a != b ? b < a : dot > other.dot
        }
    }

    /// `5`, or `⊘` for a tombstone (an ASCII spelling is available to renderers).
    public var valueText: String { value.map(\.description) ?? "(deleted)" }
}

/// How replicas decide between versions of one key.
public enum Resolution: String, Sendable, Hashable, CaseIterable {
    /// Keep every concurrent version (siblings) until a write that has seen them replaces them.
    case siblings
    /// Last write wins: keep the highest timestamp and silently discard the rest.
    case lww
}

/// What a replica did with an incoming version.
public enum MergeOutcome: Sendable, Hashable {
    /// It already had this version, or one that supersedes it.
    case unchanged
    /// Stored; the listed versions were superseded (causally) and removed.
    case stored(replaced: [Version])
    /// Stored beside concurrent versions: the key now has siblings.
    case sibling(count: Int)
    /// LWW kept the incoming version and silently discarded these.
    case lwwWon(discarded: [Version])
    /// LWW discarded the incoming version.
    case lwwLost(kept: Version)
    /// Tombstones are off: the delete removed these versions outright.
    case removed([Version])
}

public enum VersionMerge {
    /// The versions a replica keeps after receiving `incoming`.
    ///
    /// - siblings: drop every stored version `incoming` supersedes; store `incoming` unless a
    ///   stored version already supersedes (or is) it.
    /// - lww: keep only the winner.
    /// - tombstones off: a delete removes what it supersedes (LWW: what it beats) and is not stored.
    public static func merge(
        _ existing: [Version], _ incoming: Version, resolution: Resolution, tombstones: Bool
    ) -> (versions: [Version], outcome: MergeOutcome) {
        if existing.contains(where: { $0.dot == incoming.dot }) { return (existing, .unchanged) }
        switch resolution {
        case .lww:
            if incoming.isTombstone && !tombstones {
                let removed = existing.filter { incoming.beatsLWW($0) }
                return (existing.filter { !incoming.beatsLWW($0) }, removed.isEmpty ? .unchanged : .removed(removed))
            }
            guard let current = existing.max(by: { $1.beatsLWW($0) }) else { return ([incoming], .stored(replaced: [])) }
            if incoming.beatsLWW(current) {
                // The ones incoming causally follows are replaced, not lost; the rest are discarded.
                let discarded = existing.filter { !incoming.supersedes($0) }
                return ([incoming], discarded.isEmpty ? .stored(replaced: existing) : .lwwWon(discarded: discarded))
            }
            return ([current], incoming.supersedes(current) || current.supersedes(incoming) ? .unchanged : .lwwLost(kept: current))
        case .siblings:
            if existing.contains(where: { $0.supersedes(incoming) }) { return (existing, .unchanged) }
            let replaced = existing.filter { incoming.supersedes($0) }
            var kept = existing.filter { !incoming.supersedes($0) }
            if incoming.isTombstone && !tombstones {
                return (kept, replaced.isEmpty ? .unchanged : .removed(replaced))
            }
            kept.append(incoming)
            kept.sort { $0.dot < $1.dot }
            return (kept, kept.count > 1 ? .sibling(count: kept.count) : .stored(replaced: replaced))
        }
    }

    /// Merges a whole set of versions (a read reply, an anti-entropy batch) into another.
    public static func mergeAll(
        _ existing: [Version], _ incoming: [Version], resolution: Resolution, tombstones: Bool
    ) -> [Version] {
        var result = existing
        for version in incoming.sorted(by: { $0.dot < $1.dot }) {
            result = merge(result, version, resolution: resolution, tombstones: tombstones).versions
        }
        return result
    }

    /// The context that summarises a set of versions: the merge of their clocks.
    public static func context(of versions: [Version]) -> VersionVector {
        versions.reduce(VersionVector()) { $0.merged(with: $1.clock) }
    }
}
