import ReplabKernel

/// Who coordinates a leaderless operation.
public enum Coordination: String, Sendable, Hashable, CaseIterable {
    /// The client sends to the key's replicas itself and counts the replies (the chapter's picture).
    /// The client also makes the version: its dot is the client's own (`c1:3`), so every replica
    /// stores the same version for the same write.
    case client
    /// The client asks one node (`via`, default the key's first primary); that node makes the
    /// version (dot `A:3`), applies it if it is a replica of the key, forwards it to the other
    /// replicas and answers after w acknowledgements, itself included.
    case node
}

public struct LeaderlessConfig: Sendable, Hashable {
    public var nodes: Int
    public var n: Int
    public var w: Int
    public var r: Int
    public var coordinator: Coordination
    public var resolve: Resolution

    public init(nodes: Int = 3, n: Int = 3, w: Int = 2, r: Int = 2, coordinator: Coordination = .client, resolve: Resolution = .siblings) {
        self.nodes = nodes
        self.n = n
        self.w = w
        self.r = r
        self.coordinator = coordinator
        self.resolve = resolve
    }

    public var summary: String {
        "leaderless nodes=\(nodes) n=\(n) w=\(w) r=\(r) coordinator=\(coordinator.rawValue) resolve=\(resolve.rawValue)"
    }
}

/// Behaviour switches a teacher flips with `set`.
public struct Settings: Sendable, Hashable {
    public var tombstones = true
    /// Ticks a client (or coordinator) waits for its quorum.
    public var timeoutTicks: UInt64 = 5
    public var readRepair = false
    /// Periodic anti-entropy: every this many ticks; nil when off.
    public var antiEntropyEveryTicks: UInt64? = nil
    /// Tombstones older than this many ticks are purged; nil: never.
    public var gcGraceTicks: UInt64? = nil

    public init() {}
}

public enum TimerEvent: Sendable, Hashable {
    case opTimeout(op: Int)
}

/// A client operation's record, as the history and the checker see it.
public struct OperationRecord: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case pending
        case ok
        case failed(String)
    }
    public let op: Int
    public let client: Address
    public let kind: OpKind
    public let key: String
    public let value: Value?
    public let via: Address?
    public let blind: Bool
    public let startStep: UInt32
    public let startTime: UInt64
    public var endStep: UInt32? = nil
    public var endTime: UInt64? = nil
    public var outcome: Outcome = .pending
    /// For writes: the version made (known at once when the client coordinates, on the reply
    /// when a node does).
    public var written: Version? = nil
    /// The context the write carried.
    public var context: VersionVector
    /// For reads: every version returned (tombstones included), sorted by dot.
    public var read: [Version] = []
    /// Who answered, in arrival order.
    public var repliedBy: [Address] = []

    public var isAcknowledged: Bool { outcome == .ok }
    public var isWrite: Bool { kind != .get }

    /// `put x=5`, `get x`, `delete x`.
    public var text: String {
        switch kind {
        case .put: return "put \(key)=\(value?.description ?? "")"
        case .get: return "get \(key)"
        case .delete: return "delete \(key)"
        }
    }

    /// Values a read returned (tombstones left out), as strings, sorted.
    public var readValues: [String] { read.compactMap { $0.value?.description }.sorted() }
}

/// An operation finished during the current command.
public struct Completion: Sendable, Hashable {
    public let op: Int
    public let client: Address
    public let kind: OpKind
    public let key: String
    public let ok: Bool
    public let values: [String]
    public let text: String
}

/// A replica's durable state.
public struct ReplicaState: Sendable, Hashable {
    public var store: [String: [Version]] = [:]
    /// The highest counter this replica has used in a dot for each key (node-coordinated
    /// writes), kept even when the key is deleted so dots are never reused.
    public var counters: [String: UInt64] = [:]

    public var keys: [String] { store.keys.sorted() }
}

