import ReplabKernel
import ReplabModels
import ReplabPBS
import ReplabRender

/// What one command did: the text a person reads and, for programs, the structured parts that
/// `replab run --json` prints.
public struct CommandResult: Sendable {
    public var command: String
    public var ok = true
    public var output = ""
    public var error: String? = nil
    public var completed: [Completion] = []
    public var messages: JSON? = nil
    public var replicas: JSON? = nil
    public var anomalies: [Anomaly]? = nil
    /// Further JSON members (e.g. `"pbs"`), in order.
    public var extra: [(String, JSON)] = []
    public var quit = false
    /// Output that must reach the reader exactly as made (Mermaid text), never broken to the width.
    var verbatim = false

    init(command: String) { self.command = command }

    /// The human text: the output, or `error: …`.
    public var text: String {
        if let error { return output.isEmpty ? "error: \(error)" : "\(output)\nerror: \(error)" }
        return output
    }

    /// One JSON object (the contract of `replab run --json`).
    public var json: JSON {
        var pairs: [(String, JSON)] = [("command", .string(command)), ("ok", .bool(ok)), ("output", .string(output))]
        if let error { pairs.append(("error", .string(error))) }
        if !completed.isEmpty {
            pairs.append(
                (
                    "completed",
                    .array(
                        completed.map { c in
                            var item: [(String, JSON)] = [
                                ("client", .string(c.client.name)), ("op", .string(c.kind.rawValue)), ("id", .int(c.op)),
                                ("key", .string(c.key)), ("ok", .bool(c.ok)),
                            ]
                            if c.kind == .get { item.append(("values", .array(c.values.map(JSON.string)))) }
                            return .object(item)
                        })
                ))
        }
        if let messages { pairs.append(("messages", messages)) }
        if let replicas { pairs.append(("replicas", replicas)) }
        if let anomalies {
            pairs.append(
                (
                    "anomalies",
                    .array(
                        anomalies.map {
                            .object([
                                ("kind", .string($0.kind.rawValue)), ("key", .string($0.key)), ("detail", .string($0.detail)),
                                ("ops", .array($0.ops.map(JSON.int))),
                            ])
                        })
                ))
        }
        pairs += extra
        return .object(pairs)
    }
}

/// Reads and writes files for `save`, `load` and `export`. The session never touches the file
/// system itself, so tests can give it a fake one and the core stays free of I/O.
public protocol FileAccess: Sendable {
    func read(_ path: String) throws(CommandError) -> String
    /// Writes the whole file or nothing.
    func write(_ text: String, to path: String) throws(CommandError)
}

/// A replab session: the current cluster, what was typed, and how to take it back.
public struct Session: Sendable {
    public private(set) var simulation: Simulation?
    public private(set) var seed: UInt64
    /// The successful state-changing commands, as typed: what `save` writes.
    public private(set) var log: [String] = []
    var undoStack: [Snapshot] = []
    private let files: FileAccess?
    private var loadDepth = 0
    /// Commands run by the outermost `load` so far, nested loads included (see `maxLoadedCommands`).
    private var loadedCommands = 0
    /// BOUND (issue 14): the most commands one `load` runs, nested loads included. Eight files of
    /// sixteen `load` lines each would otherwise run 16^7 commands within the depth bound.
    public static let maxLoadedCommands = 100_000
    /// The last `pbs` result, for `export pbs FILE`.
    private var lastPBS: PBSOutput? = nil
    /// The last exploration's findings, for `explore show` and `explore apply`, and the
    /// `generation` it was made in (they replay only on the state they were found from).
    var explored: (generation: Int, findings: [ExploreFinding])? = nil
    /// Counts the commands that changed the session (undo included).
    var generation = 0
    /// Progress and Ctrl-C for long explorations (the executable sets them on a terminal).
    public var exploreHooks = ExploreHooks()
    /// How views are drawn (colour, character set, width): the executable's choice, plus
    /// `set ascii on|off`. Not part of the simulation: undo leaves it alone.
    public var style: ViewStyle
    /// How much a command reports (`set detail brief|full`); like the style, not undone.
    public var detail: Detail = .full
    /// How deep `undo` can go.
    public static let undoDepth = 500
    /// Views that place `check`'s anomalies (the timeline) run the checker only up to this many
    /// operations: its cost grows with the whole history, and a view must stay quick.
    public static let checkerOperationsForViews = 300

    struct Snapshot: Sendable {
        /// The simulation with its trace emptied (the trace is append-only: it is truncated back).
        var simulation: Simulation?
        var traceCount: Int
        /// The whole trace, when the command replaced the simulation (so truncation cannot restore it).
        var fullTrace: Trace<Message, Note>?
        var seed: UInt64
        var logCount: Int
    }

