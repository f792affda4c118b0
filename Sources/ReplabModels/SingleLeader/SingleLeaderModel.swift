import ReplabKernel

/// The single-leader model: one leader orders every write in its log and ships the entries to
/// its followers (asynchronously, or synchronously to the first `sync` of them); followers
/// apply the log strictly in order and catch up from the leader as Raft's AppendEntries does
/// (CatchUp.swift). Failover promotes a follower (by hand, or after `failover-timeout`), with
/// or without fencing by epochs.
struct SingleLeaderModel: LeaderBased {
    var core: ClusterCore

    static func wrap(_ message: SingleLeaderMessage) -> Message { .singleLeader(message) }

    static func unwrap(_ message: Message) -> SingleLeaderMessage? {
        if case .singleLeader(let own) = message { return own }
        return nil
    }
    /// Cluster-wide facts: who was last promoted, writes waiting for synchronous followers.
    var leadership = Leadership()
    /// Per replica: its log, its role and epoch, and (as leader) what it knows of its followers.
    var replication: [ReplicationState]

    /// The `cluster single-leader` options.
    let options: SingleLeaderConfig

    init(_ config: SingleLeaderConfig) {
        options = config
        core = ClusterCore(model: .singleLeader(config))
        replication = Array(repeating: ReplicationState(), count: config.replicas)
        for index in replication.indices {
            replication[index].leader = .replica(0)
            replication[index].epoch = 1
        }
        replication[0].isLeader = true
        // Every log starts empty: the first leader knows its followers match it.
        for follower in replicaAddresses.dropFirst() { replication[0].matched[follower] = 0 }
        leadership.current = .replica(0)
    }

    func hashOwnState(into hasher: inout Hasher) {
        hasher.combine(leadership)
        hasher.combine(replication)
    }

    func ownStateEquals(_ other: SingleLeaderModel) -> Bool { leadership == other.leadership && replication == other.replication }

    /// Writes go to a leader.
    func checkWriteTarget(_ target: Address, key: String) throws(SimulationError) {
        guard !replication[target.replicaIndex].isLeader else { return }
        let leaders = replicaAddresses.filter { replication[$0.replicaIndex].isLeader }.map(\.name)
        throw .invalid(
            "writes go to the leader \(leaders.joined(separator: " and ")); \(target.name) is a follower (reads may go to any node: get \(key) via \(target.name))"
        )
    }

    func unionIfNeeded(_ versions: [Version]) -> [Version] { versions }

    /// Clients write to and read from the current leader by default.
    func homeNode(of client: Address) -> Address { leadership.current }

    /// The leader most recently promoted.
    var currentLeader: Address { leadership.current }

    /// The followers whose acknowledgement a write waits for.
    func synchronousFollowers(of leader: Address) -> [Address] {
        Array(replicaAddresses.filter { $0 != leader }.prefix(options.sync))
    }

    /// Log entries a follower is behind the current leader.
    func lag(of node: Address) -> Int {
        max(0, replication[currentLeader.replicaIndex].log.count - replication[node.replicaIndex].log.count)
    }

    func role(of node: Address) -> ReplicaRole {
        let state = replication[node.replicaIndex]
        if state.isLeader { return .leader(epoch: state.epoch) }
        let leader = state.leader ?? currentLeader
        return .follower(of: leader, lag: lag(of: node), synchronous: synchronousFollowers(of: leader).contains(node))
    }

    /// Each leader with its followers, both ways (entries out; acknowledgements and resync
    /// requests back), then every client with every node.
    var modelLinks: [ModelLink] {
        var links = Set<ModelLink>()
        for leader in replicaAddresses where replication[leader.replicaIndex].isLeader {
            for follower in replicaAddresses where follower != leader {
                links.insert(ModelLink(leader, follower))
                links.insert(ModelLink(follower, leader))
            }
        }
        for client in knownClients {
            for node in replicaAddresses {
                links.insert(ModelLink(client, node))
                links.insert(ModelLink(node, client))
            }
        }
        return links.sorted()
    }

