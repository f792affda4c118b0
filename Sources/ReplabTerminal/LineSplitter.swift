/// Splits a byte stream into lines, for input that does not come from readline.
///
/// Lines end at `\n`; one `\r` before it (CRLF) is dropped; a last line without a newline is kept;
/// invalid UTF-8 is replaced by U+FFFD. A line longer than `maxLineBytes` is cut into pieces of
/// that size, so memory stays bounded whatever is piped in.
public struct LineSplitter {
    public static let maxLineBytes = 1 << 20

    private var pending: [UInt8] = []

    public init() {}

    /// Feeds bytes and returns the lines they complete, in order.
    public mutating func push(_ bytes: some Sequence<UInt8>) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(Self.decode(pending))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count >= Self.maxLineBytes {
                    lines.append(Self.decode(pending))
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }
        return lines
    }

    /// Ends the stream: returns the last line if it had no newline, else `nil`.
    public mutating func finish() -> String? {
        guard !pending.isEmpty else { return nil }
        defer { pending.removeAll() }
        return Self.decode(pending)
    }

    /// All lines of a complete text, e.g. a line from readline holding pasted newlines. Always at
    /// least one line (an empty text is one empty line); a final newline adds no empty line.
    static func lines(of bytes: some Sequence<UInt8>) -> [String] {
        var splitter = LineSplitter()
        var lines = splitter.push(bytes)
        if let last = splitter.finish() {
            lines.append(last)
        } else if lines.isEmpty {
            lines.append("")
        }
        return lines
    }

    static func decode(_ bytes: [UInt8]) -> String {
        let line = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes[...]
        return String(decoding: line, as: UTF8.self)
    }
}
