import ReplabKernel

/// The leaderless (Dynamo-style) model: client- or node-coordinated quorums over a consistent-
/// hashing ring, read repair, and Riak's sibling limits. Sloppy quorums and hinted handoff are in
/// Hints.swift, anti-entropy (Merkle-tree exchanges) in Merkle.swift.
struct LeaderlessModel: ClusterKind {
    var core: ClusterCore

    static func wrap(_ message: LeaderlessMessage) -> Message { .leaderless(message) }

    static func unwrap(_ message: Message) -> LeaderlessMessage? {
        if case .leaderless(let own) = message { return own }
        return nil
    }
    /// Coordinator-side state in node-coordinated clusters, keyed by op (volatile: lost on crash).
    var coordinating: [Int: Coordinated] = [:]
    /// Anti-entropy exchanges started so far (each gets the next number).
    var exchanges = 0
    /// Per replica: the writes it holds for unreachable primaries (sloppy quorums), apart from
    /// its table; sorted by owner and key.
    var hints: [[Hint]]

    /// What a coordinating node counts for an operation.
    struct Coordinated: Sendable, Hashable {
        var node: Address
        var state: PendingOp
    }

    init(_ config: LeaderlessConfig) {
        core = ClusterCore(model: .leaderless(config))
        hints = Array(repeating: [], count: config.nodes)
    }

    /// Riak warns when a key has more siblings than this…
    static let siblingWarning = 25
    /// …and refuses a write that would give it more than this (`max_siblings`).
    static let siblingLimit = 100

    func hashOwnState(into hasher: inout Hasher) {
        hasher.combine(coordinating)
        hasher.combine(exchanges)
        hasher.combine(hints)
    }

    func ownStateEquals(_ other: LeaderlessModel) -> Bool {
        coordinating == other.coordinating && exchanges == other.exchanges && hints == other.hints
    }

    /// A key's replicas: the first n nodes of its preference list on the ring.
    func primaries(for key: String) -> [Address] { Array(ring.preferenceList(for: key).prefix(config.n)) }

    func role(of node: Address) -> ReplicaRole { .replica }

    func hints(at node: Address) -> [Hint] { hints[node.replicaIndex] }

    /// Every client with every replica (coordinator=client) or with its coordinators
    /// (coordinator=node: every replica, as any can coordinate), and the replicas with each other.
    var modelLinks: [ModelLink] {
        var links: [ModelLink] = []
        for client in knownClients {
            for replica in replicaAddresses {
                links.append(ModelLink(client, replica))
                links.append(ModelLink(replica, client))
            }
        }
        if config.coordinator == .node {
            for a in replicaAddresses { for b in replicaAddresses where a != b { links.append(ModelLink(a, b)) } }
        }
        return links.sorted()
    }

    func timeoutReason(_ state: PendingOp) -> String {
        let got = state.kind == .get ? state.replies.count : state.acks.count
        let noun = state.kind == .get ? "replies" : "acks"
        return "timed out at tick \(now): \(got) of \(state.needed) \(noun)"
            + (config.coordinator == .node ? " (from the coordinator)" : "")
    }

    /// Tombstones past their grace are purged, fallbacks retry handing their hints over, and
    /// periodic anti-entropy starts its exchanges.
    mutating func ticked() {
        if let grace = settings.gcGraceTicks { purgeTombstones(olderThan: grace) }
        retryHints()
        if let every = settings.antiEntropyEveryTicks, every > 0, now % every == 0 { periodicAntiEntropy() }
    }

    /// What a coordinator was counting is volatile: it is lost with the crash.
    mutating func crashed(_ node: Address) {
        for op in coordinating.keys.sorted() where coordinating[op]?.node == node { coordinating[op] = nil }
    }

    mutating func recovered(_ node: Address) {}

    mutating func forget(op: Int) { coordinating[op] = nil }

