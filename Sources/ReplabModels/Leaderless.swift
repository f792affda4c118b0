import ReplabKernel

/// The leaderless (Dynamo-style) model: client- or node-coordinated quorums, read repair and
/// anti-entropy.
extension Simulation {
    // MARK: - Client operations

    mutating func ensureClient(_ client: Address) {
        while clientContexts.count < client.clientNumber {
            clientContexts.append([:])
            clientCounters.append(0)
        }
    }

    /// Starts a client operation; it sends its messages and returns at once.
    @discardableResult
    public mutating func startOperation(
        kind: OpKind, key: String, value: Value?, client: Address, via: Address?, blind: Bool
    ) throws(SimulationError) -> Int {
        if !model.isLeaderless {
            return try startLeaderOperation(kind: kind, key: key, value: value, client: client, via: via, blind: blind)
        }
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
        beginStep()
        let op = history.count + 1
        let context = (blind || kind == .get) ? VersionVector() : (clientContexts[client.clientNumber - 1][key] ?? VersionVector())
        var entry = OperationRecord(
            op: op, client: client, kind: kind, key: key, value: value, via: via, blind: blind, startStep: step,
            startTime: now, context: context)
        let timestamp = kind == .get ? 0 : takeTimestamp()
        record(.opStarted(op: op, client: client, text: "\(entry.text)\(via.map { " via \($0.name)" } ?? "")"))
        timers.schedule(at: now + settings.timeoutTicks, .opTimeout(op: op))
        let targets = primaries(for: key)
        switch config.coordinator {
        case .client:
            var state = PendingOp(
                op: op, client: client, kind: kind, key: key, targets: targets, needed: kind == .get ? config.r : config.w)
            if kind == .get {
                for target in targets { send(from: client, to: target, .read(op: op, key: key)) }
            } else {
                clientCounters[client.clientNumber - 1] += 1
                let version = Version(
                    value: kind == .delete ? nil : value, dot: Dot(client, clientCounters[client.clientNumber - 1]),
                    context: context, timestamp: timestamp, writtenAt: now, op: op)
                entry.written = version
                state.version = version
                for target in targets { send(from: client, to: target, .write(op: op, key: key, version: version)) }
            }
            pending[op] = state
        case .node:
            let coordinator = via ?? targets[0]
            pending[op] = PendingOp(op: op, client: client, kind: kind, key: key, targets: [coordinator], needed: 1)
            send(
                from: client, to: coordinator,
                .request(op: op, kind: kind, key: key, value: kind == .delete ? nil : value, context: context))
            pendingTimestamps[op] = timestamp
        }
        history.append(entry)
        return op
    }

    // MARK: - Client-coordinated quorums

    mutating func clientGotAck(op: Int, from: Address) {
        guard var state = pending[op], !state.done else { return }
        if !state.acks.contains(from) { state.acks.append(from) }
        pending[op] = state
        if state.acks.count >= state.needed { completeWrite(op: op, version: state.version, by: state.acks) }
    }

    mutating func clientGotReply(op: Int, key: String, versions: [Version], from: Address) {
        guard var state = pending[op] else { return }
        if state.done {
            // A late reply: the read already completed; read repair still uses it.
            if settings.readRepair { repairIfStale(key: key, replica: from, reply: versions, newest: state.merged, from: state.client) }
            return
        }
        if !state.replies.contains(from) { state.replies.append(from) }
        state.replyVersions[from] = versions
        state.merged = VersionMerge.mergeAll(state.merged, versions, resolution: config.resolve, tombstones: true)
        pending[op] = state
        if state.replies.count >= state.needed {
            completeRead(op: op, versions: state.merged, by: state.replies)
            if settings.readRepair {
                for replica in state.replies {
                    repairIfStale(
                        key: key, replica: replica, reply: state.replyVersions[replica] ?? [], newest: state.merged, from: state.client)
                }
            }
        }
    }

