import HashTreeCollections

/// An array whose copies share structure: a persistent hash tree (`TreeDictionary`) from
/// position to element. Taking a copy (an undo snapshot, another schedule the explorer tries)
/// is O(1) and each change after it O(log n), where a Swift array would copy every element at
/// the first change after each snapshot, which makes a long session quadratic. Reads and
/// updates by position are O(log n); iteration is in order.
public struct PersistentArray<Element: Sendable & Hashable>: RandomAccessCollection, MutableCollection, Sendable, Hashable {
    private var elements: TreeDictionary<Int, Element> = [:]

    public init() {}

    public init(_ items: some Sequence<Element>) {
        for item in items { append(item) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { elements.count }

    public subscript(position: Int) -> Element {
        get {
            guard let element = elements[position] else { preconditionFailure("index \(position) out of range 0..<\(count)") }
            return element
        }
        set {
            precondition(position >= 0 && position < elements.count, "index \(position) out of range 0..<\(count)")
            elements[position] = newValue
        }
    }

    public mutating func append(_ element: Element) {
        elements[elements.count] = element
    }

    /// Keeps the first `length` elements.
    public mutating func truncate(to length: Int) {
        while elements.count > Swift.max(0, length) { elements[elements.count - 1] = nil }
    }
}
