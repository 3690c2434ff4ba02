import ProviderInterface

/// A forward-only JSON reader that materialises only the values its caller asks for and
/// skips (while still validating) the rest.
///
/// The router catalog runs to tens of megabytes; building a full ``JSONValue`` tree of it
/// allocates a string per key and value. This reader compares keys in place and keeps
/// numbers as their exact text, like ``JSONParser``.
struct HFJSONScanner: ~Copyable {
    /// Where and why the document is not valid JSON.
    struct Failure: Error, Sendable {
        /// The byte offset of a syntax error; `nil` for a document that is JSON but not the expected shape.
        var offset: Int?
        var reason: String
        var description: String { offset.map { "invalid JSON at byte \($0): \(reason)" } ?? reason }

        init(offset: Int?, reason: String) {
            self.offset = offset
            self.reason = reason
        }

        /// A shape error (valid JSON, unexpected content).
        init(_ reason: String) { self.init(offset: nil, reason: reason) }

        /// This failure with `context` before its reason.
        func within(_ context: String) -> Failure { Failure(offset: offset, reason: context + ": " + reason) }
    }

    /// The kind of the next value.
    enum Kind { case object, array, string, number, bool, null }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func failure(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The kind of the next value (after spaces).
    mutating func peekKind() throws(Failure) -> Kind {
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end of document") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw failure("unexpected character")
        }
    }

    /// Checks that only spaces follow.
    mutating func end() throws(Failure) {
        skipSpace()
        guard index == bytes.count else { throw failure("unexpected data after the document") }
    }

    // MARK: Containers

    /// Consumes `{`; `true` when a member follows, `false` for `{}`.
    mutating func beginObject() throws(Failure) -> Bool { try begin(UInt8(ascii: "{"), UInt8(ascii: "}")) }

    /// Consumes `[`; `true` when an element follows, `false` for `[]`.
    mutating func beginArray() throws(Failure) -> Bool { try begin(UInt8(ascii: "["), UInt8(ascii: "]")) }

    /// After a member: consumes `,` (`true`, another follows) or `}` (`false`).
    mutating func nextMember() throws(Failure) -> Bool { try next(UInt8(ascii: "}")) }

    /// After an element: consumes `,` (`true`, another follows) or `]` (`false`).
    mutating func nextElement() throws(Failure) -> Bool { try next(UInt8(ascii: "]")) }

    /// Reads a member name and its `:`; returns the name's raw byte range.
    mutating func key() throws(Failure) -> Range<Int> {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a member name") }
        let range = try rawString()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
        index += 1
        return range
    }

    /// Whether a raw name range spells `name` (names with escapes never match; the keys read
    /// here have none).
    func key(_ range: Range<Int>, is name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let start = name.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != start[offset] { return false }
        return true
    }

    /// A member name as text (escapes decoded).
    func keyString(_ range: Range<Int>) throws(Failure) -> String {
        guard bytes[range].contains(UInt8(ascii: "\\")) else {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        do {
            let quoted = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound - 1)..<(range.upperBound + 1)])
            return try JSONParser.parse(quoted).stringValue ?? ""
        } catch {
            throw Failure(offset: range.lowerBound - 1 + error.offset, reason: error.reason)
        }
    }

    // MARK: Scalars

    /// A string value, decoded.
    mutating func string() throws(Failure) -> String {
        guard try peekKind() == .string else { throw failure("expected a string") }
        let start = index
        let range = try rawString()
        if bytes[range].contains(UInt8(ascii: "\\")) {
            do {
                return try JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<index])).stringValue ?? ""
            } catch {
                throw Failure(offset: start + error.offset, reason: error.reason)
            }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A number's exact text.
    mutating func numberText() throws(Failure) -> String {
        guard try peekKind() == .number else { throw failure("expected a number") }
        let start = index
        try skipNumber()
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// Consumes a number; returns the range of its text (see ``plainScaled(_:by:)``, ``text(_:)``).
    mutating func numberRange() throws(Failure) -> Range<Int> {
        guard try peekKind() == .number else { throw failure("expected a number") }
        let start = index
        try skipNumber()
        return start..<index
    }

    /// The text of a range of the document.
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// `number × 10^exponent` computed without allocating, when the number is plain
    /// (`123`, `0.15`: no sign, no exponent) and exact at that scale; `nil` otherwise, for
    /// the caller to fall back on ``DecimalText`` (which handles every form and rounding).
    func plainScaled(_ range: Range<Int>, by exponent: Int) -> Int64? {
        var value: Int64 = 0
        var fractionDigits = 0
        var sawPoint = false
        var significant = 0
        for i in range {
            let byte = bytes[i]
            if byte == UInt8(ascii: ".") {
                sawPoint = true
                continue
            }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            if sawPoint { fractionDigits += 1 }
            if value != 0 || byte != 0x30 { significant += 1 }
            value = value &* 10 &+ Int64(byte - 0x30)
        }
        guard fractionDigits <= exponent, significant + exponent - fractionDigits <= 18 else { return nil }
        for _ in 0..<(exponent - fractionDigits) { value &*= 10 }
        return value
    }

    /// A boolean.
    mutating func bool() throws(Failure) -> Bool {
        guard try peekKind() == .bool else { throw failure("expected a boolean") }
        if bytes[index] == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws(Failure) {
        guard depth < 512 else { throw failure("nesting too deep") }
        switch try peekKind() {
        case .object:
            var more = try beginObject()
            while more {
                _ = try key()
                try skipValue(depth: depth + 1)
                more = try nextMember()
            }
        case .array:
            var more = try beginArray()
            while more {
                try skipValue(depth: depth + 1)
                more = try nextElement()
            }
        case .string: _ = try rawString()
        case .number: try skipNumber()
        case .bool: _ = try bool()
        case .null: try literal("null")
        }
    }

    // MARK: Internals

    private mutating func begin(_ open: UInt8, _ close: UInt8) throws(Failure) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == open else {
            throw failure(open == UInt8(ascii: "{") ? "expected an object" : "expected an array")
        }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return false
        }
        return true
    }

    private mutating func next(_ close: UInt8) throws(Failure) -> Bool {
        skipSpace()
        guard index < bytes.count else { throw failure("unexpected end of document") }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        guard bytes[index] == close else { throw failure("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
        index += 1
        return false
    }

    /// Consumes a string; returns the range of its raw content (escapes not decoded).
    private mutating func rawString() throws(Failure) -> Range<Int> {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte < 0x20 { throw failure("control character in a string") }
            index += 1
        }
        throw failure("unterminated string")
    }

    private mutating func skipNumber() throws(Failure) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw failure("invalid number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw failure("invalid number") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw failure("invalid number") }
        }
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        return index - start
    }

    private mutating func literal(_ text: StaticString) throws(Failure) {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("unexpected end of document") }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] {
            throw failure("invalid literal")
        }
        index += count
    }
}
