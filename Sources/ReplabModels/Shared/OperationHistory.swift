import HashTreeCollections

/// The client operations of a cluster, numbered from 1 in the order they started, in a
/// `PersistentArray` (an undo snapshot shares it instead of copying it).
public struct OperationHistory: RandomAccessCollection, MutableCollection, Sendable, Hashable {
    private var records = PersistentArray<OperationRecord>()
    /// Every key an operation has named, for views and completion without a scan of the history.
    public private(set) var keys: TreeSet<String> = []

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { records.count }

    public subscript(position: Int) -> OperationRecord {
        get { records[position] }
        set { records[position] = newValue }
    }

    public mutating func append(_ record: OperationRecord) {
        records.append(record)
        keys.insert(record.key)
    }
}