    /// Read repair uses late replies, so a client or coordinator keeps a finished operation
    /// until every replica it asked has answered.
    mutating func retireSettledOperations() {
        func answeredByAll(_ state: PendingOp) -> Bool {
            state.targets.allSatisfy { state.acks.contains($0) || state.replies.contains($0) }
        }
        let clientCoordinated = config.coordinator == .client
        let retired = retireFinished { clientCoordinated && !answeredByAll($0) }
        var finished: [Int] = []
        for (op, entry) in coordinating where entry.state.done && answeredByAll(entry.state) { finished.append(op) }
        for op in finished { coordinating[op] = nil }
        let coordinating = self.coordinating
        cancelTimeouts(retired + finished) { coordinating[$0] != nil }
    }

    // MARK: - Client operations

    /// Starts a client operation; it sends its messages and returns at once.
    @discardableResult
    mutating func startOperation(
        kind: OpKind, key: String, value: Value?, client: Address, via: Address?, blind: Bool
    ) throws(SimulationError) -> Int {
        if kind == .insert || kind == .update {
            throw .invalid(
                "\(kind.rawValue) is a row operation of single-leader and multi-leader clusters; in a leaderless cluster use put")
        }
        if let via {
            guard config.coordinator == .node else {
                throw .invalid(
                    "via applies to coordinator=node clusters; in this cluster (coordinator=client) each client sends to the key's replicas itself"
                )
            }
            guard via.isReplica, via.replicaIndex < config.nodes else {
                throw .invalid("unknown node \(via.name): this cluster has nodes \(replicaList)")
            }
        }
        if faults.isCrashed(client) { throw .invalid("\(client.name) is crashed") }
        ensureClient(client)
        let op = history.count + 1
        let context = (blind || kind == .get) ? VersionVector() : (clientContexts[client.clientNumber - 1][key] ?? VersionVector())
        var entry = OperationRecord(
            op: op, client: client, kind: kind, key: key, value: value, via: via, blind: blind, startStep: step,
            startTime: now, context: context)
        let timestamp = kind == .get ? 0 : takeTimestamp()
        effects.start(op: op, client: client, text: "\(entry.text)\(via.map { " via \($0.name)" } ?? "")")
        effects.setTimer(at: now + settings.timeoutTicks, .opTimeout(op: op))
        switch config.coordinator {
        case .client:
            let targets = quorumTargets(for: key, from: client)
            var state = PendingOp(
                op: op, client: client, kind: kind, key: key, targets: targets.map(\.node), needed: kind == .get ? config.r : config.w)
            if kind == .get {
                for target in targets { send(from: client, to: target.node, .read(op: op, key: key)) }
            } else {
                // Above anything this client wrote to the key, and anything its context has seen.
                let counter = max(clientCounters[client.clientNumber - 1][key] ?? 0, context.highest(client)) + 1
                clientCounters[client.clientNumber - 1][key] = counter
                let version = Version(
                    value: kind == .delete ? nil : value, dot: Dot(client, counter),
                    context: context, timestamp: timestamp, writtenAt: now, op: op)
                entry.written = version
                state.version = version
                for target in targets {
                    if let owner = target.standIn {
                        send(from: client, to: target.node, .hintedWrite(op: op, key: key, version: version, owner: owner))
                    } else {
                        send(from: client, to: target.node, .write(op: op, key: key, version: version))
                    }
                }
            }
            pending[op] = state
        case .node:
            let coordinator = via ?? defaultCoordinator(for: key, client: client)
            pending[op] = PendingOp(op: op, client: client, kind: kind, key: key, targets: [coordinator], needed: 1)
            send(
                from: client, to: coordinator,
                .request(op: op, kind: kind, key: key, value: kind == .delete ? nil : value, context: context, timestamp: timestamp))
        }
        history.append(entry)
        return op
    }

    // MARK: - Client-coordinated quorums

    mutating func clientGotAck(op: Int, from: Address) {
        // A late ack is counted too: it tells the client that replica has answered, so the
        // operation can be forgotten once every replica asked has.
        guard var state = pending[op] else { return }
        if !state.acks.contains(from) { state.acks.append(from) }
        pending[op] = state
        if !state.done && state.acks.count >= state.needed { completeWrite(op: op, version: state.version, by: state.acks) }
    }

    mutating func clientGotRefusal(op: Int, reason: String) {
        fail(op: op, reason: reason)
    }