    /// Read repair (Riak's rule): once the read has its r replies, every replica whose reply
    /// lacked some of the newest versions is sent them, and so is any replica whose reply
    /// arrives later with older versions.
    mutating func repairIfStale(key: String, replica: Address, reply: [Version], newest: [Version], from: Address) {
        let have = Set(reply.map(\.dot))
        guard newest.contains(where: { !have.contains($0.dot) }) else { return }
        send(from: from, to: replica, .repair(key: key, versions: newest))
    }

    // MARK: - Node-coordinated quorums

    mutating func coordinate(
        op: Int, kind: OpKind, key: String, value: Value?, context: VersionVector, client: Address, at me: Address
    ) {
        let targets = primaries(for: key)
        var state = PendingOp(op: op, client: client, kind: kind, key: key, targets: targets, needed: kind == .get ? config.r : config.w)
        let amReplica = targets.contains(me)
        if kind == .get {
            if amReplica {
                state.replies.append(me)
                let local = replicas[me.replicaIndex].store[key] ?? []
                state.replyVersions[me] = local
                state.merged = local
            }
            coordinating[op] = (me, state)
            for target in targets where target != me { send(from: me, to: target, .read(op: op, key: key)) }
            if state.replies.count >= state.needed { coordinatorFinishRead(op: op) }
        } else {
            let local = replicas[me.replicaIndex]
            let highest = max(
                context.highest(me), local.counters[key] ?? 0, (local.store[key] ?? []).map { $0.clock.highest(me) }.max() ?? 0)
            let version = Version(
                value: value, dot: Dot(me, highest + 1), context: context, timestamp: pendingTimestamps[op] ?? 0,
                writtenAt: now, op: op)
            replicas[me.replicaIndex].counters[key] = highest + 1
            state.version = version
            if amReplica {
                store(version, key: key, at: me, cause: nil)
                state.acks.append(me)
            }
            coordinating[op] = (me, state)
            for target in targets where target != me { send(from: me, to: target, .write(op: op, key: key, version: version)) }
            if state.acks.count >= state.needed { coordinatorFinishWrite(op: op) }
        }
    }

    mutating func coordinatorGotAck(op: Int, from: Address, at me: Address) {
        guard var entry = coordinating[op], entry.node == me, !entry.state.done else { return }
        if !entry.state.acks.contains(from) { entry.state.acks.append(from) }
        coordinating[op] = entry
        if entry.state.acks.count >= entry.state.needed { coordinatorFinishWrite(op: op) }
    }

    mutating func coordinatorGotReply(op: Int, key: String, versions: [Version], from: Address, at me: Address) {
        guard var entry = coordinating[op], entry.node == me else { return }
        if entry.state.done {
            if settings.readRepair { repairIfStale(key: key, replica: from, reply: versions, newest: entry.state.merged, from: me) }
            return
        }
        if !entry.state.replies.contains(from) { entry.state.replies.append(from) }
        entry.state.replyVersions[from] = versions
        entry.state.merged = VersionMerge.mergeAll(entry.state.merged, versions, resolution: config.resolve, tombstones: true)
        coordinating[op] = entry
        if entry.state.replies.count >= entry.state.needed { coordinatorFinishRead(op: op) }
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
        coordinating[op] = entry
        let who = entry.state.replies.map(\.name).joined(separator: ", ")
        send(
            from: entry.node, to: entry.state.client,
            .response(op: op, ok: true, versions: entry.state.merged, reason: "replies from \(who)"))
        if settings.readRepair {
            for replica in entry.state.replies {
                if replica == entry.node {
                    // The coordinator repairs its own copy directly.
                    for version in entry.state.merged { store(version, key: entry.state.key, at: replica, cause: "read repair") }
                } else {
                    repairIfStale(
                        key: entry.state.key, replica: replica, reply: entry.state.replyVersions[replica] ?? [],
                        newest: entry.state.merged, from: entry.node)
                }
            }
        }
    }

