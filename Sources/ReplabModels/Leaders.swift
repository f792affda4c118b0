import ReplabKernel

/// A write as leader-based replication ships it: the row operation and the version it made.
public struct ReplicatedWrite: Sendable, Hashable {
    public let op: Int
    /// The leader that accepted it from its client.
    public let origin: Address
    /// Single-leader: its log index; multi-leader: the origin's write counter.
    public let index: UInt64
    /// Single-leader: the leadership epoch it was written in.
    public let epoch: Int
    public let kind: OpKind
    public let key: String
    public let version: Version
    /// Multi-leader: every write the origin had applied when it accepted this one (its causal
    /// dependencies).
    public let deps: VersionVector
    /// Single-leader: the epoch of the entry before it in the leader's log (0 for #1), which a
    /// follower checks before appending it (see CatchUp.swift).
    public var previousEpoch = 0

    /// `insert room-1=alice`, `delete x`.
    public var text: String {
        kind == .delete ? "delete \(key)" : "\(kind.rawValue) \(key)=\(version.valueText)"
    }
}

/// A replica's leader-based replication state.
public struct ReplicationState: Sendable, Hashable {
    /// Single-leader: whether this node believes it is the leader.
    public var isLeader = false
    /// Single-leader: the leader this node follows (itself when it leads).
    public var leader: Address? = nil
    /// Single-leader: the highest leadership epoch this node has seen.
    public var epoch = 0
    /// Single-leader: the log entries applied here, in the order applied. Multi-leader: every
    /// write applied here, in the order applied (what catch-up resends).
    public var log = PersistentArray<ReplicatedWrite>()
    /// Single-leader, kept by a leader: per follower, how far it has confirmed its log matches
    /// (Raft's matchIndex).
    public var matched: [Address: UInt64] = [:]
    /// Single-leader, kept by a leader: per follower, the catch-up entry on its way (index, tick
    /// sent); at most one per follower.
    public var catchingUp: [Address: CatchUpMark] = [:]
    /// Leader-based models: per neighbour, the tick this node last sent it an entry (leader) or
    /// asked it for what it lacks (multi-leader); retries wait a timeout after it.
    public var lastContact: [Address: UInt64] = [:]
    /// Multi-leader: how many writes this leader has accepted from its clients.
    public var written: UInt64 = 0
    /// Multi-leader: every write applied here (or skipped as an update of a missing row).
    public var applied = VersionVector()
    /// Multi-leader with causal=on: writes waiting for their dependencies.
    public var buffer: [ReplicatedWrite] = []
}

/// Cluster-wide leader bookkeeping.
struct Leadership: Sendable, Hashable {
    /// Single-leader: the node most recently promoted (where clients send writes by default).
    var current = Address.replica(0)
    /// Single-leader: writes waiting for their synchronous followers: op → followers still to ack.
    var awaitingSync: [Int: [Address]] = [:]
    /// Single-leader: ticks the current leader has been unreachable (automatic failover).
    var unreachableTicks: UInt64 = 0
}

extension Cluster {
    // MARK: - Set-up and roles

    mutating func setUpReplication() {
        switch model {
        case .leaderless:
            break
        case .singleLeader:
            for index in replicas.indices {
                replicas[index].replication.leader = .replica(0)
                replicas[index].replication.epoch = 1
            }
            replicas[0].replication.isLeader = true
            // Every log starts empty: the first leader knows its followers match it.
            for follower in replicaAddresses.dropFirst() { replicas[0].replication.matched[follower] = 0 }
            leadership.current = .replica(0)
        case .multiLeader:
            break
        }
    }

    /// The node a client writes to and reads from by default: the current leader
    /// (single-leader), or the client's home leader, c1 → A, c2 → B, … (multi-leader).
    public func homeNode(of client: Address) -> Address {
        switch model {
        case .singleLeader: return leadership.current
        case .multiLeader, .leaderless: return .replica((client.clientNumber - 1) % config.nodes)
        }
    }

    /// The single-leader cluster's current leader (the one most recently promoted).
    public var currentLeader: Address { leadership.current }

    /// Single-leader: the followers whose acknowledgement a write waits for.
    public func synchronousFollowers(of leader: Address) -> [Address] {
        guard case .singleLeader(let c) = model else { return [] }
        return Array(replicaAddresses.filter { $0 != leader }.prefix(c.sync))
    }

