import ReplabKernel
import ReplabModels

/// The leaderless views: the hash ring (ASCII and Mermaid), Merkle trees, and the hints shown
/// under `show state`. Pure functions of the simulation, like every view.
extension Views {
    // MARK: ring

    /// Columns of the ASCII ring: a position p sits in column p >> 58.
    static let ringColumns = 64

    public static func ring(_ sim: Simulation, width: Int = ViewStyle.defaultWidth) -> String {
        let n = sim.config.n
        var lines = wrap(
            "hash ring: a node's token and a key's position are FNV-1a 64 of its name, mixed by SplitMix64's "
                + "finalizer. A key's preference list is every node clockwise from its position: the first n=\(n) "
                + "are its primaries, the rest its fallbacks (sloppy quorums use them when primaries are unreachable).",
            width: width)
        lines.append("")
        // The ring cut open at 0: nodes on the line, keys (by their first letter) under it.
        var bar = Array(repeating: Character("-"), count: ringColumns)
        for node in sim.ring.nodes { bar[column(Ring.position(node.name))] = Character(node.name) }
        var marks = Array(repeating: Character(" "), count: ringColumns)
        for key in sim.knownKeys {
            let at = column(Ring.position(key))
            marks[at] = marks[at] == " " ? key.first! : "+"
        }
        lines.append("   0000" + String(repeating: " ", count: ringColumns - 8) + "ffff")
        lines.append("  |" + String(bar) + "|")
        if !sim.knownKeys.isEmpty { lines.append(("   " + String(marks)).trimmingTrailingSpaces) }
        lines.append("  (the line is a circle: ffff… wraps round to 0000…)")
        lines.append("")
        lines.append("clockwise from 0000000000000000:")
        var rows: [(position: UInt64, order: Int, cells: [String])] = []
        for (node, token) in zip(sim.ring.nodes, sim.ring.tokens) {
            let state = sim.faults.isCrashed(node) ? " (crashed)" : ""
            rows.append((token, 0, ["  \(hex(token))", node.name, "token of \(node.name)\(state)"]))
        }
        for key in sim.knownKeys {
            let list = sim.ring.preferenceList(for: key)
            var text = "key: primaries " + names(Array(list.prefix(n)), sim)
            if list.count > n { text += ", fallbacks " + names(Array(list.dropFirst(n)), sim) }
            rows.append((Ring.position(key), 1, ["  \(hex(Ring.position(key)))", key, text]))
        }
        rows.sort { ($0.position, $0.order, $0.cells[1]) < ($1.position, $1.order, $1.cells[1]) }
        lines.append(table(rows.map(\.cells), width: width))
        if sim.knownKeys.isEmpty {
            lines.append("no keys yet: put one, and show ring places it")
        }
        return lines.joined(separator: "\n")
    }

    static func column(_ position: UInt64) -> Int { Int(position >> 58) }

    static func names(_ nodes: [Address], _ sim: Simulation) -> String {
        nodes.map { $0.name + (sim.faults.isCrashed($0) ? "(crashed)" : "") }.joined(separator: " ")
    }