struct PendingOp: Sendable, Hashable {
    let op: Int
    let client: Address
    let kind: OpKind
    let key: String
    /// The replicas asked.
    var targets: [Address]
    var needed: Int
    var acks: [Address] = []
    var replies: [Address] = []
    var replyVersions: [Address: [Version]] = [:]
    var merged: [Version] = []
    var version: Version? = nil
    var done = false
}

public enum SimulationError: Error, Equatable, Sendable {
    case invalid(String)
    public var message: String {
        switch self {
        case .invalid(let text): return text
        }
    }
}

/// A leaderless (Dynamo-style) cluster on the deterministic kernel: replicas, clients, the
/// messages between them, and the record of what happened.
///
/// Handlers change the state of the receiving participant and send messages; nothing here
/// reads a clock, a random source or the terminal.
public struct Simulation: Sendable {
    public let config: LeaderlessConfig
    public var settings = Settings()
    public private(set) var now: UInt64 = 0
    public private(set) var step: UInt32 = 0
    public var prng: SplitMix64
    public private(set) var network = Network<Message>()
    public private(set) var faults = Faults()
    public private(set) var timers = Timers<TimerEvent>()
    public private(set) var replicas: [ReplicaState]
    public let ring: Ring
    /// Per client (index = number - 1): the context of the last version it read or wrote, per key.
    public private(set) var clientContexts: [[String: VersionVector]] = []
    /// Per client: the last dot counter it used (client-coordinated writes).
    private var clientCounters: [UInt64] = []
    public private(set) var history: [OperationRecord] = []
    public var trace = Trace()
    private var pending: [Int: PendingOp] = [:]
    /// Coordinator-side state in node-coordinated clusters, keyed by op (volatile: lost on crash).
    private var coordinating: [Int: (node: Address, state: PendingOp)] = [:]
    private var nextTimestamp: UInt64 = 1
    private var exchanges = 0
    /// Filled while a command runs; the session takes them.
    public var completions: [Completion] = []
    public var notes: [String] = []

    public init(config: LeaderlessConfig, seed: UInt64) {
        self.config = config
        prng = SplitMix64(seed: seed)
        replicas = Array(repeating: ReplicaState(), count: config.nodes)
        ring = Ring(replicaCount: config.nodes)
        trace.append(step: 0, time: 0, .cluster(description: config.summary, replicas: replicaAddresses))
    }

    public var replicaAddresses: [Address] { (0..<config.nodes).map(Address.replica) }

    /// Clients that have been named so far, in number order.
    public var knownClients: [Address] {
        (0..<clientContexts.count).map { Address.client($0 + 1) }
    }

    public var inFlight: [Envelope<Message>] { network.inOrder }

    public var knownKeys: [String] {
        var keys = Set<String>()
        for replica in replicas { keys.formUnion(replica.store.keys) }
        for record in history { keys.insert(record.key) }
        return keys.sorted()
    }

    public func primaries(for key: String) -> [Address] { Array(ring.preferenceList(for: key).prefix(config.n)) }

    // MARK: - Time and steps

    mutating func beginStep() { step += 1 }

    public mutating func record(_ event: TraceEvent) { trace.append(step: step, time: now, event) }

    private func isReachable(from: Address, to: Address) -> Bool {
        !faults.isCrashed(to) && !faults.isCrashed(from) && !faults.isCut(from, to)
    }

    /// Whether the scheduler may deliver this message now (its link is not cut).
    public func isDeliverable(_ envelope: Envelope<Message>) -> Bool {
        !faults.isCut(envelope.from, envelope.to)
    }

    /// Why a message cannot be delivered now, or nil if it can.
    public func blockedReason(_ envelope: Envelope<Message>) -> String? {
        faults.isCut(envelope.from, envelope.to)
            ? "the link \(envelope.from.name)->\(envelope.to.name) is cut by the partition" : nil
    }

    // MARK: - Client operations

