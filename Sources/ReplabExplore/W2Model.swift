/// W2 of the peer benchmarks (`WORKLOADS.md`): two concurrent quorum puts (A: x=1 via replica 1,
/// B: x=2 via replica 2) and, once both are acknowledged, a quorum get via replica 3, on a
/// Dynamo-style register with Lamport versions; every order of delivering the messages in flight.
///
/// A small model behind `ExplorableSystem`, explored by the same engine as the real cluster, so
/// that the engine can be measured against the C, TLC and SPIN yardsticks on the same question.
/// A state is the workload's tuple packed into three 64-bit words (no allocation per state);
/// the layout follows the C yardstick's, so that its bounds are the same (3 ≤ n ≤ 6).
public struct W2Model: ExplorableSystem {
    public let n: Int
    public let w: Int
    public let r: Int

    /// The packed state. Versions are `clock * 8 + replica` (replicas 1-based, 0: none); clocks
    /// never exceed 2, since there are only two puts.
    public struct State: Hashable, Sendable {
        @usableFromInline var words: (UInt64, UInt64, UInt64)

        @inlinable
        init() { words = (0, 0, 0) }

        @inlinable
        subscript(field: Field) -> UInt64 {
            get {
                let word: UInt64
                switch field.word {
                case 0: word = words.0
                case 1: word = words.1
                default: word = words.2
                }
                return (word >> field.shift) & field.mask
            }
            set {
                let clear = ~(field.mask << field.shift)
                let bits = (newValue & field.mask) << field.shift
                switch field.word {
                case 0: words.0 = (words.0 & clear) | bits
                case 1: words.1 = (words.1 & clear) | bits
                default: words.2 = (words.2 & clear) | bits
                }
            }
        }

        public static func == (a: State, b: State) -> Bool {
            a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
        }
    }

    /// A bit field of the packed state; it never straddles two words.
    public struct Field: Sendable {
        @usableFromInline let word: Int
        @usableFromInline let shift: UInt64
        @usableFromInline let mask: UInt64
    }

    /// A message of the workload; delivering it is a transition.
    public enum Message: Hashable, Sendable {
        case putRequest(put: Int)
        case write(put: Int, replica: Int)
        case ack(put: Int, replica: Int)
        case putResponse(put: Int)
        case getRequest
        case read(replica: Int)
        case readResponse(replica: Int)
        case getResponse
    }

    /// What the workload asks: the value C read in each terminal state, or that a terminal state
    /// has none (which would be a deadlock).
    public enum Observation: Hashable, Sendable {
        case result(Int)
        case noResult
    }

    // The layout: every field's place, computed once for n.
    @usableFromInline let sval: [Field], sver: [Field], clk: [Field]
    @usableFromInline let pver: [Field], packs: [Field], pdone: [Field]
    @usableFromInline let gcount: Field, gval: Field, gver: Field, result: Field
    @usableFromInline let mPutRequest: [Field], mPutResponse: [Field]
    /// Indexed `put * n + replica` (0-based replicas).
    @usableFromInline let mWrite: [Field], mAck: [Field]
    @usableFromInline let mGetRequest: Field, mGetResponse: Field, mGetResponseValue: Field
    @usableFromInline let mRead: [Field], mReadResponse: [Field], mReadResponseValue: [Field], mReadResponseVersion: [Field]

    /// The replicas (0-based) that coordinate put A and put B.
    @usableFromInline static let coordinator = [0, 1]

    /// n replicas, write quorum w, read quorum r; nil outside 3 ≤ n ≤ 6, 1 ≤ w, r ≤ n.
    public init?(n: Int, w: Int, r: Int) {
        guard (3...6).contains(n), (1...n).contains(w), (1...n).contains(r) else { return nil }
        self.n = n
        self.w = w
        self.r = r
        var next = 0
        func field(_ width: Int) -> Field {
            if (next & 63) + width > 64 { next = (next | 63) + 1 }
            let field = Field(word: next >> 6, shift: UInt64(next & 63), mask: (1 << UInt64(width)) - 1)
            next += width
            return field
        }
        var sval: [Field] = [], sver: [Field] = [], clk: [Field] = []
        for _ in 0..<n {
            sval.append(field(2))
            sver.append(field(5))
            clk.append(field(2))
        }
        var pver: [Field] = [], packs: [Field] = [], pdone: [Field] = []
        for _ in 0..<2 {
            pver.append(field(5))
            packs.append(field(3))
            pdone.append(field(1))
        }
        gcount = field(3)
        gval = field(2)
        gver = field(5)
        result = field(2)
        var putRequest: [Field] = [], putResponse: [Field] = [], write: [Field] = [], ack: [Field] = []
        for _ in 0..<2 {
            putRequest.append(field(1))
            putResponse.append(field(1))
            for _ in 0..<n {
                write.append(field(1))
                ack.append(field(1))
            }
        }
        mGetRequest = field(1)
        mGetResponse = field(1)
        mGetResponseValue = field(2)
        var read: [Field] = [], readResponse: [Field] = [], readValue: [Field] = [], readVersion: [Field] = []
        for _ in 0..<n {
            read.append(field(1))
            readResponse.append(field(1))
            readValue.append(field(2))
            readVersion.append(field(5))
        }
        precondition(next <= 192, "the W2 state does not fit in 192 bits")
        (self.sval, self.sver, self.clk) = (sval, sver, clk)
        (self.pver, self.packs, self.pdone) = (pver, packs, pdone)
        (mPutRequest, mPutResponse, mWrite, mAck) = (putRequest, putResponse, write, ack)
        (mRead, mReadResponse, mReadResponseValue, mReadResponseVersion) = (read, readResponse, readValue, readVersion)
    }

