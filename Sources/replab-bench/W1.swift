// W1 "quorum throughput" (../shared/bench/WORKLOADS.md) on replab's deterministic kernel.
//
// The kernel's `Network` is the in-flight set and the scheduler: every send draws its latency
// `1 + below(10)` from the kernel's `SplitMix64` at send time, and `popNext()` delivers in
// `(deliverAt, message id)` order. Message ids are handed out in send order, so that is W1's
// `(deliver_time, send_seq)` order and the result line is bit-identical to the C yardstick's.
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

/// The W1 workload: n = 5 replicas, w = r = 3, 8 closed-loop clients, 1,000 keys, seed 0x5EED.
struct W1 {
    static let replicas = 5
    static let writeQuorum: UInt8 = 3
    static let readQuorum: UInt8 = 3
    static let clients = 8
    static let keys = 1000
    static let seed: UInt64 = 0x5EED

    let totalOps: Int

    var network = Network<W1Message>()
    var rng = SplitMix64(seed: W1.seed)
    var now: UInt64 = 0
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
        store = Array(repeating: W1Stored(), count: W1.replicas * W1.keys)
        clock = Array(repeating: 0, count: W1.replicas)
        ops = Array(repeating: W1Op(), count: totalOps)
    }

    /// Runs W1 to the end (the network is empty) and returns its result.
    static func run(ops: Int) -> W1Result {
        var w1 = W1(totalOps: ops)
        w1.run()
        return w1.result
    }

    @inline(__always)
    static func coordinator(of op: UInt32) -> Int { Int(op % UInt32(replicas)) }

    @inline(__always)
    mutating func send(from: Address, to: Address, _ message: W1Message) {
        let latency = 1 &+ rng.below(10)
        network.send(from: from, to: to, payload: message, now: now, latency: latency)
    }

    /// Client `client` (0-based) issues its next op: op id, then kind, then key, then the request.
    mutating func issue(client: Int) {
        let op = UInt32(issued)
        issued += 1
        let isGet = rng.below(2) == 1
        let key = UInt16(rng.below(UInt64(W1.keys)))
        ops[Int(op)] = W1Op(key: key, client: UInt8(client), isGet: isGet)
        send(
            from: .client(client + 1), to: .replica(W1.coordinator(of: op)),
            W1Message(op: op, kind: .request, value: Int64(op) + 1, version: 0))
    }

    mutating func run() {
        for client in 0..<W1.clients where issued < totalOps {
            issue(client: client)
        }
        while let envelope = network.popNext() {
            now = envelope.deliverAt
            result.delivered &+= 1
            deliver(envelope.payload, to: envelope.to)
        }
        result.finalTime = now
        result.storeSum = storeSum()
    }

    @inline(__always)
    mutating func deliver(_ message: W1Message, to destination: Address) {
        let op = message.op
        let index = Int(op)
        switch message.kind {
        case .request:
            let coordinator = destination.replicaIndex
            if ops[index].isGet {
                for replica in 0..<W1.replicas {
                    send(
                        from: destination, to: .replica(replica),
                        W1Message(op: op, kind: .read, value: 0, version: 0))
                }
            } else {
                clock[coordinator] += 1
                let version = clock[coordinator] * 8 + Int64(coordinator)
                for replica in 0..<W1.replicas {
                    send(
                        from: destination, to: .replica(replica),
                        W1Message(op: op, kind: .write, value: message.value, version: version))
                }
            }

        case .write:
            let replica = destination.replicaIndex
            let lamport = message.version >> 3
            if lamport > clock[replica] { clock[replica] = lamport }
            let slot = replica * W1.keys + Int(ops[index].key)
            if message.version > store[slot].version {
                store[slot] = W1Stored(value: message.value, version: message.version)
            }
            send(
                from: destination, to: .replica(W1.coordinator(of: op)),
                W1Message(op: op, kind: .ack, value: 0, version: 0))

        case .read:
            let stored = store[destination.replicaIndex * W1.keys + Int(ops[index].key)]
            send(
                from: destination, to: .replica(W1.coordinator(of: op)),
                W1Message(op: op, kind: .readReply, value: stored.value, version: stored.version))

        case .ack:
            guard !ops[index].done else { return }  // a late reply: ignored
            ops[index].replies += 1
            if ops[index].replies == W1.writeQuorum {
                ops[index].done = true
                send(
                    from: destination, to: .client(Int(ops[index].client) + 1),
                    W1Message(op: op, kind: .response, value: 0, version: 0))
            }

        case .readReply:
            guard !ops[index].done else { return }  // a late reply: ignored
            if message.version > ops[index].bestVersion {
                ops[index].bestVersion = message.version
                ops[index].bestValue = message.value
            }
            ops[index].replies += 1
            if ops[index].replies == W1.readQuorum {
                ops[index].done = true
                send(
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
            if issued < totalOps { issue(client: destination.clientNumber - 1) }
        }
    }

    /// `Σ_{replica j, key k} (1000·j + k + 1) · (value + 3·version)` mod 2^64.
    func storeSum() -> UInt64 {
        var sum: UInt64 = 0
        for replica in 0..<W1.replicas {
            for key in 0..<W1.keys {
                let stored = store[replica * W1.keys + key]
                let weight = UInt64(1000 * replica + key + 1)
                let term = UInt64(bitPattern: stored.value &+ 3 &* stored.version)
                sum &+= weight &* term
            }
        }
        return sum
    }
}
