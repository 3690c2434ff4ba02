/// A JSON document as a value, with numbers kept as their exact decimal text.
///
/// Provider prices arrive as JSON numbers (`0.15`) and strings (`"3.5e-7"`); parsing them
/// through `Double` would lose exactness, so ``JSONValue/number(_:)`` keeps the text and
/// ``DecimalText`` converts it to integers exactly. Objects keep their key order.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number as written in the document (e.g. `"0.15"`, `"-1"`, `"3.5e-7"`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The value for `key` when this is an object, else `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number's text, when this is a number.
    public var numberText: String? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The number as an `Int` when it is an integer that fits (`12`, `12.0`, `1.2e1`).
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        if let i = Int(text) { return i }
        guard let scaled = DecimalText.scaled(text, by: 0), scaled.exact else { return nil }
        return Int(exactly: scaled.value)
    }

    /// The boolean, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object, when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A number value from an integer.
    public static func integer<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }
}

/// A JSON object that keeps its keys in document order.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// The members in order.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// An object from ordered members; a later duplicate key replaces the earlier value.
    public init(_ members: [(String, JSONValue)] = []) {
        var list: [(key: String, value: JSONValue)] = []
        list.reserveCapacity(members.count)
        next: for (key, value) in members {
            for index in list.indices where list[index].key == key {
                list[index].value = value
                continue next
            }
            list.append((key, value))
        }
        self.members = list
    }

    /// The member named `key`; setting `nil` removes it.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Makes room for `count` members (the parser's guess, saving regrowths).
    mutating func reserveCapacity(_ count: Int) { members.reserveCapacity(count) }

    /// Appends without checking for a duplicate key (the parser's fast path).
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }
    /// The number of members.
    public var count: Int { members.count }

    /// The members, in their order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    /// Equal when the members are, in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the members in their order, as equality compares them.
    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByIntegerLiteral
{
    /// A JSON value from a Swift literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A JSON value from a Swift literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A JSON value from a Swift literal.
    public init(nilLiteral: ()) { self = .null }
    /// A JSON value from a Swift literal.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A JSON value from a Swift literal.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    /// A JSON value from a Swift literal.
    public init(integerLiteral value: Int) { self = .number(String(value)) }
}
