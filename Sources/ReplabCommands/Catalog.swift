import ReplabPBS

/// What `help` says about one command.
public struct CommandHelp: Sendable {
    public let name: String
    public let group: String
    public let syntax: String
    public let summary: String
    public let detail: String
    public let example: String
}

/// Every command, grouped by purpose: the source of `help`, of "did you mean" and of tab completion.
public enum Catalog {
    public static let groups = [
        "Build a cluster", "Client operations", "Control the network", "Behaviour switches and actions",
        "See it", "Session", "Lessons", "Labs",
    ]

    public static let commands: [CommandHelp] = [
        CommandHelp(
            name: "cluster", group: "Build a cluster",
            syntax: HelpLists.clusterSyntax,
            summary: "build a new cluster (replaces the current one and its history)",
            detail: """
                leaderless: Dynamo-style. nodes replicas (A, B, …; at most 26), each key held by n of them
                (its primaries on the hash ring; see show ring); a write waits for w acknowledgements and
                a read for r replies (1 ≤ w, r ≤ n ≤ nodes). coordinator=client (default): the client sends
                to the key's replicas itself; versions get the client's dot (c1:1, c1:2, …), so every
                replica stores the same version. coordinator=node: the client asks one node (via NODE,
                default the key's first primary), which makes the version with its own dot (A:1, …),
                forwards it and answers after w acks. resolve=siblings (default) keeps concurrent writes
                as siblings; resolve=lww keeps the highest timestamp and silently discards the others.
                Placement: a node's token and a key's position on the ring are FNV-1a 64 of the name,
                mixed by SplitMix64's finalizer; a key's primaries are the first n nodes clockwise from
                it, the rest its fallbacks (show ring).
                clocks=dvv (default): dotted version vectors (Riak 2.0): each sibling keeps its own dot,
                and a write discards exactly the siblings its context covers. clocks=vv: one version
                vector per key (Riak before 2.0): a write replaces the siblings only if its clock
                dominates the key's whole clock, otherwise it becomes one more sibling and the key's
                clock the merge; concurrent writers with stale contexts then keep values they had
                already seen (false conflicts, sibling explosion). The actor whose entry a write
                increments is the coordinating node with coordinator=node: one counter per replica,
                as in the chapter's picture and the Dynamo paper (its clocks count per coordinating
                server, Sx, Sy, Sz; Riak's vnode clocks); with coordinator=client it is the client
                (client ids as actors, as early Riak did): the key still has one clock, so the same
                false conflicts appear. With either, a write that
                would leave a key with more than 100 siblings is refused (Riak's max_siblings: the
                write fails and nothing is stored); more than 25 gives a warning.

                single-leader: A leads; writes go to the leader, which applies them, appends them to its
                log and ships each entry to every follower. The first sync followers are synchronous (the
                client hears back only after they confirm); the rest lag behind. Reads may go to any node
                (get KEY via NODE). See failover, set fencing and set failover-timeout.

                multi-leader: every leader accepts writes from its clients (c1 writes to A, c2 to B, …, or
                via NODE), acknowledges at once and replicates in the background along the topology:
                all-to-all, star (the hub A forwards between the others) or ring (A->B->C->…->A, each
                forwards to the next); forwarded writes carry the leaders they passed, so nothing loops.
                Conflicts are found only after replication: resolve=lww keeps the highest timestamp,
                siblings keeps both, union reads concurrent values as the union of their comma-separated
                items (put cart milk and put cart eggs on two leaders read back as "eggs,milk"): right
                for a cart, wrong where the union breaks a rule (two bookings of one room; see rule).
                causal=on makes a leader hold a write until the writes it depends on have arrived.
                """,
            example: "cluster leaderless nodes=3 n=3 w=1 r=1"),
        CommandHelp(
            name: "put", group: "Client operations", syntax: "put KEY VALUE [via NODE] [as CLIENT] [blind]",
            summary: "write a value",
            detail: """
                Sends the write and returns at once; the command that delivers the deciding message reports
                the completion. The client sends the causal context of the last version of KEY it read or
                wrote, so the write supersedes what it has seen; blind sends no context (a concurrent write).
                Keys are lower-case words (x, cart, room-42); values are integers, words or "quoted strings".
                """,
            example: "put x 5 as c2"),
        CommandHelp(
            name: "get", group: "Client operations", syntax: "get KEY [via NODE] [as CLIENT]",
            summary: "read a key: every sibling and its context",
            detail: """
                The read completes after r replies and returns every concurrent version (siblings) with its
                version vector; the client remembers their context, so its next put of KEY replaces them.
                """,
            example: "get x as c1"),
        CommandHelp(
            name: "delete", group: "Client operations", syntax: "delete KEY [via NODE] [as CLIENT]",
            summary: "delete a key (a tombstone unless tombstones are off)",
            detail: """
                A delete is a write of a tombstone: a version with no value, carrying the client's context.
                With set tombstones off, replicas remove the key outright instead, and a replica that missed
                the delete can bring the old value back (resurrection).
                """,
            example: "delete x"),
        CommandHelp(
            name: "insert", group: "Client operations", syntax: "insert KEY VALUE [via NODE] [as CLIENT]",
            summary: "single- and multi-leader: insert a row (fails where it exists)",
            detail: """
                Row operations replicate as operations and belong to single-leader and multi-leader clusters.
                The leader that takes an insert refuses it if the row exists; a replica that receives it
                later keeps both versions as a conflict (multi-leader) or ignores it.
                """,
            example: "insert room-1 alice"),
        CommandHelp(
            name: "update", group: "Client operations", syntax: "update KEY VALUE [via NODE] [as CLIENT]",
            summary: "single- and multi-leader: update a row (does nothing where it is missing)",
            detail: """
                An update of a row that does not exist does nothing, at the leader that takes it and at a
                replica it reaches before the insert it depends on (overtaking; see causal=on).
                """,
            example: "update room-1 bob"),
        CommandHelp(
            name: "messages", group: "Control the network", syntax: "messages",
            summary: "list the messages in flight",
            detail:
                "Each message with its id, sender, receiver and what it carries (values with version vectors), in the scheduler's order; messages on cut links are marked.",
            example: "messages"),
        CommandHelp(
            name: "step", group: "Control the network", syntax: "step [COUNT] [random]",
            summary: "deliver the next COUNT messages (default 1, oldest first; random: any, by the seed)",
            detail:
                "Delivers in the scheduler's order (oldest first), skipping messages on cut links. A message to a crashed replica is lost when its turn comes. With random, each message is drawn from those deliverable by the seeded generator (seed N), so the same seed replays the same interleaving.",
            example: "step 3"),
        CommandHelp(
            name: "deliver", group: "Control the network", syntax: "deliver SELECTOR…",
            summary: "deliver exactly these messages, in id order",
            detail:
                "SELECTOR is a message id (m4), a link (A->B, c1->A), to NODE, from NODE, or all. Messages on cut links cannot be delivered until heal.",
            example: "deliver m3 m5"),
        CommandHelp(
            name: "drop", group: "Control the network", syntax: "drop SELECTOR…",
            summary: "lose these messages",
            detail: "SELECTOR is a message id (m4), a link (A->B), to NODE, from NODE, or all.",
            example: "drop to C"),
        CommandHelp(
            name: "duplicate", group: "Control the network", syntax: "duplicate SELECTOR",
            summary: "put a copy of each selected message in flight",
            detail:
                "The copy gets a new id and is delivered like any other message (replicas handle duplicates idempotently). At most 10000 messages are in flight at once: a duplicate that would pass that is refused.",
            example: "duplicate m2"),
        CommandHelp(
            name: "run", group: "Control the network", syntax: "run [max=N] [random]",
            summary: "deliver until nothing deliverable is in flight (at most N; default 1000)",
            detail:
                "Stops early at the bound (at most 100000) so a loop can never hang the session; messages on cut links stay in flight. With random, the order is drawn from the seeded generator: try the same script under different seeds to explore interleavings.",
            example: "run max=20"),
        CommandHelp(
            name: "partition", group: "Control the network", syntax: "partition NODE… | NODE… [| …]",
            summary: "cut every link between the groups",
            detail:
                "Messages on cut links stay in flight, undeliverable, until heal. Clients may be placed in a group too (partition A c1 | B C); a participant named in no group reaches everyone.",
            example: "partition A B | C"),
        CommandHelp(
            name: "heal", group: "Control the network", syntax: "heal", summary: "remove every partition",
            detail: "Messages held on cut links become deliverable again.", example: "heal"),
        CommandHelp(
            name: "crash", group: "Control the network", syntax: "crash NODE",
            summary: "crash a replica: it receives and sends nothing",
            detail:
                "It keeps its durable state (its stored versions) but loses what it was coordinating. Messages that reach it while it is down are lost.",
            example: "crash C"),
        CommandHelp(
            name: "recover", group: "Control the network", syntax: "recover NODE", summary: "bring a crashed replica back",
            detail: "It comes back with the state it had when it crashed.", example: "recover C"),
        CommandHelp(
            name: "tick", group: "Control the network", syntax: "tick [COUNT]",
            summary: "advance virtual time (default 1 tick; at most 10000)",
            detail:
                "Timers fire as time passes: operations that have not reached their quorum fail at their timeout, tombstones past their grace period are purged, fallbacks hand their hints over to owners they can reach, periodic anti-entropy starts. Bounded, so no mechanism piles up: each pair of replicas has at most 2 periodic anti-entropy exchanges in flight (Riak's anti_entropy_concurrency, default 2), and each hint one handoff (sent again only once it is lost or acknowledged); a note says when a bound holds work back. At most 10000 messages are in flight at once: a command that would pass that fails and changes nothing.",
            example: "tick 5"),
        CommandHelp(
            name: "seed", group: "Control the network", syntax: "seed N",
            summary: "the seed of every random choice from now on",
            detail: "The same script with the same seed prints the same output on every run and every machine.",
            example: "seed 42"),
        CommandHelp(
            name: "set", group: "Behaviour switches and actions",
            syntax: HelpLists.setSyntax,
            summary: "change a behaviour switch",
            detail: HelpLists.setEntries(switchHelp),
            example: "set tombstones off"),
        CommandHelp(
            name: "anti-entropy", group: "Behaviour switches and actions", syntax: "anti-entropy NODE NODE",
            summary: "one anti-entropy exchange between two replicas, now",
            detail: """
                A Merkle-tree exchange over the keys both replicas are primaries for. Each replica's tree
                has 16 leaves, leaf i holding the keys whose ring position starts with hex digit i; a
                leaf hashes its keys' versions (dots, values, tombstones) with FNV-1a 64, an inner node
                its two children (show merkle NODE NODE). The first sends its root hash; each side answers
                with its hashes of the children of the nodes that differ, one level down each time; at
                the leaves, one side lists the differing leaves' keys with their versions' dots, the
                other sends the versions the first lacks and asks for those it lacks, and the first
                sends them. Only differing versions cross (with clocks=vv a differing key crosses
                whole); tombstones are versions too. Every step is a message to step or drop; at the
                end replab says how many hashes and versions crossed, and what a full copy would send.
                """,
            example: "anti-entropy A C"),
        CommandHelp(
            name: "failover", group: "Behaviour switches and actions", syntax: "failover [NODE]",
            summary: "single-leader: promote a follower",
            detail: """
                Promotes NODE, or the most up-to-date live follower, to leader of a new epoch; it announces
                itself to the others with messages you step like any other. Writes the old leader had
                acknowledged but not shipped to the new one are lost (check says so). An old leader that
                is cut off, not dead, still believes it leads: split brain. With set fencing on it steps
                down when it learns of the higher epoch and its stale writes are rejected.
                """,
            example: "failover B"),
        CommandHelp(
            name: "rule", group: "Behaviour switches and actions", syntax: HelpLists.ruleSyntax,
            summary: "a business rule: no two keys matching PATTERN may hold the same value",
            detail: """
                rule unique booking-* as one-per-slot: no two keys matching booking-* (* stands for any
                characters) may hold the same value, like two bookings of one room for the same slot. A leader
                (or coordinating node) checks it against its own copy when it accepts a write, as an
                application checks availability before it books, and refuses a write that breaks it there.
                What it cannot see, a write another leader accepted, can still break it: with one leader the
                second booking is refused; with two, both succeed and check reports the broken rule once
                replication brings them together. rule drop NAME removes a rule; rules lists them.
                """,
            example: "rule unique booking-* as one-per-slot"),
        CommandHelp(
            name: "rules", group: "Behaviour switches and actions", syntax: "rules", summary: "list the business rules",
            detail: "Each rule with its name and pattern (see rule).", example: "rules"),
        CommandHelp(
            name: "show", group: "See it",
            syntax: HelpLists.showSyntax,
            summary: "views of the cluster and of what happened",
            detail: HelpLists.showEntries(views: viewHelp, options: viewOptionHelp) + "\n\n"
                + "Views fit the terminal's width; set ascii on draws them with ASCII characters only.",
            example: "show timeline last=20"),
        CommandHelp(
            name: "export", group: "See it",
            syntax: HelpLists.exportSyntax,
            summary: "write a view or the whole session to a file; the extension picks the format",
            detail: """
                FILE.mmd   Mermaid: topology (flowchart) or timeline (sequenceDiagram)
                FILE.txt   ASCII text, 80 columns: what show prints, in ASCII
                FILE.md    Markdown with Mermaid blocks; export session FILE.md is a report of the session:
                           the cluster, the script so far, topology, timeline, state table and anomalies
                FILE.json  JSON: the topology, the state, or (timeline, session) the full trace, in the
                           format docs/trace-format.md describes
                FILE.svg   timeline: a space-time diagram, each message slanted from its send to its
                           delivery, lost ones stopping mid-air, crashes and partitions marked
                FILE.shiviz  timeline: a log for ShiViz, each event with its happens-before vector clock
                FILE.html  session: one self-contained page stepping through every command (buttons,
                           Left/Right, Home/End) with the diagram, what was delivered and the state
                Timeline exports but .json (the whole trace) take the filters of show timeline (a filtered
                .shiviz log keeps the causality of the events it shows); \(HelpLists.exportStyleOptions)
                apply to .svg, .html and .mmd.
                export pbs FILE writes the plot of the last pbs (or pbs compare) result: .mmd a Mermaid
                xychart-beta for slides, .txt the table and ASCII plot, .json its numbers, .md both.
                The file is written whole or not at all; a missing folder or an unwritable place is an
                error and the session goes on.
                """,
            example: "export timeline lost-write.svg title=\"A lost write\""),
        CommandHelp(
            name: "explain", group: "See it", syntax: "explain KEY [NODE]",
            summary: "why the versions of a key stand as they do",
            detail: """
                On NODE (default: the first replica that holds KEY): each version with the write that made it;
                each pair of siblings compared entry by entry of their version vectors, which write each has
                seen and why neither supersedes the other; and what a write with the last read's context
                would replace (the versions whose dots that context contains) and what it would keep.
                """,
            example: "explain cart B"),
        CommandHelp(
            name: "check", group: "See it", syntax: "check",
            summary: "anomalies: stale reads, lost writes, divergence, resurrections, conflicts, split brain, causality, rules",
            detail: """
                stale-read    a read that returned no version of a write acknowledged before it began, nor anything newer
                lost-write    an acknowledged write no live replica holds any more, that no later write superseded
                divergence    replicas disagree on a key while nothing is in flight
                resurrection  a read returned a value older than a delete acknowledged before it began
                conflict      siblings exist (on a replica, or in what a read returned), or concurrent writes
                              met at the leaders; says which later write resolved them, if one did
                split-brain   two nodes accepted writes as leader at the same time (a deposed leader that
                              did not know it), with the writes each took
                causality     an operation applied at a replica before one it depends on (an update that
                              reached a leader before the insert of its row, and did nothing there)
                rule          a replica holds two keys that a rule unique makes exclusive with the same
                              value (each leader checked its own copy; see rule)
                """,
            example: "check"),
        CommandHelp(
            name: "explore", group: "See it",
            syntax: HelpLists.exploreSyntax,
            summary: "every schedule from here: each operation's possible outcomes, the shortest way to each anomaly",
            detail: """
                From the current state, tries every order of delivering the messages in flight (and what
                those deliveries send), visiting each distinct cluster state once, breadth first, so the
                schedule it reports for anything is a shortest one. drops, duplicates and crashes (0 to 3
                each) add the choice of losing or duplicating any message in flight, or crashing a node, at
                any point, that many times at most. Time passes only when no message can be delivered, and
                only as far as the next timeout of an operation still waiting (so a w=3 write with drops=1
                can fail at its timeout). It stops at max-states (default 1000000; Ctrl-C also stops it) and
                then says its answer is partial. Exploring changes nothing: the same state gives the same
                answer. It reports the states visited, every outcome of each operation in flight, and every
                anomaly kind of check that some schedule reaches, numbered.
                explore find stale-read (any kind of check: \(HelpLists.anomalyKinds)), explore find
                one-booking (a rule's name) or explore find outcome 2 nothing stops at the
                shortest schedule to it. explore show N prints finding N's schedule as a .replab script;
                explore apply N plays it here, one command per step; undo takes it all back.
                States are told apart by a 128-bit fingerprint (message ids, the trace and when operations
                ended left out); two distinct states sharing one is about as likely as two distinct values
                of one component (a replica's store, the messages in flight) sharing a 64-bit hash.
                """,
            example: "explore find stale-read"),
        CommandHelp(
            name: "reset", group: "Session", syntax: "reset",
            summary: "start the current cluster afresh (same options, empty history)",
            detail: "Replicas, clients, messages, history and switches go back to how a new cluster starts. undo takes it back.",
            example: "reset"),
        CommandHelp(
            name: "undo", group: "Session", syntax: "undo [N]",
            summary: "take back the last N state-changing commands (default 1)",
            detail: "Restores the exact state before them, trace included. Views, check, help and save change nothing and are not counted.",
            example: "undo 2"),
        CommandHelp(
            name: "save", group: "Session", syntax: "save FILE",
            summary: "write the session's commands as a .replab script",
            detail: "The file is written whole or not at all; replay it with load FILE or replab run FILE.",
            example: "save demo.replab"),
        CommandHelp(
            name: "load", group: "Session", syntax: "load FILE",
            summary: "run a .replab script's commands in this session",
            detail: "If any line fails, none of the script's commands are kept and the error names the file and line.",
            example: "load demo.replab"),
        CommandHelp(
            name: "help", group: "Session", syntax: "help [COMMAND]", summary: "list commands, or explain one",
            detail: "", example: "help put"),
        CommandHelp(name: "quit", group: "Session", syntax: "quit", summary: "leave replab (Ctrl-D too)", detail: "", example: "quit"),
        CommandHelp(
            name: "lessons", group: "Lessons", syntax: "lessons", summary: "list the guided lessons",
            detail:
                "Each lesson with its number, name, length and title. On the command line, replab lessons --verify checks every lesson's claims.",
            example: "lessons"),
        CommandHelp(
            name: "lesson", group: "Lessons", syntax: "lesson NAME",
            summary: "start a guided lesson, step by step",
            detail: """
                NAME is a lesson's name, number or file name. Each step shows its narration and commands;
                Enter runs them and checks what the lesson claims. Between steps the cluster is yours: any
                command works. On the command line: replab lesson NAME [--play] [--pace SECONDS] [--export DIR].
                """,
            example: "lesson quorums"),
        CommandHelp(
            name: "next", group: "Lessons", syntax: "next", summary: "go on to the lesson's next step",
            detail: "Runs the current step first if it has not run, so the cluster stays as the lesson expects.",
            example: "next"),
        CommandHelp(
            name: "back", group: "Lessons", syntax: "back",
            summary: "return to the previous step, with the cluster as it was then",
            detail: "The lesson's own commands are replayed up to that step (replab is deterministic, so the state is exact).",
            example: "back"),
        CommandHelp(
            name: "again", group: "Lessons", syntax: "again", summary: "restart the current step",
            detail: "The cluster goes back to how it was when the step began.", example: "again"),
        CommandHelp(
            name: "end", group: "Lessons", syntax: "end", summary: "leave the lesson (its cluster stays yours)",
            detail: "", example: "end"),
        CommandHelp(
            name: "pbs", group: "Labs", syntax: "pbs [n=3] [r=1] [w=1] [dist=lnkd-disk] [trials=100000] [t=0,1,5,10,…] [k=1]",
            summary: PBSCommand.summary, detail: PBSCommand.help, example: "pbs n=3 r=1 w=1 dist=lnkd-ssd"),
    ]

