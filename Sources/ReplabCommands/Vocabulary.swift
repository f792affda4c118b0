import ReplabModels
import ReplabPBS

/// The command language's words in one table: the parser's word lists, tab completion, the
/// lists in help (HelpLists.swift) and the test that every word the parser accepts can be
/// completed all read it.
///
/// A command's arguments are described as slots: what may be typed at each position after the
/// command word, given the words before it. Keys, nodes, clients and message ids come from the
/// session; the words below are fixed.
public enum Vocabulary {
    public static let clusterModels = ["leaderless", "single-leader", "multi-leader"]
    /// Each model's options, with their word values (`n=` and the like take numbers).
    public static let clusterOptions: [String: [String]] = [
        "leaderless": [
            "nodes=", "n=", "w=", "r=", "coordinator=client", "coordinator=node", "resolve=siblings", "resolve=lww", "clocks=dvv",
            "clocks=vv",
        ],
        "single-leader": ["replicas=", "sync="],
        "multi-leader": [
            "leaders=", "topology=all-to-all", "topology=star", "topology=ring", "resolve=lww", "resolve=siblings", "resolve=union",
            "causal=on", "causal=off",
        ],
    ]
    /// What each model takes when an option is not given, as help shows it (`[n=3]`,
    /// `[coordinator=client|node]`: the default first); the parser applies the same defaults.
    public static let clusterDefaults: [String: [String: String]] = [
        "leaderless": ["nodes": "3", "n": "3", "w": "2", "r": "2", "coordinator": "client", "resolve": "siblings", "clocks": "dvv"],
        "single-leader": ["replicas": "3", "sync": "0"],
        "multi-leader": ["leaders": "3", "topology": "all-to-all", "resolve": "lww", "causal": "off"],
    ]
    /// `set` switches, in the order errors list them, and what follows each.
    public static let switches = [
        "read-repair", "anti-entropy", "sloppy", "tombstones", "gc-grace", "timeout", "fencing", "failover-timeout", "ascii", "detail",
    ]
    public static let switchValues: [String: [String]] = [
        "read-repair": ["on", "off"], "anti-entropy": ["on", "off"], "sloppy": ["on", "off"], "tombstones": ["on", "off"],
        "fencing": ["on", "off"], "ascii": ["on", "off"], "gc-grace": ["off"], "failover-timeout": ["off"], "timeout": [],
        "detail": ["brief", "full"],
    ]
    /// Switches that take a number, and how help names it (`set timeout TICKS`).
    public static let switchArguments: [String: String] = ["timeout": "TICKS", "gc-grace": "TICKS", "failover-timeout": "TICKS"]
    /// Options that may follow a switch's value (`set anti-entropy on every=3`).
    public static let switchOptions: [String: [String]] = ["anti-entropy": ["every="]]
    public static let views = ["state", "history", "topology", "timeline", "ring", "merkle"]
    /// Options of each view (`show timeline mermaid last=20`), with the timeline filters and
    /// export options other commands add (steps=, key=, op=).
    public static let viewOptions: [String: [String]] = [
        "topology": ["mermaid"], "timeline": ["mermaid", "last=", "steps=", "key=", "op="], "ring": ["mermaid"],
    ]
    /// What a view takes that names the session's things, as help writes it.
    public static let viewArguments: [String: String] = ["state": "[KEY]", "merkle": "NODE [NODE]"]
    public static let exportKinds = ["topology", "timeline", "state", "session", "pbs"]
    public static let exportOptions = ["last=", "steps=", "key=", "op=", "theme=light", "theme=dark", "title="]
    public static let clientOptions = ["via", "as"]
    public static let selectorWords = ["all", "to", "from"]
    public static let ruleVerbs = ["unique", "drop"]
    /// `explore`'s verbs and its budgets (`explore drops=1 max-states=5000`).
    public static let exploreVerbs = ["find", "show", "apply"]
    public static let exploreBudgets = ["drops=", "duplicates=", "crashes=", "max-states="]
    /// What follows each verb of `rule` and `explore`, as help writes it.
    public static let verbArguments: [String: [String: String]] = [
        "rule": ["unique": "PATTERN [as NAME]", "drop": "NAME"],
        "explore": ["find": "KIND|RULE|outcome OP VALUE [OPTION=N…]", "show": "N", "apply": "N"],
    ]
    /// How help writes the value of each `NAME=` option that takes a number or a name.
    public static let placeholders: [String: String] = [
        "last=": "N", "steps=": "A..B", "key=": "K", "op=": "N", "title=": "\"…\"", "every=": "TICKS", "drops=": "K",
        "duplicates=": "K", "crashes=": "K", "max-states=": "N",
    ]
    /// The words that steer a running lesson (offered by the lesson shell while one runs).
    public static let lessonWords = ["next", "back", "again", "end"]

