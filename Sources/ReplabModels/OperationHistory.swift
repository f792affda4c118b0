import HashTreeCollections

/// The client operations of a cluster, numbered from 1 in the order they started.
///
/// Held in a persistent hash tree (`TreeDictionary`), so a copy shares its structure with the
/// original: an undo snapshot, or another schedule the explorer tries, costs O(1) to take and
/// each change after it O(log n), where a plain array would copy the whole history at the first
/// change after every snapshot (which made long sessions quadratic). Reads and updates by
/// position are O(log n); iteration is in operation order.
public struct OperationHistory: RandomAccessCollection, MutableCollection, Sendable, Hashable {
    private var records: TreeDictionary<Int, OperationRecord> = [:]
    /// Every key an operation has named, for views and completion without a scan of the history.
    public private(set) var keys: TreeSet<String> = []

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { records.count }

    public subscript(position: Int) -> OperationRecord {
        get {
            guard let record = records[position] else { preconditionFailure("operation index \(position) out of range") }
            return record
        }
        set {
            precondition(position >= 0 && position < records.count, "operation index \(position) out of range")
            records[position] = newValue
        }
    }

    public mutating func append(_ record: OperationRecord) {
        records[records.count] = record
        keys.insert(record.key)
    }
}
