import ProviderInterface

/// A fast, append-only JSON writer for rendering large fixture bodies byte by byte
/// (no intermediate ``JSONValue`` tree). Commas are inserted automatically.
struct JSONOut {
    private(set) var bytes: [UInt8] = []
    /// Per open container: whether it already has a member.
    private var hasMember: [Bool] = []
    private var afterKey = false

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
            return
        }
        if let last = hasMember.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            hasMember[hasMember.count - 1] = true
        }
    }

    mutating func key(_ name: String) {
        beforeValue()
        Self.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        hasMember.append(false)
    }

    mutating func endObject() {
        hasMember.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        hasMember.append(false)
    }

    mutating func endArray() {
        hasMember.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func string(_ value: String) {
        beforeValue()
        Self.appendString(value, to: &bytes)
    }

    /// Appends `value` as a JSON string literal: one bulk copy when nothing needs escaping
    /// (the common case for ids and names), else the general escaper.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        var value = value
        let plain = value.withUTF8 { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: utf8)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if !plain { JSONWriter.writeString(value, into: &out) }
    }

    mutating func int(_ value: Int) {
        beforeValue()
        Self.appendInt(value, to: &bytes)
    }

    /// A number from its decimal text, written as is.
    mutating func number(_ text: String) {
        beforeValue()
        bytes.append(contentsOf: text.utf8)
    }

    mutating func bool(_ value: Bool) {
        beforeValue()
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    mutating func null() {
        beforeValue()
        bytes.append(contentsOf: Self.nullBytes)
    }

    mutating func value(_ value: JSONValue) {
        beforeValue()
        JSONWriter.write(value, into: &bytes)
    }

    /// Already-encoded JSON.
    mutating func raw<Bytes: Sequence<UInt8>>(_ encoded: Bytes) {
        beforeValue()
        bytes.append(contentsOf: encoded)
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: String, int value: Int) {
        key(name)
        int(value)
    }

    mutating func field(_ name: String, number text: String) {
        key(name)
        number(text)
    }

    mutating func field(_ name: String, bool value: Bool) {
        key(name)
        bool(value)
    }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
        }
    }
}
