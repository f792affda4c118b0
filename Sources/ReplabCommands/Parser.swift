import ReplabKernel
import ReplabModels
import ReplabRender

/// Turns a line into a `Command`, or a one-line error that says what was wrong and what is
/// allowed. Parsing is pure: it knows nothing of the session (whether node `D` exists is the
/// executor's business).
public enum Parser {
    public static let maxCount = 100_000
    public static let maxTicks = 10_000
    public static let maxRun = 100_000

    /// Parses one line; `nil` for a blank line or a comment.
    public static func parse(_ line: String) throws(CommandError) -> Command? {
        let tokens = try Lexer.tokenize(line)
        guard let first = tokens.first else { return nil }
        guard first.kind == .word else {
            throw CommandError(
                "a command starts with its name, not \(first.kind == .bar ? "|" : "a quoted string"); type help for the list")
        }
        var words = Words(tokens: Array(tokens.dropFirst()), command: first.text)
        let name = first.text
        switch name {
        case "cluster": return .cluster(try parseCluster(&words))
        case "put":
            let key = try words.key(usage: "put KEY VALUE [via NODE] [as CLIENT] [blind]")
            let value = try words.value(usage: "put KEY VALUE [via NODE] [as CLIENT] [blind]")
            let options = try parseClientOptions(&words, allowBlind: true)
            return .put(key: key, value: value, via: options.via, client: options.client, blind: options.blind)
        case "get", "delete":
            let key = try words.key(usage: "\(name) KEY [via NODE] [as CLIENT]")
            let options = try parseClientOptions(&words, allowBlind: false)
            return name == "get"
                ? .get(key: key, via: options.via, client: options.client)
                : .delete(key: key, via: options.via, client: options.client)
        case "insert", "update":
            let key = try words.key(usage: "\(name) KEY VALUE [via NODE] [as CLIENT]")
            let value = try words.value(usage: "\(name) KEY VALUE [via NODE] [as CLIENT]")
            let options = try parseClientOptions(&words, allowBlind: false)
            return name == "insert"
                ? .insert(key: key, value: value, via: options.via, client: options.client)
                : .update(key: key, value: value, via: options.via, client: options.client)
        case "messages":
            try words.end()
            return .messages
        case "step":
            var count = 1
            var random = false
            while let token = words.next() {
                if token.text == "random" && !random {
                    random = true
                } else if let value = Int(token.text), value > 0, value <= maxCount, count == 1 {
                    count = value
                } else {
                    _ = try number(token.text, what: "COUNT", range: 1...maxCount)
                    throw CommandError("step takes a COUNT and random, not \"\(token.text)\": step [COUNT] [random]")
                }
            }
            return .step(count: count, random: random)
        case "deliver", "drop", "duplicate":
            let selectors = try parseSelectors(&words, usage: "\(name) SELECTOR…")
            switch name {
            case "deliver": return .deliver(selectors)
            case "drop": return .drop(selectors)
            default: return .duplicate(selectors)
            }
        case "run":
            var max: Int? = nil
            var random = false
            while let token = words.next() {
                if token.text == "random" && !random {
                    random = true
                } else if token.text.hasPrefix("max="), max == nil {
                    max = try number(String(token.text.dropFirst(4)), what: "max", range: 1...maxRun)
                } else {
                    throw CommandError("run takes max=N and random (got \"\(token.text)\"): run [max=N] [random]")
                }
            }
            return .run(max: max, random: random)
        case "partition": return .partition(try parsePartition(&words))
        case "heal":
            try words.end()
            return .heal
        case "crash", "recover":
            let node = try words.replica(usage: "\(name) NODE")
            try words.end()
            return name == "crash" ? .crash(node) : .recover(node)
        case "tick":
            let count = try words.optionalCount(what: "COUNT", max: maxTicks, usage: "tick [COUNT]") ?? 1
            try words.end()
            return .tick(count: count)
        case "seed":
            guard let token = words.next() else { throw CommandError("seed needs a number: seed N (0 to 18446744073709551615)") }
            guard let seed = parseSeed(token.text) else {
                throw CommandError("seed must be a whole number from 0 to 18446744073709551615 (or hex like 0x5EED), not \"\(token.text)\"")
            }
            try words.end()
            return .seed(seed)
        case "set": return .set(try parseSet(&words))
        case "anti-entropy":
            let a = try words.replica(usage: "anti-entropy NODE NODE")
            let b = try words.replica(usage: "anti-entropy NODE NODE")
            try words.end()
            if a == b { throw CommandError("anti-entropy needs two different replicas, not \(a.name) twice") }
            return .antiEntropy(a, b)
        case "failover":
            let node = words.peek() == nil ? nil : try words.replica(usage: "failover [NODE]")
            try words.end()
            return .failover(node)
        case "show": return .show(try parseShow(&words))
        case "check":
            try words.end()
            return .check
        case "explore": return .explore(try parseExplore(&words))
        case "export":
            let kinds = Vocabulary.exportKinds
            guard let what = words.next() else {
                throw CommandError("export needs what and where: export \(kinds.joined(separator: "|")) FILE")
            }
            guard kinds.contains(what.text) else {
                throw CommandError(
                    "cannot export \"\(what.text)\"\(suggestion(for: what.text, among: kinds)); allowed: \(kinds.joined(separator: ", "))")
            }
            let path = try words.path(usage: "export \(what.text) FILE")
            let options = try parseExportOptions(&words, what: what.text)
            return .export(what: what.text, path: path, options: options)
        case "reset":
            try words.end()
            return .reset
        case "undo":
            let count = try words.optionalCount(what: "N", max: maxCount, usage: "undo [N]") ?? 1
            try words.end()
            return .undo(count: count)
        case "save", "load":
            let path = try words.path(usage: "\(name) FILE")
            try words.end()
            return name == "save" ? .save(path: path) : .load(path: path)
        case "help":
            let topic = words.next()?.text
            try words.end()
            return .help(topic: topic)
        case "quit", "exit":
            try words.end()
            return .quit
        case "pbs":
            var args: [String] = []
            while let token = words.next() { args.append(token.text) }
            return .pbs(args)
        case "lessons":
            try words.end()
            return .lessons
        case "lesson":
            guard let lessonName = words.next() else { throw CommandError("lesson needs a name: lesson NAME (lessons lists them)") }
            try words.end()
            return .lesson(lessonName.text)
        case "next", "back", "again", "end":
            try words.end()
            return .lessonControl(name)
        case "explain":
            let key = try words.key(usage: "explain KEY [NODE]")
            let node = words.peek() == nil ? nil : try words.replica(usage: "explain KEY [NODE]")
            try words.end()
            return .explain(key: key, node: node)
        case "rule", "rules":
            return .rule(try RuleCommand.parse(name, &words))
        default:
            throw CommandError("unknown command \"\(name)\"\(suggestion(for: name, among: Catalog.names)); type help for the list")
        }
    }

