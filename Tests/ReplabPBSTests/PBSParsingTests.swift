import Testing

@testable import ReplabPBS

/// Bad input gets one clear line saying what was wrong and what is allowed; nothing traps.
@Suite struct PBSParsingTests {
    static func error(_ args: [String]) -> String? {
        if case .failure(let e) = PBSParser.parse(args, defaultSeed: 1) { return e.message }
        return nil
    }

    static func request(_ args: [String]) throws -> PBSRequest {
        try PBSParser.parse(args, defaultSeed: 1).get()
    }

    @Test("Defaults: n=3 r=1 w=1 lnkd-disk, 100000 trials, the session's seed, k=1")
    func defaults() throws {
        let r = try Self.request([])
        #expect(r.configs == [PBSConfig(quorum: PBSQuorum(n: 3, r: 1, w: 1), model: .lnkdDisk)])
        #expect(r.trials == 100_000 && r.seed == 1 && r.k == 1 && r.times == nil && !r.isCompare)
    }

    @Test("Options in any order and case; numbers in several spellings")
    func spellings() throws {
        let r = try Self.request(["W=2", "N=5", "dist=YMMR", "trials=1_000_000", "t=10,0,5,5", "seed=0x5EED", "k=3"])
        #expect(r.configs[0].quorum == PBSQuorum(n: 5, r: 1, w: 2))
        #expect(r.configs[0].model == .ymmr)
        #expect(r.trials == 1_000_000 && r.seed == 0x5EED && r.k == 3)
        #expect(r.times == [0, 5, 10])
        #expect(try Self.request(["trials=1e6"]).trials == 1_000_000)
        #expect(try Self.request(["trials=2,000"]).trials == 2_000)
        #expect(try Self.request(["t=0.5,12.125"]).times == [0.5, 12.125])
        let e = try Self.request(["dist=exp(w=0.1,", "a=inf)"]).configs[0].model
        #expect(e.name == "exp(w=0.1,a=inf,r=1,s=1)")
        #expect(e.w == .exponential(rate: 0.1) && e.a == .zero && e.r == .exponential(rate: 1))
    }

    @Test(
        "Each kind of bad input names the problem and what is allowed",
        arguments: [
            (["r=4"], "r=4 is larger than n=3: a read can wait for at most n replicas (1 ≤ r ≤ n)"),
            (["n=2", "w=3"], "w=3 is larger than n=2: a write can wait for at most n replicas (1 ≤ w ≤ n)"),
            (
                ["dist=lnkd-dsk"],
                "unknown distribution 'lnkd-dsk' (did you mean lnkd-disk?); distributions are lnkd-ssd, lnkd-disk, ymmr, wan, exp(w=λ,a=λ,r=λ,s=λ)"
            ),
            (["dist=pareto"], "unknown distribution 'pareto'; distributions are lnkd-ssd, lnkd-disk, ymmr, wan, exp(w=λ,a=λ,r=λ,s=λ)"),
            (["t=0,-1"], "t=0,-1: -1 is negative; t counts ms after the write commits, so t ≥ 0"),
            (["trials=0"], "trials=0 is out of range (trials is a whole number from 1 to 100,000,000)"),
            (["trials=100000001"], "trials=100000001 is out of range (trials is a whole number from 1 to 100,000,000)"),
            (
                ["trials=99999999999999999999999"],
                "trials=99999999999999999999999 is out of range (trials is a whole number from 1 to 100,000,000)"
            ),
            (["trials=lots"], "trials=lots is not a whole number (trials is a whole number from 1 to 100,000,000)"),
            (["trails=10"], "unknown option 'trails=' (did you mean trials=?); options are n= r= w= dist= trials= t= k= seed="),
            (["dsit=wan"], "unknown option 'dsit=' (did you mean dist=?); options are n= r= w= dist= trials= t= k= seed="),
            (["x=1"], "unknown option 'x='; options are n= r= w= dist= trials= t= k= seed="),
            (["n=three"], "n=three is not a whole number (n is the number of replicas, 1 to 50)"),
            (["n=3.5"], "n=3.5 is not a whole number (n is the number of replicas, 1 to 50)"),
            (["n=0"], "n=0 is out of range (n is the number of replicas, 1 to 50)"),
            (["n=51"], "n=51 is out of range (n is the number of replicas, 1 to 50)"),
            (["r=-1"], "r=-1 is not a whole number (r is the number of read responses to wait for, 1 to n)"),
            (["k=0"], "k=0 is out of range (k is how many recent versions count as fresh, 1 to 100)"),
            (["t=1e-5"], "t=1e-5: 1e-5 has more than three decimals (times are in ms, to 0.001 ms)"),
            (["t=nan"], "t=nan: 'nan' is not a number (t is a list of times in ms after the write commits, e.g. t=0,1,5,10)"),
            (["t=5,,6"], "t=5,,6: '' is not a number (t is a list of times in ms after the write commits, e.g. t=0,1,5,10)"),
            (["t=2000000"], "t=2000000: 2000000 is beyond 1,000,000 ms"),
            (["seed=-3"], "seed=-3 is not a whole number from 0 to 18446744073709551615 (decimal, or hex as 0x5EED)"),
            (["n="], "n= needs a value (n is the number of replicas, 1 to 50)"),
            (["n=3", "n=4"], "n= is given twice; to compare values use pbs compare n=… n=…"),
            (["lnkd-ssd"], "'lnkd-ssd' needs a name: write dist=lnkd-ssd"),
            (["3"], "expected OPTION=VALUE but got '3'; options are n= r= w= dist= trials= t= k= seed="),
            (["seeed"], "expected OPTION=VALUE but got 'seeed' (did you mean seed=…?); options are n= r= w= dist= trials= t= k= seed="),
            (["r=1,2"], "r=1,2 gives r= several values; to compare them write pbs compare r=… r=…"),
            (["n=3,r=2"], "'n=3,r=2' describes one configuration for pbs compare; for one run give n=, r=, w= as separate words"),
            (
                ["dist=exp"],
                "dist=exp needs its rates: dist=exp(w=λ,a=λ,r=λ,s=λ), λ per ms (mean 1/λ ms; inf = exactly 0 ms; a missing rate is 1)"
            ),
            (["dist=exp(w=0)"], "exp(w=0): w=0 is out of range; a rate is from 0.000001 to 1000000 per ms (or inf for an instant message)"),
            (["dist=exp(q=1)"], "exp(q=1): unknown rate 'q='; the rates are w=, a=, r=, s="),
            (["dist=exp(w=1,w=2)"], "exp(w=1,w=2): w= is given twice"),
            (["dist=exp(w=fast)"], "exp(w=fast): w=fast is not a number (a rate per ms, or inf for an instant message)"),
            (
                ["dist=exponential"],
                "unknown distribution 'exponential' (did you mean exp(w=…,a=…,r=…,s=…)?); distributions are lnkd-ssd, lnkd-disk, ymmr, wan, exp(w=λ,a=λ,r=λ,s=λ)"
            ),
            (["dist=exp(w=1"], "missing ')' in 'dist=exp(w=1'"),
            (["trials=100000000", "n=50"], "trials=100,000,000 with n=50 is too much work: keep trials × n ≤ 1,000,000,000"),
            (
                ["compare", "n=3"],
                "compare needs at least two configurations, e.g. pbs compare n=3,r=1,w=1 n=3,r=2,w=1 (or repeat one option: pbs compare r=1 r=2)"
            ),
            (
                ["compare", "r=1", "r=4"],
                "configuration 2 (r=4): r=4 is larger than n=3: a read can wait for at most n replicas (1 ≤ r ≤ n)"
            ),
            (
                ["compare", "n=3,trials=5", "n=4"],
                "in 'n=3,trials=5', trials= applies to every configuration: give it as its own word (a configuration sets only n, r, w, dist)"
            ),
            (
                ["compare", "r=1", "r=2", "t=1", "t=2"],
                "t= is given twice (only n, r, w and dist may be repeated, to compare their values)"
            ),
            (["compare", "r=1", "r=2", "r=3", "w=1", "w=2", "w=3", "w=4"], "compare takes at most 6 configurations, got 7"),
            (["n=3", "compare", "r=2"], "'compare' must come first: pbs compare CONFIG CONFIG … [options]"),
            (["compare", "r=1", "r=1"], "configurations 1 and 2 are the same (N=3 R=1 W=1 lnkd-disk); compare different ones"),
        ])
    func badInput(args: [String], message: String) {
        #expect(Self.error(args) == message)
        #expect(!message.contains("\n"))
    }