    private mutating func ensureClient(_ client: Address) {
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

    private var pendingTimestamps: [Int: UInt64] = [:]

    private mutating func takeTimestamp() -> UInt64 {
        defer { nextTimestamp += 1 }
        return nextTimestamp
    }

    private var replicaList: String {
        replicaAddresses.map(\.name).joined(separator: " ")
    }

    // MARK: - Sending and delivering

    private mutating func send(from: Address, to: Address, _ message: Message) {
        let id = network.send(from: from, to: to, payload: message, now: now, step: step)
        record(.sent(id, from: from, to: to, kind: message.kind, label: message.label))
    }

    /// Delivers one message (which must be in flight). A message to a crashed replica is lost.
    public mutating func deliver(_ id: MessageID) {
        guard let envelope = network.remove(id) else { return }
        beginStep()
        if faults.isCrashed(envelope.to) {
            record(.dropped(id, .receiverCrashed))
            return
        }
        record(.delivered(id))
        handle(envelope)
    }

    /// Loses a message.
    public mutating func drop(_ id: MessageID) {
        guard network.remove(id) != nil else { return }
        beginStep()
        record(.dropped(id, .dropped))
    }

    /// Puts a copy of a message in flight.
    @discardableResult
    public mutating func duplicate(_ id: MessageID) -> MessageID? {
        guard network.message(id) != nil else { return nil }
        beginStep()
        guard let copy = network.duplicate(id, now: now, step: step) else { return nil }
        if let envelope = network.message(copy) {
            record(.sent(copy, from: envelope.from, to: envelope.to, kind: envelope.payload.kind, label: envelope.payload.label))
        }
        record(.duplicated(original: id, copy: copy))
        return copy
    }

    private mutating func handle(_ envelope: Envelope<Message>) {
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
        }
    }

    /// Stores a version at a replica; returns whether the replica's state changed.
    @discardableResult
    private mutating func store(_ version: Version, key: String, at node: Address, cause: String?) -> Bool {
        let index = node.replicaIndex
        let existing = replicas[index].store[key] ?? []
        let (versions, outcome) = VersionMerge.merge(
            existing, version, resolution: config.resolve, tombstones: settings.tombstones)
        if versions.isEmpty { replicas[index].store[key] = nil } else { replicas[index].store[key] = versions }
        if version.dot.node == node { replicas[index].counters[key] = max(replicas[index].counters[key] ?? 0, version.dot.counter) }
        let prefix = cause.map { "\($0): " } ?? ""
        switch outcome {
        case .unchanged:
            return false
        case .stored:
            if version.isTombstone {
                record(.note(node, kind: "tombstone", text: "\(prefix)tombstone for \(key) \(version.label)"))
            } else if cause != nil {
                record(.note(node, kind: cause!, text: "\(prefix)\(key)=\(version.valueText) \(version.label)"))
            }
        case .sibling(let count):
            record(.note(node, kind: "sibling", text: "\(prefix)\(key) has \(count) siblings: \(Message.describe(versions))"))
        case .lwwWon(let discarded):
            record(
                .note(
                    node, kind: "lww",
                    text:
                        "\(prefix)LWW kept \(key)=\(version.valueText) (ts \(version.timestamp)), discarded \(discarded.map { "\($0.valueText) (ts \($0.timestamp))" }.joined(separator: ", "))"
                ))
        case .lwwLost(let kept):
            record(
                .note(
                    node, kind: "lww",
                    text:
                        "\(prefix)LWW discarded \(key)=\(version.valueText) (ts \(version.timestamp)), kept \(kept.valueText) (ts \(kept.timestamp))"
                ))
        case .removed(let removed):
            record(.note(node, kind: "delete", text: "\(prefix)\(key) removed outright (\(removed.count) version(s)); no tombstone kept"))
        }
        return true
    }

    // MARK: - Client-coordinated quorums

    private mutating func clientGotAck(op: Int, from: Address) {
        guard var state = pending[op], !state.done else { return }
        if !state.acks.contains(from) { state.acks.append(from) }
        pending[op] = state
        if state.acks.count >= state.needed { completeWrite(op: op, version: state.version, by: state.acks) }
    }