    // MARK: - Pieces

    static func parseCluster(_ words: inout Words) throws(CommandError) -> ClusterModel {
        let models = Vocabulary.clusterModels
        guard let model = words.next() else {
            throw CommandError("cluster needs a model: cluster \(models.joined(separator: "|")) [OPTION=VALUE…]")
        }
        guard models.contains(model.text) else {
            throw CommandError(
                "unknown model \"\(model.text)\"\(suggestion(for: model.text, among: models)); allowed: \(models.joined(separator: ", "))"
            )
        }
        // The option names, in the table's order, each once (resolve=lww and resolve=siblings: resolve).
        var allowed: [String] = []
        for option in Vocabulary.clusterOptions[model.text] ?? [] {
            let name = String(option.prefix { $0 != "=" })
            if !allowed.contains(name) { allowed.append(name) }
        }
        var options: [String: String] = [:]
        while let token = words.next() {
            guard let eq = token.text.firstIndex(of: "="), eq != token.text.startIndex else {
                throw CommandError(
                    "expected OPTION=VALUE, got \"\(token.text)\"; options for cluster \(model.text): \(allowed.joined(separator: ", "))")
            }
            let key = String(token.text[..<eq])
            let value = String(token.text[token.text.index(after: eq)...])
            guard allowed.contains(key) else {
                // The models that take this option, from the table (resolve=: leaderless and multi-leader).
                let owners = models.filter { m in (Vocabulary.clusterOptions[m] ?? []).contains { $0.hasPrefix(key + "=") } }
                if !owners.isEmpty {
                    let owner = owners.joined(separator: " and ")
                    throw CommandError(
                        "\(key)= belongs to \(owner) clusters, not \(model.text); options for cluster \(model.text): \(allowed.joined(separator: ", "))"
                    )
                }
                throw CommandError(
                    "unknown option \"\(key)\" for cluster \(model.text)\(suggestion(for: key, among: allowed)); allowed: \(allowed.joined(separator: ", "))"
                )
            }
            guard options[key] == nil else { throw CommandError("option \(key) is given twice") }
            guard !value.isEmpty else { throw CommandError("option \(key)= needs a value") }
            options[key] = value
        }
        switch model.text {
        case "leaderless":
            var config = LeaderlessConfig()
            config.nodes = try number(options["nodes"] ?? "3", what: "nodes", range: 1...26, hint: "at most 26 replicas (A…Z)")
            config.n = try number(options["n"] ?? String(min(3, config.nodes)), what: "n", range: 1...26)
            let defaultQuorum = String(config.n / 2 + 1)
            config.w = try number(options["w"] ?? defaultQuorum, what: "w", range: 1...26)
            config.r = try number(options["r"] ?? defaultQuorum, what: "r", range: 1...26)
            if let value = options["coordinator"] {
                guard let c = Coordination(rawValue: value) else {
                    throw CommandError("coordinator=\(value) is not allowed: use coordinator=client or coordinator=node")
                }
                config.coordinator = c
            }
            if let value = options["resolve"] {
                guard let r = Resolution(rawValue: value) else {
                    throw CommandError("resolve=\(value) is not allowed for leaderless clusters: use resolve=siblings or resolve=lww")
                }
                config.resolve = r
            }
            if let value = options["clocks"] {
                guard let clocks = Clocks(rawValue: value) else {
                    throw CommandError(
                        "clocks=\(value) is not allowed: use clocks=dvv (dotted version vectors, the default) or clocks=vv (one version vector per key)"
                    )
                }
                config.clocks = clocks
            }
            if config.nodes < config.n {
                throw CommandError(
                    "nodes=\(config.nodes) is smaller than n=\(config.n): each key needs n replicas, so nodes must be at least n")
            }
            if config.w > config.n {
                throw CommandError(
                    "w=\(config.w) is larger than n=\(config.n): a write cannot wait for more replicas than hold the key (allowed: 1 to \(config.n))"
                )
            }
            if config.r > config.n {
                throw CommandError(
                    "r=\(config.r) is larger than n=\(config.n): a read cannot wait for more replicas than hold the key (allowed: 1 to \(config.n))"
                )
            }
            return .leaderless(config)
        case "single-leader":
            let replicas = try number(options["replicas"] ?? "3", what: "replicas", range: 1...26, hint: "at most 26 replicas (A…Z)")
            let sync = try number(options["sync"] ?? "0", what: "sync", range: 0...25)
            if sync > replicas - 1 {
                throw CommandError(
                    "sync=\(sync) is more than the \(replicas - 1) follower(s) of \(replicas) replicas (allowed: 0 to \(replicas - 1))")
            }
            return .singleLeader(SingleLeaderConfig(replicas: replicas, sync: sync))
        default:
            let leaders = try number(options["leaders"] ?? "3", what: "leaders", range: 1...26, hint: "at most 26 leaders (A…Z)")
            let topologyName = options["topology"] ?? "all-to-all"
            guard let topology = Topology(rawValue: topologyName) else {
                throw CommandError("topology=\(topologyName) is not allowed: use all-to-all, star or ring")
            }
            let resolveName = options["resolve"] ?? "lww"
            guard let resolve = MultiResolution(rawValue: resolveName) else {
                throw CommandError("resolve=\(resolveName) is not allowed for multi-leader clusters: use lww, siblings or union")
            }
            let causal = options["causal"] ?? "off"
            guard causal == "on" || causal == "off" else {
                throw CommandError("causal=\(causal) is not allowed: use causal=on or causal=off")
            }
            return .multiLeader(MultiLeaderConfig(leaders: leaders, topology: topology, resolve: resolve, causal: causal == "on"))
        }
    }