    public init(seed: UInt64 = 0, files: FileAccess? = nil, style: ViewStyle = .standard) {
        self.seed = seed
        self.files = files
        self.style = style
    }

    // MARK: - Running commands

    /// Runs one line. Bad input changes nothing and gets one clear error line.
    public mutating func execute(_ line: String) -> CommandResult {
        var result = executeUnstyled(line)
        // Views and reports draw in the style themselves; error text gets ASCII spellings here.
        if !style.unicode { result.error = result.error.map(asciiFallback) }
        // Every human-readable line fits the width (views lay themselves out; this catches prose).
        if !result.verbatim { result.output = fitToWidth(result.output, width: style.width) }
        return result
    }

    private mutating func executeUnstyled(_ line: String) -> CommandResult {
        let trimmed = line.trimmingWhitespace
        var result = CommandResult(command: trimmed)
        let command: Command?
        do {
            command = try Parser.parse(line)
        } catch {
            result.ok = false
            result.error = error.message
            return result
        }
        guard let command else { return result }
        if command.changesState {
            let snapshot = takeSnapshot(replacing: command.replacesSimulation)
            let undoCount = undoStack.count
            // A load is one command: afterwards the undo history is the one before it plus the
            // load, and a failed load leaves log and history whole, even when the file's own
            // undo lines reached past it or its commands pushed the oldest entries out.
            var beforeLoad: (undo: [Snapshot], log: [String])? = nil
            if case .load = command { beforeLoad = (undoStack, log) }
            do {
                try run(command, line: trimmed, into: &result)
                if let beforeLoad { undoStack = beforeLoad.undo }
                undoStack.append(snapshot)
                generation += 1
                if undoStack.count > Session.undoDepth { undoStack.removeFirst(undoStack.count - Session.undoDepth) }
                // load and explore apply log the commands they ran, not themselves.
                if case .load = command {} else if case .explore = command {} else { log.append(trimmed) }
            } catch {
                restore(snapshot)
                if undoStack.count > undoCount { undoStack.removeSubrange(undoCount...) }
                if let beforeLoad { (undoStack, log) = beforeLoad }
                result = CommandResult(command: trimmed)
                result.ok = false
                result.error = error.message
            }
        } else {
            do {
                try run(command, line: trimmed, into: &result)
            } catch {
                result.output = ""
                result.ok = false
                result.error = error.message
            }
        }
        return result
    }

    private func takeSnapshot(replacing: Bool) -> Snapshot {
        var stripped = simulation
        let count = simulation?.trace.count ?? 0
        var full: Trace<Message, Note>? = nil
        if replacing {
            full = simulation?.trace
        } else {
            stripped?.trace = Trace()
        }
        return Snapshot(simulation: stripped, traceCount: count, fullTrace: full, seed: seed, logCount: log.count)
    }

    private mutating func restore(_ snapshot: Snapshot) {
        var restored = snapshot.simulation
        if let full = snapshot.fullTrace {
            restored?.trace = full
        } else if restored != nil, var trace = simulation?.trace {
            trace.truncate(to: snapshot.traceCount)
            restored?.trace = trace
        }
        simulation = restored
        seed = snapshot.seed
        log.removeSubrange(min(snapshot.logCount, log.count)...)
    }

    private mutating func cluster() throws(CommandError) -> Simulation {
        guard let simulation else {
            throw CommandError("there is no cluster yet: build one first, e.g. cluster leaderless (see help cluster)")
        }
        return simulation
    }

    /// Runs a mutation of the simulation and reports what it recorded.
    private mutating func mutate(
        _ result: inout CommandResult, line: String, _ body: (inout Simulation) throws(CommandError) -> Void
    ) throws(CommandError) {
        var sim = try cluster()
        simulation = nil  // keep the trace's storage uniquely referenced while it grows
        let start = sim.trace.count
        let before = BriefReport.snapshot(sim)
        sim.record(.command(line))
        sim.completions = []
        sim.notes = []
        do {
            try body(&sim)
            try Session.checkInFlightBound(sim)
        } catch {
            simulation = sim
            throw error
        }
        result.completed = sim.completions
        let report =
            detail == .brief
            ? BriefReport.render(sim.trace.entries[(start + 1)...], simulation: sim, before: before, style: style)
            : Report.render(sim.trace.entries[(start + 1)...], simulation: sim, style: style)
        // Brief reports count the messages themselves: the delivery tally of step and run is folded in.
        let shownNotes = detail == .brief ? sim.notes.filter { !$0.hasPrefix("delivered ") } : sim.notes
        let notes = shownNotes.flatMap { note in note.split(separator: "\n").flatMap { wrapProse(String($0), width: style.width) } }
        result.output = ([report] + notes).filter { !$0.isEmpty }.joined(separator: "\n")
        sim.completions = []
        sim.notes = []
        simulation = sim
    }