    mutating func clientGotReply(op: Int, key: String, versions: [Version], from: Address) {
        guard var state = pending[op] else { return }
        let late = state.done
        gather(&state, versions, from: from)
        pending[op] = state
        if !late && state.replies.count >= state.needed {
            completeRead(op: op, versions: state.merged, by: state.replies)
            noteMissedHints(op: op, asked: state.replies, at: state.client)
        }
        if settings.readRepair, var current = pending[op], current.replies.count >= current.needed {
            readRepair(&current, from: current.client)
            pending[op] = current
        }
    }

    /// Adds a read reply to what an operation has gathered.
    func gather(_ state: inout PendingOp, _ versions: [Version], from: Address) {
        if !state.replies.contains(from) { state.replies.append(from) }
        state.replyVersions[from] = versions
        state.merged = VersionMerge.mergeAll(state.merged, versions, resolution: config.resolve, tombstones: true, clocks: config.clocks)
    }

    /// Read repair (Riak's rule): once a read has its r replies, every primary whose reply lacks
    /// some of the newest versions (or has an older one) is sent the newest versions; a reply that
    /// arrives later is merged in and repaired the same way, and if it brought something newer,
    /// the replicas that answered earlier are repaired with that too. Each repair is a message
    /// (a coordinating node repairs its own copy directly). Fallback nodes are not repaired: what
    /// they hold for others is handed off, not repaired.
    mutating func readRepair(_ state: inout PendingOp, from coordinator: Address) {
        let owners = primaries(for: state.key)
        for replica in state.replies where owners.contains(replica) {
            let had = state.replyVersions[replica] ?? []
            let after = VersionMerge.mergeAll(had, state.merged, resolution: config.resolve, tombstones: true, clocks: config.clocks)
            guard after.map(\.dot).sorted() != had.map(\.dot).sorted() else { continue }
            state.replyVersions[replica] = after
            if replica == coordinator {
                storeObject(state.merged, key: state.key, at: replica, cause: "read repair")
            } else {
                send(from: coordinator, to: replica, .repair(key: state.key, versions: state.merged))
            }
        }
    }

    /// Stores the versions of one key that another replica sent (a repair, a handoff, an
    /// anti-entropy copy). With `clocks=vv` they are one object whose siblings share a clock and
    /// must be merged at once: one by one, the first would already make the key's clock dominate
    /// the rest.
    mutating func storeObject(_ incoming: [Version], key: String, at node: Address, cause: String) {
        guard config.resolve == .siblings, config.clocks == .vv, incoming.count > 1 else {
            for version in incoming { store(version, key: key, at: node, cause: cause) }
            return
        }
        let index = node.replicaIndex
        let (versions, outcome) = VersionMerge.mergeObject(
            replicas[index].store[key] ?? [], incoming, tombstones: settings.tombstones)
        if case .unchanged = outcome { return }
        replicas[index].store[key] = versions.isEmpty ? nil : versions
        let own = incoming.filter { $0.dot.node == node }.map(\.dot.counter).max() ?? 0
        if own > 0 { replicas[index].counters[key] = max(replicas[index].counters[key] ?? 0, own) }
        note(node, .objectStored(key: key, versions: versions, cause: cause))
    }

    /// Riak's sibling limits for a client's write at `node`: why it must be refused, or nil.
    func siblingRefusal(_ version: Version, key: String, at node: Address) -> String? {
        guard config.resolve == .siblings else { return nil }
        let existing = replicas[node.replicaIndex].store[key] ?? []
        let count = VersionMerge.merge(
            existing, version, resolution: config.resolve, tombstones: settings.tombstones, clocks: config.clocks
        ).versions.count
        guard count > LeaderlessModel.siblingLimit else { return nil }
        return
            "\(key) would have \(count) siblings, more than \(LeaderlessModel.siblingLimit) (Riak's max_siblings); read \(key) and write back with its context to resolve them"
    }