    struct ClientOptions {
        var via: Address? = nil
        var client = Address.client(1)
        var blind = false
    }

    static func parseClientOptions(_ words: inout Words, allowBlind: Bool) throws(CommandError) -> ClientOptions {
        var options = ClientOptions()
        var seen = Set<String>()
        let allowed = allowBlind ? ["via", "as", "blind"] : ["via", "as"]
        while let token = words.next() {
            guard allowed.contains(token.text) else {
                throw CommandError(
                    "unexpected \"\(token.text)\" after the \(words.command)\(suggestion(for: token.text, among: allowed)); allowed: \(allowed.map { $0 == "blind" ? "blind" : "\($0) \($0 == "via" ? "NODE" : "CLIENT")" }.joined(separator: ", "))"
                )
            }
            guard seen.insert(token.text).inserted else { throw CommandError("\(token.text) is given twice") }
            switch token.text {
            case "via": options.via = try words.replica(usage: "via NODE")
            case "as":
                guard let name = words.next() else { throw CommandError("as needs a client name like c2") }
                guard let client = Address(name: name.text), client.isClient else {
                    throw CommandError("\"\(name.text)\" is not a client name: clients are c1, c2, … (up to c999)")
                }
                options.client = client
            default: options.blind = true
            }
        }
        return options
    }