    /// What the session knows, for the slots that name its things.
    public struct Names: Sendable {
        public var nodes: [String] = []
        public var clients: [String] = []
        public var keys: [String] = []
        public var messages: [String] = []
        public var rules: [String] = []
        public var leaderless = true
        public init() {}
    }

    /// The words that fit after `words` (the complete words typed so far, the command first).
    public static func candidates(after words: [String], _ names: Names) -> [String] {
        guard let command = words.first else { return Catalog.names.filter { !lessonWords.contains($0) } }
        let args = Array(words.dropFirst())
        let previous = args.last
        switch command {
        case "cluster":
            guard let model = args.first else { return clusterModels }
            let used = Set(args.dropFirst().compactMap { $0.split(separator: "=").first.map(String.init) })
            return (clusterOptions[model] ?? []).filter { !used.contains(String($0.split(separator: "=")[0])) }
        case "put", "insert", "update", "get", "delete":
            if previous == "via" { return names.nodes }
            if previous == "as" { return names.clients }
            let valueSlots = ["put", "insert", "update"].contains(command) ? 2 : 1
            if args.isEmpty { return names.keys }
            if args.count < valueSlots { return [] }
            var options = clientOptions.filter { !args.contains($0) }
            if command == "put" && names.leaderless && !args.contains("blind") { options.append("blind") }
            return options
        case "deliver", "drop", "duplicate":
            if previous == "to" || previous == "from" { return names.nodes + names.clients }
            return names.messages + selectorWords + links(names)
        case "step": return args.contains("random") ? [] : ["random"]
        case "run": return ["max=", "random"].filter { option in !args.contains { $0.hasPrefix(option) } }
        case "partition": return names.nodes + names.clients + ["|"]
        case "crash", "recover", "failover": return args.isEmpty ? names.nodes : []
        case "anti-entropy": return args.count < 2 ? names.nodes.filter { !args.contains($0) } : []
        case "set":
            guard let name = args.first else { return switches }
            if args.count == 1 { return switchValues[name] ?? [] }
            return args.count == 2 && args[1] == "on" ? switchOptions[name] ?? [] : []
        case "show":
            guard let view = args.first else { return views }
            switch view {
            case "state": return args.count == 1 ? names.keys : []
            case "merkle": return args.count < 3 ? names.nodes.filter { !args.contains($0) } : []
            default:
                return (viewOptions[view] ?? []).filter { option in !args.dropFirst().contains { $0.hasPrefix(option) } }
            }
        case "export":
            guard let kind = args.first else { return exportKinds }
            return kind == "timeline" || kind == "session" ? exportOptions.filter { o in !args.contains { $0.hasPrefix(o) } } : []
        case "explain":
            if args.isEmpty { return names.keys }
            return args.count == 1 ? names.nodes : []
        case "rule":
            guard let verb = args.first else { return ruleVerbs }
            if verb == "drop" { return args.count == 1 ? names.rules : [] }
            return args.count == 2 ? ["as"] : []
        case "explore":
            guard let verb = args.first else { return exploreVerbs + exploreBudgets }
            switch verb {
            case "find":
                guard args.count == 1 else { return [] }
                return Anomaly.Kind.allCases.map(\.rawValue) + ["outcome"] + names.rules
            case "show", "apply": return []
            default: return exploreBudgets.filter { option in !args.contains { $0.hasPrefix(option) } }
            }
        case "help": return args.isEmpty ? Catalog.names : []
        case "pbs": return PBSCommand.optionNames
        default: return []
        }
    }

    /// `A->B` for every pair of participants with a message in flight is too much to list; the
    /// links worth offering are those from each client and node to each node.
    static func links(_ names: Names) -> [String] {
        guard names.nodes.count <= 5 else { return [] }
        return (names.clients + names.nodes).flatMap { from in names.nodes.filter { $0 != from }.map { "\(from)->\($0)" } }
    }
}
