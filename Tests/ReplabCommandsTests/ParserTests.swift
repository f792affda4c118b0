import ReplabKernel
import ReplabModels
import Testing

@testable import ReplabCommands
@testable import ReplabRender

@Suite struct ParserTests {
    func error(_ line: String) -> String {
        do {
            _ = try Parser.parse(line)
            return "(no error)"
        } catch {
            return error.message
        }
    }

    @Test func parsesTheContractForms() throws {
        #expect(
            try Parser.parse("put x 5 via B as c2 blind")
                == .put(key: "x", value: Value("5"), via: .replica(1), client: .client(2), blind: true))
        #expect(
            try Parser.parse("put cart \"milk, eggs\"")
                == .put(key: "cart", value: Value("milk, eggs"), via: nil, client: .client(1), blind: false))
        #expect(try Parser.parse("get x") == .get(key: "x", via: nil, client: .client(1)))
        #expect(
            try Parser.parse("deliver m3 A->B c1->A to C from B all")
                == .deliver([
                    .message(MessageID(3)), .link(.replica(0), .replica(1)), .link(.client(1), .replica(0)), .to(.replica(2)),
                    .from(.replica(1)), .all,
                ]))
        #expect(try Parser.parse("partition A B | C") == .partition([[.replica(0), .replica(1)], [.replica(2)]]))
        #expect(try Parser.parse("partition A|B") == .partition([[.replica(0)], [.replica(1)]]))
        #expect(try Parser.parse("run max=5") == .run(max: 5))
        #expect(try Parser.parse("step") == .step(count: 1))
        #expect(try Parser.parse("step 3 random") == .step(count: 3, random: true))
        #expect(try Parser.parse("run random max=9") == .run(max: 9, random: true))
        #expect(try Parser.parse("tick 3") == .tick(count: 3))
        #expect(try Parser.parse("seed 0x5EED") == .seed(0x5EED))
        #expect(try Parser.parse("set gc-grace 10") == .set(.gcGrace(10)))
        #expect(try Parser.parse("set anti-entropy on every=3") == .set(.antiEntropy(true, every: 3)))
        #expect(try Parser.parse("show timeline last=4") == .show(.timeline(mermaid: false, filter: TimelineFilter(last: 4))))
        #expect(try Parser.parse("   # just a comment") == nil)
        #expect(try Parser.parse("") == nil)
        #expect(try Parser.parse("undo") == .undo(count: 1))
        let cluster = try Parser.parse("cluster leaderless nodes=5 n=3 w=1 r=1 coordinator=node resolve=lww")
        #expect(cluster == .cluster(.leaderless(LeaderlessConfig(nodes: 5, n: 3, w: 1, r: 1, coordinator: .node, resolve: .lww))))
        #expect(try Parser.parse("cluster leaderless") == .cluster(.leaderless(LeaderlessConfig())))
    }

    @Test func errorsSayWhatWasWrongAndWhatIsAllowed() {
        #expect(error("pt x 1") == "unknown command \"pt\": did you mean \"put\"?; type help for the list")
        #expect(error("frobnicate") == "unknown command \"frobnicate\"; type help for the list")
        #expect(error("put x") == "put needs a value: put KEY VALUE [via NODE] [as CLIENT] [blind]")
        #expect(error("put") == "put needs a key: put KEY VALUE [via NODE] [as CLIENT] [blind]")
        #expect(
            error("put X 1")
                == "\"X\" is not a key: keys start with a lower-case letter, then letters, digits, _ or - (like x, cart, room-42)")
        #expect(error("get x blind") == "unexpected \"blind\" after the get; allowed: via NODE, as CLIENT")
        #expect(error("put x 1 as bob") == "\"bob\" is not a client name: clients are c1, c2, … (up to c999)")
        #expect(error("crash d") == "\"d\" is not a node name: nodes are single upper-case letters A, B, C, …")
        #expect(
            error("cluster leaderless w=4")
                == "w=4 is larger than n=3: a write cannot wait for more replicas than hold the key (allowed: 1 to 3)")
        #expect(
            error("cluster leaderless r=5 n=3")
                == "r=5 is larger than n=3: a read cannot wait for more replicas than hold the key (allowed: 1 to 3)")
        #expect(
            error("cluster leaderless nodes=2 n=3") == "nodes=2 is smaller than n=3: each key needs n replicas, so nodes must be at least n"
        )
        #expect(error("cluster leaderless nodes=27") == "nodes=27 is out of range: allowed 1 to 26: at most 26 replicas (A…Z)")
        #expect(error("cluster leaderless nodes=abc") == "nodes must be a whole number from 1 to 26, not \"abc\"")
        #expect(
            error("cluster leaderless node=3")
                == "unknown option \"node\" for cluster leaderless: did you mean \"nodes\"?; allowed: nodes, n, w, r, coordinator, resolve, clocks"
        )
        #expect(
            error("cluster leaderless topology=ring")
                == "topology= belongs to multi-leader clusters, not leaderless; options for cluster leaderless: nodes, n, w, r, coordinator, resolve, clocks"
        )
        #expect(
            error("cluster leaderles")
                == "unknown model \"leaderles\": did you mean \"leaderless\"?; allowed: leaderless, single-leader, multi-leader")
        #expect(
            error("cluster leaderless resolve=union")
                == "resolve=union is not allowed for leaderless clusters: use resolve=siblings or resolve=lww")
        #expect(
            error("cluster single-leader w=2")
                == "w= belongs to leaderless clusters, not single-leader; options for cluster single-leader: replicas, sync")
        #expect(error("tick 99999999999") == "COUNT=99999999999 is out of range: allowed 1 to 10000")
        #expect(error("tick -1") == "COUNT=-1 is out of range: allowed 1 to 10000")
        #expect(error("step 0") == "COUNT=0 is out of range: allowed 1 to 100000")
        #expect(error("deliver") == "which messages? deliver SELECTOR… where SELECTOR is m4, A->B, to NODE, from NODE or all")
        #expect(error("deliver m0") == "\"m0\" is not a selector: use a message id (m4), a link (A->B), to NODE, from NODE, or all")
        #expect(error("drop A->") == "\"A->\" is not a link: write it like A->B or c1->A")
        #expect(error("partition A B") == "partition needs at least two non-empty groups separated by |, like partition A B | C")
        #expect(error("partition A | A") == "A is named twice in the partition")
        #expect(error("set gc-grace -5") == "set gc-grace cannot be negative (got -5): use 0 to 10000 ticks, or off")
        #expect(error("set tombstones maybe") == "set tombstones takes on or off, not \"maybe\"")
        #expect(
            error("set tombstone off")
                == "unknown switch \"tombstone\": did you mean \"tombstones\"?; allowed: read-repair, anti-entropy, sloppy, tombstones, gc-grace, timeout, fencing, failover-timeout, ascii, detail"
        )
        #expect(
            error("show stat")
                == "unknown view \"stat\": did you mean \"state\"?; allowed: state, history, topology, timeline, ring, merkle")
        #expect(error("heal now") == "unexpected \"now\" at column 6: heal (see help heal)")
        #expect(error("put x \"open") == "unclosed quote starting at column 7: end the string with \"")
        #expect(error("put x 1\u{7}") == "unexpected control character U+0007 at column 8; commands are plain text")
        #expect(error("seed banana") == "seed must be a whole number from 0 to 18446744073709551615 (or hex like 0x5EED), not \"banana\"")
        #expect(error("anti-entropy A A") == "anti-entropy needs two different replicas, not A twice")
        #expect(error("| put") == "a command starts with its name, not |; type help for the list")
        #expect(error(String(repeating: "x", count: 5000)) == "the line is 5000 characters long; at most 4096 are allowed")
    }

    @Test func oddBytesNeverCrash() {
        var prng = SplitMix64(seed: 77)
        var session = Session()
        _ = session.execute("cluster leaderless")
        for _ in 0..<3000 {
            let length = Int(prng.below(24))
            var bytes: [UInt8] = []
            for _ in 0..<length { bytes.append(UInt8(truncatingIfNeeded: prng.next())) }
            let line = String(decoding: bytes, as: UTF8.self)
            _ = session.execute(line)
        }
        // Random words from the vocabulary, too.
        let vocabulary = [
            "put", "get", "delete", "x", "y", "1", "via", "as", "c2", "A", "B", "D", "m1", "m99", "all", "to",
            "from", "step", "deliver", "drop", "duplicate", "run", "max=3", "partition", "|", "heal", "crash", "recover",
            "tick", "2", "set", "tombstones", "off", "on", "timeout", "show", "state", "timeline", "check", "undo", "blind",
            "anti-entropy", "C", "reset", "seed", "-1", "0", "last=2", "history", "topology", "ring", "messages",
        ]
        for _ in 0..<3000 {
            let count = 1 + Int(prng.below(5))
            let line = (0..<count).map { _ in vocabulary[Int(prng.below(UInt64(vocabulary.count)))] }.joined(separator: " ")
            _ = session.execute(line)
        }
    }
}
