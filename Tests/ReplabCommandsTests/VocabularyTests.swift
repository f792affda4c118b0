import Testing

@testable import ReplabCommands

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
        expectOffered("every=", after: "set anti-entropy on ", parses: "set anti-entropy on every=3")
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
    }
}

/// Help names every word of the table, so the three cannot drift apart unnoticed.
@Suite struct VocabularyHelpTests {
    func help(_ name: String) -> String { (try? Help.text(topic: name, width: 200)) ?? "" }

    @Test func helpNamesEveryWord() {
        for name in Vocabulary.switches { #expect(help("set").contains("set \(name)"), "help set lacks \(name)") }
        for view in Vocabulary.views { #expect(help("show").contains("show \(view)"), "help show lacks \(view)") }
        for kind in Vocabulary.exportKinds where kind != "pbs" { #expect(help("export").contains(kind)) }
        for model in Vocabulary.clusterModels {
            #expect(help("cluster").contains("cluster \(model)"))
            for option in Vocabulary.clusterOptions[model]! {
                let name = String(option.split(separator: "=")[0])
                #expect(help("cluster").contains(name + "="), "help cluster lacks \(option)")
            }
        }
        for verb in Vocabulary.ruleVerbs { #expect(help("rule").contains("rule \(verb)")) }
    }
}