    private mutating func run(_ command: Command, line: String, into result: inout CommandResult) throws(CommandError) {
        switch command {
        case .cluster(let model):
            simulation = Simulation(model: model, seed: seed)
            result.output = "built: \(model.summary)\n" + Views.clusterIntro(simulation!, style: style)
        case .put(let key, let value, let via, let client, let blind):
            try startOperation(.put, key: key, value: value, via: via, client: client, blind: blind, line: line, into: &result)
        case .get(let key, let via, let client):
            try startOperation(.get, key: key, value: nil, via: via, client: client, blind: false, line: line, into: &result)
        case .delete(let key, let via, let client):
            try startOperation(.delete, key: key, value: nil, via: via, client: client, blind: false, line: line, into: &result)
        case .insert(let key, let value, let via, let client):
            try startOperation(.insert, key: key, value: value, via: via, client: client, blind: false, line: line, into: &result)
        case .update(let key, let value, let via, let client):
            try startOperation(.update, key: key, value: value, via: via, client: client, blind: false, line: line, into: &result)
        case .messages:
            let sim = try cluster()
            result.output = Views.messages(sim, style: style)
            result.messages = .array(
                sim.inFlight.map {
                    .object([
                        ("id", .string($0.id.description)), ("from", .string($0.from.name)), ("to", .string($0.to.name)),
                        ("kind", .string($0.payload.kind)), ("label", .string($0.payload.label)),
                        ("deliverable", .bool(sim.isDeliverable($0))),
                    ])
                })
        case .step(let count, let random):
            try mutate(&result, line: line) { sim throws(CommandError) in
                let delivered = Session.deliverSome(&sim, limit: count, random: random)
                if delivered == 0 {
                    sim.notes.append(Session.nothingToDeliver(sim))
                } else if delivered < count {
                    sim.notes.append("(only \(delivered) message(s) could be delivered)")
                }
            }
        case .deliver(let selectors):
            try mutate(&result, line: line) { sim throws(CommandError) in
                sim.deliver(try Session.select(selectors, in: sim, forDelivery: true))
            }
        case .drop(let selectors):
            try mutate(&result, line: line) { sim throws(CommandError) in
                sim.drop(try Session.select(selectors, in: sim, forDelivery: false))
            }
        case .duplicate(let selectors):
            try mutate(&result, line: line) { sim throws(CommandError) in
                let chosen = try Session.select(selectors, in: sim, forDelivery: false)
                if sim.network.count + chosen.count > Session.maxMessagesInFlight {
                    throw CommandError(
                        "duplicating \(chosen.count) message(s) would put \(sim.network.count + chosen.count) in flight; replab holds at most \(Session.maxMessagesInFlight) (deliver or drop some first)"
                    )
                }
                sim.duplicate(chosen)
            }
        case .run(let max, let random):
            try mutate(&result, line: line) { sim throws(CommandError) in
                let bound = max ?? 1000
                let delivered = Session.deliverSome(&sim, limit: bound, random: random)
                if delivered == 0 { sim.notes.append(Session.nothingToDeliver(sim)) }
                let held = sim.inFlight.filter { !sim.isDeliverable($0) }.count
                if delivered == bound && sim.inFlight.contains(where: { sim.isDeliverable($0) }) {
                    sim.notes.append("stopped after \(bound) deliveries (the bound); \(sim.inFlight.count) message(s) still in flight")
                } else if delivered > 0 {
                    sim.notes.append(
                        "delivered \(delivered) message(s)"
                            + (held > 0 ? "; \(held) held on cut links until heal" : "; nothing left in flight"))
                }
            }
        case .partition(let groups):
            try mutate(&result, line: line) { sim throws(CommandError) in
                for address in groups.joined() { try Session.checkParticipant(address, in: sim) }
                sim.partition(groups)
            }
        case .heal:
            try mutate(&result, line: line) { sim throws(CommandError) in
                guard sim.faults.isPartitioned else { throw CommandError("there is no partition to heal") }
                sim.heal()
            }
        case .crash(let node):
            try mutate(&result, line: line) { sim throws(CommandError) in
                try Session.checkParticipant(node, in: sim)
                guard !sim.faults.isCrashed(node) else {
                    throw CommandError("\(node.name) is already crashed (recover \(node.name) brings it back)")
                }
                sim.crash(node)
            }
        case .recover(let node):
            try mutate(&result, line: line) { sim throws(CommandError) in
                try Session.checkParticipant(node, in: sim)
                guard sim.faults.isCrashed(node) else { throw CommandError("\(node.name) is not crashed") }
                sim.recover(node)
            }
        case .tick(let count):
            try mutate(&result, line: line) { sim throws(CommandError) in
                for done in 1...count {
                    sim.tick()
                    // Stops at the bound at once, rather than after thousands more ticks.
                    try Session.checkInFlightBound(sim, doing: "tick \(count) stopped after \(done) tick(s)")
                }
            }
        case .seed(let value):
            seed = value
            if simulation != nil {
                try mutate(&result, line: line) { sim in sim.prng = SplitMix64(seed: value) }
            }
            result.output = "seed \(value): every random choice from now on follows it"
        case .set(.ascii(let on)):
            style.unicode = !on
            result.output =
                on ? "ascii on: views draw with ASCII characters only" : "ascii off: views draw with Unicode box-drawing characters"
        case .rule(.list):
            result.output = Session.list(try cluster())
        case .rule(let rule):
            try mutate(&result, line: line) { sim throws(CommandError) in sim.notes.append(try Session.apply(rule, to: &sim)) }
        case .set(.detail(let brief)):
            detail = brief ? .brief : .full
            result.output =
                brief
                ? "detail brief: each command reports what completed and which replicas changed; chatter is folded"
                : "detail full: every message sent and delivered, every note"
        case .set(let setting):
            try mutate(&result, line: line) { sim throws(CommandError) in
                sim.notes.append(try Session.apply(setting, to: &sim))
            }
        case .antiEntropy(let a, let b):
            try mutate(&result, line: line) { sim throws(CommandError) in
                try Session.requireLeaderless(sim, "anti-entropy")
                try Session.checkParticipant(a, in: sim)
                try Session.checkParticipant(b, in: sim)
                for node in [a, b] where sim.faults.isCrashed(node) {
                    throw CommandError("\(node.name) is crashed: it can take part in anti-entropy once recovered")
                }
                sim.startAntiEntropy(a, b)
            }
        case .failover(let node):
            try mutate(&result, line: line) { sim throws(CommandError) in
                if let node { try Session.checkParticipant(node, in: sim) }
                do throws(SimulationError) {
                    try sim.failover(to: node)
                } catch {
                    throw CommandError(error.message)
                }
            }
        case .show(let view):
            let sim = try cluster()
            switch view {
            case .state(let key):
                if let key, !sim.knownKeys.contains(key) {
                    throw CommandError("no replica or operation has touched key \"\(key)\"\(suggestion(for: key, among: sim.knownKeys))")
                }
                result.output = Views.state(sim, key: key, style: style)
                result.replicas = Views.stateJSON(sim, key: key)
                if let hints = Views.hintsJSON(sim, key: key) { result.extra.append(("hints", hints)) }
            case .history: result.output = Views.history(sim, style: style)
            case .topology(let mermaid):
                result.verbatim = mermaid
                result.output = mermaid ? Views.topologyMermaid(sim) : Views.topology(sim, style: style)
            case .timeline(let mermaid, let filter):
                try Session.checkFilter(filter, in: sim)
                let (anomalies, note) = Session.anomaliesForViews(sim)
                result.verbatim = mermaid
                result.output =
                    mermaid
                    ? Views.timelineMermaid(sim, last: nil, anomalies: anomalies, anomalyNote: note, filter: filter)
                    : Views.timeline(sim, last: nil, style: style, anomalies: anomalies, anomalyNote: note, filter: filter)
            case .ring(let mermaid):
                try Session.requireLeaderless(sim, "show ring")
                result.verbatim = mermaid
                result.output = mermaid ? Views.ringMermaid(sim) : Views.ring(sim, width: style.width)
            case .merkle(let node, let peer):
                try Session.requireLeaderless(sim, "show merkle")
                try Session.checkParticipant(node, in: sim)
                if let peer { try Session.checkParticipant(peer, in: sim) }
                result.output = Views.merkle(sim, node, peer, width: style.width)
            }
        case .explore(let request):
            try explore(request, into: &result)
        case .explain(let key, let node):
            let sim = try cluster()
            if let node { try Session.checkParticipant(node, in: sim) }
            guard sim.knownKeys.contains(key) else {
                throw CommandError("no replica or operation has touched key \"\(key)\"\(suggestion(for: key, among: sim.knownKeys))")
            }
            result.output = Explain.text(sim, key: key, node: node, width: style.width)
        case .check:
            let sim = try cluster()
            let anomalies = Checker.check(sim)
            result.anomalies = anomalies
            result.output = Views.anomalies(anomalies, style: style)
        case .export("pbs", let path, let options):
            let format = try Export.format(of: path)
            if options != ExportOptions() {
                throw CommandError("export pbs FILE takes no options: the plot is the last pbs result as it was drawn")
            }
            guard let files else { throw CommandError("this session cannot write files") }
            guard let pbs = lastPBS else {
                throw CommandError("no pbs result to export yet: run pbs (or pbs compare) first; export pbs writes its plot")
            }
            let text: String
            switch format {
            case .mermaid: text = pbs.mermaid + "\n"
            case .text: text = asciiFallback(pbs.text) + "\n"
            case .json: text = JSON.object([("pbs", .raw(pbs.json))]).text + "\n"
            case .markdown: text = "# Probabilistically bounded staleness\n\n```text\n\(pbs.text)\n```\n\n```mermaid\n\(pbs.mermaid)\n```\n"
            case .svg, .html, .shiviz:
                throw CommandError("export pbs writes .mmd (a Mermaid plot), .md, .txt or .json, not .\(format.rawValue)")
            }
            try files.write(TerminalText.escaped(text), to: path)
            result.output = "exported the last pbs result to \(path) (\(format == .mermaid ? "a Mermaid xychart-beta plot" : format.name))"
        case .export(let what, let path, let options):
            let sim = try cluster()
            let format = try Export.format(of: path)
            try Export.check(options, what: what, format: format)
            try Session.checkFilter(options.filter, in: sim)
            guard let files else { throw CommandError("this session cannot write files") }
            let (anomalies, note) = Session.anomaliesForViews(sim)
            let input = Export.Input(
                sim: sim, script: log, seed: seed, anomalies: anomalies ?? [], anomalyNote: note, options: options)
            // Exports are read in terminals and editors too: control characters as their codes.
            let text = TerminalText.escaped(try Export.render(what, format, input))
            try files.write(text, to: path)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            result.output = "exported \(what) to \(path) (\(format.name), \(plural(lines, "line")))"
        case .reset:
            let sim = try cluster()
            simulation = Simulation(model: sim.model, seed: seed)
            result.output = "reset: \(sim.model.summary) starts afresh (undo takes it back)"
        case .undo(let count):
            guard !undoStack.isEmpty else { throw CommandError("nothing to undo") }
            let steps = min(count, undoStack.count)
            let index = undoStack.count - steps
            var target = undoStack[index]
            // Found by replab-fuzz: when a later command replaced the simulation (cluster, reset,
            // load), the current trace is the new simulation's; the target's is the one that
            // command kept whole, cut back to the target's length.
            if target.fullTrace == nil, var kept = undoStack[(index + 1)...].first(where: { $0.fullTrace != nil })?.fullTrace {
                kept.truncate(to: target.traceCount)
                target.fullTrace = kept
            }
            undoStack.removeLast(steps)
            restore(target)
            generation += 1
            result.output =
                "undid \(steps) command(s)" + (steps < count ? " (only \(steps) could be undone)" : "")
                + (log.isEmpty ? "" : "; last command now: \(log[log.count - 1])")
        case .save(let path):
            guard let files else { throw CommandError("this session cannot write files") }
            var text = "# replab session\n"
            if seed != 0 && !log.contains(where: { $0.hasPrefix("seed ") }) { text += "seed \(seed)\n" }
            text += log.map { $0 + "\n" }.joined()
            try files.write(text, to: path)
            result.output = "saved \(log.count) command(s) to \(path)"
        case .load(let path):
            guard let files else { throw CommandError("this session cannot read files") }
            let text = try files.read(path)
            var outputs: [String] = []
            guard loadDepth < 8 else { throw CommandError("load is nested more than 8 deep (does \(path) load itself?)") }
            if loadDepth == 0 { loadedCommands = 0 }
            loadDepth += 1
            defer { loadDepth -= 1 }
            for (number, scriptLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                loadedCommands += 1
                guard loadedCommands <= Session.maxLoadedCommands else {
                    throw CommandError(
                        "\(path):\(number + 1): one load runs at most \(Session.maxLoadedCommands) lines, nested loads included (nothing from \(path) was kept)"
                    )
                }
                let parsed = Session.parseQuietly(String(scriptLine))
                if case .quit = parsed { break }
                let sub = execute(String(scriptLine))
                if !sub.ok { throw CommandError("\(path):\(number + 1): \(sub.error ?? "failed") (nothing from \(path) was kept)") }
                // Each sub-command took its own undo snapshot: fold them into this one load.
                if parsed?.changesState == true { undoStack.removeLast() }
                result.completed += sub.completed
                if !sub.text.isEmpty { outputs.append(sub.text) }
            }
            outputs.append("loaded \(path)")
            result.output = outputs.joined(separator: "\n")
        case .help(let topic):
            let text = reflow(try Help.text(topic: topic, width: style.width), width: style.width)
            result.output = style.unicode ? text : asciiFallback(text)
        case .quit:
            result.quit = true
        case .pbs(let args):
            switch PBSCommand.run(args, defaultSeed: seed) {
            case .success(let output):
                lastPBS = output
                result.output = output.text
                result.extra.append(("pbs", .raw(output.json)))
            case .failure(let error):
                throw CommandError(error.message)
            }
        case .lessons, .lesson, .lessonControl:
            // The REPL (ReplabLessons' LessonShell) answers these before they reach a session;
            // a session meets them only in a script or when no lesson is running.
            if case .lessonControl(let word) = command {
                throw CommandError("\(word) steers a guided lesson, and none is running: lessons lists them, lesson NAME starts one")
            }
            throw CommandError("guided lessons run at the replab> prompt or with replab lesson NAME, not inside a script")
        }
    }

