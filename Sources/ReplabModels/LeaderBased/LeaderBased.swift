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

/// What the single-leader and multi-leader models share: clients send each operation to one
/// node (their home node, or `via`), that node answers a read from its own table, and a leader
/// checks the business rules before it accepts a write.
/// A leader-based model's messages carry the client traffic both models share.
protocol CarriesClientTraffic {
    static func client(_ message: ClientMessage) -> Self
}

protocol LeaderBased: ClusterKind where ModelMessage: CarriesClientTraffic {
    /// Per replica: its log and replication bookkeeping.
    var replication: [ReplicationState] { get set }
    /// Refuses a write sent to `target` when this model does not take writes there.
    func checkWriteTarget(_ target: Address, key: String) throws(SimulationError)
    /// The versions a read returns, as this model presents them (multi-leader `resolve=union`
    /// reads concurrent versions as one value).
    func unionIfNeeded(_ versions: [Version]) -> [Version]
}

extension LeaderBased {
    func replication(at node: Address) -> ReplicationState { replication[node.replicaIndex] }

    /// Ticks a leader (or peer) waits for an answer before it sends again.
    var catchUpRetryTicks: UInt64 { max(1, settings.timeoutTicks) }

    func timeoutReason(_ state: PendingOp) -> String {
        "timed out at tick \(now): no answer from \(state.targets.map(\.name).joined(separator: ", "))"
    }

    /// A client forgets an operation once it has its answer: nothing later can change it.
    mutating func retireSettledOperations() {
        let retired = retireFinished { _ in false }
        cancelTimeouts(retired) { _ in false }
    }

    mutating func forget(op: Int) {}

    // MARK: - Client operations

    mutating func startOperation(
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
        if kind != .get { try checkWriteTarget(target, key: key) }
        ensureClient(client)
        let op = history.count + 1
        let entry = OperationRecord(
            op: op, client: client, kind: kind, key: key, value: value, via: via, blind: false, startStep: step, startTime: now,
            context: VersionVector())
        effects.start(op: op, client: client, text: "\(entry.text)\(via.map { " via \($0.name)" } ?? "")")
        effects.setTimer(at: now + settings.timeoutTicks, .opTimeout(op: op))
        pending[op] = PendingOp(op: op, client: client, kind: kind, key: key, targets: [target], needed: 1)
        if kind == .get {
            send(from: client, to: target, .client(.clientRead(op: op, key: key)))
        } else {
            send(
                from: client, to: target,
                .client(.clientWrite(op: op, kind: kind, key: key, value: kind == .delete ? nil : value, timestamp: takeTimestamp())))
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

    /// What both leader-based models do alike: a node answers a read from its own copy, and a
    /// client takes the answers to its reads and writes.
    mutating func handleClientTraffic(_ message: ClientMessage, from: Address, at me: Address) {
        switch message {
        case .clientRead(let op, let key):
            send(from: me, to: from, .client(.readResult(op: op, key: key, versions: replicas[me.replicaIndex].store[key] ?? [])))
        case .readResult(let op, _, let versions):
            clientGotReadResult(op: op, versions: versions, from: from)
        case .writeResult(let op, let ok, let reason):
            clientGotWriteResult(op: op, ok: ok, reason: reason, from: from)
        default:
            break
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

    /// What a leader checks before it writes a row, answering the client itself when the write
    /// goes no further: a business rule it would break (Rules.swift), an insert of a row that
    /// exists (refused), an update of a row that does not (nothing to do). Returns whether it
    /// answered.
    mutating func answeredBeforeWriting(op: Int, kind: OpKind, key: String, value: Value?, client: Address, at me: Address) -> Bool {
        if refusedByRule(op: op, kind: kind, key: key, value: value, client: client, at: me) { return true }
        if kind == .insert && hasRow(key, at: me) {
            send(from: me, to: client, .client(.writeResult(op: op, ok: false, reason: "row \(key) exists")))
            return true
        }
        if kind == .update && !hasRow(key, at: me) {
            note(me, .updateFoundNoRow(key: key))
            send(from: me, to: client, .client(.writeResult(op: op, ok: true, reason: "no row \(key): nothing updated")))
            return true
        }
        return false
    }

    /// Hook for the leaders' write handlers: refuses a write that breaks a rule on the accepting
    /// node's own copy (the client hears why) and returns true; false lets the write go on.
    mutating func refusedByRule(op: Int, kind: OpKind, key: String, value: Value?, client: Address, at me: Address) -> Bool {
        guard kind == .put || kind == .insert || kind == .update, let (rule, other) = brokenRule(key: key, value: value, at: me)
        else { return false }
        let reason = "rule \(rule.name): \(other) already holds \(value?.description ?? "") on \(me.name)"
        note(me, .ruleRefused(kind: kind, key: key, rule: rule.name, other: other, value: value))
        send(from: me, to: client, .client(.writeResult(op: op, ok: false, reason: reason)))
        return true
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
