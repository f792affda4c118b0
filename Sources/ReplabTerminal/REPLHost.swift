/// What the terminal layer needs from the application: ReplabTerminal knows nothing about replab's
/// commands. The host turns lines into output; the loop does all terminal I/O.
public protocol REPLHost {
    /// Runs one input line and returns the text to print (may be empty; a final newline is added
    /// when missing) and whether to leave the REPL.
    ///
    /// Every line is passed, empty ones included (a lesson may want "press Enter"). The line never
    /// contains a newline or a trailing carriage return, and invalid UTF-8 has been replaced by
    /// U+FFFD.
    mutating func handle(line: String) -> (output: String, quit: Bool)

    /// Candidates for the word being completed with Tab. `line` is the buffer up to the cursor and
    /// `word` the partial word under it (words are split at blanks only, so `w=` or `n1:k` are one
    /// word; `word` is empty right after a blank). Candidates that do not start with `word` are
    /// ignored. A unique candidate ending in `=` is inserted without a trailing space.
    func completions(line: String, word: String) -> [String]

    /// The prompt, e.g. `"replab> "`; read before every line, so it may change (inside a lesson).
    /// Only shown when the REPL is interactive. Wrap any escape sequences in `\u{1}`…`\u{2}` so
    /// readline can measure the prompt's width.
    var prompt: String { get }
}