    private mutating func clientGotReply(op: Int, key: String, versions: [Version], from: Address) {
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
    private mutating func repairIfStale(key: String, replica: Address, reply: [Version], newest: [Version], from: Address) {
        let have = Set(reply.map(\.dot))
        guard newest.contains(where: { !have.contains($0.dot) }) else { return }
        send(from: from, to: replica, .repair(key: key, versions: newest))
    }

    private mutating func completeWrite(op: Int, version: Version?, by: [Address], how: String? = nil) {
        guard var state = pending[op] else { return }
        state.done = true
        pending[op] = state
        var record = history[op - 1]
        record.outcome = .ok
        record.endStep = step
        record.endTime = now
        if let version { record.written = version }
        history[op - 1] = record
        if let version {
            ensureClient(record.client)
            clientContexts[record.client.clientNumber - 1][record.key] = version.clock
        }
        let who = how.map { " (\($0))" } ?? " (acks from \(by.map(\.name).joined(separator: ", ")))"
        let text = "\(record.client.name) \(record.text): ok\(who)"
        recordCompletion(record, ok: true, values: [], text: text)
    }

    private mutating func completeRead(op: Int, versions: [Version], by: [Address], how: String? = nil) {
        guard var state = pending[op] else { return }
        state.done = true
        pending[op] = state
        var record = history[op - 1]
        record.outcome = .ok
        record.endStep = step
        record.endTime = now
        record.read = versions.sorted { $0.dot < $1.dot }
        record.repliedBy = by
        history[op - 1] = record
        ensureClient(record.client)
        clientContexts[record.client.clientNumber - 1][record.key] = VersionMerge.context(of: versions)
        let live = versions.filter { !$0.isTombstone }
        var result: String
        if live.isEmpty {
            result = versions.isEmpty ? "not found" : "not found (deleted \(VersionMerge.context(of: versions)))"
        } else if live.count == 1 {
            result = "\(live[0].valueText) \(live[0].label)"
        } else {
            result = live.map { "\($0.valueText) \($0.label)" }.joined(separator: " | ") + " (\(live.count) siblings)"
        }
        if !live.isEmpty && live.count < versions.count { result += " and a concurrent delete" }
        let who = how.map { " (\($0))" } ?? " (replies from \(by.map(\.name).joined(separator: ", ")))"
        recordCompletion(record, ok: true, values: record.readValues, text: "\(record.client.name) \(record.text): \(result)\(who)")
    }

    private mutating func fail(op: Int, reason: String) {
        guard var state = pending[op], !state.done else { return }
        state.done = true
        pending[op] = state
        var record = history[op - 1]
        record.outcome = .failed(reason)
        record.endStep = step
        record.endTime = now
        history[op - 1] = record
        recordCompletion(record, ok: false, values: [], text: "\(record.client.name) \(record.text): FAILED: \(reason)")
    }

    private mutating func recordCompletion(_ record: OperationRecord, ok: Bool, values: [String], text: String) {
        self.record(.opCompleted(op: record.op, client: record.client, ok: ok, text: text))
        completions.append(
            Completion(op: record.op, client: record.client, kind: record.kind, key: record.key, ok: ok, values: values, text: text))
    }

    // MARK: - Node-coordinated quorums

    private mutating func coordinate(
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

    private mutating func coordinatorGotAck(op: Int, from: Address, at me: Address) {
        guard var entry = coordinating[op], entry.node == me, !entry.state.done else { return }
        if !entry.state.acks.contains(from) { entry.state.acks.append(from) }
        coordinating[op] = entry
        if entry.state.acks.count >= entry.state.needed { coordinatorFinishWrite(op: op) }
    }

    private mutating func coordinatorGotReply(op: Int, key: String, versions: [Version], from: Address, at me: Address) {
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

    private mutating func coordinatorFinishWrite(op: Int) {
        guard var entry = coordinating[op] else { return }
        entry.state.done = true
        coordinating[op] = entry
        let who = entry.state.acks.map(\.name).joined(separator: ", ")
        send(
            from: entry.node, to: entry.state.client,
            .response(op: op, ok: true, versions: entry.state.version.map { [$0] } ?? [], reason: "acks from \(who)"))
    }

    private mutating func coordinatorFinishRead(op: Int) {
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

    private mutating func clientGotResponse(op: Int, ok: Bool, versions: [Version], reason: String) {
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

    // MARK: - Faults, time and maintenance

    public mutating func partition(_ groups: [[Address]]) {
        beginStep()
        faults.partition(groups)
        record(.partitioned(faults.groups))
    }

    public mutating func heal() {
        beginStep()
        faults.heal()
        record(.healed)
    }

    public mutating func crash(_ node: Address) {
        beginStep()
        faults.crash(node)
        // What a coordinator was counting is volatile: it is lost with the crash.
        for op in coordinating.keys.sorted() where coordinating[op]?.node == node { coordinating[op] = nil }
        record(.crashed(node))
    }

    public mutating func recover(_ node: Address) {
        beginStep()
        faults.recover(node)
        record(.recovered(node))
    }

    /// Advances virtual time by one tick: timeouts fire, tombstones past their grace are purged,
    /// and periodic anti-entropy starts its exchanges.
    public mutating func tick() {
        beginStep()
        now += 1
        record(.ticked(now))
        for timer in timers.takeDue(atOrBefore: now) {
            switch timer.payload {
            case .opTimeout(let op):
                if let state = pending[op], !state.done {
                    let got = state.kind == .get ? state.replies.count : state.acks.count
                    let noun = state.kind == .get ? "replies" : "acks"
                    var reason = "timed out at tick \(now): \(got) of \(state.needed) \(noun)"
                    if config.coordinator == .node { reason += " (from the coordinator)" }
                    fail(op: op, reason: reason)
                }
                if let entry = coordinating[op] {
                    var closed = entry
                    closed.state.done = true
                    coordinating[op] = closed
                }
            }
        }
        if let grace = settings.gcGraceTicks { purgeTombstones(olderThan: grace) }
        if let every = settings.antiEntropyEveryTicks, every > 0, now % every == 0 { periodicAntiEntropy() }
    }

    private mutating func purgeTombstones(olderThan grace: UInt64) {
        for index in replicas.indices where !faults.isCrashed(.replica(index)) {
            for key in replicas[index].keys {
                let versions = replicas[index].store[key] ?? []
                let kept = versions.filter { !($0.isTombstone && now - $0.writtenAt > grace) }
                guard kept.count != versions.count else { continue }
                replicas[index].store[key] = kept.isEmpty ? nil : kept
                record(.note(.replica(index), kind: "gc", text: "tombstone for \(key) purged (older than \(grace) ticks)"))
            }
        }
    }

    private mutating func periodicAntiEntropy() {
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

    /// Whether a timer or operation is still waiting.
    public var hasPendingOperations: Bool { pending.values.contains { !$0.done } }

    /// The operations still waiting for their quorum, in op order.
    public var pendingOperations: [OperationRecord] {
        history.filter { $0.outcome == .pending }
    }

    /// The acks or replies an operation has so far, for `show history`.
    public func progress(of op: Int) -> String? {
        guard let state = pending[op], !state.done else { return nil }
        if config.coordinator == .node { return "waiting for \(history[op - 1].via?.name ?? primaries(for: state.key)[0].name)" }
        let got = state.kind == .get ? state.replies : state.acks
        let noun = state.kind == .get ? "replies" : "acks"
        return "\(got.count) of \(state.needed) \(noun)" + (got.isEmpty ? "" : " (\(got.map(\.name).joined(separator: ", ")))")
    }

    public mutating func setTimeNoteForCommand(_ line: String) {
        record(.command(line))
    }
}