    /// What each `set` switch does (help set lists them with their values from the vocabulary).
    static let switchHelp: [String: String] = [
        "tombstones": "off: a delete removes the key outright (default on)",
        "timeout": "how long an operation waits for its quorum (default 5, 1…10000)",
        "read-repair": """
        Riak's rule: once a read has its r replies, every primary whose reply lacked the newest versions is sent
        them (a repair message), and so is any primary whose reply arrives later with older versions; a late
        reply with something newer gets the earlier ones repaired too (default off)
        """,
        "anti-entropy": """
        every TICKS ticks (default 5) each live replica starts a Merkle-tree exchange with the next live one in
        ring order (see anti-entropy)
        """,
        "gc-grace": """
        tombstones older than TICKS ticks are purged as time passes (default off: kept); purge before every
        replica has the tombstone and anti-entropy or read repair can bring the old value back
        """,
        "sloppy": """
        leaderless: sloppy quorums with hinted handoff (default off: strict quorums, which fail at their timeout
        when too few primaries answer). On: an operation goes to the first n nodes of the key's preference list
        that its coordinator can reach; a fallback stores a write apart as a hint naming the primary it stands
        in for (show state), offers it to its owner on every tick the owner is reachable (again after the
        timeout without an answer) and deletes its copy once the owner acknowledges. Reachable means: not
        crashed and not cut off from the coordinator by the partition, judged when the operation starts (a
        perfect failure detector; Dynamo learns it from timeouts and gossip). A fallback answers reads with what
        it holds as hints too, but a read that asks other nodes misses them (the read says so): w + r > n is
        then only best effort. Cassandra also stores hints for a down replica, but they count towards the
        consistency level only at ANY (DDIA: sloppy quorums are off by default there).
        """,
        "fencing": """
        single-leader: every leadership gets an epoch; a node that sees a higher epoch steps down and entries
        from an older epoch are rejected
        """,
        "failover-timeout": """
        single-leader: promote the most up-to-date follower once the leader has been crashed or cut off from
        every follower that long
        """,
        "ascii": "views drawn with ASCII characters only (on), or Unicode (off; default)",
        "detail": """
        brief: a delivery that changes nothing worth seeing prints nothing, anti-entropy and handoff chatter
        folds into one line, and each command ends with one line per completed operation and per replica whose
        state changed; full (default): every message and note
        """,
    ]

