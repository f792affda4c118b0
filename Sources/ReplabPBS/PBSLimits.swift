/// The bounds of every loop a user can start with `pbs`.
enum PBSLimits {
    static let maxTrials = 100_000_000
    static let maxReplicas = 50
    /// trials × n: about a minute of sampling in a release build.
    static let maxWork = 1_000_000_000
    static let maxTimes = 50
    static let maxTimeMs = 1_000_000.0
    static let maxK = 100
    static let maxConfigs = 6
}
