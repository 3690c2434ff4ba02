/// An error in a JSON document, with the byte offset where it was found.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset of the problem in the document.
    public var offset: Int
    /// What was wrong.
    public var reason: String

    /// The text printed for this value.
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict JSON parser (RFC 8259) that keeps numbers as text.
public enum JSONParser {
    /// Parses one JSON document; trailing non-space bytes are an error. A member repeated in
    /// one object keeps its last value.
    public static func parse<Bytes: Collection>(_ bytes: Bytes) throws(JSONParseError) -> JSONValue
    where Bytes.Element == UInt8 {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.parseBuffer(buffer)
        }
        if let result { return try result.get() }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { Self.parseBuffer($0) }.get()
    }

    /// ``parse(_:)`` for documents a person edits (the registry): a member repeated in one
    /// object, which would otherwise silently replace the first, is an error naming its path
    /// (`providers[2].timeout`).
    public static func parseRejectingDuplicates(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { Self.parseBuffer($0, rejectingDuplicates: true) }.get()
    }

    /// Parses a JSON document held in a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        // A native string's UTF-8 is contiguous: parsed where it lies, without a copy.
        try parse(text.utf8)
    }

    private static func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>, rejectingDuplicates: Bool = false)
        -> Result<JSONValue, JSONParseError>
    {
        var reader = Reader(buffer: buffer)
        reader.path = rejectingDuplicates ? [] : nil
        do throws(JSONParseError) {
            reader.skipSpace()
            let value = try reader.parseValue(depth: 0)
            reader.skipSpace()
            if reader.index != buffer.count { throw reader.error("unexpected data after the document") }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// The cursor over a document's bytes: ``parse(_:)`` builds values with it;
    /// ``OpenAIStreamChunk`` reads a chunk with it without building them.
    struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var index = 0
        static let maxDepth = 512
        /// The path to the value being read, kept only when duplicates are rejected.
        var path: [String]? = nil

        func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

        mutating func skipSpace() {
            while index < buffer.count {
                switch buffer[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
            guard index < buffer.count else { throw error("unexpected end of document") }
            switch buffer[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("unexpected character '\(Character(Unicode.Scalar(buffer[index])))'")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= buffer.count else { throw error("unexpected end of document") }
            let start = literal.utf8Start
            for offset in 0..<count where buffer[index + offset] != start[offset] {
                throw error("invalid literal")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            index += 1
            var object = JSONObject()
            skipSpace()
            if index < buffer.count, buffer[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            // Room for a typical object at once: growing from empty took three allocations.
            object.reserveCapacity(8)
            while true {
                skipSpace()
                guard index < buffer.count, buffer[index] == UInt8(ascii: "\"") else {
                    throw error("expected a member name")
                }
                let keyOffset = index
                let key = try parseString()
                skipSpace()
                guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipSpace()
                if let depthSoFar = path?.count { path?.append(depthSoFar == 0 ? key : "." + key) }
                let value = try parseValue(depth: depth + 1)
                if object[key] != nil {
                    if let path {
                        throw JSONParseError(
                            offset: keyOffset,
                            reason:
                                "duplicate member \(path.joined()) (a repeated member would silently replace the first)"
                        )
                    }
                    object[key] = value
                } else {
                    object.appendUnchecked(key, value)
                }
                path?.removeLast()
                skipSpace()
                guard index < buffer.count else { throw error("unexpected end of document in an object") }
                if buffer[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if buffer[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(object)
                }
                throw error("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            index += 1
            var elements: [JSONValue] = []
            skipSpace()
            if index < buffer.count, buffer[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            elements.reserveCapacity(4)
            while true {
                skipSpace()
                path?.append("[\(elements.count)]")
                elements.append(try parseValue(depth: depth + 1))
                path?.removeLast()
                skipSpace()
                guard index < buffer.count else { throw error("unexpected end of document in an array") }
                if buffer[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if buffer[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                }
                throw error("expected ',' or ']'")
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> String {
            let start = index
            try skipNumber()
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
        }

        /// Moves past a number, checking its grammar.
        mutating func skipNumber() throws(JSONParseError) {
            if buffer[index] == UInt8(ascii: "-") { index += 1 }
            guard index < buffer.count, isDigit(buffer[index]) else { throw error("invalid number") }
            if buffer[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < buffer.count, isDigit(buffer[index]) { index += 1 }
            }
            if index < buffer.count, buffer[index] == UInt8(ascii: ".") {
                index += 1
                guard index < buffer.count, isDigit(buffer[index]) else { throw error("invalid number") }
                while index < buffer.count, isDigit(buffer[index]) { index += 1 }
            }
            if index < buffer.count, buffer[index] == UInt8(ascii: "e") || buffer[index] == UInt8(ascii: "E") {
                index += 1
                if index < buffer.count, buffer[index] == UInt8(ascii: "+") || buffer[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard index < buffer.count, isDigit(buffer[index]) else { throw error("invalid number") }
                while index < buffer.count, isDigit(buffer[index]) { index += 1 }
            }
        }

        /// Moves past any value, checking it as ``parseValue(depth:)`` does, without building it.
        mutating func skipValue(depth: Int) throws(JSONParseError) {
            guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
            guard index < buffer.count else { throw error("unexpected end of document") }
            switch buffer[index] {
            case UInt8(ascii: "{"):
                if enter(UInt8(ascii: "{"), closing: UInt8(ascii: "}")) == true { return }
                while true {
                    skipSpace()
                    guard index < buffer.count, buffer[index] == UInt8(ascii: "\"") else {
                        throw error("expected a member name")
                    }
                    _ = try skipString()
                    skipSpace()
                    guard index < buffer.count, buffer[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    index += 1
                    skipSpace()
                    try skipValue(depth: depth + 1)
                    if try endOfMember(closing: UInt8(ascii: "}")) { return }
                }
            case UInt8(ascii: "["):
                if enter(UInt8(ascii: "["), closing: UInt8(ascii: "]")) == true { return }
                while true {
                    skipSpace()
                    try skipValue(depth: depth + 1)
                    if try endOfMember(closing: UInt8(ascii: "]")) { return }
                }
            case UInt8(ascii: "\""): _ = try skipString()
            case UInt8(ascii: "t"): try expectLiteral("true")
            case UInt8(ascii: "f"): try expectLiteral("false")
            case UInt8(ascii: "n"): try expectLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
            default: throw error("unexpected character '\(Character(Unicode.Scalar(buffer[index])))'")
            }
        }

        /// At `opening`: moves past it and says whether the container is empty (then past its
        /// `closing` too); nil, moving nowhere, when the value does not start with `opening`.
        mutating func enter(_ opening: UInt8, closing: UInt8) -> Bool? {
            guard index < buffer.count, buffer[index] == opening else { return nil }
            index += 1
            skipSpace()
            guard index < buffer.count, buffer[index] == closing else { return false }
            index += 1
            return true
        }

        /// After a member or element: moves past `,` (false: another follows) or `closing` (true).
        mutating func endOfMember(closing: UInt8) throws(JSONParseError) -> Bool {
            skipSpace()
            guard index < buffer.count else { throw error("unexpected end of document") }
            if buffer[index] == UInt8(ascii: ",") {
                index += 1
                return false
            }
            if buffer[index] == closing {
                index += 1
                return true
            }
            throw error(closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
        }

        /// Moves past a string, checking it as ``parseString()`` does; returns the UTF-8 length
        /// of its text (escapes decoded) without building it.
        mutating func skipString() throws(JSONParseError) -> Int {
            index += 1
            var count = 0
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return count
                }
                if byte < 0x20 { throw error("control character in a string") }
                index += 1
                guard byte == UInt8(ascii: "\\") else {
                    count += 1
                    continue
                }
                guard index < buffer.count else { break }
                let escape = buffer[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    count += 1
                case UInt8(ascii: "u"):
                    let scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar), index + 1 < buffer.count,
                        buffer[index] == UInt8(ascii: "\\"),
                        buffer[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        // A pair is one 4-byte scalar; a broken one a replacement character, as `parseString` reads it.
                        count += (0xDC00...0xDFFF).contains(try parseHex4()) ? 4 : 3
                    } else {
                        count += scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : 3
                    }
                default: throw error("invalid escape")
                }
            }
            throw error("unterminated string")
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        mutating func parseString() throws(JSONParseError) -> String {
            index += 1
            let start = index
            // Fast path: no escapes.
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<index]), as: UTF8.self)
                    index += 1
                    return s
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("control character in a string") }
                index += 1
            }
            var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<index]))
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: bytes, as: UTF8.self)
                }
                if byte < 0x20 { throw error("control character in a string") }
                if byte != UInt8(ascii: "\\") {
                    bytes.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < buffer.count else { break }
                let escape = buffer[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        if index + 1 < buffer.count, buffer[index] == UInt8(ascii: "\\"),
                            buffer[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try parseHex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        scalar = 0xFFFD
                    }
                    let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    bytes.append(contentsOf: String(Character(unicode)).utf8)
                default: throw error("invalid escape")
                }
            }
            throw error("unterminated string")
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard index + 4 <= buffer.count else { throw error("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = buffer[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}
