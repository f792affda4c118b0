import ArgumentParser
import ReplabCommands
import ReplabRender

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `--color auto|always|never`.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// The one place that looks at the terminal: whether standard output is one, how wide it is,
/// and `NO_COLOR`. Everything below the executable gets the answer as a `ViewStyle`.
enum TTY {
    static var standardOutputIsTerminal: Bool { isatty(1) == 1 }

    /// Columns of the terminal on standard output, if it is one.
    static var columns: Int? {
        guard standardOutputIsTerminal else { return nil }
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Colour when asked, or (auto) when standard output is a terminal and `NO_COLOR` is unset
    /// or empty (https://no-color.org); width from the terminal, else 80, so piped output is
    /// the same on every machine.
    static func style(color: ColorChoice, ascii: Bool, environment: [String: String]) -> ViewStyle {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let useColor: Bool
        switch color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto: useColor = standardOutputIsTerminal && !noColor
        }
        return ViewStyle(color: useColor, unicode: !ascii, width: columns ?? ViewStyle.defaultWidth)
    }
}