    private mutating func startOperation(
        _ kind: OpKind, key: String, value: Value?, via: Address?, client: Address, blind: Bool, line: String,
        into result: inout CommandResult
    ) throws(CommandError) {
        try mutate(&result, line: line) { sim throws(CommandError) in
            if let via { try Session.checkParticipant(via, in: sim) }
            do throws(SimulationError) {
                try sim.startOperation(kind: kind, key: key, value: value, client: client, via: via, blind: blind)
            } catch {
                throw CommandError(error.message)
            }
            switch sim.model {
            case .leaderless: break
            case .singleLeader(let c):
                if kind == .get {
                    sim.notes.append("   the node answers from its own copy (a lagging follower answers with old data)")
                } else {
                    sim.notes.append(
                        c.sync == 0
                            ? "   the leader applies and logs it, answers at once, then ships it to followers"
                            : "   the leader logs it and answers once "
                                + sim.synchronousFollowers(of: via ?? sim.currentLeader).map(\.name).joined(separator: " and ")
                                + (c.sync == 1 ? " confirms" : " confirm"))
                }
                return
            case .multiLeader:
                sim.notes.append(
                    kind == .get
                        ? "   the leader answers from its own copy"
                        : "   the leader accepts it at once and replicates it along the topology")
                return
            }
            let needed = kind == .get ? sim.config.r : sim.config.w
            let noun = kind == .get ? (needed == 1 ? "reply" : "replies") : (needed == 1 ? "ack" : "acks")
            if sim.config.coordinator == .client {
                sim.notes.append("   waits for \(needed) \(noun) (\(kind == .get ? "r" : "w")=\(needed)); step or deliver the messages")
            } else {
                sim.notes.append("   the coordinator waits for \(needed) \(noun); step or deliver the messages")
            }
        }
    }

