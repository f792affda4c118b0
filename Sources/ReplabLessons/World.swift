import ReplabCommands
import ReplabRender

/// The session a lesson runs in, plus what claims need that the session does not keep in its
/// results: the operations that completed, newest last.
///
/// Everything is read through `Session.execute(_:)` and the JSON of its results (the stable
/// surface), never from the models. Claims about the present (`state`, `check`, in-flight
/// messages) run their view command on a copy of the session, so checking never changes the
/// learner's session or its undo history.
public struct LessonWorld: Sendable {
    public private(set) var session: Session
    private var records: [Record] = []

    /// One completed operation, or a mark where a new cluster (or `reset`) started a new history.
    struct Record: Sendable {
        /// How many commands the session's log held after the command that completed it:
        /// `undo` shortens the log, and the records past its new length go with it.
        var logCount: Int
        var completion: Done?
    }

    /// A completed client operation, as `completed` in the JSON of a result.
    struct Done: Sendable, Equatable {
        var client: String
        var kind: String
        var op: Int
        var key: String
        var ok: Bool
        var values: [String]

        var label: String { "\(client)'s \(kind) \(key) (op \(op))" }
    }

    public init(seed: UInt64, files: FileAccess?, style: ViewStyle = .standard) {
        session = Session(seed: seed, files: files, style: style)
    }

    /// How views are drawn (character set, colour, width): the terminal's, passed in.
    public var style: ViewStyle {
        get { session.style }
        set { session.style = newValue }
    }

    /// Runs one line in the session and remembers the operations it completed.
    public mutating func execute(_ line: String) -> CommandResult {
        let result = session.execute(line)
        records.removeAll { $0.logCount > session.log.count }
        if result.ok, startsNewHistory(line) { records.append(Record(logCount: session.log.count, completion: nil)) }
        for item in result.json["completed"]?.items ?? [] {
            let done = Done(
                client: item["client"]?.stringValue ?? "?", kind: item["op"]?.stringValue ?? "?", op: item["id"]?.intValue ?? 0,
                key: item["key"]?.stringValue ?? "", ok: item["ok"]?.boolValue ?? false,
                values: (item["values"]?.items ?? []).compactMap(\.stringValue).sorted())
            records.append(Record(logCount: session.log.count, completion: done))
        }
        return result
    }

    private func startsNewHistory(_ line: String) -> Bool {
        switch try? Parser.parse(line) {
        case .cluster?, .reset?: return true
        default: return false
        }
    }

    /// The operations completed since the cluster was built, oldest first.
    var completions: [Done] {
        var result: [Done] = []
        for record in records.reversed() {
            guard let done = record.completion else { break }
            result.append(done)
        }
        return result.reversed()
    }

    /// Runs a command that only looks (a view or `check`) on a copy of the session.
    func look(_ line: String) -> CommandResult {
        var scratch = session
        return scratch.execute(line)
    }
}
