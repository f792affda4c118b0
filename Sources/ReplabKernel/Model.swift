/// A replication model as the kernel's `Driver` runs it: a value holding every participant's
/// state, and handlers for what can happen to it. A handler changes the model's own state and
/// says what should happen in the world by adding effects; the driver carries them out (puts
/// messages in flight, sets timers, records the trace). A model has no network, clock, timers
/// or trace of its own, so it cannot deliver, reorder or lose a message, and the same model runs
/// unchanged under the REPL, the tests, the explorer and the benchmark.
///
/// The shape follows Stateright's `Actor` (handlers `on_start`/`on_msg`/`on_timeout` writing
/// to an `Out` buffer of commands) and the pure step functions of P and TLA+ specifications.
/// Effects are written to a buffer the driver owns and clears, not returned as a fresh array, so
/// a delivery allocates nothing (W1 delivers 1.1 million messages).
public protocol ReplicationModel {
    /// What travels between participants.
    associatedtype Message
    /// What a participant can ask to be woken for.
    associatedtype Timer: Hashable
    /// What the trace records as a note: a state change worth showing, as data.
    associatedtype Note

    /// A message arrives at `envelope.to`, which is up (the driver loses messages to crashed
    /// participants itself).
    mutating func receive(_ envelope: Envelope<Message>, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>)
    /// A timer set with `Effects.setTimer` is due.
    mutating func fire(_ timer: Timer, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>)
    /// Virtual time advanced by one tick (after the due timers fired): periodic work.
    mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>)
    /// A participant crashed: what it held in volatile memory is gone.
    mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>)
    /// A participant came back.
    mutating func recovered(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>)
    /// How many ticks after it is sent a message may be delivered. The REPL's models have none
    /// (the teacher or the scheduler chooses the order); a workload such as W1 draws one per send.
    mutating func latency(of message: Message, from: Address, to: Address) -> UInt64
}

extension ReplicationModel {
    public mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>) {}
    public mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>) {}
    public mutating func recovered(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer, Note>) {}
    @inlinable
    public mutating func latency(of message: Message, from: Address, to: Address) -> UInt64 { 0 }
}

/// What a handler may read of the world: virtual time, the step, which participants are
/// crashed or cut off (a perfect failure detector, which the real systems approximate with
/// timeouts and gossip), and what is in flight (for bounds such as Riak's
/// `anti_entropy_concurrency`, which a real node keeps by counting its own open exchanges).
/// Read only: a handler changes the world through effects.
public struct World<Message> {
    @usableFromInline var storedNow: UInt64
    @usableFromInline var storedStep: UInt32
    @usableFromInline var storedFaults: Faults
    @usableFromInline var storedNetwork: Network<Message>

    @inlinable public var now: UInt64 { storedNow }
    @inlinable public var step: UInt32 { storedStep }
    @inlinable public var faults: Faults { storedFaults }
    @inlinable public var network: Network<Message> { storedNetwork }

    @inlinable
    public init(now: UInt64, step: UInt32, faults: Faults, network: Network<Message>) {
        storedNow = now
        storedStep = step
        storedFaults = faults
        storedNetwork = network
    }

    /// Whether `to` is up and can hear `from` now.
    public func isReachable(from: Address, to: Address) -> Bool {
        !storedFaults.isCrashed(to) && !storedFaults.isCrashed(from) && !storedFaults.isCut(from, to)
    }
}

/// One thing a handler asks the driver to do besides sending (sends are kept apart, in order
/// among these: see `Effects`).
public enum Effect<Message, Timer, Note> {
    /// Wake the model with `Timer` at virtual time `at` (or the first tick after it).
    case setTimer(at: UInt64, Timer)
    /// Forget every pending timer equal to this one.
    case cancelTimer(Timer)
    /// A client operation began.
    case start(op: Int, client: Address, text: String)
    /// A client operation finished: its client has its answer.
    case complete(op: Int, client: Address, ok: Bool, text: String)
    /// Something worth showing where it happened (a sibling, a tombstone, a step-down), as data.
    case note(Address, Note)
}

/// The effects of one handler call, in the order the handler asked for them; the driver applies
/// them in that order (so the trace shows a note between the sends it came between).
///
/// Kept as two arrays, the sends and the rest (each with its place among the sends), so that
/// the common case, a handler that only sends, fills and empties a buffer of plain values.
public struct Effects<Message, Timer, Note> {
    /// A message to put in flight.
    public struct Send {
        public let from: Address
        public let to: Address
        public let message: Message

        @inlinable
        public init(from: Address, to: Address, message: Message) {
            self.from = from
            self.to = to
            self.message = message
        }
    }

    /// The sends are `sends[0..<sendCount]`; emptying the buffer only resets the count, and a
    /// later send overwrites the slot (a handler sends a handful, so what stays behind is small).
    @usableFromInline var sends: [Send] = []
    @usableFromInline var sendCount = 0
    /// The other effects, each with the number of sends asked for before it.
    @usableFromInline var others: [(before: Int, effect: Effect<Message, Timer, Note>)] = []

    @inlinable public init() {}

    @inlinable public var isEmpty: Bool { sendCount == 0 && others.isEmpty }

    /// Calls `apply` with each send, and `other` with each other effect, in the order asked.
    @inlinable @inline(__always)
    public func forEach(send apply: (Send) -> Void, other: (Effect<Message, Timer, Note>) -> Void) {
        if others.isEmpty {
            for index in 0..<sendCount { apply(sends[index]) }
            return
        }
        var next = 0
        for index in 0..<sendCount {
            let send = sends[index]
            while next < others.count && others[next].before == index {
                other(others[next].effect)
                next += 1
            }
            apply(send)
        }
        while next < others.count {
            other(others[next].effect)
            next += 1
        }
    }

    @inlinable @inline(__always)
    public mutating func send(from: Address, to: Address, _ message: Message) {
        let send = Send(from: from, to: to, message: message)
        if sendCount < sends.count { sends[sendCount] = send } else { sends.append(send) }
        sendCount += 1
    }

    @inlinable
    public mutating func setTimer(at time: UInt64, _ timer: Timer) { others.append((sendCount, .setTimer(at: time, timer))) }

    @inlinable
    public mutating func cancelTimer(_ timer: Timer) { others.append((sendCount, .cancelTimer(timer))) }

    @inlinable
    public mutating func start(op: Int, client: Address, text: String) {
        others.append((sendCount, .start(op: op, client: client, text: text)))
    }

    @inlinable
    public mutating func complete(op: Int, client: Address, ok: Bool, text: String) {
        others.append((sendCount, .complete(op: op, client: client, ok: ok, text: text)))
    }

    @inlinable
    public mutating func note(_ node: Address, _ note: Note) {
        others.append((sendCount, .note(node, note)))
    }

    /// Empties the buffer, keeping its storage for the next handler.
    @inlinable
    public mutating func removeAll() {
        sendCount = 0
        if !others.isEmpty { others.removeAll(keepingCapacity: true) }
    }
}

extension Effect: Sendable where Message: Sendable, Timer: Sendable, Note: Sendable {}
extension Effects: Sendable where Message: Sendable, Timer: Sendable, Note: Sendable {}
extension Effects.Send: Sendable where Message: Sendable {}
extension World: Sendable where Message: Sendable {}