    /// Automatic failover, then log catch-up retries, then tombstone purges.
    mutating func ticked() {
        checkAutomaticFailover()
        retryCatchUp()
        if let grace = settings.gcGraceTicks { purgeTombstones(olderThan: grace) }
    }

    mutating func failover(to requested: Address?) throws(SimulationError) {
        try failover(to: requested, automatic: false)
    }

    mutating func handle(_ message: SingleLeaderMessage, from: Address, at me: Address) {
        switch message {
        case .client(.clientWrite(let op, let kind, let key, let value, let timestamp)):
            leaderAccepts(op: op, kind: kind, key: key, value: value, timestamp: timestamp, client: from, at: me)
        case .client(let message):
            handleClientTraffic(message, from: from, at: me)
        case .replicate(let write):
            followerReceives(write, leaderEpoch: write.epoch, length: nil, from: from, at: me)
        case .catchUp(let write, let length, let epoch):
            followerReceives(write, leaderEpoch: epoch, length: length, from: from, at: me)
        case .catchUpRequest(let have, _):
            leaderGotCatchUpRequest(have: have, from: from, at: me)
        case .replicateAck(let op, let index, let epoch):
            leaderGotAck(index: index, from: from, at: me)
            guard replication[me.replicaIndex].isLeader, epoch == replication[me.replicaIndex].epoch,
                var waiting = leadership.awaitingSync[op]
            else { return }
            waiting.removeAll { $0 == from }
            leadership.awaitingSync[op] = waiting
            if waiting.isEmpty {
                leadership.awaitingSync[op] = nil
                if let client = history[op - 1].client as Address? {
                    send(from: me, to: client, .client(.writeResult(op: op, ok: true, reason: "synchronous followers confirmed")))
                }
            }
        case .fenced(let epoch, let leader):
            // A late answer to something this node sent in an older epoch does not depose it
            // from the epoch it leads now.
            guard epoch > replication[me.replicaIndex].epoch else { return }
            stepDown(at: me, epoch: epoch, leader: leader, why: .fenced(epoch: epoch))
        case .newLeader(let epoch, let leader):
            var state = replication[me.replicaIndex]
            if state.isLeader {
                guard settings.fencing, epoch > state.epoch else {
                    note(me, .ignoresClaim(epoch: state.epoch, claimant: leader))
                    return
                }
                stepDown(at: me, epoch: epoch, leader: leader, why: .newLeader(leader, epoch: epoch))
                return
            }
            if epoch >= state.epoch {
                state.epoch = epoch
                state.leader = leader
                replication[me.replicaIndex] = state
                note(me, .nowFollows(leader: leader, epoch: epoch))
            }
        }
    }

    mutating func stepDown(at me: Address, epoch: Int, leader: Address, why: Note.StepDown, ask: Bool = true) {
        var state = replication[me.replicaIndex]
        let wasLeader = state.isLeader
        state.isLeader = false
        state.epoch = max(state.epoch, epoch)
        state.leader = leader
        replication[me.replicaIndex] = state
        guard wasLeader else { return }
        guard ask else {
            note(me, .stepsDown(why, asks: nil))
            return
        }
        note(me, .stepsDown(why, asks: leader))
        send(from: me, to: leader, .catchUpRequest(have: UInt64(state.log.count), epoch: state.epoch))
    }

