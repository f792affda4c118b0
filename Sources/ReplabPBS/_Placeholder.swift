public struct PBSOutput: Sendable { public var text: String; public var json: String; public var mermaid: String }
public struct PBSError: Error, Sendable, Equatable { public var message: String }
public enum PBSCommand {
    public static func run(_ args: [String], defaultSeed: UInt64) -> Result<PBSOutput, PBSError> { .failure(PBSError(message: "not yet")) }
    public static let help: String = ""
    public static let summary: String = ""
    public static let optionNames: [String] = []
}