    /// Stores a client's write at a replica unless the sibling limit refuses it; returns the refusal.
    mutating func storeClientWrite(_ version: Version, key: String, at node: Address) -> String? {
        if let refusal = siblingRefusal(version, key: key, at: node) {
            note(node, .writeRefused(reason: refusal))
            return "\(node.name) refused it: \(refusal)"
        }
        store(version, key: key, at: node, cause: nil)
        let count = replicas[node.replicaIndex].store[key]?.count ?? 0
        if count > LeaderlessModel.siblingWarning {
            note(node, .siblingWarning(key: key, count: count))
        }
        return nil
    }

    // MARK: - Node-coordinated quorums

    mutating func coordinate(
        op: Int, kind: OpKind, key: String, value: Value?, context: VersionVector, timestamp: UInt64, client: Address, at me: Address
    ) {
        let targets = quorumTargets(for: key, from: me)
        var state = PendingOp(
            op: op, client: client, kind: kind, key: key, targets: targets.map(\.node), needed: kind == .get ? config.r : config.w)
        let mine = targets.first { $0.node == me }
        if kind == .get {
            if mine != nil { gather(&state, readableVersions(of: key, at: me), from: me) }
            coordinating[op] = Coordinated(node: me, state: state)
            for target in targets where target.node != me { send(from: me, to: target.node, .read(op: op, key: key)) }
            if state.replies.count >= state.needed { coordinatorFinishRead(op: op) }
        } else {
            if refusedByRuleAsCoordinator(op: op, kind: kind, key: key, value: value, client: client, at: me) { return }  // Rules.swift
            let local = replicas[me.replicaIndex]
            let highest = max(
                context.highest(me), local.counters[key] ?? 0, (local.store[key] ?? []).map { $0.clock.highest(me) }.max() ?? 0)
            let version = Version(
                value: value, dot: Dot(me, highest + 1), context: context, timestamp: timestamp,
                writtenAt: now, op: op)
            replicas[me.replicaIndex].counters[key] = highest + 1
            state.version = version
            if let mine {
                if let owner = mine.standIn {
                    storeHint(version, key: key, owner: owner, at: me)
                } else if let refusal = storeClientWrite(version, key: key, at: me) {
                    // Nothing is forwarded: the write fails at once.
                    state.done = true
                    coordinating[op] = Coordinated(node: me, state: state)
                    send(from: me, to: client, .response(op: op, ok: false, versions: [], reason: refusal))
                    return
                }
                state.acks.append(me)
            }
            coordinating[op] = Coordinated(node: me, state: state)
            for target in targets where target.node != me {
                if let owner = target.standIn {
                    send(from: me, to: target.node, .hintedWrite(op: op, key: key, version: version, owner: owner))
                } else {
                    send(from: me, to: target.node, .write(op: op, key: key, version: version))
                }
            }
            if state.acks.count >= state.needed { coordinatorFinishWrite(op: op) }
        }
    }

    mutating func coordinatorGotAck(op: Int, from: Address, at me: Address) {
        guard var entry = coordinating[op], entry.node == me else { return }
        if !entry.state.acks.contains(from) { entry.state.acks.append(from) }
        coordinating[op] = entry
        if !entry.state.done && entry.state.acks.count >= entry.state.needed { coordinatorFinishWrite(op: op) }
    }

    mutating func coordinatorGotRefusal(op: Int, reason: String, at me: Address) {
        guard var entry = coordinating[op], entry.node == me, !entry.state.done else { return }
        entry.state.done = true
        coordinating[op] = entry
        send(from: me, to: entry.state.client, .response(op: op, ok: false, versions: [], reason: reason))
    }

    mutating func coordinatorGotReply(op: Int, key: String, versions: [Version], from: Address, at me: Address) {
        guard var entry = coordinating[op], entry.node == me else { return }
        let late = entry.state.done
        gather(&entry.state, versions, from: from)
        coordinating[op] = entry
        if late {
            if settings.readRepair { readRepair(&entry.state, from: me) }
            coordinating[op] = entry
        } else if entry.state.replies.count >= entry.state.needed {
            coordinatorFinishRead(op: op)
        }
    }

    mutating func coordinatorFinishWrite(op: Int) {
        guard var entry = coordinating[op] else { return }
        entry.state.done = true
        coordinating[op] = entry
        let who = entry.state.acks.map(\.name).joined(separator: ", ")
        send(
            from: entry.node, to: entry.state.client,
            .response(op: op, ok: true, versions: entry.state.version.map { [$0] } ?? [], reason: "acks from \(who)"))
    }