    /// The ring as a Mermaid flowchart: the nodes in a cycle in token order, each key with solid
    /// arrows to its primaries (numbered in preference order) and dotted ones to its fallbacks.
    public static func ringMermaid(_ sim: Simulation) -> String {
        var lines = ["flowchart TB"]
        lines.append("    subgraph ring [\"hash ring, clockwise in token order\"]")
        for node in sim.ring.nodes {
            lines.append("        \(node.name)((\"\(node.name) \(hex(Ring.position(node.name)).prefix(4))…\"))")
        }
        let order = sim.ring.nodes
        if order.count > 1 {
            for (offset, node) in order.enumerated() {
                lines.append("        \(node.name) --> \(order[(offset + 1) % order.count].name)")
            }
        }
        lines.append("    end")
        for (index, key) in sim.knownKeys.enumerated() {
            lines.append("    k\(index)[\"\(key) at \(hex(Ring.position(key)).prefix(4))…\"]")
            let list = sim.ring.preferenceList(for: key)
            for (rank, node) in list.enumerated() {
                lines.append(
                    rank < sim.config.n
                        ? "    k\(index) -->|\"primary \(rank + 1)\"| \(node.name)"
                        : "    k\(index) -.->|\"fallback \(rank + 1 - sim.config.n)\"| \(node.name)")
            }
        }
        let crashed = sim.ring.nodes.filter { sim.faults.isCrashed($0) }
        if !crashed.isEmpty {
            lines.append("    classDef crashed fill:#eeeeee,stroke:#999999,stroke-dasharray:4 3")
            lines.append("    class \(crashed.map(\.name).joined(separator: ",")) crashed")
        }
        return lines.joined(separator: "\n")
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    // MARK: merkle

    /// A replica's Merkle tree, or two replicas' trees over the range they share with the nodes
    /// where they differ marked `*`, and what an exchange between them would send now.
    public static func merkle(_ sim: Simulation, _ node: Address, _ peer: Address?, width: Int = ViewStyle.defaultWidth) -> String {
        let tree = sim.merkleTree(of: node, with: peer)
        let other = peer.map { sim.merkleTree(of: $0, with: node) }
        let range =
            peer.map { "the keys both \(node.name) and \($0.name) are primaries for" } ?? "the keys \(node.name) is a primary for"
        var lines = wrap(
            (peer == nil ? "Merkle tree of \(node.name)" : "Merkle trees of \(node.name) and \(peer!.name)") + " over \(range): "
                + "\(MerkleTree.leafCount) leaves, leaf i holding the keys whose ring position starts with hex digit i; each node "
                + "shows the top 16 bits of its FNV-1a 64 hash (---- an empty range)"
                + (other == nil ? "." : "; * marks a node where the trees differ."),
            width: width)
        func draw(_ tree: MerkleTree, _ name: String, against: MerkleTree?) {
            for level in 0...MerkleTree.depth {
                let cells = ((1 << level)..<(2 << level)).map { index in
                    MerkleTree.short(tree.hashes[index]) + (against.map { $0.hashes[index] != tree.hashes[index] ? "*" : " " } ?? "")
                }
                let title = level == 0 ? "root    " : level == MerkleTree.depth ? "leaves  " : "level \(level) "
                let prefix = "\(level == 0 ? name : " ")  \(title) "
                // A row too wide for the screen goes on over as many lines as it needs, aligned.
                let cellWidth = (cells.first.map(displayWidth) ?? 4) + 1
                let perLine = max(1, (width - displayWidth(prefix) + 1) / cellWidth)
                var start = 0
                while start < cells.count {
                    let chunk = cells[start..<min(cells.count, start + perLine)]
                    let lead = start == 0 ? prefix : String(repeating: " ", count: displayWidth(prefix))
                    lines.append((lead + chunk.joined(separator: " ")).trimmingTrailingSpaces)
                    start += perLine
                }
            }
        }
        draw(tree, node.name, against: other)
        if let other, let peer { draw(other, peer.name, against: tree) }
        var keyed: [String] = []
        for leaf in 0..<MerkleTree.leafCount {
            let keys = Set(tree.leafKeys[leaf] + (other?.leafKeys[leaf] ?? [])).sorted()
            if !keys.isEmpty { keyed.append("\(String(leaf, radix: 16)): \(keys.joined(separator: " "))") }
        }
        lines += wrap("keys by leaf: " + (keyed.isEmpty ? "none" : keyed.joined(separator: "  ")), width: width)
        if let other {
            let differing = (1..<(2 * MerkleTree.leafCount)).filter { tree.hashes[$0] != other.hashes[$0] }
            if differing.isEmpty {
                lines.append("the trees agree: an exchange now sends 1 hash and copies nothing")
            } else {
                let inner = differing.filter { $0 < MerkleTree.leafCount }.count
                let leaves = differing.filter { $0 >= MerkleTree.leafCount }.map { String(MerkleTree.position(of: $0), radix: 16) }
                lines += wrap(
                    "they differ in \(differing.count) of \(2 * MerkleTree.leafCount - 1) nodes (leaves \(leaves.joined(separator: " "))): an exchange now sends \(1 + 2 * inner) hashes, then lists those leaves' keys and copies only the versions that differ",
                    width: width)
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: hints

    /// `"hints": [{"holder","owner","key","values","since"}]` for `show state` in JSON mode.
    package static func hintsJSON(_ sim: Simulation, key: String?) -> JSON? {
        var items: [JSON] = []
        for node in sim.replicaAddresses {
            for hint in sim.hints(at: node) where key == nil || hint.key == key {
                items.append(
                    .object([
                        ("holder", .string(node.name)), ("owner", .string(hint.owner.name)), ("key", .string(hint.key)),
                        ("values", .array(hint.versions.compactMap { $0.value?.description }.sorted().map(JSON.string))),
                        ("tombstone", .bool(hint.versions.contains { $0.isTombstone })), ("since", .int(Int(hint.since))),
                    ]))
            }
        }
        return items.isEmpty ? nil : .array(items)
    }
}
