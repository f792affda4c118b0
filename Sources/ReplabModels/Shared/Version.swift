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
    ///
    /// With `clocks=vv` a replica keeps one clock per key, shared by all its siblings (stored as
    /// each sibling's context, which then contains the sibling's own dot): such a version prints
    /// as that object clock alone, as Riak showed it.
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

/// How replicas track causality between the versions of a key (`cluster leaderless clocks=…`).
public enum Clocks: String, Sendable, Hashable, CaseIterable {
    /// Dotted version vectors (Riak 2.0's `dvv_enabled`, the default): every sibling keeps its own
    /// dot, and a write discards exactly the siblings its context covers.
    case dvv
    /// One version vector per key (Riak before 2.0): the siblings share the key's clock, and a
    /// write replaces them only if its clock dominates that whole clock; otherwise it is added as
    /// one more sibling and the clock becomes the merge. Concurrent writes through the same
    /// coordinator then keep values their writers had already seen: false conflicts, sibling
    /// explosion.
    case vv
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
    /// - siblings with `clocks=vv`: see `mergeObject`.
    public static func merge(
        _ existing: [Version], _ incoming: Version, resolution: Resolution, tombstones: Bool, clocks: Clocks = .dvv
    ) -> (versions: [Version], outcome: MergeOutcome) {
        if existing.contains(where: { $0.dot == incoming.dot }) { return (existing, .unchanged) }
        if resolution == .siblings && clocks == .vv { return mergeObject(existing, [incoming], tombstones: tombstones) }
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

    /// Merges a whole set of versions (a read reply, an anti-entropy batch) into another. With
    /// `clocks=vv` the set is one object (its siblings and their shared clock).
    public static func mergeAll(
        _ existing: [Version], _ incoming: [Version], resolution: Resolution, tombstones: Bool, clocks: Clocks = .dvv
    ) -> [Version] {
        if resolution == .siblings && clocks == .vv { return mergeObject(existing, incoming, tombstones: tombstones).versions }
        var result = existing
        for version in incoming.sorted(by: { $0.dot < $1.dot }) {
            result = merge(result, version, resolution: resolution, tombstones: tombstones).versions
        }
        return result
    }

    /// `clocks=vv`: merges an incoming object (siblings sharing one clock; a client's write is an
    /// object of one version) into the stored one, as Riak's `syntactic_merge` did before 2.0.
    /// If the incoming clock dominates the stored clock, the incoming siblings replace the stored
    /// ones; if the stored clock dominates, nothing changes; otherwise (equal or concurrent) the
    /// siblings are united and the key's clock becomes the merge of both. Every stored sibling
    /// then carries that clock as its context (so it prints as the object clock).
    public static func mergeObject(
        _ existing: [Version], _ incoming: [Version], tombstones: Bool
    ) -> (versions: [Version], outcome: MergeOutcome) {
        let fresh = incoming.filter { version in !existing.contains { $0.dot == version.dot } }
        guard !fresh.isEmpty else { return (existing, .unchanged) }
        let stored = context(of: existing)
        let arriving = context(of: incoming)
        func sharing(_ versions: [Version], _ clock: VersionVector) -> [Version] {
            versions.map { version in
                var shared = version
                shared.context = clock
                return shared
            }.sorted { $0.dot < $1.dot }
        }
        switch stored.compare(arriving) {
        case .after:
            // The key's clock has seen everything the incoming object has.
            return (existing, .unchanged)
        case .before:
            let live = tombstones ? incoming : incoming.filter { !$0.isTombstone }
            if live.isEmpty { return ([], existing.isEmpty ? .unchanged : .removed(existing)) }
            let kept = sharing(live, arriving)
            return (kept, kept.count > 1 ? .sibling(count: kept.count) : .stored(replaced: existing))
        case .equal, .concurrent:
            let added = tombstones ? fresh : fresh.filter { !$0.isTombstone }
            if added.isEmpty { return (existing, .unchanged) }
            let kept = sharing(existing + added, stored.merged(with: arriving))
            return (kept, kept.count > 1 ? .sibling(count: kept.count) : .stored(replaced: []))
        }
    }

    /// The context that summarises a set of versions: the merge of their clocks.
    public static func context(of versions: [Version]) -> VersionVector {
        versions.reduce(VersionVector()) { $0.merged(with: $1.clock) }
    }
}

extension MergeOutcome {
    /// What last-write-wins did, for a note: `LWW keeps x=7 (ts 2), discards 5 (ts 1)`; nil when
    /// LWW threw nothing away.
    public func lwwSummary(key: String, incoming: Version) -> String? {
        func stamped(_ version: Version) -> String { "\(version.valueText) (ts \(version.timestamp))" }
        switch self {
        case .lwwWon(let discarded):
            return "LWW keeps \(key)=\(stamped(incoming)), discards \(discarded.map(stamped).joined(separator: ", "))"
        case .lwwLost(let kept):
            return "LWW keeps \(key)=\(stamped(kept)), discards \(stamped(incoming))"
        default:
            return nil
        }
    }
}
