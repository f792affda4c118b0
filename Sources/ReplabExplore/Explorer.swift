/// A system the explorer can search: states, the transitions enabled in each, and what is worth
/// reporting about a state. The explorer knows nothing else about it.
///
/// The order in which `forEachSuccessor` offers transitions must depend on the state alone: the
/// explorer names a transition by its position in that order (to keep 8 bytes per visited state
/// instead of the transition), and rebuilds a schedule by replaying those positions.
public protocol ExplorableSystem {
    associatedtype State
    associatedtype Transition
    /// Something to report about a state (an operation's outcome, an anomaly). Each distinct
    /// observation is reported once, with the shortest schedule that reaches it.
    associatedtype Observation: Hashable

    /// Calls `body` once for each transition enabled in `state`, in a fixed order, with the state
    /// it leads to. A state with no transition enabled is terminal.
    func forEachSuccessor(of state: State, _ body: (Transition, State) -> Void)

    /// The state's fingerprint: equal for states whose futures are the same, and (but for a
    /// collision, see `Fingerprint`) different otherwise.
    func fingerprint(of state: State) -> Fingerprint

    /// Appends what is worth reporting about `state`; `terminal` says that no transition is enabled.
    func observe(_ state: State, terminal: Bool, into observations: inout [Observation])
}

/// How far an exploration has come, for a progress line.
public struct ExploreProgress: Sendable, Equatable {
    /// Distinct states stored so far.
    public var states: Int
    /// States whose successors have been computed.
    public var expanded: Int
    public var transitions: Int
    /// The length of the schedules now being extended.
    public var depth: Int

    @usableFromInline init(states: Int, expanded: Int, transitions: Int, depth: Int) {
        self.states = states
        self.expanded = expanded
        self.transitions = transitions
        self.depth = depth
    }
}

/// Why an exploration ended.
public enum ExploreEnd: Sendable, Equatable {
    /// Every reachable state was visited.
    case complete
    /// It reached its bound on distinct states; some states were not visited.
    case bound
    /// The caller asked it to stop (Ctrl-C).
    case cancelled
    /// It met the observation it was asked to find.
    case found
}

/// The first time an observation was made: the state it was made in and its schedule's length.
public struct Finding<Observation: Hashable>: Hashable {
    public var observation: Observation
    /// The visited state's number (0 is the initial state), for `Exploration.schedule(to:)`.
    public var state: Int
    /// The length of the shortest schedule reaching an observation like it.
    public var depth: Int

    @usableFromInline init(observation: Observation, state: Int, depth: Int) {
        self.observation = observation
        self.state = state
        self.depth = depth
    }
}

/// What an exploration found, and enough of the search to rebuild any visited state's schedule.
public struct Exploration<Observation: Hashable> {
    /// Distinct states visited, the initial one included.
    public var states = 0
    /// Successor computations: the sum over visited states of the transitions enabled in each.
    public var transitions = 0
    /// Visited states with no transition enabled.
    public var terminal = 0
    /// The longest shortest schedule among visited states.
    public var depth = 0
    public var end = ExploreEnd.complete
    /// Every distinct observation, in the order first made (so by the length of its schedule).
    public var findings: [Finding<Observation>] = []
    /// For state i: the state it was first reached from, and the position of that transition.
    @usableFromInline var parent: [UInt32] = []
    @usableFromInline var position: [UInt32] = []
    /// Bytes the visited set took.
    public var visitedBytes = 0

    @usableFromInline init() {}

    /// Whether every reachable state was visited (`false`: the answer is partial).
    public var isComplete: Bool { end == .complete }

    /// The estimated probability that two distinct visited states shared a fingerprint (so that
    /// one was wrongly skipped): n² / 2¹²⁹, as for a random 128-bit function.
    public var collisionProbability: Double {
        let n = Double(states)
        return n * n / 6.80564733841876926926749214863536422912e38
    }

    /// The positions, transition by transition, of the shortest schedule found to state `index`.
    public func positions(to index: Int) -> [Int] {
        var path: [Int] = []
        var current = index
        while current > 0 {
            path.append(Int(position[current]))
            current = Int(parent[current])
        }
        return path.reversed()
    }
}

