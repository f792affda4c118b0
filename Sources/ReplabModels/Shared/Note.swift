import ReplabKernel

/// A state change worth showing where it happened, as data: who (the trace entry's node), what
/// (the case) and which keys, versions, entries and nodes. The renderers make the words
/// (`ReplabRender/NoteText.swift`); `kind` is the category the trace format lists.
///
/// `indirect`: a note is boxed, so the trace's entries stay small (a note holds versions and
/// log entries; most entries are sends and deliveries).
public indirect enum Note: Sendable, Hashable {
    // MARK: Every model: a replica's table

    /// A tombstone was stored (`cause`: a repair, a handoff, … or nil for a client's write).
    case tombstone(key: String, version: Version, cause: String?)
    /// A version sent by another replica was stored (`cause` names how: `repair`, `handoff`, …).
    case stored(key: String, version: Version, cause: String)
    /// A version was stored beside concurrent ones; the key has `versions` now.
    case siblings(key: String, versions: [Version], cause: String?)
    /// Last-write-wins kept one version and discarded the others.
    case lastWriteWins(key: String, incoming: Version, outcome: MergeOutcome, cause: String?)
    /// Tombstones are off: a delete removed `count` versions outright.
    case removedOutright(key: String, count: Int, cause: String?)
    /// A tombstone older than the grace period was purged.
    case purged(key: String, graceTicks: UInt64)
    /// A business rule refused a write on the accepting node's own copy.
    case ruleRefused(kind: OpKind, key: String, rule: String, other: String, value: Value?)

    // MARK: Leaderless

    /// Versions of one object another replica sent (a read repair, a handoff, an exchange) were
    /// stored; the key now holds `versions`.
    case objectStored(key: String, versions: [Version], cause: String)
    /// A replica refused a client's write (Riak's sibling limit).
    case writeRefused(reason: String)
    /// A key has more siblings than Riak warns at.
    case siblingWarning(key: String, count: Int)
    /// A fallback keeps a write for an unreachable primary as a hint.
    case hintKept(key: String, version: Version, owner: Address)
    /// The owner has the hinted write now; the fallback deleted its copy.
    case hintHandedOff(key: String, owner: Address)
    /// A sloppy-quorum read missed writes that fallbacks held as hints.
    case sloppyReadMissed(op: Int, key: String, missed: [MissedHint])
    /// An anti-entropy exchange finished.
    case exchangeDone(exchange: Int, peer: Address, end: ExchangeEnd, tally: MerkleTally)

    // MARK: Leader-based

    /// An update found no row and did nothing.
    case updateFoundNoRow(key: String)
    /// Single-leader: a follower ignored a logged insert whose row exists, or an update whose row is missing.
    case insertIgnored(key: String)
    case updateIgnored(key: String)
    /// Single-leader: an entry waits for its synchronous followers before the client hears.
    case waitsForSync(index: UInt64, followers: [Address])
    /// Single-leader: a follower was promoted.
    case promoted(epoch: Int, automatic: Bool, lacking: Int, previous: Address)
    /// Single-leader: a node now follows `leader`.
    case nowFollows(leader: Address, epoch: Int)
    /// Single-leader: a leader stepped down (and asked the new one for what it lacks).
    case stepsDown(StepDown, asks: Address?)
    /// Single-leader with fencing: an entry from an older epoch was rejected.
    case fencingRejected(entry: UInt64?, from: Address, epoch: Int, current: Int)
    /// Single-leader split brain: a node that leads ignores another leader's entry…
    case leadsToo(from: Address, entry: ReplicatedWrite?)
    /// …a follower ignores an entry from a leader it does not follow…
    case followsAnother(leader: Address?, entry: UInt64?, from: Address)
    /// …and without fencing an old leader ignores the new leader's claim.
    case ignoresClaim(epoch: Int, claimant: Address)
    /// Single-leader: a follower discarded entries the leader does not have.
    case truncated(discarded: [ReplicatedWrite], leader: Address)
    /// Multi-leader: a write waits for the writes it depends on (causal delivery)…
    case buffered(write: ReplicatedWrite, missing: [Dot])
    /// …and is applied once they arrived.
    case released(write: ReplicatedWrite)
    /// Multi-leader: an update arrived before the row's insert and did nothing.
    case overtaken(key: String, origin: Address)
    /// Multi-leader: a write met concurrent versions of its key.
    case conflict(key: String, versions: [Version], union: Bool)
    case conflictLastWriteWins(key: String, incoming: Version, outcome: MergeOutcome)
    /// Multi-leader catch-up: a peer resent writes a neighbour missed.
    case resent(peer: Address, count: Int)

    /// Why a single-leader node stepped down.
    public enum StepDown: Sendable, Hashable {
        /// A follower answered with a fencing token from a newer epoch.
        case fenced(epoch: Int)
        /// It received an entry from a newer epoch.
        case sawEpoch(Int)
        /// A new leader announced itself.
        case newLeader(Address, epoch: Int)
    }

    /// One version a sloppy read missed, and the fallbacks holding it (`holders[i]` for `owners[i]`).
    public struct MissedHint: Sendable, Hashable {
        public let version: Version
        public let holders: [Address]
        public let owners: [Address]
    }

    /// How an anti-entropy exchange ended.
    public enum ExchangeEnd: Sendable, Hashable {
        case rootsAgree, treesAgree, noVersionDiffers
        /// Versions were copied.
        case copied
    }

    /// The category: one of the note kinds the trace format lists.
    public var kind: String {
        switch self {
        case .tombstone: return "tombstone"
        case .stored(_, _, let cause): return cause
        case .siblings: return "sibling"
        case .lastWriteWins: return "lww"
        case .removedOutright: return "delete"
        case .purged: return "gc"
        case .ruleRefused, .writeRefused: return "refused"
        case .objectStored(_, let versions, let cause): return versions.count > 1 ? "sibling" : cause
        case .siblingWarning: return "warning"
        case .hintKept, .hintHandedOff: return "hint"
        case .sloppyReadMissed: return "sloppy"
        case .exchangeDone: return "anti-entropy"
        case .updateFoundNoRow, .updateIgnored: return "update"
        case .insertIgnored: return "insert"
        case .waitsForSync: return "sync"
        case .promoted, .nowFollows, .stepsDown: return "failover"
        case .fencingRejected: return "fencing"
        case .leadsToo, .followsAnother, .ignoresClaim: return "split-brain"
        case .truncated: return "truncate"
        case .buffered, .released: return "buffered"
        case .overtaken: return "overtaken"
        case .conflict, .conflictLastWriteWins: return "conflict"
        case .resent: return "catch-up"
        }
    }
}
