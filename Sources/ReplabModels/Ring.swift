import ReplabKernel

/// Consistent hashing, Dynamo style (§4.3), with one token per node.
///
/// A node's token is the 64-bit FNV-1a hash of its name (`"A"`, `"B"`, …); a key's position is
/// the FNV-1a hash of the key. A key's preference list is every node in clockwise order from the
/// first token at or after the key's position (wrapping around); its first `n` nodes are the
/// key's primaries and the rest are fallbacks. The same names always give the same placement,
/// on every machine.
public struct Ring: Sendable, Hashable {
    /// Nodes in token order.
    public let nodes: [Address]
    public let tokens: [UInt64]

    public init(replicaCount: Int) {
        let pairs = (0..<replicaCount).map { (Address.replica($0), Ring.hash(Address.replica($0).name)) }
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

    /// Every node, starting with the key's first primary.
    public func preferenceList(for key: String) -> [Address] {
        guard !nodes.isEmpty else { return [] }
        let position = Ring.hash(key)
        let start = tokens.firstIndex { $0 >= position } ?? 0
        return (0..<nodes.count).map { nodes[(start + $0) % nodes.count] }
    }
}