    /// Delivers up to `limit` deliverable messages: in the scheduler's order (oldest first,
    /// O(log n) each), or with `random` each one drawn from those deliverable by the seeded
    /// generator (a draw lists what is deliverable, so it costs O(n log n)). Returns how many
    /// were delivered.
    static func deliverSome(_ sim: inout Simulation, limit: Int, random: Bool) -> Int {
        var delivered = 0
        // Past the bound the command fails anyway (checkInFlightBound): stop delivering at once.
        while delivered < limit && sim.network.count <= maxMessagesInFlight {
            guard random ? sim.deliverRandom() : sim.deliverNext() else { break }
            delivered += 1
        }
        return delivered
    }

    /// BOUND (issue 14): the most messages in flight replab holds. Far more than a person can
    /// follow, few enough that every command stays quick; a command that would go past it fails
    /// and changes nothing, instead of growing without end (`duplicate all` doubles the network).
    public static let maxMessagesInFlight = 10_000

    static func checkInFlightBound(_ sim: Simulation, doing: String? = nil) throws(CommandError) {
        guard sim.network.count > maxMessagesInFlight else { return }
        throw CommandError(
            (doing.map { "\($0): " } ?? "")
                + "\(sim.network.count) messages would be in flight; replab holds at most \(maxMessagesInFlight) (deliver, drop or run some first); nothing was changed"
        )
    }

