import ReplabKernel

/// The multi-leader model: every node is a leader that accepts writes from its clients and
/// propagates them along the topology (all-to-all, star or ring), forwarding each write once by
/// the leaders it has passed; concurrent writes are resolved by last-write-wins, kept as
/// siblings, or read as their union; with `causal=on` a write waits for its dependencies.
/// Peers catch up by version vector (CatchUp.swift).
struct MultiLeaderModel: LeaderBased {
    var core: ClusterCore

    static func wrap(_ message: MultiLeaderMessage) -> Message { .multiLeader(message) }

    static func unwrap(_ message: Message) -> MultiLeaderMessage? {
        if case .multiLeader(let own) = message { return own }
        return nil
    }

    /// The `cluster multi-leader` options.
    let options: MultiLeaderConfig
    /// Per leader: the writes it has applied (log and version vector), those it holds back for
    /// causal delivery, and when it last asked each neighbour to catch it up.
    var replication: [ReplicationState]

    init(_ config: MultiLeaderConfig) {
        options = config
        core = ClusterCore(model: .multiLeader(config))
        replication = Array(repeating: ReplicationState(), count: config.leaders)
    }

    func hashOwnState(into hasher: inout Hasher) { hasher.combine(replication) }

    func ownStateEquals(_ other: MultiLeaderModel) -> Bool { replication == other.replication }

    /// Every node takes writes.
    func checkWriteTarget(_ target: Address, key: String) throws(SimulationError) {}

    func role(of node: Address) -> ReplicaRole { .multiLeader(hub: options.topology == .star && node == .replica(0)) }

    /// The propagation links of the topology, then each client with its home leader.
    var modelLinks: [ModelLink] {
        var links = Set<ModelLink>()
        for leader in replicaAddresses {
            for target in propagationTargets(from: leader, path: []) { links.insert(ModelLink(leader, target)) }
        }
        for client in knownClients {
            links.insert(ModelLink(client, homeNode(of: client)))
            links.insert(ModelLink(homeNode(of: client), client))
        }
        return links.sorted()
    }

    /// Catch-up retries, then tombstone purges.
    mutating func ticked() {
        retryCatchUp()
        if let grace = settings.gcGraceTicks { purgeTombstones(olderThan: grace) }
    }

    /// Where a leader sends a write it accepted or received, given the leaders it has passed.
    func propagationTargets(from leader: Address, path: [Address]) -> [Address] {
        let others = replicaAddresses.filter { $0 != leader && !path.contains($0) }
        switch options.topology {
        case .allToAll:
            return path.isEmpty ? others : []
        case .star:
            let hub = Address.replica(0)
            return leader == hub ? others : (path.isEmpty ? [hub] : [])
        case .ring:
            let next = Address.replica((leader.replicaIndex + 1) % config.nodes)
            return others.contains(next) ? [next] : []
        }
    }

    var multiResolution: MultiResolution { options.resolve }

    mutating func handle(_ message: MultiLeaderMessage, from: Address, at me: Address) {
        switch message {
        case .client(.clientWrite(let op, let kind, let key, let value, let timestamp)):
            multiLeaderAccepts(op: op, kind: kind, key: key, value: value, timestamp: timestamp, client: from, at: me)
        case .client(let message):
            handleClientTraffic(message, from: from, at: me)
        case .propagate(let write, let path):
            // Each write is forwarded once, when it first arrives: a copy that comes again (a
            // duplicate, a catch-up) stops here.
            let state = replication[me.replicaIndex]
            guard !state.applied.contains(Dot(write.origin, write.index)), !state.buffer.contains(write) else { return }
            for target in propagationTargets(from: me, path: path) where target != write.origin {
                send(from: me, to: target, .propagate(write, path: path + [me]))
            }
            let contiguous = state.applied[write.origin]
            receiveReplicated(write, at: me)
            if contiguous + 1 < write.index { askForGap(from: from, at: me) }
        case .missing(let have):
            sendMissing(to: from, have: have, at: me)
        }
    }