    static func parseSelectors(_ words: inout Words, usage: String) throws(CommandError) -> [Selector] {
        var selectors: [Selector] = []
        while let token = words.next() {
            switch token.text {
            case "all": selectors.append(.all)
            case "to", "from":
                guard let name = words.next() else { throw CommandError("\(token.text) needs a participant, like \(token.text) B") }
                guard let address = Address(name: name.text) else {
                    throw CommandError("\"\(name.text)\" is not a node or client: nodes are A, B, …; clients c1, c2, …")
                }
                selectors.append(token.text == "to" ? .to(address) : .from(address))
            default:
                if let id = MessageID(name: token.text) {
                    selectors.append(.message(id))
                } else if let arrow = Words.arrow(in: token.text) {
                    let (from, to) = arrow
                    guard let a = Address(name: from), let b = Address(name: to) else {
                        throw CommandError("\"\(token.text)\" is not a link: write it like A->B or c1->A")
                    }
                    selectors.append(.link(a, b))
                } else {
                    throw CommandError(
                        "\"\(token.text)\" is not a selector: use a message id (m4), a link (A->B), to NODE, from NODE, or all")
                }
            }
        }
        if selectors.isEmpty { throw CommandError("which messages? \(usage) where SELECTOR is m4, A->B, to NODE, from NODE or all") }
        return selectors
    }

    static func parsePartition(_ words: inout Words) throws(CommandError) -> [[Address]] {
        var groups: [[Address]] = [[]]
        var seen = Set<Address>()
        while let token = words.next() {
            if token.kind == .bar {
                groups.append([])
                continue
            }
            guard let address = Address(name: token.text) else {
                throw CommandError("\"\(token.text)\" is not a node or client: partition A B | C")
            }
            guard seen.insert(address).inserted else { throw CommandError("\(address.name) is named twice in the partition") }
            groups[groups.count - 1].append(address)
        }
        if groups.contains(where: \.isEmpty) || groups.count < 2 {
            throw CommandError("partition needs at least two non-empty groups separated by |, like partition A B | C")
        }
        return groups
    }

