public protocol REPLHost {
    mutating func handle(line: String) -> (output: String, quit: Bool)
    func completions(line: String, word: String) -> [String]
    var prompt: String { get }
}
public enum HistoryPath { public static func resolve(environment: [String: String]) -> String? { nil } }
public struct REPLLoop {
    public static func run<H: REPLHost>(_ host: inout H, historyPath: String?) {
        while let line = readLine() {
            let (output, quit) = host.handle(line: line)
            if !output.isEmpty { print(output) }
            if quit { break }
        }
    }
}
