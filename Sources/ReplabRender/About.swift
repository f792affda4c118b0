/// What replab says about itself: `replab --version` and the REPL's opening line.
public enum About {
    /// The release, as `replab --version` prints it.
    public static let version = "0.13.0"

    /// The one line an interactive session starts with: what this is, and the two ways in.
    public static var banner: String {
        "replab \(version): type help for the commands, lessons for the guided lessons, quit to leave"
    }
}
