/// Where the interactive history is kept.
public enum HistoryPath {
    /// The file name used in the home directory.
    public static let defaultFileName = ".replab_history"

    /// The history file for this environment (pass the process environment):
    /// - `REPLAB_HISTORY` set and non-empty: that path, as given;
    /// - `REPLAB_HISTORY` set but empty: `nil`, history is not saved;
    /// - otherwise `$HOME/.replab_history`, or `nil` when `HOME` is unset or empty.
    public static func resolve(environment: [String: String]) -> String? {
        if let override = environment["REPLAB_HISTORY"] {
            return override.isEmpty ? nil : override
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home.hasSuffix("/") ? home + defaultFileName : home + "/" + defaultFileName
    }
}