    static func parseSet(_ words: inout Words) throws(CommandError) -> Setting {
        let switches = Vocabulary.switches
        guard let name = words.next() else {
            throw CommandError("set needs a switch: \(switches.joined(separator: ", "))")
        }
        func onOff() throws(CommandError) -> Bool {
            guard let token = words.next() else { throw CommandError("set \(name.text) needs on or off") }
            switch token.text {
            case "on": return true
            case "off": return false
            default: throw CommandError("set \(name.text) takes on or off, not \"\(token.text)\"")
            }
        }
        let setting: Setting
        switch name.text {
        case "read-repair": setting = .readRepair(try onOff())
        case "sloppy": setting = .sloppy(try onOff())
        case "tombstones": setting = .tombstones(try onOff())
        case "ascii": setting = .ascii(try onOff())
        case "detail":
            guard let token = words.next() else { throw CommandError("set detail needs brief or full") }
            switch token.text {
            case "brief": setting = .detail(brief: true)
            case "full": setting = .detail(brief: false)
            default: throw CommandError("set detail takes brief or full, not \"\(token.text)\"")
            }
        case "anti-entropy":
            let on = try onOff()
            var every: UInt64? = nil
            if let token = words.next() {
                guard token.text.hasPrefix("every="), on else {
                    throw CommandError("set anti-entropy takes on [every=TICKS] or off, not \"\(token.text)\"")
                }
                every = UInt64(try number(String(token.text.dropFirst(6)), what: "every", range: 1...maxTicks))
            }
            setting = .antiEntropy(on, every: every)
        case "gc-grace":
            guard let token = words.next() else { throw CommandError("set gc-grace needs TICKS (0 to \(maxTicks)) or off") }
            if token.text == "off" {
                setting = .gcGrace(nil)
            } else {
                if token.text.hasPrefix("-") {
                    throw CommandError("set gc-grace cannot be negative (got \(token.text)): use 0 to \(maxTicks) ticks, or off")
                }
                setting = .gcGrace(UInt64(try number(token.text, what: "gc-grace", range: 0...maxTicks)))
            }
        case "fencing": setting = .fencing(try onOff())
        case "failover-timeout":
            guard let token = words.next() else { throw CommandError("set failover-timeout needs TICKS (1 to \(maxTicks)) or off") }
            setting = .failoverTimeout(
                token.text == "off" ? nil : UInt64(try number(token.text, what: "failover-timeout", range: 1...maxTicks)))
        case "timeout":
            guard let token = words.next() else { throw CommandError("set timeout needs TICKS (1 to \(maxTicks))") }
            setting = .timeout(UInt64(try number(token.text, what: "timeout", range: 1...maxTicks)))
        default:
            throw CommandError(
                "unknown switch \"\(name.text)\"\(suggestion(for: name.text, among: switches)); allowed: \(switches.joined(separator: ", "))"
            )
        }
        try words.end()
        return setting
    }

    static func parseShow(_ words: inout Words) throws(CommandError) -> View {
        let views = Vocabulary.views
        guard let name = words.next() else { throw CommandError("show what? show \(views.joined(separator: "|"))") }
        switch name.text {
        case "state":
            let key = words.peek() == nil ? nil : try words.key(usage: "show state [KEY]")
            try words.end()
            return .state(key: key)
        case "history":
            try words.end()
            return .history
        case "ring":
            var mermaid = false
            if let token = words.next() {
                guard token.text == "mermaid" else { throw CommandError("show ring takes only mermaid, not \"\(token.text)\"") }
                mermaid = true
            }
            try words.end()
            return .ring(mermaid: mermaid)
        case "merkle":
            let node = try words.replica(usage: "show merkle NODE [NODE]")
            let peer = words.peek() == nil ? nil : try words.replica(usage: "show merkle NODE [NODE]")
            try words.end()
            if peer == node { throw CommandError("show merkle compares two different replicas, not \(node.name) with itself") }
            return .merkle(node, peer)
        case "topology":
            var mermaid = false
            if let token = words.next() {
                guard token.text == "mermaid" else { throw CommandError("show topology takes only mermaid, not \"\(token.text)\"") }
                mermaid = true
            }
            try words.end()
            return .topology(mermaid: mermaid)
        case "timeline":
            var mermaid = false
            var filter = TimelineFilter()
            while let token = words.next() {
                if token.text == "mermaid" && !mermaid {
                    mermaid = true
                } else if try !parseFilter(token, into: &filter) {
                    throw CommandError("show timeline takes [mermaid] \(timelineFilterUsage), not \"\(token.text)\"")
                }
            }
            return .timeline(mermaid: mermaid, filter: filter)
        default:
            throw CommandError(
                "unknown view \"\(name.text)\"\(suggestion(for: name.text, among: views)); allowed: \(views.joined(separator: ", "))")
        }
    }

