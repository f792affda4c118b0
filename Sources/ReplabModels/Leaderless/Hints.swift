import ReplabKernel

/// A write a fallback node holds for a primary it could not reach (Dynamo §4.6): kept apart from
/// the fallback's own data, tagged with the intended owner, and handed over once the owner is
/// reachable again.
public struct Hint: Sendable, Hashable {
    /// The primary the data belongs to.
    public let owner: Address
    public let key: String
    /// The versions held for the owner (merged as the owner would merge them).
    public var versions: [Version]
    /// Virtual time the fallback first stored data for this owner and key.
    public let since: UInt64
    /// When the holder last sent it to its owner; nil: not yet.
    public var lastSent: UInt64?
}

/// Hinted handoff on the wire.
public enum HandoffMessage: Sendable, Hashable {
    /// The holder hands the versions it keeps for `owner` to the owner.
    case data(key: String, owner: Address, versions: [Version])
    /// The owner has stored these versions; the holder may delete its copy.
    case ack(key: String, dots: [Dot])

    var kind: String {
        switch self {
        case .data: return "handoff"
        case .ack: return "handoff-ack"
        }
    }

    var label: String {
        switch self {
        case .data(let key, let owner, let versions):
            return "handoff \(key)=\(Message.describe(versions)) (hint for \(owner.name))"
        case .ack(let key, let dots):
            return "handoff-ack \(key) \(dots.map(\.description).joined(separator: " "))"
        }
    }
}

/// Sloppy quorums and hinted handoff.
///
/// Reachability is judged with a perfect failure detector: when an operation starts, a node is
/// reachable from its coordinator (the client, or the coordinating node) unless it is crashed or
/// the partition cuts the link between them. Dynamo learns the same thing from timeouts and
/// gossip, late and sometimes wrongly; replab uses what the simulation knows, so the choice is
/// visible and repeatable. A node that fails after the messages were sent is not noticed: the
/// operation then waits and may time out, as with strict quorums.
extension LeaderlessModel {
    /// Where an operation's messages go: the key's primaries (strict quorums), or with sloppy
    /// quorums the first n nodes of its preference list reachable from `coordinator`, each
    /// fallback paired with the unreachable primary it stands in for (in preference order).
    func quorumTargets(for key: String, from coordinator: Address) -> [(node: Address, standIn: Address?)] {
        let primaries = primaries(for: key)
        guard settings.sloppy else { return primaries.map { ($0, nil) } }
        let reachable = ring.preferenceList(for: key).filter { node in
            node == coordinator ? !faults.isCrashed(node) : isReachable(from: coordinator, to: node)
        }
        let chosen = Array(reachable.prefix(config.n))
        var missing = primaries.filter { !chosen.contains($0) }
        return chosen.map { node in
            if primaries.contains(node) || missing.isEmpty { return (node, nil) }
            return (node, missing.removeFirst())
        }
    }

    /// The coordinator a client asks when it names none: the key's first primary, or with
    /// sloppy quorums the first node of the preference list the client can reach.
    func defaultCoordinator(for key: String, client: Address) -> Address {
        let list = ring.preferenceList(for: key)
        guard settings.sloppy else { return list[0] }
        return list.first { isReachable(from: client, to: $0) } ?? list[0]
    }

    /// Stores a version as a hint for `owner` at `node`.
    mutating func storeHint(_ version: Version, key: String, owner: Address, at node: Address) {
        let index = node.replicaIndex
        var held = hints[index]
        if let at = held.firstIndex(where: { $0.owner == owner && $0.key == key }) {
            let merged = VersionMerge.mergeAll(
                held[at].versions, [version], resolution: config.resolve, tombstones: true, clocks: config.clocks)
            guard merged != held[at].versions else { return }
            held[at].versions = merged
        } else {
            held.append(Hint(owner: owner, key: key, versions: [version], since: now, lastSent: nil))
            held.sort { ($0.owner, $0.key) < ($1.owner, $1.key) }
        }
        hints[index] = held
        note(node, .hintKept(key: key, version: version, owner: owner))
    }

