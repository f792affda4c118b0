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

    /// A message arrives at `envelope.to`, which is up (the driver loses messages to crashed
    /// participants itself).
    mutating func receive(_ envelope: Envelope<Message>, _ world: World<Message>, _ effects: inout Effects<Message, Timer>)
    /// A timer set with `Effects.setTimer` is due.
    mutating func fire(_ timer: Timer, _ world: World<Message>, _ effects: inout Effects<Message, Timer>)
    /// Virtual time advanced by one tick (after the due timers fired): periodic work.
    mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, Timer>)
    /// A participant crashed: what it held in volatile memory is gone.
    mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer>)
    /// A participant came back.
    mutating func recovered(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer>)
    /// How many ticks after it is sent a message may be delivered. The REPL's models have none
    /// (the teacher or the scheduler chooses the order); a workload such as W1 draws one per send.
    mutating func latency(of message: Message, from: Address, to: Address) -> UInt64
}

extension ReplicationModel {
    public mutating func ticked(_ world: World<Message>, _ effects: inout Effects<Message, Timer>) {}
    public mutating func crashed(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer>) {}
    public mutating func recovered(_ node: Address, _ world: World<Message>, _ effects: inout Effects<Message, Timer>) {}
    @inlinable
    public mutating func latency(of message: Message, from: Address, to: Address) -> UInt64 { 0 }
}

/// What a handler may read of the world: virtual time, the step, which participants are
/// crashed or cut off (a perfect failure detector, which the real systems approximate with
/// timeouts and gossip), and what is in flight (for bounds such as Riak's
/// `anti_entropy_concurrency`, which a real node keeps by counting its own open exchanges).
/// Read only: a handler changes the world through effects.
public struct World<Message> {
    public let now: UInt64
    public let step: UInt32
    public let faults: Faults
    public let network: Network<Message>

    @inlinable
    public init(now: UInt64, step: UInt32, faults: Faults, network: Network<Message>) {
        self.now = now
        self.step = step
        self.faults = faults
        self.network = network
    }

    /// Whether `to` is up and can hear `from` now.
    public func isReachable(from: Address, to: Address) -> Bool {
        !faults.isCrashed(to) && !faults.isCrashed(from) && !faults.isCut(from, to)
    }
}

/// One thing a handler asks the driver to do.
public enum Effect<Message, Timer> {
    /// Put a message in flight.
    case send(from: Address, to: Address, Message)
    /// Wake the model with `Timer` at virtual time `at` (or the first tick after it).
    case setTimer(at: UInt64, Timer)
    /// Forget every pending timer equal to this one.
    case cancelTimer(Timer)
    /// A client operation began.
    case start(op: Int, client: Address, text: String)
    /// A client operation finished: its client has its answer.
    case complete(op: Int, client: Address, ok: Bool, text: String)
    /// Something worth showing where it happened (a sibling, a tombstone, a step-down).
    case note(Address, kind: String, text: String)
}

/// The effects of one handler call, in the order the handler asked for them; the driver applies
/// them in that order (so the trace shows a note between the sends it came between).
public struct Effects<Message, Timer> {
    @usableFromInline var storedList: [Effect<Message, Timer>] = []

    /// The effects asked for so far, in order.
    @inlinable public var list: [Effect<Message, Timer>] { storedList }

    @inlinable public init() {}

    @inlinable public var isEmpty: Bool { storedList.isEmpty }

    @inlinable
    public mutating func send(from: Address, to: Address, _ message: Message) {
        storedList.append(.send(from: from, to: to, message))
    }

    @inlinable
    public mutating func setTimer(at time: UInt64, _ timer: Timer) { storedList.append(.setTimer(at: time, timer)) }

    @inlinable
    public mutating func cancelTimer(_ timer: Timer) { storedList.append(.cancelTimer(timer)) }

    @inlinable
    public mutating func start(op: Int, client: Address, text: String) { storedList.append(.start(op: op, client: client, text: text)) }

    @inlinable
    public mutating func complete(op: Int, client: Address, ok: Bool, text: String) {
        storedList.append(.complete(op: op, client: client, ok: ok, text: text))
    }

    @inlinable
    public mutating func note(_ node: Address, kind: String, text: String) { storedList.append(.note(node, kind: kind, text: text)) }

    /// Empties the buffer, keeping its storage for the next handler.
    @inlinable
    public mutating func removeAll() { storedList.removeAll(keepingCapacity: true) }
}

extension Effect: Sendable where Message: Sendable, Timer: Sendable {}
extension Effects: Sendable where Message: Sendable, Timer: Sendable {}
extension World: Sendable where Message: Sendable {}
