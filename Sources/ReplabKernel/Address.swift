/// A participant in a simulation: a replica (`A`…`Z`) or a client (`c1`, `c2`, …).
///
/// Stored as one small integer so that messages stay compact: replicas are 0…25, clients are
/// `clientBase + number`. The order puts replicas before clients, each in creation order.
public struct Address: Hashable, Comparable, Sendable {
    public let raw: UInt16

    public static let maxReplicas = 26
    @usableFromInline static let clientBase: UInt16 = 0x100

    @inlinable public init(raw: UInt16) { self.raw = raw }

    /// Replica number `index` (0 is `A`).
    @inlinable public static func replica(_ index: Int) -> Address { Address(raw: UInt16(index)) }

    /// Client `c<number>` (numbers start at 1).
    @inlinable public static func client(_ number: Int) -> Address { Address(raw: clientBase + UInt16(number)) }

    @inlinable public var isClient: Bool { raw >= Address.clientBase }
    @inlinable public var isReplica: Bool { raw < Address.clientBase }
    /// The replica's index (0 for `A`); meaningful only for replicas.
    @inlinable public var replicaIndex: Int { Int(raw) }
    /// The client's number (1 for `c1`); meaningful only for clients.
    @inlinable public var clientNumber: Int { Int(raw - Address.clientBase) }

    public var name: String {
        if isClient { return "c\(clientNumber)" }
        return String(UnicodeScalar(UInt8(65 + raw)))
    }

    /// Parses `A`…`Z` or `c1`, `c2`, … (the names users type).
    public init?(name: String) {
        if name.count == 1, let scalar = name.unicodeScalars.first, scalar.value >= 65, scalar.value < 65 + 26 {
            raw = UInt16(scalar.value - 65)
            return
        }
        if name.hasPrefix("c"), let number = Int(name.dropFirst()), number >= 1, number <= 999,
            String(number) == name.dropFirst()
        {
            raw = Address.clientBase + UInt16(number)
            return
        }
        return nil
    }

    @inlinable public static func < (lhs: Address, rhs: Address) -> Bool { lhs.raw < rhs.raw }
}

extension Address: CustomStringConvertible {
    public var description: String { name }
}