    mutating func clientGotResponse(op: Int, ok: Bool, versions: [Version], reason: String) {
        guard let state = pending[op], !state.done else { return }
        guard ok else { return fail(op: op, reason: reason) }
        let coordinator = history[op - 1].via ?? primaries(for: state.key)[0]
        let how = "coordinator \(coordinator.name): \(reason)"
        if state.kind == .get {
            completeRead(op: op, versions: versions, by: [], how: how)
        } else {
            completeWrite(op: op, version: versions.first, by: [], how: how)
        }
    }

    mutating func periodicAntiEntropy() {
        let live = replicaAddresses.filter { !faults.isCrashed($0) }
        guard live.count > 1 else { return }
        for (offset, node) in live.enumerated() {
            startAntiEntropy(node, live[(offset + 1) % live.count], asStep: false)
            if live.count == 2 { break }
        }
    }

    /// One anti-entropy exchange: `a` pushes everything it holds to `b`, `b` answers with what
    /// `a` lacked. Both are real messages to step.
    public mutating func startAntiEntropy(_ a: Address, _ b: Address, asStep: Bool = true) {
        if asStep { beginStep() }
        exchanges += 1
        send(from: a, to: b, .syncPush(versions: replicas[a.replicaIndex].store, exchange: exchanges))
    }

    /// The leaderless handlers: replicas store and answer, clients or coordinators count.
    mutating func handleLeaderless(_ envelope: Envelope<Message>) {
        let me = envelope.to
        let from = envelope.from
        switch envelope.payload {
        case .write(let op, let key, let version):
            store(version, key: key, at: me, cause: op == 0 ? "repair" : nil)
            if op != 0 { send(from: me, to: from, .writeAck(op: op, key: key)) }
        case .repair(let key, let versions):
            for version in versions { store(version, key: key, at: me, cause: "read repair") }
        case .read(let op, let key):
            send(from: me, to: from, .readReply(op: op, key: key, versions: replicas[me.replicaIndex].store[key] ?? []))
        case .writeAck(let op, _):
            if me.isClient { clientGotAck(op: op, from: from) } else { coordinatorGotAck(op: op, from: from, at: me) }
        case .readReply(let op, let key, let versions):
            if me.isClient {
                clientGotReply(op: op, key: key, versions: versions, from: from)
            } else {
                coordinatorGotReply(op: op, key: key, versions: versions, from: from, at: me)
            }
        case .request(let op, let kind, let key, let value, let context):
            coordinate(op: op, kind: kind, key: key, value: value, context: context, client: from, at: me)
        case .response(let op, let ok, let versions, let reason):
            clientGotResponse(op: op, ok: ok, versions: versions, reason: reason)
        case .syncPush(let versions, let exchange):
            var reply: [String: [Version]] = [:]
            var copied = 0
            for key in versions.keys.sorted() {
                for version in versions[key] ?? [] where store(version, key: key, at: me, cause: "anti-entropy") { copied += 1 }
            }
            for key in replicas[me.replicaIndex].keys {
                let theirs = Set((versions[key] ?? []).map(\.dot))
                let missing = (replicas[me.replicaIndex].store[key] ?? []).filter { !theirs.contains($0.dot) }
                if !missing.isEmpty { reply[key] = missing }
            }
            record(
                .note(
                    me, kind: "anti-entropy",
                    text: "anti-entropy #\(exchange): \(me.name) took \(plural(copied, "version")) from \(from.name)"))
            send(from: me, to: from, .syncReply(versions: reply, exchange: exchange))
        case .syncReply(let versions, let exchange):
            var copied = 0
            for key in versions.keys.sorted() {
                for version in versions[key] ?? [] where store(version, key: key, at: me, cause: "anti-entropy") { copied += 1 }
            }
            record(
                .note(
                    me, kind: "anti-entropy",
                    text: "anti-entropy #\(exchange): \(me.name) took \(plural(copied, "version")) from \(from.name)"))
            notes.append("anti-entropy #\(exchange) between \(me.name) and \(from.name) finished")
        default:
            // Leader-based messages never reach a leaderless cluster.
            break
        }
    }

}
