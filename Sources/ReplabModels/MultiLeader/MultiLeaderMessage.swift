import ReplabKernel

/// What the leaders and clients of a multi-leader cluster send each other.
public enum MultiLeaderMessage: Sendable, Hashable, CarriesClientTraffic {
    /// A client's request or its answer (ClientMessage).
    case client(ClientMessage)
    /// Multi-leader catch-up: a peer tells a neighbour every write it has applied, and asks for
    /// the ones it lacks.
    case missing(have: VersionVector)
    /// Multi-leader: a write propagating along the topology, with the leaders it has passed.
    indirect case propagate(ReplicatedWrite, path: [Address])

    /// A short kind name for lists and JSON (`write`, `ack`, …).
    public var kind: String {
        switch self {
        case .client(let message): return message.kind
        case .missing: return "catch-up?"
        case .propagate: return "replicate"
        }
    }

    /// What it carries, for people: `write x=5 {c1:1}`.
    public var label: String {
        switch self {
        case .client(let message): return message.label
        case .missing(let have):
            return "I have \(have): send what I lack"
        case .propagate(let write, let path):
            return "\(write.text) \(write.version.label) via \(path.map(\.name).joined(separator: ">"))"
        }
    }
}