/// Breadth-first explicit-state search over an `ExplorableSystem`.
///
/// Breadth-first, so that the first schedule found to any state or observation is a shortest one:
/// states are expanded in order of their distance from the start, and each distinct observation
/// is recorded when the first state showing it is expanded. A visited set of 128-bit
/// fingerprints keeps each distinct state once; for each visited state the search keeps only its
/// parent's number and the position of the transition from it (8 bytes), which is enough to
/// rebuild its schedule by replaying positions from the start. Only the frontier (the states at
/// the current distance and the next) is kept whole.
public struct Explorer<System: ExplorableSystem> {
    public let system: System
    /// The most distinct states to visit; past it the answer is partial.
    public var maxStates: Int
    /// `poll` is called every this many expanded states.
    public var pollInterval: Int

    public init(system: System, maxStates: Int = 1_000_000, pollInterval: Int = 1024) {
        self.system = system
        self.maxStates = max(1, maxStates)
        self.pollInterval = max(1, pollInterval)
    }

    /// Explores every state reachable from `initial`.
    /// - Parameters:
    ///   - stopAt: ends the search at the first observation it accepts (`.found`).
    ///   - poll: called every `pollInterval` expanded states with the progress so far; returning
    ///     false cancels the search (`.cancelled`), e.g. on Ctrl-C.
    @inlinable
    public func explore(
        from initial: System.State,
        stopAt: ((System.Observation) -> Bool)? = nil,
        poll: (ExploreProgress) -> Bool = { _ in true }
    ) -> Exploration<System.Observation> {
        var result = Exploration<System.Observation>()
        var visited = FingerprintSet()
        _ = visited.insert(system.fingerprint(of: initial))
        result.parent = [0]
        result.position = [0]
        var seen: Set<System.Observation> = []
        var observations: [System.Observation] = []
        var current = [initial]
        var next: [System.State] = []
        var levelStart = 0
        var expanded = 0
        var truncated = false
        var depth = 0
        search: while !current.isEmpty {
            for offset in current.indices {
                let index = levelStart + offset
                var count = 0
                system.forEachSuccessor(of: current[offset]) { _, successor in
                    let fingerprint = system.fingerprint(of: successor)
                    if visited.count < maxStates {
                        if visited.insert(fingerprint) {
                            result.parent.append(UInt32(truncatingIfNeeded: index))
                            result.position.append(UInt32(truncatingIfNeeded: count))
                            next.append(successor)
                        }
                    } else if !truncated && !visited.contains(fingerprint) {
                        truncated = true
                    }
                    count += 1
                }
                result.transitions += count
                if count == 0 { result.terminal += 1 }
                expanded += 1
                observations.removeAll(keepingCapacity: true)
                system.observe(current[offset], terminal: count == 0, into: &observations)
                for observation in observations where seen.insert(observation).inserted {
                    result.findings.append(Finding(observation: observation, state: index, depth: depth))
                    if let stopAt, stopAt(observation) {
                        result.end = .found
                        break search
                    }
                }
                if expanded % pollInterval == 0 {
                    let progress = ExploreProgress(
                        states: visited.count, expanded: expanded, transitions: result.transitions, depth: depth)
                    if !poll(progress) {
                        result.end = .cancelled
                        break search
                    }
                }
            }
            levelStart += current.count
            swap(&current, &next)
            next.removeAll(keepingCapacity: true)
            if !current.isEmpty { depth += 1 }
        }
        result.states = visited.count
        result.depth = depth
        result.visitedBytes = visited.bytes
        if result.end == .complete && truncated { result.end = .bound }
        return result
    }

    /// The transitions of the shortest schedule found to visited state `index`, replayed from
    /// `initial` (which must be the state the exploration started from), with the state each
    /// leads to.
    public func schedule(
        to index: Int, in exploration: Exploration<System.Observation>, from initial: System.State
    ) -> [(System.Transition, System.State)] {
        var steps: [(System.Transition, System.State)] = []
        var state = initial
        for wanted in exploration.positions(to: index) {
            var count = 0
            var chosen: (System.Transition, System.State)? = nil
            system.forEachSuccessor(of: state) { transition, successor in
                if count == wanted { chosen = (transition, successor) }
                count += 1
            }
            guard let chosen else { preconditionFailure("the system's transitions are not deterministic") }
            steps.append(chosen)
            state = chosen.1
        }
        return steps
    }
}