    /// Log entries a follower is behind the current leader.
    public func lag(of node: Address) -> Int {
        max(0, replicas[currentLeader.replicaIndex].replication.log.count - replicas[node.replicaIndex].replication.log.count)
    }

    func leaderRole(of node: Address) -> ReplicaRole {
        let state = replicas[node.replicaIndex].replication
        switch model {
        case .singleLeader:
            if state.isLeader { return .leader(epoch: state.epoch) }
            let leader = state.leader ?? currentLeader
            return .follower(of: leader, lag: lag(of: node), synchronous: synchronousFollowers(of: leader).contains(node))
        case .multiLeader(let c):
            return .multiLeader(hub: c.topology == .star && node == .replica(0))
        case .leaderless:
            return .replica
        }
    }

    var leaderLinks: [ModelLink] {
        var links = Set<ModelLink>()
        switch model {
        case .singleLeader:
            for leader in replicaAddresses where replicas[leader.replicaIndex].replication.isLeader {
                for follower in replicaAddresses where follower != leader {
                    links.insert(ModelLink(leader, follower))
                    // Followers answer on the same link: log acknowledgements, resync requests.
                    links.insert(ModelLink(follower, leader))
                }
            }
            for client in knownClients {
                for node in replicaAddresses {
                    links.insert(ModelLink(client, node))
                    links.insert(ModelLink(node, client))
                }
            }
        case .multiLeader:
            for leader in replicaAddresses {
                for target in propagationTargets(from: leader, path: []) { links.insert(ModelLink(leader, target)) }
            }
            for client in knownClients {
                links.insert(ModelLink(client, homeNode(of: client)))
                links.insert(ModelLink(homeNode(of: client), client))
            }
        case .leaderless:
            break
        }
        return links.sorted()
    }

    // MARK: - Client operations

    mutating func startLeaderOperation(
        kind: OpKind, key: String, value: Value?, client: Address, via: Address?, blind: Bool
    ) throws(SimulationError) -> Int {
        if blind {
            throw .invalid("blind belongs to leaderless clusters: here the leader orders writes, whatever the client has read")
        }
        if let via {
            guard via.isReplica, via.replicaIndex < config.nodes else {
                throw .invalid("unknown node \(via.name): this cluster has nodes \(replicaAddresses.map(\.name).joined(separator: " "))")
            }
        }
        let target = via ?? homeNode(of: client)
        if case .singleLeader = model, kind != .get, !replicas[target.replicaIndex].replication.isLeader {
            let leaders = replicaAddresses.filter { replicas[$0.replicaIndex].replication.isLeader }.map(\.name)
            throw .invalid(
                "writes go to the leader \(leaders.joined(separator: " and ")); \(target.name) is a follower (reads may go to any node: get \(key) via \(target.name))"
            )
        }
        ensureClient(client)
        let op = history.count + 1
        let entry = OperationRecord(
            op: op, client: client, kind: kind, key: key, value: value, via: via, blind: false, startStep: step, startTime: now,
            context: VersionVector())
        effects.start(op: op, client: client, text: "\(entry.text)\(via.map { " via \($0.name)" } ?? "")")
        effects.setTimer(at: now + settings.timeoutTicks, .opTimeout(op: op))
        pending[op] = PendingOp(op: op, client: client, kind: kind, key: key, targets: [target], needed: 1)
        if kind == .get {
            send(from: client, to: target, .clientRead(op: op, key: key))
        } else {
            send(
                from: client, to: target,
                .clientWrite(op: op, kind: kind, key: key, value: kind == .delete ? nil : value, timestamp: takeTimestamp()))
        }
        history.append(entry)
        return op
    }

    /// Whether a key has a live row here.
    func hasRow(_ key: String, at node: Address) -> Bool {
        (replicas[node.replicaIndex].store[key] ?? []).contains { !$0.isTombstone }
    }

    /// The values a leader-based read returns: the live versions (multi-leader union: one
    /// value, the union of their items).
    func readValues(_ versions: [Version]) -> [Version] {
        versions.filter { !$0.isTombstone }
    }

    // MARK: - Handlers