    static let timelineFilterUsage = "[last=N] [steps=A..B] [key=K] [op=N]"

    /// Reads one timeline filter (`last=N`, `steps=A..B`, `key=K`, `op=N`) into `filter`;
    /// false when the token is not one. Each filter may be given once.
    static func parseFilter(_ token: Token, into filter: inout TimelineFilter) throws(CommandError) -> Bool {
        let text = token.text
        guard token.kind != .quoted, let equals = text.firstIndex(of: "=") else { return false }
        let name = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        func once(_ present: Bool) throws(CommandError) {
            if present { throw CommandError("\(name)= is given twice; give each filter once") }
        }
        switch name {
        case "last":
            try once(filter.last != nil)
            filter.last = try number(value, what: "last", range: 1...maxCount)
        case "op":
            try once(filter.op != nil)
            filter.op = try number(value, what: "op", range: 1...maxCount)
        case "key":
            try once(filter.key != nil)
            guard !value.isEmpty else { throw CommandError("key= needs a key, as in key=x") }
            filter.key = value
        case "steps":
            try once(filter.steps != nil)
            let parts = value.split(separator: "..", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, let low = UInt32(parts[0]), let high = UInt32(parts[1]), String(low) == parts[0],
                String(high) == parts[1]
            else {
                throw CommandError("steps= needs a range of step numbers A..B, as in steps=3..12, not \"\(value)\"")
            }
            guard low <= high else { throw CommandError("steps=\(value) is empty: the first step must not be after the last") }
            filter.steps = low...high
        default: return false
        }
        return true
    }

    /// What may follow `export WHAT FILE`: filters (timeline only), `theme=light|dark`, `title="…"`.
    static func parseExportOptions(_ words: inout Words, what: String) throws(CommandError) -> ExportOptions {
        var options = ExportOptions()
        while let token = words.next() {
            if token.kind != .quoted, token.text.hasPrefix("theme=") {
                if options.theme != nil { throw CommandError("theme= is given twice; give it once") }
                let value = String(token.text.dropFirst(6))
                guard let theme = ExportTheme(rawValue: value) else {
                    throw CommandError("theme=\(value) is not a theme; allowed: theme=light, theme=dark")
                }
                options.theme = theme
            } else if token.kind != .quoted, token.text.hasPrefix("title=") {
                if options.title != nil { throw CommandError("title= is given twice; give it once") }
                var value = String(token.text.dropFirst(6))
                if value.isEmpty, let quoted = words.peek(), quoted.kind == .quoted {
                    value = quoted.text
                    _ = words.next()
                }
                guard !value.trimmingWhitespace.isEmpty else { throw CommandError("title= needs a title, as in title=\"Lost write\"") }
                options.title = value
            } else if try parseFilter(token, into: &options.filter) {
                if what != "timeline" {
                    throw CommandError("\(token.text): filters apply to export timeline only, not to export \(what)")
                }
            } else {
                throw CommandError(
                    "export \(what) FILE takes \(what == "timeline" ? timelineFilterUsage + " " : "")[theme=light|dark] [title=\"…\"], not \"\(token.text)\""
                )
            }
        }
        return options
    }

    static func number(_ text: String, what: String, range: ClosedRange<Int>, hint: String? = nil) throws(CommandError) -> Int {
        guard !text.isEmpty,
            text.allSatisfy({ $0.isASCII && $0.isNumber })
                || (text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) && text.count > 1)
        else {
            throw CommandError("\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
        }
        guard let value = Int(text), range.contains(value) else {
            let why = hint.map { ": \($0)" } ?? ""
            throw CommandError("\(what)=\(text) is out of range: allowed \(range.lowerBound) to \(range.upperBound)\(why)")
        }
        return value
    }

    static func parseSeed(_ text: String) -> UInt64? {
        if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(text)
    }
}

/// The words after the command name, consumed left to right.
struct Words {
    var tokens: [Token]
    var position = 0
    let command: String