    /// What each view shows (help show lists them with their options from the vocabulary).
    static let viewHelp: [String: String] = [
        "state": """
        replicas × keys: values or siblings with their version vectors, tombstones and their age, and the
        hints fallbacks hold (sloppy quorums); keys the replicas disagree on are marked ≠
        """,
        "history": "client operations with who, when and their results",
        "topology": """
        every node with its role, the clients, the links the model uses, cut links, crashed nodes and the
        messages in flight on each link
        """,
        "timeline": """
        a Lamport diagram: one column per participant, time flowing down; each message an arrow where it
        arrived, named by its link (m7 c1→A (sent 3) says when it left; ▾ marks the sender then), lost ones
        end in ×, with operations, state changes, faults and the anomalies check finds, and the messages
        still in flight beneath
        """,
        "ring": """
        leaderless: the hash ring cut open at 0 (nodes on the line, keys under it by their first letter),
        then every token and key clockwise with each key's primaries and fallbacks
        """,
        "merkle": """
        leaderless: a replica's Merkle tree; with two, both trees over the keys they share, the differing
        nodes marked, and what an exchange sends
        """,
    ]
    /// What each view option does; the timeline filters work on export timeline too.
    static let viewOptionHelp: [String: String] = [
        "mermaid": """
        the topology or the ring as a Mermaid flowchart, the timeline as a sequenceDiagram (paste into a
        Markdown file or https://mermaid.live)
        """,
        "last=": "timeline: only the last N rows (also on export timeline)",
        "steps=": "timeline: only steps A to B (also on export timeline)",
        "key=": "timeline: only what concerns key K (also on export timeline)",
        "op=": "timeline: only what concerns operation N (also on export timeline)",
    ]

    /// Command names users can type (unique, sorted).
    public static var names: [String] {
        var seen = Set<String>()
        var result: [String] = []
        for name in commands.map(\.name) + ["quit"] where seen.insert(name).inserted { result.append(name) }
        return result.sorted()
    }

    public static func help(for name: String) -> CommandHelp? { commands.first { $0.name == name } }
}

/// Edit distance, for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The candidate closest to `word` within edit distance 2, for "did you mean"; nil when nothing
/// is close (or the word is a single letter: D is as near to A as to B).
public func closestMatch(for word: String, among candidates: [String]) -> String? {
    guard word.count > 1 else { return nil }
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0)) }.filter { $0.1 <= 2 && $0.1 < word.count }
    return scored.min(by: { ($0.1, $0.0) < ($1.1, $1.0) })?.0
}

/// `: did you mean "put"?` for the closest candidate, or "".
func suggestion(for word: String, among candidates: [String]) -> String {
    closestMatch(for: word, among: candidates).map { ": did you mean \"\($0)\"?" } ?? ""
}
