import Foundation
import Testing

@testable import ReplabPBS

/// The three outputs: text in 80 columns, the JSON contract, Mermaid xychart-beta.
@Suite struct PBSRenderTests {
    static func output(_ args: [String], seed: UInt64 = 42) throws -> PBSOutput {
        try PBSCommand.run(args, defaultSeed: seed).get()
    }

    static let commands: [[String]] = [
        ["trials=3000"],
        ["dist=lnkd-ssd", "trials=3000"],
        ["dist=ymmr", "r=2", "trials=3000", "k=7", "seed=18446744073709551615"],
        ["dist=wan", "trials=3000", "t=0,0.5,75,150.125,1000"],
        ["dist=exp(w=1,a=inf,r=inf,s=inf)", "n=50", "r=25", "w=25", "trials=300"],
        ["n=3", "r=2", "w=2", "trials=3000"],
        [
            "compare", "dist=exp(w=0.1)", "dist=exp(w=4,a=0.5,r=0.25,s=0.125)", "dist=lnkd-ssd", "dist=lnkd-disk",
            "dist=ymmr", "dist=wan", "trials=2000", "k=100", "t=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20",
        ],
        ["compare", "n=3,r=1,w=1", "n=3,r=2,w=1", "n=3,r=2,w=2", "dist=lnkd-ssd", "trials=3000"],
        // The longest names: header, legend and notes must still fit.
        [
            "dist=exp(w=0.000001,a=inf,r=inf,s=inf)", "n=50", "r=25", "w=25", "trials=100",
            "seed=18446744073709551615", "k=100",
        ],
        [
            "compare", "dist=exp(w=0.000001,a=0.000001,r=0.000001,s=0.000001)", "dist=exp(w=2,a=inf,r=inf,s=inf)",
            "n=50", "r=25", "w=25", "trials=100", "seed=18446744073709551615", "k=100",
        ],
    ]

    @Test("Every text line fits 80 columns", arguments: commands)
    func textFits80Columns(args: [String]) throws {
        let text = try Self.output(args).text
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(line.count <= 80, "\(line.count): \(line)")
        }
    }

    @Test("JSON: the contract's keys in a fixed order, valid JSON, one line", arguments: commands)
    func jsonContract(args: [String]) throws {
        let json = try Self.output(args).json
        #expect(!json.contains("\n"))
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let objects: [[String: Any]]
        if args.first == "compare" {
            objects = try #require(value as? [[String: Any]])
        } else {
            objects = [try #require(value as? [String: Any])]
        }
        for object in objects {
            #expect(Set(object.keys) == ["points", "t999", "read_ms", "write_ms", "trials", "seed", "config"])
            let points = try #require(object["points"] as? [[String: Any]])
            #expect(!points.isEmpty && points.allSatisfy { Set($0.keys) == ["t", "consistent"] })
            #expect(Set(try #require(object["read_ms"] as? [String: Any]).keys) == ["p50", "p99", "p999"])
        }
        let first = args.first == "compare" ? String(json.dropFirst()) : json
        let order = [
            "{\"points\":[{\"t\":", "\"t999\":", "\"read_ms\":{\"p50\":", "\"p99\":", "\"p999\":",
            "\"write_ms\":{\"p50\":", "\"trials\":", "\"seed\":", "\"config\":{\"n\":",
        ]
        var position = first.startIndex
        for key in order {
            let found = try #require(first.range(of: key, range: position..<first.endIndex), "\(key)")
            position = found.upperBound
        }
    }

    @Test("JSON golden: the shape of the issue's example")
    func jsonGolden() throws {
        let json = try Self.output(["trials=10000", "t=0,10,50"], seed: 0x5EED).json
        #expect(
            json == """
                {"points":[{"t":0,"consistent":0.4274},{"t":10,"consistent":0.9258},{"t":50,"consistent":0.9990}],\
                "t999":45.44,"read_ms":{"p50":0.489,"p99":0.562,"p999":0.627},"write_ms":{"p50":1.510,"p99":6.844,\
                "p999":11.74},"trials":10000,"seed":24301,"config":{"n":3,"r":1,"w":1,"dist":"lnkd-disk","k":1}}
                """)
    }

    @Test("Mermaid: xychart-beta, one line per configuration, the listed points", arguments: commands)
    func mermaidShape(args: [String]) throws {
        let out = try Self.output(args)
        let lines = out.mermaid.split(separator: "\n").map(String.init)
        #expect(lines.first == "---" && lines.contains("xychart-beta"))
        let series = lines.filter { $0.hasPrefix("    line \"") }
        let configs = args.first == "compare" ? series.count : 1
        #expect(series.count == configs && configs >= 1)
        let xAxis = try #require(lines.first { $0.hasPrefix("    x-axis ") })
        let labels = xAxis.split(separator: "[")[1].split(separator: ",").count
        for line in series {
            #expect(line.split(separator: "[")[1].split(separator: ",").count == labels)
        }
        #expect(lines.contains { $0.hasPrefix("    y-axis \"P(consistent)\" ") && $0.hasSuffix(" --> 1") })
    }

    @Test("The plot draws each curve and a step where WAN waits 150 ms")
    func plotShape() throws {
        let text = try Self.output(["compare", "r=1", "r=3", "dist=wan", "trials=3000"]).text
        let plot = text.split(separator: "\n").drop { !$0.hasPrefix("P(consistent)") }
        #expect(plot.contains { $0.contains("*") } && plot.contains { $0.contains("o") || $0.contains("#") })
        #expect(plot.contains { $0.hasPrefix(" 1.00 |") })
        #expect(plot.contains { $0.hasPrefix("       * [1]  o [2]  # several") })
    }

    @Test("Default times stop once every configuration reaches 99.9%; given times are all shown")
    func shownTimes() throws {
        let ssd = try Self.output(["dist=lnkd-ssd", "trials=20000"]).json
        #expect(ssd.contains("{\"t\":5,") && !ssd.contains("{\"t\":10,"))
        let strict = try Self.output(["r=2", "w=2", "trials=100"]).json
        #expect(strict.contains("{\"t\":5,") && !strict.contains("{\"t\":10,"))
        let given = try Self.output(["dist=lnkd-ssd", "trials=2000", "t=0,100,1000"]).json
        #expect(given.contains("{\"t\":1000,"))
    }
}