    mutating func handleSingleLeader(_ envelope: Envelope<Message>) {
        let me = envelope.to
        let from = envelope.from
        switch envelope.payload {
        case .clientRead, .readResult, .writeResult:
            handleClientTraffic(envelope)
        case .clientWrite(let op, let kind, let key, let value, let timestamp):
            leaderAccepts(op: op, kind: kind, key: key, value: value, timestamp: timestamp, client: from, at: me)
        case .replicate(let write):
            followerReceives(write, leaderEpoch: write.epoch, length: nil, from: from, at: me)
        case .catchUp(let write, let length, let epoch):
            followerReceives(write, leaderEpoch: epoch, length: length, from: from, at: me)
        case .catchUpRequest(let have, _):
            leaderGotCatchUpRequest(have: have, from: from, at: me)
        case .replicateAck(let op, let index, let epoch):
            leaderGotAck(index: index, from: from, at: me)
            guard replicas[me.replicaIndex].replication.isLeader, epoch == replicas[me.replicaIndex].replication.epoch,
                var waiting = leadership.awaitingSync[op]
            else { return }
            waiting.removeAll { $0 == from }
            leadership.awaitingSync[op] = waiting
            if waiting.isEmpty {
                leadership.awaitingSync[op] = nil
                if let client = history[op - 1].client as Address? {
                    send(from: me, to: client, .writeResult(op: op, ok: true, reason: "synchronous followers confirmed"))
                }
            }
        case .fenced(let epoch, let leader):
            // A late answer to something this node sent in an older epoch does not depose it
            // from the epoch it leads now.
            guard epoch > replicas[me.replicaIndex].replication.epoch else { return }
            stepDown(at: me, epoch: epoch, leader: leader, why: "fenced by epoch \(epoch)")
        case .newLeader(let epoch, let leader):
            var state = replicas[me.replicaIndex].replication
            if state.isLeader {
                guard settings.fencing, epoch > state.epoch else {
                    note(
                        me, kind: "split-brain",
                        text:
                            "\(me.name) still believes it leads (epoch \(state.epoch)); without fencing it ignores \(leader.name)'s claim"
                    )
                    return
                }
                stepDown(at: me, epoch: epoch, leader: leader, why: "\(leader.name) leads epoch \(epoch)")
                return
            }
            if epoch >= state.epoch {
                state.epoch = epoch
                state.leader = leader
                replicas[me.replicaIndex].replication = state
                note(me, kind: "failover", text: "\(me.name) now follows \(leader.name) (epoch \(epoch))")
            }
        default:
            break
        }
    }

    /// What both leader-based models do alike: a node answers a read from its own copy, and a
    /// client takes the answers to its reads and writes.
    mutating func handleClientTraffic(_ envelope: Envelope<Message>) {
        let me = envelope.to
        let from = envelope.from
        switch envelope.payload {
        case .clientRead(let op, let key):
            send(from: me, to: from, .readResult(op: op, key: key, versions: replicas[me.replicaIndex].store[key] ?? []))
        case .readResult(let op, _, let versions):
            clientGotReadResult(op: op, versions: versions, from: from)
        case .writeResult(let op, let ok, let reason):
            clientGotWriteResult(op: op, ok: ok, reason: reason, from: from)
        default:
            break
        }
    }

    mutating func stepDown(at me: Address, epoch: Int, leader: Address, why: String, ask: Bool = true) {
        var state = replicas[me.replicaIndex].replication
        let wasLeader = state.isLeader
        state.isLeader = false
        state.epoch = max(state.epoch, epoch)
        state.leader = leader
        replicas[me.replicaIndex].replication = state
        guard wasLeader else { return }
        guard ask else {
            note(me, kind: "failover", text: "\(me.name) steps down (\(why))")
            return
        }
        note(me, kind: "failover", text: "\(me.name) steps down (\(why)) and asks \(leader.name) for the entries it lacks")
        send(from: me, to: leader, .catchUpRequest(have: UInt64(state.log.count), epoch: state.epoch))
    }