    mutating func leaderAccepts(op: Int, kind: OpKind, key: String, value: Value?, timestamp: UInt64, client: Address, at me: Address) {
        let state = replication[me.replicaIndex]
        guard state.isLeader else {
            send(
                from: me, to: client,
                .client(.writeResult(op: op, ok: false, reason: "\(me.name) is not the leader (\(state.leader?.name ?? "?") is)")))
            return
        }
        if answeredBeforeWriting(op: op, kind: kind, key: key, value: value, client: client, at: me) { return }
        let index = UInt64(state.log.count + 1)
        let version = Version(
            value: value, dot: Dot(me, index), context: VersionMerge.context(of: replicas[me.replicaIndex].store[key] ?? []),
            timestamp: timestamp, writtenAt: now, op: op)
        let write = ReplicatedWrite(
            op: op, origin: me, index: index, epoch: state.epoch, kind: kind, key: key, version: version, deps: VersionVector(),
            previousEpoch: state.log.last?.epoch ?? 0)
        applyRow(write, at: me)
        replication[me.replicaIndex].log.append(write)
        history[op - 1].written = version
        for follower in replicaAddresses where follower != me {
            send(from: me, to: follower, .replicate(write))
            replication[me.replicaIndex].lastContact[follower] = now
        }
        let waitFor = synchronousFollowers(of: me)
        if waitFor.isEmpty {
            send(from: me, to: client, .client(.writeResult(op: op, ok: true, reason: "logged as #\(index)")))
        } else {
            leadership.awaitingSync[op] = waitFor
            note(me, .waitsForSync(index: index, followers: waitFor))
        }
    }

    /// Applies a row operation to a node's table (single-leader: the newest write replaces the row).
    mutating func applyRow(_ write: ReplicatedWrite, at node: Address) {
        let key = write.key
        switch write.kind {
        case .delete:
            replicas[node.replicaIndex].store[key] = nil
        case .insert where hasRow(key, at: node) && write.origin != node:
            note(node, .insertIgnored(key: key))
        case .update where !hasRow(key, at: node):
            note(node, .updateIgnored(key: key))
        default:
            replicas[node.replicaIndex].store[key] = [write.version]
        }
    }

    // MARK: - Failover

    /// Promotes a follower; with no node given, the most up-to-date live follower.
    mutating func failover(to requested: Address?, automatic: Bool = false) throws(SimulationError) {
        let candidates = replicaAddresses.filter { !faults.isCrashed($0) && !replication[$0.replicaIndex].isLeader }
        let target: Address
        if let requested {
            guard requested.replicaIndex < config.nodes else {
                throw .invalid("unknown node \(requested.name): this cluster has \(replicaAddresses.map(\.name).joined(separator: " "))")
            }
            if faults.isCrashed(requested) { throw .invalid("\(requested.name) is crashed: promote a live follower") }
            if replication[requested.replicaIndex].isLeader { throw .invalid("\(requested.name) already leads") }
            target = requested
        } else {
            guard
                let best = candidates.max(by: {
                    (replication[$0.replicaIndex].log.count, $1.raw) < (replication[$1.replicaIndex].log.count, $0.raw)
                })
            else { throw .invalid("no live follower to promote") }
            target = best
        }

        let epoch = (replication.map(\.epoch).max() ?? 0) + 1
        replication[target.replicaIndex].isLeader = true
        replication[target.replicaIndex].leader = target
        replication[target.replicaIndex].epoch = epoch
        // Like Raft after an election: what the new leader knew of followers' logs is forgotten.
        replication[target.replicaIndex].matched = [:]
        replication[target.replicaIndex].catchingUp = [:]
        let old = leadership.current
        leadership.current = target
        leadership.unreachableTicks = 0
        let missing = replication[old.replicaIndex].log.count - replication[target.replicaIndex].log.count
        note(target, .promoted(epoch: epoch, automatic: automatic, lacking: missing, previous: old))
        for node in replicaAddresses where node != target {
            send(from: target, to: node, .newLeader(epoch: epoch, leader: target))
            replication[target.replicaIndex].lastContact[node] = now
        }
    }

    /// Called every tick: counts how long the leader has been unreachable and fails over after
    /// the timeout (`set failover-timeout`).
    mutating func checkAutomaticFailover() {
        guard let timeout = settings.failoverTimeoutTicks else { return }
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
            (replication[$0.replicaIndex].log.count, $1.raw) < (replication[$1.replicaIndex].log.count, $0.raw)
        }
        if let best { try? failover(to: best, automatic: true) }
    }
}
