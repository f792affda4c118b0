import Testing

@testable import ReplabExplore

/// A toy system whose reachable states are known by hand: a counter pair (a, b) where a step adds
/// 1 to a (up to `limit`) or 1 to b (up to `limit`); the grid has (limit + 1)² states.
struct Grid: ExplorableSystem {
    struct State: Hashable {
        var a: Int
        var b: Int
    }
    enum Step: Hashable {
        case a
        case b
    }
    enum Observation: Hashable {
        case corner(Int, Int)
        case diagonal(Int)
    }
    let limit: Int

    func forEachSuccessor(of state: State, _ body: (Step, State) -> Void) {
        if state.a < limit { body(.a, State(a: state.a + 1, b: state.b)) }
        if state.b < limit { body(.b, State(a: state.a, b: state.b + 1)) }
    }

    func fingerprint(of state: State) -> Fingerprint {
        var hasher = StableHasher()
        hasher.combine(state.a)
        hasher.combine(state.b)
        return hasher.finalize()
    }

    func observe(_ state: State, terminal: Bool, into observations: inout [Observation]) {
        if terminal { observations.append(.corner(state.a, state.b)) }
        if state.a == state.b && state.a > 0 { observations.append(.diagonal(state.a)) }
    }
}

@Suite struct ExplorerTests {
    @Test("every state once, transitions counted per visited state, the terminal one found")
    func grid() {
        let explorer = Explorer(system: Grid(limit: 3))
        let result = explorer.explore(from: Grid.State(a: 0, b: 0))
        #expect(result.states == 16)
        #expect(result.transitions == 2 * 3 * 4)
        #expect(result.terminal == 1)
        #expect(result.isComplete)
        #expect(result.depth == 6)
        #expect(result.findings.map(\.observation) == [.diagonal(1), .diagonal(2), .corner(3, 3), .diagonal(3)])
        #expect(result.findings.map(\.depth) == [2, 4, 6, 6])
    }

    @Test("breadth-first: the schedule to a finding is a shortest one and replays to its state")
    func shortestSchedule() {
        let explorer = Explorer(system: Grid(limit: 4))
        let result = explorer.explore(from: Grid.State(a: 0, b: 0)) { $0 == .diagonal(2) }
        #expect(result.end == .found)
        let finding = result.findings.last!
        #expect(finding.observation == .diagonal(2))
        let steps = explorer.schedule(to: finding.state, in: result, from: Grid.State(a: 0, b: 0))
        #expect(steps.count == 4)
        #expect(steps.last?.1 == Grid.State(a: 2, b: 2))
        #expect(steps.map(\.0) == [.a, .a, .b, .b])
    }

    @Test("the bound is honoured: no more states than max-states, and the answer says it is partial")
    func bound() {
        let result = Explorer(system: Grid(limit: 10), maxStates: 20).explore(from: Grid.State(a: 0, b: 0))
        #expect(result.states == 20)
        #expect(result.end == .bound)
        #expect(!result.isComplete)
        // A bound the space fits in leaves it complete.
        let whole = Explorer(system: Grid(limit: 3), maxStates: 16).explore(from: Grid.State(a: 0, b: 0))
        #expect(whole.isComplete)
        #expect(whole.states == 16)
    }

    @Test("polling can cancel: the search stops and says so")
    func cancel() {
        var polls = 0
        let result = Explorer(system: Grid(limit: 100), pollInterval: 10).explore(
            from: Grid.State(a: 0, b: 0),
            poll: { progress in
                polls += 1
                #expect(progress.expanded == polls * 10)
                return polls < 3
            })
        #expect(result.end == .cancelled)
        #expect(polls == 3)
    }

    @Test("fingerprints are stable across processes: fixed values, not Swift's seeded Hasher")
    func stableFingerprints() {
        var hasher = StableHasher()
        hasher.combine(1 as UInt64)
        hasher.combine("x")
        let first = hasher.finalize()
        var again = StableHasher()
        again.combine(1 as UInt64)
        again.combine("x")
        #expect(first == again.finalize())
        #expect(first == Fingerprint(high: 0xBD3D_B042_7D4B_F15C, low: 0x7383_3AA5_14CC_CCB1))
        var set = FingerprintSet()
        for i in 0..<10_000 {
            var h = StableHasher()
            h.combine(i)
            let added = set.insert(h.finalize())
            #expect(added)
        }
        #expect(set.count == 10_000)
        let zero = set.insert(Fingerprint(high: 0, low: 0))
        let zeroAgain = set.insert(Fingerprint(high: 0, low: 1))
        #expect(zero && !zeroAgain)
    }
}

@Suite struct W2Tests {
    @Test("W2 n=3 w=2 r=2: the reference row")
    func w2() {
        #expect(W2Model(n: 3, w: 2, r: 2)!.run().line == "n=3 w=2 r=2 states=9563 transitions=35360 terminal=3 values={1,2}")
    }

    @Test("W2 sanity n=3 w=2 r=1: w + r = n, so C can also read 0")
    func sanity() {
        #expect(W2Model(n: 3, w: 2, r: 1)!.run().line == "n=3 w=2 r=1 states=14275 transitions=53550 terminal=9 values={0,1,2}")
    }

    @Test("W2-L n=4 w=2 r=3: the reference row")
    func w2l() {
        #expect(W2Model(n: 4, w: 2, r: 3)!.run().line == "n=4 w=2 r=3 states=653011 transitions=3827586 terminal=3 values={1,2}")
    }

    @Test("the engine's bound applies to W2 too, and the same run gives the same answer")
    func boundAndDeterminism() {
        let model = W2Model(n: 3, w: 2, r: 2)!
        let (_, bounded) = model.run(maxStates: 1000)
        #expect(bounded.states == 1000)
        #expect(bounded.end == .bound)
        #expect(model.run().exploration.findings == model.run().exploration.findings)
    }

    @Test("sizes outside the yardstick's are refused")
    func sizes() {
        #expect(W2Model(n: 2, w: 1, r: 1) == nil)
        #expect(W2Model(n: 7, w: 1, r: 1) == nil)
        #expect(W2Model(n: 3, w: 4, r: 1) == nil)
        #expect(W2Model(n: 3, w: 1, r: 0) == nil)
    }
}