    init(tokens: [Token], command: String) {
        self.tokens = tokens
        self.command = command
    }

    func peek() -> Token? { position < tokens.count ? tokens[position] : nil }

    mutating func next() -> Token? {
        guard position < tokens.count else { return nil }
        defer { position += 1 }
        return tokens[position]
    }

    /// Fails if anything is left over.
    func end() throws(CommandError) {
        if let extra = peek() {
            throw CommandError(
                "unexpected \"\(extra.text)\" at column \(extra.column): \(Catalog.help(for: command)?.syntax ?? command) (see help \(command))"
            )
        }
    }

    mutating func key(usage: String) throws(CommandError) -> String {
        guard let token = next() else { throw CommandError("\(command) needs a key: \(usage)") }
        guard token.kind == .word, Words.isKey(token.text) else {
            throw CommandError(
                "\"\(token.text)\" is not a key: keys start with a lower-case letter, then letters, digits, _ or - (like x, cart, room-42)")
        }
        guard token.text.count <= 64 else { throw CommandError("key \"\(token.text.prefix(20))…\" is too long: at most 64 characters") }
        return token.text
    }

    /// `("A", "B")` for `A->B`.
    static func arrow(in text: String) -> (String, String)? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2 else { return nil }
        for index in 0..<(scalars.count - 1) where scalars[index] == "-" && scalars[index + 1] == ">" {
            var from = ""
            from.unicodeScalars.append(contentsOf: scalars[..<index])
            var to = ""
            to.unicodeScalars.append(contentsOf: scalars[(index + 2)...])
            return (from, to)
        }
        return nil
    }

    static func isKey(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.value >= 97, first.value <= 122 else { return false }
        return text.unicodeScalars.allSatisfy {
            ($0.value >= 97 && $0.value <= 122) || ($0.value >= 48 && $0.value <= 57) || $0 == "_" || $0 == "-"
        }
    }

    mutating func value(usage: String) throws(CommandError) -> Value {
        guard let token = next() else { throw CommandError("\(command) needs a value: \(usage)") }
        switch token.kind {
        case .quoted: return Value(token.text)
        case .bar: throw CommandError("| is not a value: quote it as \"|\"")
        case .word:
            let value = Value(token.text)
            guard value.isBare else {
                throw CommandError(
                    "\(token.text) is not a value: use an integer, a bare word (letters, digits, _ - . +) or a \"quoted string\"")
            }
            if token.text.count > 256 { throw CommandError("the value is too long: at most 256 characters") }
            return value
        }
    }

    mutating func replica(usage: String) throws(CommandError) -> Address {
        guard let token = next() else { throw CommandError("\(command) needs a node: \(usage)") }
        guard let address = Address(name: token.text), address.isReplica else {
            throw CommandError("\"\(token.text)\" is not a node name: nodes are single upper-case letters A, B, C, …")
        }
        return address
    }

    mutating func path(usage: String) throws(CommandError) -> String {
        guard let token = next(), token.kind != .bar else { throw CommandError("\(command) needs a file name: \(usage)") }
        return token.text
    }

    mutating func optionalCount(what: String, max: Int, usage: String) throws(CommandError) -> Int? {
        guard let token = next() else { return nil }
        return try Parser.number(token.text, what: what, range: 1...max)
    }
}
