// W1 "quorum throughput" (../shared/bench/WORKLOADS.md) on replab's deterministic kernel.
//
// W1 is a `ReplicationModel` run by the kernel's `Driver`, the REPL's path: the driver puts each
// message in flight with the latency the model draws (`1 + below(10)` from W1's one SplitMix64
// stream, at send time) and delivers in `(deliverAt, message id)` order, moving time on to each
// delivery. Message ids are handed out in send order, so that is W1's `(deliver_time, send_seq)`
// order and the result line is bit-identical to the C yardstick's.
//
// The model keeps its state in flat arrays (replica stores, per-op records) and its messages are
// small plain structs, so the hot loop allocates nothing per message.

import ReplabKernel

/// The six kinds of W1 message.
enum W1Kind: UInt8, Sendable {
    /// client → coordinator
    case request
    /// coordinator → replica (put fan-out)
    case write
    /// coordinator → replica (get fan-out)
    case read
    /// replica → coordinator (write acknowledged)
    case ack
    /// replica → coordinator (value and version read)
    case readReply
    /// coordinator → client
    case response
}

/// A W1 message's payload. The op's key, kind, client and coordinator live in per-op arrays;
/// the message carries only what the receiver cannot look up.
struct W1Message: Sendable {
    var op: UInt32
    var kind: W1Kind
    /// The written value (write), the value read (read reply) or the value returned (response).
    var value: Int64
    /// The Lamport version `clock * 8 + replica` (write, read reply).
    var version: Int64
}

/// W1's result: the first line `replab-bench w1` prints.
struct W1Result: Sendable, Equatable {
    var delivered: UInt64 = 0
    var finalTime: UInt64 = 0
    var completed: UInt64 = 0
    var puts: UInt64 = 0
    var gets: UInt64 = 0
    var getFound: UInt64 = 0
    var getSum: UInt64 = 0
    var storeSum: UInt64 = 0

    var line: String {
        "delivered=\(delivered) final_time=\(finalTime) completed=\(completed) puts=\(puts) gets=\(gets) "
            + "get_found=\(getFound) get_sum=\(getSum) store_sum=\(storeSum)"
    }
}

/// One op's record, indexed by op id (kept flat: one array of these, no per-op objects).
struct W1Op: Sendable {
    /// The best `(value, version)` among the read replies counted so far (gets).
    var bestValue: Int64 = 0
    var bestVersion: Int64 = 0
    var key: UInt16 = 0
    /// The issuing client, 0-based.
    var client: UInt8 = 0
    /// Replies counted so far; stops mattering once the op is done.
    var replies: UInt8 = 0
    var isGet = false
    /// The coordinator has answered the client; later replies are ignored.
    var done = false
}

/// What a replica holds for one key.
struct W1Stored: Sendable {
    var value: Int64 = 0
    var version: Int64 = 0
}

/// No W1 participant sets a timer.
enum W1Timer: Hashable {}

/// The W1 workload as a replication model: n = 5 replicas, w = r = 3, 8 closed-loop clients,
/// 1,000 keys, seed 0x5EED. It runs through the kernel's `Driver`, the same driver the REPL's
/// clusters run through: the driver owns the in-flight set, its scheduler and time; the model
/// answers each delivery with effects.
struct W1Model: ReplicationModel {
    typealias Message = W1Message
    typealias Timer = W1Timer
    /// W1 records no notes.
    typealias Note = Never

    static let replicas = 5
    static let writeQuorum: UInt8 = 3
    static let readQuorum: UInt8 = 3
    static let clients = 8
    static let keys = 1000
    static let seed: UInt64 = 0x5EED

    let totalOps: Int

    /// W1's one random stream: op kinds, keys and (through `latency`) every message's latency,
    /// drawn in the order the workload fixes.
    var rng = SplitMix64(seed: W1Model.seed)
    var issued = 0
    var result = W1Result()

    /// Replica state: `store[replica * keys + key]`, and one Lamport clock per replica.
    var store: [W1Stored]
    var clock: [Int64]
    /// Per-op records, indexed by op id.
    var ops: [W1Op]

    init(totalOps: Int) {
        precondition(totalOps >= 0 && totalOps <= Int(UInt32.max), "W1 op count out of range")
        self.totalOps = totalOps
        store = Array(repeating: W1Stored(), count: W1Model.replicas * W1Model.keys)
        clock = Array(repeating: 0, count: W1Model.replicas)
        ops = Array(repeating: W1Op(), count: totalOps)
    }

    /// Runs W1 to the end (the network is empty) and returns its result.
    static func run(ops: Int) -> W1Result {
        var driver = Driver(W1Model(totalOps: ops), seed: 0, recordsTrace: false)
        // At tick 0 the clients issue their first ops in id order; each issue is its own action,
        // so its request's latency is drawn before the next client's kind and key.
        for client in 0..<W1Model.clients {
            driver.perform { model, _, effects in
                if model.issued < model.totalOps { model.issue(client: client, &effects) }
            }
        }
        while driver.deliverNext() {}
        var result = driver.state.result
        result.finalTime = driver.now
        result.storeSum = driver.state.storeSum()
        return result
    }

