import Testing

@testable import ReplabCommands
@testable import ReplabRender

/// One vocabulary table drives the parser's word lists and completion: every word the parser
/// accepts can be completed where it goes, and completion offers only what fits there.
@Suite struct VocabularyTests {
    func session() -> Session {
        var session = Session()
        for line in ["cluster leaderless coordinator=node", "put x 1", "rule unique b-* as one"] { _ = session.execute(line) }
        return session
    }

    func offers(_ session: Session, _ line: String) -> [String] { session.completions(line: line, word: "") }

    @Test func everyWordTheParserAcceptsCanBeCompleted() {
        let s = session()
        var checked = 0
        func expectOffered(_ word: String, after line: String, parses example: String? = nil) {
            #expect(offers(s, line).contains(word), "\"\(line)\" does not offer \(word)")
            if let example {
                var copy = s
                let result = copy.execute(example)
                #expect(
                    result.error?.hasPrefix("unknown") != true && result.error?.contains("not \"") != true,
                    "\(example): \(result.error ?? "")")
            }
            checked += 1
        }
        for name in Catalog.names where !Vocabulary.lessonWords.contains(name) {
            expectOffered(name, after: "")
            expectOffered(name, after: "help ", parses: "help \(name)")
        }
        for model in Vocabulary.clusterModels {
            expectOffered(model, after: "cluster ", parses: "cluster \(model)")
            for option in Vocabulary.clusterOptions[model]! {
                let example = option.hasSuffix("=") ? option + "3" : option
                expectOffered(option, after: "cluster \(model) ", parses: "cluster \(model) \(example)")
            }
        }
        for name in Vocabulary.switches {
            expectOffered(name, after: "set ")
            for value in Vocabulary.switchValues[name]! { expectOffered(value, after: "set \(name) ", parses: "set \(name) \(value)") }
        }
        for view in Vocabulary.views {
            expectOffered(view, after: "show ")
            for option in Vocabulary.viewOptions[view] ?? [] where option == "mermaid" || option == "last=" {
                expectOffered(option, after: "show \(view) ", parses: "show \(view) \(option)\(option.hasSuffix("=") ? "5" : "")")
            }
        }
        for kind in Vocabulary.exportKinds { expectOffered(kind, after: "export ") }
        for option in ["via", "as", "blind"] { expectOffered(option, after: "put x 2 ") }
        for word in Vocabulary.selectorWords { expectOffered(word, after: "drop ") }
        expectOffered("max=", after: "run ", parses: "run max=3")
        expectOffered("random", after: "run ", parses: "run random")
        expectOffered("random", after: "step ", parses: "step random")
        for (name, options) in Vocabulary.switchOptions {
            for option in options { expectOffered(option, after: "set \(name) on ", parses: "set \(name) on \(option)3") }
        }
        for verb in Vocabulary.ruleVerbs { expectOffered(verb, after: "rule ") }
        expectOffered("as", after: "rule unique c-* ", parses: "rule unique c-* as two")
        expectOffered("one", after: "rule drop ", parses: "rule drop one")
        expectOffered("x", after: "explain ", parses: "explain x")
        #expect(checked > 80)
    }

    /// Completion offers only what fits at the cursor.
    @Test func completionKnowsTheCommand() {
        let s = session()
        let timeline = offers(s, "show timeline ")
        #expect(timeline == ["mermaid", "last=", "steps=", "key=", "op="])
        #expect(!offers(s, "get ").contains("blind"))
        #expect(offers(s, "get ") == ["x"])
        #expect(offers(s, "get x ") == ["via", "as"])
        #expect(offers(s, "put x 1 via ") == ["A", "B", "C"])
        let set = offers(s, "set ")
        #expect(set.contains("fencing") && set.contains("failover-timeout") && set.contains("detail"))
        #expect(offers(s, "set detail ") == ["brief", "full"])
        #expect(offers(s, "show ") == Vocabulary.views)
        #expect(offers(s, "cluster leaderless n=2 ").allSatisfy { !$0.hasPrefix("n=") })
        #expect(offers(s, "crash A ").isEmpty)
    }

    /// The parser's own lists are the table's.
    @Test func theParserReadsTheTable() {
        var s = session()
        #expect(s.execute("set frob on").error?.hasSuffix("allowed: " + Vocabulary.switches.joined(separator: ", ")) == true)
        #expect(s.execute("show frob").error?.hasSuffix("allowed: " + Vocabulary.views.joined(separator: ", ")) == true)
        #expect(s.execute("export frob x.txt").error == "cannot export \"frob\"; allowed: topology, timeline, state, session, pbs")
        #expect(s.execute("cluster frob").error == "unknown model \"frob\"; allowed: leaderless, single-leader, multi-leader")
        #expect(
            s.execute("cluster single-leader resolve=lww").error
                == "resolve= belongs to leaderless and multi-leader clusters, not single-leader; options for cluster single-leader: replicas, sync"
        )
    }
}

