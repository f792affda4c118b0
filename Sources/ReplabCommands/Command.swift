import ReplabKernel
import ReplabModels
import ReplabRender

/// Which messages a network command acts on.
public enum Selector: Equatable, Sendable {
    case message(MessageID)
    case link(Address, Address)
    case to(Address)
    case from(Address)
    case all
}

public enum Setting: Equatable, Sendable {
    case readRepair(Bool)
    case antiEntropy(Bool, every: UInt64?)
    case sloppy(Bool)
    case tombstones(Bool)
    case gcGrace(UInt64?)
    case timeout(UInt64)
    /// Display only: ASCII-only views (on) or Unicode box drawing (off).
    case ascii(Bool)
    case fencing(Bool)
    case failoverTimeout(UInt64?)
    /// Presenting only: brief reports (true) or every message (false, the default).
    case detail(brief: Bool)

    /// The switch's name as typed after `set`.
    public var name: String {
        switch self {
        case .readRepair: return "read-repair"
        case .antiEntropy: return "anti-entropy"
        case .sloppy: return "sloppy"
        case .tombstones: return "tombstones"
        case .gcGrace: return "gc-grace"
        case .timeout: return "timeout"
        case .fencing: return "fencing"
        case .failoverTimeout: return "failover-timeout"
        case .ascii: return "ascii"
        case .detail: return "detail"
        }
    }
}

public enum View: Equatable, Sendable {
    case topology(mermaid: Bool)
    case timeline(mermaid: Bool, filter: TimelineFilter)
    case state(key: String?)
    case ring(mermaid: Bool)
    /// A replica's Merkle tree, or two replicas' trees over the range they share, compared.
    case merkle(Address, Address?)
    case history
}

/// A parsed command: the abstract syntax of the command language (`../shared/COMMANDS.md`).
public enum Command: Equatable, Sendable {
    case cluster(ClusterModel)
    case put(key: String, value: Value, via: Address?, client: Address, blind: Bool)
    case get(key: String, via: Address?, client: Address)
    case delete(key: String, via: Address?, client: Address)
    case insert(key: String, value: Value, via: Address?, client: Address)
    case update(key: String, value: Value, via: Address?, client: Address)
    case messages
    /// `random`: in an order drawn from the session's seeded generator instead of oldest first.
    case step(count: Int, random: Bool = false)
    case deliver([Selector])
    case drop([Selector])
    case duplicate([Selector])
    case run(max: Int?, random: Bool = false)
    case partition([[Address]])
    case heal
    case crash(Address)
    case recover(Address)
    case tick(count: Int)
    case seed(UInt64)
    case set(Setting)
    case antiEntropy(Address, Address)
    case failover(Address?)
    /// `rule unique PATTERN [as NAME]`, `rules`, `rule drop NAME` (Rules.swift).
    case rule(RuleCommand)
    case show(View)
    case check
    /// `explain KEY [NODE]` (Explain.swift).
    case explain(key: String, node: Address?)
    /// `options`: the timeline filters, `theme=` and `title=` that follow the file name.
    case export(what: String, path: String, options: ExportOptions = ExportOptions())
    case reset
    case undo(count: Int)
    case save(path: String)
    case load(path: String)
    case help(topic: String?)
    case quit
    case pbs([String])
    case lessons
    case lesson(String)
    case lessonControl(String)
    case explore(ExploreRequest)

    /// Whether running it can change the session (and so `undo` can take it back).
    public var changesState: Bool {
        switch self {
        case .explore(let request):
            // Exploring never changes the session; only playing a finding's schedule does.
            if case .apply = request { return true }
            return false
        case .rule(.list), .explain:
            return false
        case .rule:
            return true
        case .set(.ascii), .set(.detail):
            // How views are drawn is not part of the simulation: undo and save leave it alone.
            return false
        case .cluster, .put, .get, .delete, .insert, .update, .step, .deliver, .drop, .duplicate, .run, .partition,
            .heal, .crash, .recover, .tick, .seed, .set, .antiEntropy, .failover, .reset, .load:
            return true
        case .messages, .show, .check, .export, .undo, .save, .help, .quit, .pbs, .lessons, .lesson, .lessonControl:
            return false
        }
    }
}