    mutating func leaderAccepts(op: Int, kind: OpKind, key: String, value: Value?, timestamp: UInt64, client: Address, at me: Address) {
        let state = replicas[me.replicaIndex].replication
        guard state.isLeader else {
            send(
                from: me, to: client,
                .writeResult(op: op, ok: false, reason: "\(me.name) is not the leader (\(state.leader?.name ?? "?") is)"))
            return
        }
        if refusedByRule(op: op, kind: kind, key: key, value: value, client: client, at: me) { return }  // Rules.swift
        if kind == .insert && hasRow(key, at: me) {
            send(from: me, to: client, .writeResult(op: op, ok: false, reason: "row \(key) exists"))
            return
        }
        if kind == .update && !hasRow(key, at: me) {
            note(me, kind: "update", text: "no row \(key): the update does nothing")
            send(from: me, to: client, .writeResult(op: op, ok: true, reason: "no row \(key): nothing updated"))
            return
        }
        let index = UInt64(state.log.count + 1)
        let version = Version(
            value: value, dot: Dot(me, index), context: VersionMerge.context(of: replicas[me.replicaIndex].store[key] ?? []),
            timestamp: timestamp, writtenAt: now, op: op)
        let write = ReplicatedWrite(
            op: op, origin: me, index: index, epoch: state.epoch, kind: kind, key: key, version: version, deps: VersionVector(),
            previousEpoch: state.log.last?.epoch ?? 0)
        applyRow(write, at: me)
        replicas[me.replicaIndex].replication.log.append(write)
        history[op - 1].written = version
        for follower in replicaAddresses where follower != me {
            send(from: me, to: follower, .replicate(write))
            replicas[me.replicaIndex].replication.lastContact[follower] = now
        }
        let waitFor = synchronousFollowers(of: me)
        if waitFor.isEmpty {
            send(from: me, to: client, .writeResult(op: op, ok: true, reason: "logged as #\(index)"))
        } else {
            leadership.awaitingSync[op] = waitFor
            note(
                me, kind: "sync",
                text: "#\(index) waits for synchronous \(waitFor.map(\.name).joined(separator: ", ")) before answering")
        }
    }

    /// Applies a row operation to a node's table (single-leader: the newest write replaces the row).
    mutating func applyRow(_ write: ReplicatedWrite, at node: Address) {
        let key = write.key
        switch write.kind {
        case .delete:
            replicas[node.replicaIndex].store[key] = nil
        case .insert where hasRow(key, at: node) && write.origin != node:
            note(node, kind: "insert", text: "insert \(key) ignored: the row exists")
        case .update where !hasRow(key, at: node):
            note(node, kind: "update", text: "update \(key) ignored: no such row")
        default:
            replicas[node.replicaIndex].store[key] = [write.version]
        }
    }

    mutating func clientGotReadResult(op: Int, versions: [Version], from: Address) {
        guard let state = pending[op], !state.done else { return }
        completeRead(op: op, versions: unionIfNeeded(readValues(versions)), by: [from])
    }

    mutating func clientGotWriteResult(op: Int, ok: Bool, reason: String, from: Address) {
        guard let state = pending[op], !state.done else { return }
        if ok {
            completeWrite(op: op, version: history[op - 1].written, by: [], how: "\(from.name): \(reason)")
        } else {
            fail(op: op, reason: "\(from.name): \(reason)")
        }
    }

    // MARK: - Failover