    /// The versions of `key` a node answers a read with: its own, and (as a fallback) what it
    /// holds as hints, so a read that asks the same fallback sees the write.
    func readableVersions(of key: String, at node: Address) -> [Version] {
        let replica = replicas[node.replicaIndex]
        var versions = replica.store[key] ?? []
        for hint in hints[node.replicaIndex] where hint.key == key {
            versions = VersionMerge.mergeAll(versions, hint.versions, resolution: config.resolve, tombstones: true, clocks: config.clocks)
        }
        return versions
    }

    /// As time passes, every live fallback offers each hint to its owner when the owner is
    /// reachable from it, and again when no acknowledgement came within the timeout.
    /// BOUND (issue 14): at most one handoff in flight per hint. A hint whose handoff (or the
    /// owner's ack of it) is still undelivered, say on a slow or held link, is not sent again at
    /// the timeout, so retries never multiply.
    mutating func retryHints() {
        guard hints.contains(where: { !$0.isEmpty }) else { return }
        var inFlight = Set<[String]>()
        for envelope in network.unordered {
            guard case .leaderless(.handoff(let message)) = envelope.payload else { continue }
            switch message {
            case .data(let key, _, _): inFlight.insert([envelope.from.name, envelope.to.name, key])
            case .ack(let key, _): inFlight.insert([envelope.to.name, envelope.from.name, key])
            }
        }
        for index in replicas.indices where !faults.isCrashed(.replica(index)) {
            let holder = Address.replica(index)
            for at in hints[index].indices {
                let hint = hints[index][at]
                guard isReachable(from: holder, to: hint.owner) else { continue }
                if let sent = hint.lastSent, now < sent + settings.timeoutTicks { continue }
                if inFlight.contains([holder.name, hint.owner.name, hint.key]) {
                    let note = "hinted handoff: a hint whose handoff is still in flight waits for it (one handoff in flight per hint)"
                    if !notes.contains(note) { notes.append(note) }
                    continue
                }
                hints[index][at].lastSent = now
                send(from: holder, to: hint.owner, .handoff(.data(key: hint.key, owner: hint.owner, versions: hint.versions)))
            }
        }
    }

    /// The handlers of hinted handoff.
    mutating func handleHandoff(_ message: HandoffMessage, from: Address, at me: Address) {
        switch message {
        case .data(let key, _, let versions):
            storeObject(versions, key: key, at: me, cause: "hinted handoff")
            send(from: me, to: from, .handoff(.ack(key: key, dots: versions.map(\.dot))))
        case .ack(let key, let dots):
            let index = me.replicaIndex
            guard let at = hints[index].firstIndex(where: { $0.owner == from && $0.key == key }) else { return }
            hints[index][at].versions.removeAll { dots.contains($0.dot) }
            if hints[index][at].versions.isEmpty {
                hints[index].remove(at: at)
                note(me, .hintHandedOff(key: key, owner: from))
            } else {
                // Newer writes arrived for the owner meanwhile: they go at the next retry.
                hints[index][at].lastSent = nil
            }
        }
    }

    /// After a read: the hinted versions of its key that it did not see, with who holds them
    /// and for whom. With sloppy quorums the read and the write need not meet, so w + r > n is
    /// only best effort; this makes the miss visible.
    mutating func noteMissedHints(op: Int, asked: [Address], at reader: Address) {
        let read = history[op - 1]
        guard read.kind == .get, read.isAcknowledged else { return }
        // Each version the read missed, with every fallback that holds it and for whom.
        var missed: [(version: Version, holders: [Address], owners: [Address])] = []
        for (index, held) in hints.enumerated() where !asked.contains(.replica(index)) {
            for hint in held where hint.key == read.key {
                for version in hint.versions where !read.read.contains(where: { Checker.reflects($0, version, config.resolve) }) {
                    if let at = missed.firstIndex(where: { $0.version.dot == version.dot }) {
                        missed[at].holders.append(.replica(index))
                        missed[at].owners.append(hint.owner)
                    } else {
                        missed.append((version, [.replica(index)], [hint.owner]))
                    }
                }
            }
        }
        guard !missed.isEmpty else { return }
        let sorted = missed.sorted { $0.version.dot < $1.version.dot }
        note(
            reader,
            .sloppyReadMissed(
                op: op, key: read.key,
                missed: sorted.map { Note.MissedHint(version: $0.version, holders: $0.holders, owners: $0.owners) }))
    }
}