    mutating func multiLeaderAccepts(
        op: Int, kind: OpKind, key: String, value: Value?, timestamp: UInt64, client: Address, at me: Address
    ) {
        if answeredBeforeWriting(op: op, kind: kind, key: key, value: value, client: client, at: me) { return }
        var state = replication[me.replicaIndex]
        state.written += 1
        let dot = Dot(me, state.written)
        let version = Version(
            value: value, dot: dot, context: VersionMerge.context(of: replicas[me.replicaIndex].store[key] ?? []),
            timestamp: timestamp, writtenAt: now, op: op)
        let write = ReplicatedWrite(
            op: op, origin: me, index: state.written, epoch: 0, kind: kind, key: key, version: version, deps: state.applied)
        state.applied = state.applied.inserting(dot)
        state.log.append(write)
        replication[me.replicaIndex] = state
        history[op - 1].written = version
        mergeReplicated(write, at: me)
        send(from: me, to: client, .client(.writeResult(op: op, ok: true, reason: "accepted; replicates in the background")))
        for target in propagationTargets(from: me, path: []) { send(from: me, to: target, .propagate(write, path: [me])) }
    }

    mutating func receiveReplicated(_ write: ReplicatedWrite, at me: Address) {
        let state = replication[me.replicaIndex]
        let dot = Dot(write.origin, write.index)
        if state.applied.contains(dot) || state.buffer.contains(write) { return }
        if options.causal, !write.deps.isDominated(by: state.applied) {
            replication[me.replicaIndex].buffer.append(write)
            let missing = write.deps.entries.filter { state.applied[$0.node] < $0.counter }.map { Dot($0.node, $0.counter) }
            note(me, .buffered(write: write, missing: missing))
            return
        }
        applyReplicated(write, at: me)
        drainBuffer(at: me)
    }

    mutating func drainBuffer(at me: Address) {
        var progress = true
        while progress {
            progress = false
            let state = replication[me.replicaIndex]
            guard let ready = state.buffer.first(where: { $0.deps.isDominated(by: state.applied) }) else { return }
            replication[me.replicaIndex].buffer.removeAll { $0 == ready }
            note(me, .released(write: ready))
            applyReplicated(ready, at: me)
            progress = true
        }
    }

    mutating func applyReplicated(_ write: ReplicatedWrite, at me: Address) {
        replication[me.replicaIndex].applied = replication[me.replicaIndex].applied.inserting(
            Dot(write.origin, write.index))
        replication[me.replicaIndex].log.append(write)
        // An update of a row this leader has never seen (its insert has not arrived: the update
        // overtook it) does nothing. A row that was deleted concurrently is different: the
        // update then meets the tombstone as a conflict, so every leader ends up the same.
        if write.kind == .update && (replicas[me.replicaIndex].store[write.key] ?? []).isEmpty {
            note(me, .overtaken(key: write.key, origin: write.origin))
            return
        }
        mergeReplicated(write, at: me)
    }

    /// Stores a multi-leader write and reports a conflict when it meets a concurrent version.
    mutating func mergeReplicated(_ write: ReplicatedWrite, at me: Address) {
        let key = write.key
        let existing = replicas[me.replicaIndex].store[key] ?? []
        let resolution: Resolution = multiResolution == .lww ? .lww : .siblings
        let (versions, outcome) = VersionMerge.merge(existing, write.version, resolution: resolution, tombstones: true)
        replicas[me.replicaIndex].store[key] = versions.isEmpty ? nil : versions
        switch outcome {
        case .sibling:
            note(me, .conflict(key: key, versions: versions, union: multiResolution == .union))
        case .lwwWon, .lwwLost:
            note(me, .conflictLastWriteWins(key: key, incoming: write.version, outcome: outcome))
        default:
            break
        }
    }

    /// Multi-leader resolve=union: concurrent versions read as one value, the union of their
    /// comma-separated items (a shopping cart, a room's bookings).
    func unionIfNeeded(_ versions: [Version]) -> [Version] {
        guard multiResolution == .union, versions.count > 1 else { return versions }
        var items: [String] = []
        for version in versions {
            for item in (version.value?.text ?? "").split(separator: ",") {
                let trimmed = String(item).trimmingCharacters(in: " ")
                if !trimmed.isEmpty && !items.contains(trimmed) { items.append(trimmed) }
            }
        }
        var merged = versions[0]
        merged.value = Value(items.sorted().joined(separator: ","))
        merged.context = VersionMerge.context(of: versions)
        return [merged]
    }
}