/// Help's lists are built from the table, so a word added to it shows up in help; these tests
/// fail if one does not, if a word has no explanation, or if the table says what the parser does not.
@Suite struct VocabularyHelpTests {
    func help(_ name: String) -> String { (try? Help.text(topic: name, width: 200)) ?? "" }

    /// `name=a` and `name=b` as help writes them: `name=a|b`, the default first.
    func values(_ options: [String], defaults: [String: String] = [:]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for option in options where option.contains("=") && !option.hasSuffix("=") {
            let parts = option.split(separator: "=").map(String.init)
            result[parts[0], default: []].append(parts[1])
        }
        for (name, list) in result {
            if let first = defaults[name], let index = list.firstIndex(of: first) {
                var list = list
                list.insert(list.remove(at: index), at: 0)
                result[name] = list
            }
        }
        return result
    }

    @Test func helpNamesEveryWord() {
        let set = help("set")
        for name in Vocabulary.switches {
            let values = (Vocabulary.switchArguments[name].map { [$0] } ?? []) + Vocabulary.switchValues[name]!
            #expect(set.contains("set \(name) \(values.joined(separator: "|"))"), "help set lacks \(name) with its values")
            for option in Vocabulary.switchOptions[name] ?? [] { #expect(set.contains("set \(name) on|off [\(option)")) }
        }
        let show = help("show")
        for view in Vocabulary.views {
            #expect(show.contains("show \(view)"), "help show lacks \(view)")
            for option in Vocabulary.viewOptions[view] ?? [] {
                #expect(show.contains("show \(view)") && show.contains("  \(option)"), "help show lacks \(view) \(option)")
            }
        }
        let export = help("export")
        #expect(export.hasPrefix("export " + Vocabulary.exportKinds.joined(separator: "|") + " FILE"))
        for option in Vocabulary.exportOptions { #expect(export.contains(option.split(separator: "=")[0] + "="), "export lacks \(option)") }
        for (name, list) in values(Vocabulary.exportOptions) { #expect(export.contains("\(name)=\(list.joined(separator: "|"))")) }
        let cluster = help("cluster")
        for model in Vocabulary.clusterModels {
            let defaults = Vocabulary.clusterDefaults[model]!
            let line = cluster.split(separator: "\n").first { $0.hasPrefix("cluster \(model) ") }.map(String.init) ?? ""
            for option in Vocabulary.clusterOptions[model]! where option.hasSuffix("=") {
                let name = String(option.dropLast())
                #expect(line.contains("[\(name)=\(defaults[name] ?? "N")]"), "help cluster \(model) lacks \(option)")
            }
            for (name, list) in values(Vocabulary.clusterOptions[model]!, defaults: defaults) {
                #expect(line.contains("[\(name)=\(list.joined(separator: "|"))]"), "help cluster \(model) lacks \(name)=")
            }
        }
        for verb in Vocabulary.ruleVerbs { #expect(help("rule").contains("rule \(verb)")) }
        let explore = help("explore")
        for verb in Vocabulary.exploreVerbs { #expect(explore.contains("explore \(verb)")) }
        for budget in Vocabulary.exploreBudgets { #expect(explore.contains("[\(budget)")) }
    }

    /// Every switch, view and view option has an explanation, and no explanation is of a word
    /// the table no longer has.
    @Test func everyWordIsExplained() {
        #expect(Set(Catalog.switchHelp.keys) == Set(Vocabulary.switches))
        #expect(Set(Catalog.viewHelp.keys) == Set(Vocabulary.views))
        #expect(Set(Catalog.viewOptionHelp.keys) == Set(Vocabulary.viewOptions.values.joined()))
    }

    /// The switches the table says take a number take one, and only they.
    @Test func switchArgumentsAreTheParsers() {
        for name in Vocabulary.switches {
            let parsed = (try? Parser.parse("set \(name) 7")) != nil
            #expect(parsed == (Vocabulary.switchArguments[name] != nil), "set \(name) 7")
        }
    }

    /// The defaults help shows are the parser's: naming one builds the same cluster as leaving it out.
    @Test func clusterDefaultsAreTheParsers() {
        for model in Vocabulary.clusterModels {
            var plain = Session()
            let built = plain.execute("cluster \(model)").output
            for (name, value) in Vocabulary.clusterDefaults[model]! {
                var session = Session()
                #expect(session.execute("cluster \(model) \(name)=\(value)").output == built, "\(model) \(name)=\(value)")
            }
        }
    }

    /// `help set`, `help cluster` and `help export` as a piped terminal shows them, 80 columns.
    @Test func helpGoldens() throws {
        for topic in ["set", "cluster", "export"] {
            var session = Session()
            let text = session.execute("help \(topic)").output
            #expect(text.split(separator: "\n").allSatisfy { displayWidth(String($0)) <= 80 })
            try assertGolden(text + "\n", "help-\(topic).txt")
        }
    }
}
