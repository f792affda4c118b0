import ReplabKernel

/// Consistent hashing, Dynamo style (§4.3), with one token per node.
///
/// A node's token is the ring position of its name (`"A"`, `"B"`, …) and a key sits at the ring
/// position of the key, where a position is the 64-bit FNV-1a hash of the text passed through
/// SplitMix64's finalizer. (FNV-1a alone barely moves the top bits for names that differ only in
/// their last letter: every token and every short key would crowd into one arc of the ring and
/// every key would get the same preference list.) A key's preference list is every node in
/// clockwise order from the first token at or after the key's position (wrapping around past
/// `ffff…` to `0000…`); its first `n` nodes are the key's primaries and the rest are fallbacks;
/// equal tokens are ordered by node name. The same names always give the same placement, on
/// every machine.
public struct Ring: Sendable, Hashable {
    /// Nodes in token order.
    public let nodes: [Address]
    public let tokens: [UInt64]

    public init(replicaCount: Int) {
        let pairs = (0..<replicaCount).map { (Address.replica($0), Ring.position(Address.replica($0).name)) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        nodes = pairs.map(\.0)
        tokens = pairs.map(\.1)
    }

    public static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Where a node's token or a key sits on the ring: FNV-1a 64, then SplitMix64's finalizer.
    public static func position(_ text: String) -> UInt64 {
        var z = hash(text)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Every node, starting with the key's first primary.
    public func preferenceList(for key: String) -> [Address] {
        guard !nodes.isEmpty else { return [] }
        let position = Ring.position(key)
        let start = tokens.firstIndex { $0 >= position } ?? 0
        return (0..<nodes.count).map { nodes[(start + $0) % nodes.count] }
    }
}