    @Test("compare: comma words are configurations, repeated options too, single options are shared")
    func compareGrammar() throws {
        let a = try Self.request(["compare", "n=3,r=1,w=1", "n=3,r=2,w=1", "dist=lnkd-ssd", "trials=500"])
        #expect(a.isCompare && a.trials == 500)
        #expect(a.configs.map(\.quorum) == [PBSQuorum(n: 3, r: 1, w: 1), PBSQuorum(n: 3, r: 2, w: 1)])
        #expect(a.configs.allSatisfy { $0.model == .lnkdSSD })
        let b = try Self.request(["compare", "dist=lnkd-ssd", "dist=lnkd-disk", "n=5"])
        #expect(b.configs.map(\.model) == [.lnkdSSD, .lnkdDisk])
        #expect(b.configs.allSatisfy { $0.quorum.n == 5 })
        let c = try Self.request(["Compare", "r=1", "r=2", "r=3", "n=3,dist=exp(w=2,a=inf)"])
        #expect(c.configs.count == 4)
        #expect(c.configs[3].model.name == "exp(w=2,a=inf,r=1,s=1)")
    }

    @Test("Nothing a user types can trap: thousands of word salads all parse or fail cleanly")
    func wordSalad() {
        let pieces = [
            "n=", "r=", "w=", "k=", "t=", "dist=", "trials=", "seed=", "compare", "=", ",", "(", ")", "exp(",
            "w=", "inf", "0", "1", "3", "-2", "1e309", "0x", "ff", "9999999999999999999999", ".", "lnkd-ssd",
            "wan", "é", "λ", " ", "_", "nan", "1.0005", "a=", "s=", "r=1,w=2",
        ]
        var rng = PBSRandom(seed: 2024)
        for _ in 0..<3_000 {
            var words: [String] = []
            for _ in 0..<rng.below(5) {
                var word = ""
                for _ in 0...rng.below(4) { word += pieces[rng.below(pieces.count)] }
                words.append(word)
            }
            switch PBSParser.parse(words, defaultSeed: 0) {
            case .success(let r):
                #expect(r.configs.allSatisfy { $0.quorum.r <= $0.quorum.n && $0.quorum.w <= $0.quorum.n })
            case .failure(let e):
                #expect(!e.message.isEmpty && !e.message.contains("\n"), "\(words)")
            }
        }
    }

    @Test("Help and completion cover every option")
    func helpAndCompletion() {
        for option in PBSParser.optionKeys {
            #expect(PBSCommand.optionNames.contains(option + "="))
            #expect(PBSCommand.help.contains("  \(option)="))
        }
        #expect(PBSCommand.help.contains("3.35") && PBSCommand.help.contains("α is 3.5"))
        #expect(PBSCommand.help.split(separator: "\n").allSatisfy { $0.count <= 80 })
        #expect(!PBSCommand.summary.contains("\n"))
    }
}