    @inline(__always)
    static func coordinator(of op: UInt32) -> Int { Int(op % UInt32(replicas)) }

    /// Every send draws its latency at send time, `1 + below(10)`.
    @inline(__always)
    mutating func latency(of message: W1Message, from: Address, to: Address) -> UInt64 {
        1 &+ rng.below(10)
    }

    /// Client `client` (0-based) issues its next op: op id, then kind, then key, then the request.
    mutating func issue(client: Int, _ effects: inout Effects<W1Message, W1Timer, Never>) {
        let op = UInt32(issued)
        issued += 1
        let isGet = rng.below(2) == 1
        let key = UInt16(rng.below(UInt64(W1Model.keys)))
        ops[Int(op)] = W1Op(key: key, client: UInt8(client), isGet: isGet)
        effects.send(
            from: .client(client + 1), to: .replica(W1Model.coordinator(of: op)),
            W1Message(op: op, kind: .request, value: Int64(op) + 1, version: 0))
    }

    mutating func fire(_ timer: W1Timer, _ world: World<W1Message>, _ effects: inout Effects<W1Message, W1Timer, Never>) {}

    @inline(__always)
    mutating func receive(_ envelope: Envelope<W1Message>, _ world: World<W1Message>, _ effects: inout Effects<W1Message, W1Timer, Never>) {
        result.delivered &+= 1
        let message = envelope.payload
        let destination = envelope.to
        let op = message.op
        let index = Int(op)
        switch message.kind {
        case .request:
            let coordinator = destination.replicaIndex
            if ops[index].isGet {
                for replica in 0..<W1Model.replicas {
                    effects.send(from: destination, to: .replica(replica), W1Message(op: op, kind: .read, value: 0, version: 0))
                }
            } else {
                clock[coordinator] += 1
                let version = clock[coordinator] * 8 + Int64(coordinator)
                for replica in 0..<W1Model.replicas {
                    effects.send(
                        from: destination, to: .replica(replica),
                        W1Message(op: op, kind: .write, value: message.value, version: version))
                }
            }

        case .write:
            let replica = destination.replicaIndex
            let lamport = message.version >> 3
            if lamport > clock[replica] { clock[replica] = lamport }
            let slot = replica * W1Model.keys + Int(ops[index].key)
            if message.version > store[slot].version {
                store[slot] = W1Stored(value: message.value, version: message.version)
            }
            effects.send(
                from: destination, to: .replica(W1Model.coordinator(of: op)), W1Message(op: op, kind: .ack, value: 0, version: 0))

        case .read:
            let stored = store[destination.replicaIndex * W1Model.keys + Int(ops[index].key)]
            effects.send(
                from: destination, to: .replica(W1Model.coordinator(of: op)),
                W1Message(op: op, kind: .readReply, value: stored.value, version: stored.version))

        case .ack:
            guard !ops[index].done else { return }  // a late reply: ignored
            ops[index].replies += 1
            if ops[index].replies == W1Model.writeQuorum {
                ops[index].done = true
                effects.send(
                    from: destination, to: .client(Int(ops[index].client) + 1), W1Message(op: op, kind: .response, value: 0, version: 0))
            }

        case .readReply:
            guard !ops[index].done else { return }  // a late reply: ignored
            if message.version > ops[index].bestVersion {
                ops[index].bestVersion = message.version
                ops[index].bestValue = message.value
            }
            ops[index].replies += 1
            if ops[index].replies == W1Model.readQuorum {
                ops[index].done = true
                effects.send(
                    from: destination, to: .client(Int(ops[index].client) + 1),
                    W1Message(op: op, kind: .response, value: ops[index].bestValue, version: 0))
            }

        case .response:
            result.completed &+= 1
            if ops[index].isGet {
                result.gets &+= 1
                result.getSum &+= UInt64(bitPattern: message.value)
                if message.value != 0 { result.getFound &+= 1 }
            } else {
                result.puts &+= 1
            }
            if issued < totalOps { issue(client: destination.clientNumber - 1, &effects) }
        }
    }

    /// `Σ_{replica j, key k} (1000·j + k + 1) · (value + 3·version)` mod 2^64.
    func storeSum() -> UInt64 {
        var sum: UInt64 = 0
        for replica in 0..<W1Model.replicas {
            for key in 0..<W1Model.keys {
                let stored = store[replica * W1Model.keys + key]
                let weight = UInt64(1000 * replica + key + 1)
                let term = UInt64(bitPattern: stored.value &+ 3 &* stored.version)
                sum &+= weight &* term
            }
        }
        return sum
    }
}