    /// Promotes a follower; with no node given, the most up-to-date live follower.
    mutating func failover(to requested: Address?, automatic: Bool = false) throws(SimulationError) {
        guard case .singleLeader = model else {
            throw .invalid("failover belongs to single-leader clusters; this cluster is \(model.name)")
        }
        let candidates = replicaAddresses.filter { !faults.isCrashed($0) && !replicas[$0.replicaIndex].replication.isLeader }
        let target: Address
        if let requested {
            guard requested.replicaIndex < config.nodes else {
                throw .invalid("unknown node \(requested.name): this cluster has \(replicaAddresses.map(\.name).joined(separator: " "))")
            }
            if faults.isCrashed(requested) { throw .invalid("\(requested.name) is crashed: promote a live follower") }
            if replicas[requested.replicaIndex].replication.isLeader { throw .invalid("\(requested.name) already leads") }
            target = requested
        } else {
            guard
                let best = candidates.max(by: {
                    (replicas[$0.replicaIndex].replication.log.count, $1.raw) < (replicas[$1.replicaIndex].replication.log.count, $0.raw)
                })
            else { throw .invalid("no live follower to promote") }
            target = best
        }

        let epoch = (replicas.map(\.replication.epoch).max() ?? 0) + 1
        replicas[target.replicaIndex].replication.isLeader = true
        replicas[target.replicaIndex].replication.leader = target
        replicas[target.replicaIndex].replication.epoch = epoch
        // Like Raft after an election: what the new leader knew of followers' logs is forgotten.
        replicas[target.replicaIndex].replication.matched = [:]
        replicas[target.replicaIndex].replication.catchingUp = [:]
        let old = leadership.current
        leadership.current = target
        leadership.unreachableTicks = 0
        let missing = replicas[old.replicaIndex].replication.log.count - replicas[target.replicaIndex].replication.log.count
        note(
            target, kind: "failover",
            text: "\(automatic ? "automatic failover: " : "")\(target.name) promoted to leader (epoch \(epoch))"
                + (missing > 0 ? "; it lacks \(plural(missing, "entry")) of \(old.name)'s log" : ""))
        for node in replicaAddresses where node != target {
            send(from: target, to: node, .newLeader(epoch: epoch, leader: target))
            replicas[target.replicaIndex].replication.lastContact[node] = now
        }
    }

    /// Called every tick: counts how long the leader has been unreachable and fails over after
    /// the timeout (`set failover-timeout`).
    mutating func checkAutomaticFailover() {
        guard case .singleLeader = model, let timeout = settings.failoverTimeoutTicks else { return }
        let leader = leadership.current
        let followers = replicaAddresses.filter { $0 != leader && !faults.isCrashed($0) }
        let unreachable = faults.isCrashed(leader) || (!followers.isEmpty && followers.allSatisfy { faults.isCut(leader, $0) })
        guard unreachable else {
            leadership.unreachableTicks = 0
            return
        }
        leadership.unreachableTicks += 1
        guard leadership.unreachableTicks >= timeout else { return }
        let reachable = followers.filter { !faults.isCut($0, followers[0]) || $0 == followers[0] }
        let best = reachable.max {
            (replicas[$0.replicaIndex].replication.log.count, $1.raw) < (replicas[$1.replicaIndex].replication.log.count, $0.raw)
        }
        if let best { try? failover(to: best, automatic: true) }
    }

    // MARK: - Multi-leader