    static func parseQuietly(_ line: String) -> Command? {
        do { return try Parser.parse(line) } catch { return nil }
    }

    static func nothingToDeliver(_ sim: Simulation) -> String {
        let held = sim.inFlight.filter { !sim.isDeliverable($0) }
        if held.isEmpty { return "nothing in flight" }
        return "nothing deliverable: \(held.map(\.id.description).joined(separator: ", ")) held on cut links until heal"
    }

    /// A filter must name a key something touched and an operation that exists.
    static func checkFilter(_ filter: TimelineFilter, in sim: Simulation) throws(CommandError) {
        if let key = filter.key, !sim.knownKeys.contains(key) {
            throw CommandError("no replica or operation has touched key \"\(key)\"\(suggestion(for: key, among: sim.knownKeys))")
        }
        if let op = filter.op, op > sim.history.count {
            throw CommandError(
                sim.history.isEmpty
                    ? "op=\(op): no operation has started yet"
                    : "op=\(op): there are \(plural(sim.history.count, "operation")), numbered 1 to \(sim.history.count)")
        }
    }

    static func checkParticipant(_ address: Address, in sim: Simulation) throws(CommandError) {
        if address.isReplica && address.replicaIndex >= sim.config.nodes {
            let names = sim.replicaAddresses.map(\.name)
            throw CommandError(
                "unknown node \(address.name)\(suggestion(for: address.name, among: names)): this cluster has \(names.joined(separator: " "))"
            )
        }
    }

