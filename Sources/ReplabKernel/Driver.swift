/// The kernel's driver: it owns the world a replication model runs in (virtual time, the step
/// counter, the messages in flight with their stable ids, the faults, the timers, the seeded
/// scheduler and the trace) and it is the only code that delivers, drops, duplicates or sends.
/// A model only answers what happens to it with effects (see `ReplicationModel`), which the
/// driver applies in order and records.
///
/// Every delivery passes one gate, whoever asks (the REPL's session, a test, the explorer, a
/// benchmark): a message on a link the partition cuts stays in flight until `heal`; a message to
/// a crashed participant is taken out of flight and lost when its turn comes.
///
/// The scheduler offers three orders: the next message in `(deliverAt, id)` order (oldest first
/// when there is no latency), one drawn by the seeded generator from those the gate lets
/// through, or one the caller chooses by id.
///
/// A value: copying a driver (for `undo`, or to try another schedule) shares the network's and
/// the trace's storage until one copy changes. Reads of the model's state go through it
/// (`driver.replicas` is `driver.state.replicas`); the model changes only through its handlers
/// and `perform`.
@dynamicMemberLookup
public struct Driver<Model: ReplicationModel> {
    /// The model's state: every participant's.
    public var state: Model
    /// Time, step, faults and the messages in flight, kept as the `World` handlers read, so a
    /// handler is handed it as it is, without a copy.
    @usableFromInline var storedWorld = World<Model.Message>(now: 0, step: 0, faults: Faults(), network: Network())
    /// The scheduler's seeded generator (random deliveries).
    public var prng: SplitMix64
    @usableFromInline var storedTimers = Timers<Model.Timer>()
    /// What happened, for the views and exports. Not kept when `recordsTrace` is false.
    public var trace = Trace<Model.Message, Model.Note>()
    public let recordsTrace: Bool
    /// The effects buffer handed to each handler, kept between calls so a handler allocates nothing.
    @usableFromInline var outbox = Effects<Model.Message, Model.Timer, Model.Note>()

    /// Virtual time.
    @inlinable public var now: UInt64 { storedWorld.storedNow }
    /// One per delivery, loss, duplication, fault, tick or operation start.
    @inlinable public var step: UInt32 { storedWorld.storedStep }
    /// The messages in flight.
    @inlinable public var network: Network<Model.Message> { storedWorld.storedNetwork }
    /// Crashed participants and the partition.
    @inlinable public var faults: Faults { storedWorld.storedFaults }
    /// The timers set and not yet fired.
    @inlinable public var timers: Timers<Model.Timer> { storedTimers }

    public init(_ state: Model, seed: UInt64, recordsTrace: Bool = true) {
        self.state = state
        prng = SplitMix64(seed: seed)
        self.recordsTrace = recordsTrace
    }

    @inlinable
    public subscript<Value>(dynamicMember path: KeyPath<Model, Value>) -> Value { state[keyPath: path] }

    /// What the model lets its users set directly (settings, say) is set through it too.
    @inlinable
    public subscript<Value>(dynamicMember path: WritableKeyPath<Model, Value>) -> Value {
        get { state[keyPath: path] }
        set { state[keyPath: path] = newValue }
    }

    /// Appends an event to the trace at the current step and time.
    @inlinable
    public mutating func record(_ event: TraceEvent<Model.Message, Model.Note>) {
        if recordsTrace { trace.append(step: step, time: now, event) }
    }

    // MARK: - The delivery gate

    /// Whether the gate lets a message through now: not while the partition cuts its link.
    /// A message to a crashed participant passes, and is lost on arrival.
    @inlinable
    public func isDeliverable(_ envelope: Envelope<Model.Message>) -> Bool { !faults.isCut(envelope.from, envelope.to) }

    /// Why the gate holds a message back, or nil if it lets it through.
    public func blockedReason(_ envelope: Envelope<Model.Message>) -> String? {
        isDeliverable(envelope) ? nil : "the link \(envelope.from.name)->\(envelope.to.name) is cut by the partition"
    }

    // MARK: - Running the model

