import ReplabKernel

/// FNV-1a with 64 bits: a small, fixed, portable hash (no per-process seed), so every machine
/// computes the same Merkle trees.
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func addByte(_ byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01B3
    }

    /// The text's UTF-8 bytes and a terminating zero (so "ab","c" and "a","bc" differ).
    public mutating func add(_ text: String) {
        for byte in text.utf8 { addByte(byte) }
        addByte(0)
    }

    /// The number's eight bytes, least significant first.
    public mutating func add(_ number: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { addByte(UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
    }
}

/// A replica's Merkle tree over key ranges, as in Dynamo §4.7 and Riak's active anti-entropy.
///
/// A fixed binary tree of `depth` levels below the root: leaf `i` covers the keys whose ring
/// position (`Ring.position`) has `i` in its top `depth` bits, so leaves are contiguous
/// ranges of the ring and both replicas of an exchange cut the ring the same way. A leaf's hash
/// is FNV-1a 64 over its keys (sorted) and each key's versions (sorted by dot): the dot, whether
/// it is a tombstone, and the value. An inner node hashes its two children's hashes. An empty
/// range hashes to 0 (shown `----`). Nodes are numbered as in a heap: the root is 1, the
/// children of `i` are `2i` and `2i + 1`, and the leaves are `leafCount..<2 * leafCount`.
public struct MerkleTree: Sendable, Hashable {
    public static let depth = 4
    public static let leafCount = 1 << depth

    /// `hashes[i]` for node `i` (index 0 is unused).
    public let hashes: [UInt64]
    /// The keys of each leaf, sorted.
    public let leafKeys: [[String]]

    /// The tree over the keys of `store` that `include` accepts.
    public init(store: [String: [Version]], including include: (String) -> Bool) {
        var keys = Array(repeating: [String](), count: MerkleTree.leafCount)
        for key in store.keys.sorted() where include(key) && !(store[key] ?? []).isEmpty {
            keys[MerkleTree.leaf(of: key)].append(key)
        }
        var hashes = Array(repeating: UInt64(0), count: 2 * MerkleTree.leafCount)
        for leaf in 0..<MerkleTree.leafCount where !keys[leaf].isEmpty {
            var hash = FNV1a64()
            for key in keys[leaf] {
                hash.add(key)
                for version in (store[key] ?? []).sorted(by: { $0.dot < $1.dot }) {
                    hash.add(version.dot.node.name)
                    hash.add(version.dot.counter)
                    hash.addByte(version.isTombstone ? 0 : 1)
                    hash.add(version.value?.text ?? "")
                }
            }
            hashes[MerkleTree.leafCount + leaf] = max(hash.value, 1)
        }
        for index in stride(from: MerkleTree.leafCount - 1, through: 1, by: -1) {
            let left = hashes[2 * index]
            let right = hashes[2 * index + 1]
            guard left != 0 || right != 0 else { continue }
            var hash = FNV1a64()
            hash.add(left)
            hash.add(right)
            hashes[index] = max(hash.value, 1)
        }
        self.hashes = hashes
        leafKeys = keys
    }

    public var root: UInt64 { hashes[1] }

    /// The leaf (0..<leafCount) that holds a key.
    public static func leaf(of key: String) -> Int { Int(Ring.position(key) >> UInt64(64 - depth)) }

    /// The level of node `index`: 0 for the root, `depth` for leaves.
    public static func level(of index: Int) -> Int { Int.bitWidth - 1 - index.leadingZeroBitCount }

    /// The node's place within its level, from the left (for leaves: the leaf number).
    public static func position(of index: Int) -> Int { index - (1 << level(of: index)) }

    /// A hash as people see it: its top 16 bits in hex, or `----` for an empty range.
    public static func short(_ hash: UInt64) -> String {
        if hash == 0 { return "----" }
        let digits = String(hash >> 48, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

/// A node hash sent in an exchange.
public struct MerkleNode: Sendable, Hashable {
    public let index: Int
    public let hash: UInt64
}

/// A version's identity without its value: what a replica lists for a differing leaf.
public struct VersionID: Sendable, Hashable {
    public let dot: Dot
    public let context: VersionVector
}

public struct KeySummary: Sendable, Hashable {
    public let key: String
    public let versions: [VersionID]
}

public struct KeyVersions: Sendable, Hashable {
    public let key: String
    public let versions: [Version]
}

public struct KeyDots: Sendable, Hashable {
    public let key: String
    public let dots: [Dot]
}

/// What has crossed so far in one exchange, carried along in its messages (so neither replica
/// keeps exchange state and a lost message simply ends the exchange).
public struct MerkleTally: Sendable, Hashable {
    public var hashes = 0
    /// Dots listed for differing leaves.
    public var versionIDs = 0
    /// Versions copied (values and tombstones).
    public var versions = 0
    public var messages = 0
    /// What a full copy would send: every version each side holds in the range.
    public var fullCopy = 0
}

/// The messages of a Merkle-tree exchange.
///
/// The initiator sends its root hash. Each side compares the hashes it receives with its own
/// tree and answers with its own hashes of the children of the nodes that differ, one level
/// further down each time. At the leaves, the side that finds differing leaves lists their
/// keys with their versions' dots and contexts (no values); the other side answers with the
/// versions the first lacks and the dots it wants, and the first sends those. Only differing
/// versions cross. With `clocks=vv` a key's siblings share one clock, so a differing key is
/// copied whole.
public enum MerkleMessage: Sendable, Hashable {
    case hashes(exchange: Int, level: Int, nodes: [MerkleNode], tally: MerkleTally)
    case keys(exchange: Int, leaves: [Int], summaries: [KeySummary], tally: MerkleTally)
    case copy(exchange: Int, versions: [KeyVersions], want: [KeyDots], tally: MerkleTally)

    /// The exchange the message belongs to.
    var exchange: Int {
        switch self {
        case .hashes(let exchange, _, _, _), .keys(let exchange, _, _, _), .copy(let exchange, _, _, _): return exchange
        }
    }

    var kind: String {
        switch self {
        case .hashes: return "merkle"
        case .keys: return "merkle-keys"
        case .copy: return "merkle-copy"
        }
    }

    var label: String {
        switch self {
        case .hashes(let exchange, let level, let nodes, _):
            if level == 0 { return "merkle #\(exchange) root \(MerkleTree.short(nodes.first?.hash ?? 0))" }
            // Leaves are numbered in hex, like the first digit of the ring positions they hold.
            let radix = level == MerkleTree.depth ? 16 : 10
            let hashes = nodes.map { "\(String(MerkleTree.position(of: $0.index), radix: radix)):\(MerkleTree.short($0.hash))" }
                .joined(separator: " ")
            return level == MerkleTree.depth ? "merkle #\(exchange) leaves \(hashes)" : "merkle #\(exchange) level \(level) \(hashes)"
        case .keys(let exchange, let leaves, let summaries, _):
            let list =
                summaries.isEmpty
                ? "none"
                : summaries.map { "\($0.key) \($0.versions.map(\.dot.description).joined(separator: " "))" }.joined(separator: "; ")
            return "merkle #\(exchange) keys in leaf \(leaves.map { String($0, radix: 16) }.joined(separator: " ")): \(list)"
        case .copy(let exchange, let versions, let want, _):
            var text =
                "merkle #\(exchange) copy "
                + (versions.isEmpty
                    ? "nothing" : versions.map { "\($0.key)=\(Message.describe($0.versions))" }.joined(separator: "; "))
            if !want.isEmpty {
                text += "; wants " + want.map { "\($0.key) \($0.dots.map(\.description).joined(separator: " "))" }.joined(separator: "; ")
            }
            return text
        }
    }
}

/// Anti-entropy: Merkle-tree exchanges between replicas, each step a real message.
extension LeaderlessModel {
    /// A replica's tree over the keys it is a primary for, or (with `peer`) over the keys both
    /// are primaries for: the range an exchange between them compares.
    func merkleTree(of node: Address, with peer: Address? = nil) -> MerkleTree {
        merkleTree(of: node, with: peer) { primaries(for: $0) }
    }

    func versionCount(_ tree: MerkleTree, at node: Address) -> Int {
        tree.leafKeys.joined().reduce(0) { $0 + (replicas[node.replicaIndex].store[$1]?.count ?? 0) }
    }

    /// At most this many periodic exchanges in flight per pair of replicas, as Riak's
    /// `anti_entropy_concurrency` (default 2) bounds its concurrent exchanges. Without it a short
    /// period starts a new exchange every tick while the last is undelivered, and the messages pile up.
    static let antiEntropyConcurrency = 2

    /// Periodic anti-entropy: every live replica starts an exchange with the next live one in
    /// ring order (a key's primaries are consecutive on the ring, so the exchanges chain them),
    /// unless that pair already has `antiEntropyConcurrency` exchanges in flight.
    mutating func periodicAntiEntropy() {
        let live = ring.nodes.filter { !faults.isCrashed($0) }
        guard live.count > 1 else { return }
        // BOUND (issue 14): an exchange is in flight while one of its messages is (it keeps no other
        // state: a lost message ends it). Count them per unordered pair, once per period.
        var inFlight: [Set<Address>: Set<Int>] = [:]
        for envelope in network.unordered {
            guard case .leaderless(.merkle(let message)) = envelope.payload else { continue }
            inFlight[[envelope.from, envelope.to], default: []].insert(message.exchange)
        }
        for (offset, node) in live.enumerated() {
            let peer = live[(offset + 1) % live.count]
            if (inFlight[[node, peer]]?.count ?? 0) >= LeaderlessModel.antiEntropyConcurrency {
                let note =
                    "anti-entropy: a pair with \(LeaderlessModel.antiEntropyConcurrency) exchanges still in flight skipped its turn (at most \(LeaderlessModel.antiEntropyConcurrency) per pair, as Riak's anti_entropy_concurrency)"
                if !notes.contains(note) { notes.append(note) }
            } else {
                startAntiEntropy(node, peer)
            }
            if live.count == 2 { break }
        }
    }

    /// One anti-entropy exchange: `a` sends its root hash to `b`; the rest follows as messages.
    mutating func startAntiEntropy(_ a: Address, _ b: Address) {

        exchanges += 1
        let tree = merkleTree(of: a, with: b)
        var tally = MerkleTally()
        tally.hashes = 1
        tally.messages = 1
        tally.fullCopy = versionCount(tree, at: a)
        send(from: a, to: b, .merkle(.hashes(exchange: exchanges, level: 0, nodes: [MerkleNode(index: 1, hash: tree.root)], tally: tally)))
    }

    mutating func handleMerkle(_ message: MerkleMessage, from peer: Address, at me: Address) {
        let tree = merkleTree(of: me, with: peer)
        let held = replicas[me.replicaIndex].store
        switch message {
        case .hashes(let exchange, let level, let nodes, var tally):
            if level == 0 { tally.fullCopy += versionCount(tree, at: me) }
            let differing = nodes.filter { tree.hashes[$0.index] != $0.hash }
            if differing.isEmpty {
                return finishExchange(exchange, at: me, with: peer, tally: tally, level == 0 ? .rootsAgree : .treesAgree)
            }
            tally.messages += 1
            if level < MerkleTree.depth {
                let children = differing.flatMap { [2 * $0.index, 2 * $0.index + 1] }.map { MerkleNode(index: $0, hash: tree.hashes[$0]) }
                tally.hashes += children.count
                send(from: me, to: peer, .merkle(.hashes(exchange: exchange, level: level + 1, nodes: children, tally: tally)))
            } else {
                let leaves = differing.map { MerkleTree.position(of: $0.index) }
                let summaries = leaves.flatMap { tree.leafKeys[$0] }.map { key in
                    KeySummary(key: key, versions: (held[key] ?? []).map { VersionID(dot: $0.dot, context: $0.context) })
                }
                tally.versionIDs += summaries.reduce(0) { $0 + $1.versions.count }
                send(from: me, to: peer, .merkle(.keys(exchange: exchange, leaves: leaves, summaries: summaries, tally: tally)))
            }
        case .keys(let exchange, let leaves, let summaries, var tally):
            let keys = Set(leaves.flatMap { tree.leafKeys[$0] } + summaries.map(\.key)).sorted()
            var give: [KeyVersions] = []
            var want: [KeyDots] = []
            for key in keys {
                let mine = tree.leafKeys[MerkleTree.leaf(of: key)].contains(key) ? held[key] ?? [] : []
                let theirs = summaries.first { $0.key == key }?.versions ?? []
                let (offer, ask) = difference(mine: mine, theirs: theirs)
                if !offer.isEmpty { give.append(KeyVersions(key: key, versions: offer)) }
                if !ask.isEmpty { want.append(KeyDots(key: key, dots: ask)) }
            }
            if give.isEmpty && want.isEmpty {
                return finishExchange(exchange, at: me, with: peer, tally: tally, .noVersionDiffers)
            }
            tally.messages += 1
            tally.versions += give.reduce(0) { $0 + $1.versions.count }
            send(from: me, to: peer, .merkle(.copy(exchange: exchange, versions: give, want: want, tally: tally)))
        case .copy(let exchange, let versions, let want, var tally):
            for entry in versions { storeObject(entry.versions, key: entry.key, at: me, cause: "anti-entropy") }
            let wanted = want.compactMap { entry -> KeyVersions? in
                let mine = held[entry.key] ?? []
                let chosen = config.resolve == .siblings && config.clocks == .vv ? mine : mine.filter { entry.dots.contains($0.dot) }
                return chosen.isEmpty ? nil : KeyVersions(key: entry.key, versions: chosen)
            }
            if wanted.isEmpty { return finishExchange(exchange, at: me, with: peer, tally: tally, .copied) }
            tally.messages += 1
            tally.versions += wanted.reduce(0) { $0 + $1.versions.count }
            send(from: me, to: peer, .merkle(.copy(exchange: exchange, versions: wanted, want: [], tally: tally)))
        }
    }

    /// For one key of a differing leaf: which of my versions the peer lacks, and which of its
    /// dots I lack. A version the other side already superseded is not sent (its writer's
    /// context covers it); with `clocks=vv` a differing key is copied whole.
    func difference(mine: [Version], theirs: [VersionID]) -> (offer: [Version], ask: [Dot]) {
        let missingThere = mine.filter { version in !theirs.contains { $0.dot == version.dot } }
        let missingHere = theirs.filter { id in !mine.contains { $0.dot == id.dot } }
        switch (config.resolve, config.clocks) {
        case (.siblings, .vv):
            return (missingThere.isEmpty ? [] : mine, missingHere.isEmpty ? [] : theirs.map(\.dot))
        case (.siblings, .dvv):
            return (
                missingThere.filter { version in !theirs.contains { $0.context.contains(version.dot) } },
                missingHere.filter { id in !mine.contains { $0.context.contains(id.dot) } }.map(\.dot)
            )
        case (.lww, _):
            return (missingThere, missingHere.map(\.dot))
        }
    }

    mutating func finishExchange(_ exchange: Int, at me: Address, with peer: Address, tally: MerkleTally, _ end: Note.ExchangeEnd) {
        note(me, .exchangeDone(exchange: exchange, peer: peer, end: end, tally: tally))
    }
}