    /// The messages a list of selectors picks, in id order.
    static func select(_ selectors: [Selector], in sim: Simulation, forDelivery: Bool) throws(CommandError) -> [MessageID] {
        let flight = sim.inFlight
        var chosen = Set<MessageID>()
        for selector in selectors {
            var matched: [Envelope<Message>]
            switch selector {
            case .message(let id):
                guard let envelope = flight.first(where: { $0.id == id }) else {
                    let known = flight.map(\.id.description)
                    throw CommandError(
                        "\(id) is not in flight" + (known.isEmpty ? " (nothing is)" : "; in flight: \(known.joined(separator: " "))"))
                }
                if forDelivery, let reason = sim.blockedReason(envelope) {
                    throw CommandError("\(id) cannot be delivered: \(reason); heal first, or drop it")
                }
                matched = [envelope]
            case .link(let a, let b):
                try checkParticipant(a, in: sim)
                try checkParticipant(b, in: sim)
                matched = flight.filter { $0.from == a && $0.to == b }
            case .to(let node):
                try checkParticipant(node, in: sim)
                matched = flight.filter { $0.to == node }
            case .from(let node):
                try checkParticipant(node, in: sim)
                matched = flight.filter { $0.from == node }
            case .all:
                matched = flight
            }
            if case .message = selector {
            } else {
                if forDelivery { matched = matched.filter { sim.isDeliverable($0) } }
                if matched.isEmpty {
                    let what = describe(selector)
                    throw CommandError(
                        "no \(forDelivery ? "deliverable " : "")message in flight matches \(what)"
                            + (flight.isEmpty
                                ? " (nothing is in flight)" : "; in flight: \(flight.map(\.id.description).joined(separator: " "))"))
                }
            }
            chosen.formUnion(matched.map(\.id))
        }
        return chosen.sorted()
    }

    static func describe(_ selector: Selector) -> String {
        switch selector {
        case .message(let id): return id.description
        case .link(let a, let b): return "\(a.name)->\(b.name)"
        case .to(let node): return "to \(node.name)"
        case .from(let node): return "from \(node.name)"
        case .all: return "all"
        }
    }

    static func requireLeaderless(_ sim: Simulation, _ what: String) throws(CommandError) {
        guard sim.model.isLeaderless else {
            throw CommandError("\(what) belongs to leaderless clusters; this cluster is \(sim.model.name)")
        }
    }

    static func requireSingleLeader(_ sim: Simulation, _ what: String) throws(CommandError) {
        guard case .singleLeader = sim.model else {
            throw CommandError("\(what) belongs to single-leader clusters; this cluster is \(sim.model.name)")
        }
    }