    /// Runs one of the model's handlers (or any action on its state, such as a client request)
    /// and applies the effects it asked for. When `asStep`, the action is a step of its own.
    /// If the action throws, the driver is left as it was.
    @inlinable @inline(__always)
    public mutating func perform<Result, Failure: Error>(
        asStep: Bool = false,
        _ action: (inout Model, World<Model.Message>, inout Effects<Model.Message, Model.Timer, Model.Note>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let saved = step
        if asStep { storedWorld.storedStep += 1 }
        var effects = Effects<Model.Message, Model.Timer, Model.Note>()
        swap(&effects, &outbox)
        let result: Result
        do {
            result = try action(&state, storedWorld, &effects)
        } catch {
            storedWorld.storedStep = saved
            effects.removeAll()
            swap(&effects, &outbox)
            throw error
        }
        apply(&effects)
        swap(&effects, &outbox)
        return result
    }

    /// Carries out a handler's effects, in order, and empties the buffer.
    @inlinable @inline(__always)
    mutating func apply(_ effects: inout Effects<Model.Message, Model.Timer, Model.Note>) {
        effects.forEach(
            send: { send in put(send.message, from: send.from, to: send.to) },
            other: { effect in
                switch effect {
                case .setTimer(let time, let timer):
                    storedTimers.schedule(at: time, timer)
                case .cancelTimer(let timer):
                    storedTimers.cancel { $0 == timer }
                case .start(let op, let client, let text):
                    record(.opStarted(op: op, client: client, text: text))
                case .complete(let op, let client, let ok, let text):
                    record(.opCompleted(op: op, client: client, ok: ok, text: text))
                case .note(let node, let note):
                    record(.note(node, note))
                }
            })
        effects.removeAll()
    }

    /// Puts a message in flight, with the latency the model gives it.
    @inlinable @inline(__always)
    mutating func put(_ message: Model.Message, from: Address, to: Address) {
        let latency = state.latency(of: message, from: from, to: to)
        let id = storedWorld.storedNetwork.send(from: from, to: to, payload: message, now: now, latency: latency, step: step)
        if recordsTrace { record(.sent(id, from: from, to: to, message)) }
    }

    // MARK: - Deliveries

    /// Delivers a message already taken out of flight: time moves on to its delivery time (with
    /// latency), and it is lost if its receiver is crashed.
    @inlinable @inline(__always)
    mutating func deliver(_ envelope: Envelope<Model.Message>) {
        if envelope.deliverAt > now { advance(to: envelope.deliverAt) }
        storedWorld.storedStep += 1
        if storedWorld.storedFaults.isCrashed(envelope.to) {
            record(.dropped(envelope.id, .receiverCrashed))
            return
        }
        if recordsTrace { record(.delivered(envelope.id)) }
        perform { model, world, effects in model.receive(envelope, world, &effects) }
    }

    /// Delivers one message, if it is in flight and the gate lets it through; returns whether
    /// it was delivered.
    @discardableResult
    public mutating func deliver(_ id: MessageID) -> Bool {
        guard let envelope = network.message(id), isDeliverable(envelope) else { return false }
        storedWorld.storedNetwork.remove(id)
        deliver(envelope)
        return true
    }

    /// Delivers, in id order, the messages with these ids that are in flight and that the gate
    /// lets through; the others stay where they are. Returns how many it delivered.
    @discardableResult
    public mutating func deliver(_ ids: [MessageID]) -> Int {
        let open = network.messages(Set(ids)).filter(isDeliverable).map(\.id)
        let envelopes = storedWorld.storedNetwork.take(Set(open))
        for envelope in envelopes { deliver(envelope) }
        return envelopes.count
    }

    /// Delivers the next message in the scheduler's order that the gate lets through; returns
    /// false when there is none. O(log n) in the messages in flight.
    @inlinable @inline(__always)
    public mutating func deliverNext() -> Bool {
        let next: Envelope<Model.Message>?
        if storedWorld.storedFaults.isPartitioned {
            let faults = storedWorld.storedFaults
            next = storedWorld.storedNetwork.popNext(where: { !faults.isCut($0.from, $0.to) })
        } else {
            next = storedWorld.storedNetwork.popNext()
        }
        guard let envelope = next else { return false }
        deliver(envelope)
        return true
    }

    /// Delivers one message drawn by the seeded generator from those the gate lets through (in
    /// the scheduler's order, so a seed replays the same choice); false when there is none.
    public mutating func deliverRandom() -> Bool {
        let ready = network.inOrder.filter(isDeliverable)
        guard !ready.isEmpty else { return false }
        let pick = Int(prng.below(UInt64(ready.count)))
        return deliver(ready[pick].id)
    }

    /// Loses a message in flight.
    public mutating func drop(_ id: MessageID) {
        guard storedWorld.storedNetwork.remove(id) != nil else { return }
        storedWorld.storedStep += 1
        record(.dropped(id, .dropped))
    }

    /// Loses the messages with these ids that are in flight, in id order.
    public mutating func drop(_ ids: [MessageID]) {
        for envelope in storedWorld.storedNetwork.take(Set(ids)) {
            storedWorld.storedStep += 1
            record(.dropped(envelope.id, .dropped))
        }
    }

    /// Puts a copy of a message in flight; returns the copy's id.
    @discardableResult
    public mutating func duplicate(_ id: MessageID) -> MessageID? {
        duplicate([id]).first
    }

    /// Puts a copy of each message with these ids that is in flight, in id order; returns the
    /// copies' ids.
    @discardableResult
    public mutating func duplicate(_ ids: [MessageID]) -> [MessageID] {
        var copies: [MessageID] = []
        for original in network.messages(Set(ids)) {
            storedWorld.storedStep += 1
            let copy = storedWorld.storedNetwork.duplicate(original, now: now, step: step)
            record(.sent(copy, from: original.from, to: original.to, original.payload))
            record(.duplicated(original: original.id, copy: copy))
            copies.append(copy)
        }
        return copies
    }

    // MARK: - Faults and time

    public mutating func partition(_ groups: [[Address]]) {
        storedWorld.storedStep += 1
        storedWorld.storedFaults.partition(groups)
        record(.partitioned(faults.groups))
    }

    public mutating func heal() {
        storedWorld.storedStep += 1
        storedWorld.storedFaults.heal()
        record(.healed)
    }

    public mutating func crash(_ node: Address) {
        storedWorld.storedStep += 1
        storedWorld.storedFaults.crash(node)
        record(.crashed(node))
        perform { model, world, effects in model.crashed(node, world, &effects) }
    }

    public mutating func recover(_ node: Address) {
        storedWorld.storedStep += 1
        storedWorld.storedFaults.recover(node)
        record(.recovered(node))
        perform { model, world, effects in model.recovered(node, world, &effects) }
    }

    /// Advances virtual time by one tick: the timers due fire in the order they were set, then
    /// the model does its periodic work.
    public mutating func tick() {
        storedWorld.storedStep += 1
        storedWorld.storedNow += 1
        record(.ticked(now))
        fireDueTimers()
        perform { model, world, effects in model.ticked(world, &effects) }
    }

    /// Moves time on to `time` without a tick of its own (a message's delivery time, with
    /// latency), firing the timers due by then.
    @inlinable
    mutating func advance(to time: UInt64) {
        storedWorld.storedNow = time
        if storedTimers.count > 0 { fireDueTimers() }
    }

    @usableFromInline
    mutating func fireDueTimers() {
        for timer in storedTimers.takeDue(atOrBefore: now) {
            perform { model, world, effects in model.fire(timer.payload, world, &effects) }
        }
    }
}

extension Driver: Sendable where Model: Sendable, Model.Message: Sendable, Model.Timer: Sendable, Model.Note: Sendable {}

/// Equal drivers have the same future, whatever schedule led to them: equal model states, the
/// same messages in flight as a multiset of `from → to: payload` at their delivery times (not
/// their ids), the same timers as a multiset, faults, time and generator. The step counter and
/// the trace record the past and are left out.
extension Driver: Equatable where Model: Hashable, Model.Message: Hashable {
    public static func == (lhs: Driver, rhs: Driver) -> Bool {
        lhs.now == rhs.now && lhs.prng == rhs.prng && lhs.faults == rhs.faults && lhs.state == rhs.state
            && lhs.network.count == rhs.network.count && lhs.timers.count == rhs.timers.count
            && lhs.timers.multiset == rhs.timers.multiset && lhs.inFlightMultiset == rhs.inFlightMultiset
    }
}

extension Driver: Hashable where Model: Hashable, Model.Message: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(now)
        hasher.combine(prng)
        hasher.combine(faults)
        hasher.combine(state)
        hasher.combine(timers.multiset)
        hasher.combine(inFlightMultiset)
    }
}

/// A message in flight as far as the future is concerned.
public struct InFlight<Message: Hashable>: Hashable {
    public let from: Address
    public let to: Address
    public let deliverAt: UInt64
    public let payload: Message

    @inlinable
    public init(from: Address, to: Address, deliverAt: UInt64, payload: Message) {
        self.from = from
        self.to = to
        self.deliverAt = deliverAt
        self.payload = payload
    }
}

extension InFlight: Sendable where Message: Sendable {}

extension Driver where Model.Message: Hashable {
    /// The messages in flight as a multiset, without ids.
    public var inFlightMultiset: [InFlight<Model.Message>: Int] {
        var counts: [InFlight<Model.Message>: Int] = [:]
        network.forEachInFlight { envelope in
            counts[InFlight(from: envelope.from, to: envelope.to, deliverAt: envelope.deliverAt, payload: envelope.payload), default: 0] +=
                1
        }
        return counts
    }
}