    /// Where a leader sends a write it accepted or received, given the leaders it has passed.
    func propagationTargets(from leader: Address, path: [Address]) -> [Address] {
        guard case .multiLeader(let c) = model else { return [] }
        let others = replicaAddresses.filter { $0 != leader && !path.contains($0) }
        switch c.topology {
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

    var multiResolution: MultiResolution {
        if case .multiLeader(let c) = model { return c.resolve }
        return .lww
    }

    mutating func handleMultiLeader(_ envelope: Envelope<Message>) {
        let me = envelope.to
        let from = envelope.from
        switch envelope.payload {
        case .clientRead, .readResult, .writeResult:
            handleClientTraffic(envelope)
        case .clientWrite(let op, let kind, let key, let value, let timestamp):
            multiLeaderAccepts(op: op, kind: kind, key: key, value: value, timestamp: timestamp, client: from, at: me)
        case .propagate(let write, let path):
            // Each write is forwarded once, when it first arrives: a copy that comes again (a
            // duplicate, a catch-up) stops here.
            let state = replicas[me.replicaIndex].replication
            guard !state.applied.contains(Dot(write.origin, write.index)), !state.buffer.contains(write) else { return }
            for target in propagationTargets(from: me, path: path) where target != write.origin {
                send(from: me, to: target, .propagate(write, path: path + [me]))
            }
            let contiguous = state.applied[write.origin]
            receiveReplicated(write, at: me)
            if contiguous + 1 < write.index { askForGap(from: from, at: me) }
        case .missing(let have):
            sendMissing(to: from, have: have, at: me)
        default:
            break
        }
    }

    mutating func multiLeaderAccepts(
        op: Int, kind: OpKind, key: String, value: Value?, timestamp: UInt64, client: Address, at me: Address
    ) {
        if refusedByRule(op: op, kind: kind, key: key, value: value, client: client, at: me) { return }  // Rules.swift
        if kind == .insert && hasRow(key, at: me) {
            send(from: me, to: client, .writeResult(op: op, ok: false, reason: "row \(key) exists"))
            return
        }
        if kind == .update && !hasRow(key, at: me) {
            note(me, kind: "update", text: "no row \(key): the update does nothing")
            send(from: me, to: client, .writeResult(op: op, ok: true, reason: "no row \(key): nothing updated"))
            return
        }
        var state = replicas[me.replicaIndex].replication
        state.written += 1
        let dot = Dot(me, state.written)
        let version = Version(
            value: value, dot: dot, context: VersionMerge.context(of: replicas[me.replicaIndex].store[key] ?? []),
            timestamp: timestamp, writtenAt: now, op: op)
        let write = ReplicatedWrite(
            op: op, origin: me, index: state.written, epoch: 0, kind: kind, key: key, version: version, deps: state.applied)
        state.applied = state.applied.inserting(dot)
        state.log.append(write)
        replicas[me.replicaIndex].replication = state
        history[op - 1].written = version
        mergeReplicated(write, at: me)
        send(from: me, to: client, .writeResult(op: op, ok: true, reason: "accepted; replicates in the background"))
        for target in propagationTargets(from: me, path: []) { send(from: me, to: target, .propagate(write, path: [me])) }
    }

    mutating func receiveReplicated(_ write: ReplicatedWrite, at me: Address) {
        let state = replicas[me.replicaIndex].replication
        let dot = Dot(write.origin, write.index)
        if state.applied.contains(dot) || state.buffer.contains(write) { return }
        if case .multiLeader(let c) = model, c.causal, !write.deps.isDominated(by: state.applied) {
            replicas[me.replicaIndex].replication.buffer.append(write)
            let missing = write.deps.entries.filter { state.applied[$0.node] < $0.counter }.map { "\($0.node.name):\($0.counter)" }
            note(
                me, kind: "buffered",
                text: "holds \(write.text) from \(write.origin.name) until it has \(missing.joined(separator: ", ")) (causal delivery)")
            return
        }
        applyReplicated(write, at: me)
        drainBuffer(at: me)
    }

    mutating func drainBuffer(at me: Address) {
        var progress = true
        while progress {
            progress = false
            let state = replicas[me.replicaIndex].replication
            guard let ready = state.buffer.first(where: { $0.deps.isDominated(by: state.applied) }) else { return }
            replicas[me.replicaIndex].replication.buffer.removeAll { $0 == ready }
            note(me, kind: "buffered", text: "releases \(ready.text) from \(ready.origin.name): its dependencies arrived")
            applyReplicated(ready, at: me)
            progress = true
        }
    }

    mutating func applyReplicated(_ write: ReplicatedWrite, at me: Address) {
        replicas[me.replicaIndex].replication.applied = replicas[me.replicaIndex].replication.applied.inserting(
            Dot(write.origin, write.index))
        replicas[me.replicaIndex].replication.log.append(write)
        // An update of a row this leader has never seen (its insert has not arrived: the update
        // overtook it) does nothing. A row that was deleted concurrently is different: the
        // update then meets the tombstone as a conflict, so every leader ends up the same.
        if write.kind == .update && (replicas[me.replicaIndex].store[write.key] ?? []).isEmpty {
            note(me, kind: "overtaken", text: "update \(write.key) from \(write.origin.name) finds no row: it does nothing")
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
        case .sibling(let count):
            let how = multiResolution == .union ? "kept both; reads see the union" : "kept as siblings"
            note(me, kind: "conflict", text: "conflict on \(key): \(count) concurrent versions \(how): \(Message.describe(versions))")
        case .lwwWon, .lwwLost:
            let summary = outcome.lwwSummary(key: key, incoming: write.version) ?? ""
            note(me, kind: "conflict", text: "conflict on \(key): \(summary)")
        default:
            break
        }
    }

    /// Multi-leader resolve=union: concurrent versions read as one value, the union of their
    /// comma-separated items (a shopping cart, a room's bookings).
    func unionIfNeeded(_ versions: [Version]) -> [Version] {
        guard multiResolution == .union, case .multiLeader = model, versions.count > 1 else { return versions }
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

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}