    mutating func coordinatorFinishRead(op: Int) {
        guard var entry = coordinating[op] else { return }
        entry.state.done = true
        let who = entry.state.replies.map(\.name).joined(separator: ", ")
        send(
            from: entry.node, to: entry.state.client,
            .response(op: op, ok: true, versions: entry.state.merged, reason: "replies from \(who)"))
        if settings.readRepair { readRepair(&entry.state, from: entry.node) }
        coordinating[op] = entry
    }

    mutating func clientGotResponse(op: Int, ok: Bool, versions: [Version], reason: String) {
        guard let state = pending[op], !state.done else { return }
        guard ok else { return fail(op: op, reason: reason) }
        let coordinator = state.targets.first ?? primaries(for: state.key)[0]
        let how = "coordinator \(coordinator.name): \(reason)"
        if state.kind == .get {
            completeRead(op: op, versions: versions, by: [], how: how)
            noteMissedHints(op: op, asked: coordinating[op]?.state.replies ?? [], at: state.client)
        } else {
            completeWrite(op: op, version: versions.first, by: [], how: how)
        }
    }

    /// The leaderless handlers: replicas store and answer, clients or coordinators count.
    mutating func handle(_ message: LeaderlessMessage, from: Address, at me: Address) {
        switch message {
        case .write(let op, let key, let version):
            if op == 0 {
                store(version, key: key, at: me, cause: "repair")
            } else if let refusal = storeClientWrite(version, key: key, at: me) {
                send(from: me, to: from, .writeRefused(op: op, key: key, reason: refusal))
            } else {
                send(from: me, to: from, .writeAck(op: op, key: key))
            }
        case .hintedWrite(let op, let key, let version, let owner):
            storeHint(version, key: key, owner: owner, at: me)
            send(from: me, to: from, .writeAck(op: op, key: key))
        case .repair(let key, let versions):
            storeObject(versions, key: key, at: me, cause: "read repair")
        case .read(let op, let key):
            send(from: me, to: from, .readReply(op: op, key: key, versions: readableVersions(of: key, at: me)))
        case .writeAck(let op, _):
            if me.isClient { clientGotAck(op: op, from: from) } else { coordinatorGotAck(op: op, from: from, at: me) }
        case .writeRefused(let op, _, let reason):
            if me.isClient { clientGotRefusal(op: op, reason: reason) } else { coordinatorGotRefusal(op: op, reason: reason, at: me) }
        case .readReply(let op, let key, let versions):
            if me.isClient {
                clientGotReply(op: op, key: key, versions: versions, from: from)
            } else {
                coordinatorGotReply(op: op, key: key, versions: versions, from: from, at: me)
            }
        case .request(let op, let kind, let key, let value, let context, let timestamp):
            coordinate(op: op, kind: kind, key: key, value: value, context: context, timestamp: timestamp, client: from, at: me)
        case .response(let op, let ok, let versions, let reason):
            clientGotResponse(op: op, ok: ok, versions: versions, reason: reason)
        case .handoff(let message):
            handleHandoff(message, from: from, at: me)
        case .merkle(let message):
            handleMerkle(message, from: from, at: me)
        }
    }
}
extension LeaderlessModel {
    /// The same hook for a leaderless coordinating node (`coordinator=node`): it checks its own
    /// copy before it makes the version, and the client hears why nothing was written.
    mutating func refusedByRuleAsCoordinator(
        op: Int, kind: OpKind, key: String, value: Value?, client: Address, at me: Address
    ) -> Bool {
        guard kind == .put, let (rule, other) = brokenRule(key: key, value: value, at: me) else { return false }
        let reason = "rule \(rule.name): \(other) already holds \(value?.description ?? "") on \(me.name)"
        note(me, .ruleRefused(kind: .put, key: key, rule: rule.name, other: other, value: value))
        send(from: me, to: client, .response(op: op, ok: false, versions: [], reason: reason))
        return true
    }
}