    static func apply(_ setting: Setting, to sim: inout Simulation) throws(CommandError) -> String {
        switch setting {
        case .readRepair, .antiEntropy, .sloppy, .gcGrace:
            try requireLeaderless(sim, "set \(setting.name)")
        case .tombstones:
            if case .singleLeader = sim.model {
                throw CommandError("set tombstones belongs to leaderless and multi-leader clusters; a single leader's log orders deletes")
            }
        case .fencing, .failoverTimeout:
            try requireSingleLeader(sim, "set \(setting.name)")
        case .timeout, .ascii, .detail:
            break
        }
        switch setting {
        case .fencing(let on):
            sim.settings.fencing = on
            return on
                ? "fencing on: every leadership has an epoch; a node that sees a higher epoch steps down, and writes from an older epoch are rejected"
                : "fencing off: nothing stops a deposed leader that still believes it leads"
        case .failoverTimeout(let ticks):
            sim.settings.failoverTimeoutTicks = ticks
            return ticks.map { "failover-timeout \($0): a follower is promoted once the leader has been unreachable for \($0) tick(s)" }
                ?? "failover-timeout off: only the failover command promotes a follower"
        case .tombstones(let on):
            sim.settings.tombstones = on
            return on
                ? "tombstones on: a delete writes a tombstone (a version with no value)"
                : "tombstones off: a delete removes the key outright; a replica that missed it can bring the value back"
        case .timeout(let ticks):
            sim.settings.timeoutTicks = ticks
            return "timeout \(ticks) tick(s): operations started from now on fail if their quorum is not reached in time"
        case .readRepair(let on):
            sim.settings.readRepair = on
            return on
                ? "read repair on (Riak's rule): after a read has its r replies, replicas that answered with older versions are sent the newest"
                : "read repair off"
        case .antiEntropy(let on, let every):
            sim.settings.antiEntropyEveryTicks = on ? (every ?? 5) : nil
            return on
                ? "anti-entropy on: every \(every ?? 5) tick(s) each live replica starts a Merkle-tree exchange with the next live one in ring order"
                : "anti-entropy off"
        case .gcGrace(let ticks):
            sim.settings.gcGraceTicks = ticks
            return ticks.map { "gc-grace \($0): tombstones older than \($0) tick(s) are purged as time passes" }
                ?? "gc-grace off: tombstones are kept"
        case .sloppy(let on):
            sim.settings.sloppy = on
            guard on else {
                return "sloppy quorums off: operations go to the key's n primaries only and fail at their timeout if too few answer"
                    + (sim.replicaAddresses.contains { !sim.hints(at: $0).isEmpty } ? "; hints already held are still handed over" : "")
            }
            var text =
                "sloppy quorums on: an operation goes to the first n=\(sim.config.n) nodes of the key's preference list that its coordinator can reach; a fallback keeps a write apart as a hint for the primary it stands in for and hands it over when time passes and the owner is reachable"
            if sim.config.nodes == sim.config.n {
                text += " (with nodes = n = \(sim.config.n) there are no fallbacks: build the cluster with nodes > n to see them)"
            }
            return text
        case .ascii, .detail:
            // Handled by the session before a cluster is needed.
            return ""
        }
    }

    /// What `check` finds, for views that place anomalies, or why it was not run.
    public static func anomaliesForViews(_ sim: Simulation) -> ([Anomaly]?, String?) {
        guard sim.history.count <= checkerOperationsForViews else {
            return (
                nil,
                "(anomalies not placed: the history has \(sim.history.count) operations, more than the \(checkerOperationsForViews) a view checks; check lists them)"
            )
        }
        return (Checker.check(sim), nil)
    }

    // MARK: - Completion

    /// Candidates for tab completion of `word`, given the line up to the cursor: only the words
    /// that fit at that position (Vocabulary.swift), and the session's nodes, clients, keys,
    /// messages and rules where a command names them.
    public func completions(line: String, word: String) -> [String] {
        var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if !line.hasSuffix(" "), !words.isEmpty { words.removeLast() }
        var names = Vocabulary.Names()
        if let simulation {
            names.nodes = simulation.replicaAddresses.map(\.name)
            names.keys = simulation.knownKeys
            names.messages = simulation.inFlight.map(\.id.description)
            names.rules = simulation.settings.rules.map(\.name)
            names.leaderless = simulation.model.isLeaderless
        }
        names.clients = ((simulation?.knownClients.map(\.name) ?? []) + ["c1"])
        var seen = Set<String>()
        return Vocabulary.candidates(after: words, names).filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    }
}

extension Command {
    /// Commands that swap the whole simulation out (so undo keeps the old trace whole).
    var replacesSimulation: Bool {
        switch self {
        case .cluster, .reset, .load: return true
        default: return false
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" || first == "\n" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" { scalars.removeLast() }
        return String(scalars)
    }
}