    /// Both PutReqs in flight, nothing else.
    public var initial: State {
        var state = State()
        state[mPutRequest[0]] = 1
        state[mPutRequest[1]] = 1
        return state
    }

    @inlinable
    public func fingerprint(of state: State) -> Fingerprint {
        var hasher = StableHasher()
        hasher.combine(state.words.0)
        hasher.combine(state.words.1)
        hasher.combine(state.words.2)
        return hasher.finalize()
    }

    @inlinable
    public func observe(_ state: State, terminal: Bool, into observations: inout [Observation]) {
        guard terminal else { return }
        let result = state[result]
        observations.append(result == 0 ? .noResult : .result(Int(result) - 1))
    }

    /// The transitions in the C yardstick's order: for each put its PutReq, Writes, Acks and
    /// PutResp; then GetReq, Reads, ReadResps and GetResp.
    @inlinable
    public func forEachSuccessor(of s: State, _ body: (Message, State) -> Void) {
        for p in 0..<2 {
            deliverPut(p, s, body)
        }
        if s[mGetRequest] != 0 {
            var t = s
            t[mGetRequest] = 0
            for j in 0..<n { t[mRead[j]] = 1 }
            body(.getRequest, t)
        }
        for j in 0..<n where s[mRead[j]] != 0 {
            var t = s
            t[mRead[j]] = 0
            t[mReadResponse[j]] = 1
            t[mReadResponseValue[j]] = s[sval[j]]
            t[mReadResponseVersion[j]] = s[sver[j]]
            body(.read(replica: j), t)
        }
        for j in 0..<n where s[mReadResponse[j]] != 0 {
            var t = s
            t[mReadResponse[j]] = 0
            let value = s[mReadResponseValue[j]]
            let version = s[mReadResponseVersion[j]]
            t[mReadResponseValue[j]] = 0
            t[mReadResponseVersion[j]] = 0
            let count = t[gcount]
            if count < UInt64(r) {
                if version > t[gver] {
                    t[gver] = version
                    t[gval] = value
                }
                t[gcount] = count + 1
                if count + 1 == UInt64(r) {
                    t[mGetResponse] = 1
                    t[mGetResponseValue] = t[gval]
                }
            }
            body(.readResponse(replica: j), t)
        }
        if s[mGetResponse] != 0 {
            var t = s
            t[mGetResponse] = 0
            t[result] = s[mGetResponseValue] + 1
            t[mGetResponseValue] = 0
            body(.getResponse, t)
        }
    }

    @inlinable
    func deliverPut(_ p: Int, _ s: State, _ body: (Message, State) -> Void) {
        let c = W2Model.coordinator[p]
        if s[mPutRequest[p]] != 0 {
            var t = s
            t[mPutRequest[p]] = 0
            let clock = t[clk[c]] + 1
            t[clk[c]] = clock
            t[pver[p]] = clock * 8 + UInt64(c + 1)
            for j in 0..<n { t[mWrite[p * n + j]] = 1 }
            body(.putRequest(put: p), t)
        }
        for j in 0..<n where s[mWrite[p * n + j]] != 0 {
            var t = s
            t[mWrite[p * n + j]] = 0
            let version = t[pver[p]]
            if version >> 3 > t[clk[j]] { t[clk[j]] = version >> 3 }
            if version > t[sver[j]] {
                t[sver[j]] = version
                t[sval[j]] = UInt64(p + 1)
            }
            t[mAck[p * n + j]] = 1
            body(.write(put: p, replica: j), t)
        }
        for j in 0..<n where s[mAck[p * n + j]] != 0 {
            var t = s
            t[mAck[p * n + j]] = 0
            let acks = t[packs[p]]
            if acks < UInt64(w) {
                t[packs[p]] = acks + 1
                if acks + 1 == UInt64(w) { t[mPutResponse[p]] = 1 }
            }
            body(.ack(put: p, replica: j), t)
        }
        if s[mPutResponse[p]] != 0 {
            var t = s
            t[mPutResponse[p]] = 0
            t[pdone[p]] = 1
            if t[pdone[0]] != 0 && t[pdone[1]] != 0 { t[mGetRequest] = 1 }
            body(.putResponse(put: p), t)
        }
    }

    /// Explores W2 with `explorer`'s engine and returns the yardstick's line,
    /// `n=3 w=2 r=2 states=9563 transitions=35360 terminal=3 values={1,2}`.
    public func run(maxStates: Int = Int(UInt32.max)) -> (line: String, exploration: Exploration<Observation>) {
        let exploration = Explorer(system: self, maxStates: maxStates, pollInterval: 1 << 20).explore(from: initial)
        var values: [Int] = []
        for finding in exploration.findings {
            if case .result(let value) = finding.observation { values.append(value) }
        }
        let line =
            "n=\(n) w=\(w) r=\(r) states=\(exploration.states) transitions=\(exploration.transitions)"
            + " terminal=\(exploration.terminal) values={\(values.sorted().map(String.init).joined(separator: ","))}"
        return (line, exploration)
    }
}
