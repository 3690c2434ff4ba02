/// Writes a JSON document straight to bytes, member by member, for the hot paths (a chat
/// request sent upstream, a chat answer sent back) where building a ``JSONValue`` tree first
/// cost more than the writing. The bytes are what ``JSONWriter`` writes for the same tree:
/// compact, members in the order written.
///
/// ```swift
/// var out = JSONOutput()
/// out.beginObject()
/// out.key("model"); out.string("m")
/// out.key("n"); out.integer(2)
/// out.endObject()
/// // out.bytes == Array(#"{"model":"m","n":2}"#.utf8)
/// ```
///
/// Commas are placed for the caller; it is the caller's job to pair `begin`/`end` and to give
/// every key a value.
public struct JSONOutput: Sendable {
    /// The document so far.
    public private(set) var bytes: [UInt8]
    /// A value was written at this level: the next key or element needs a comma.
    private var needsComma = false

    /// An empty document, with room for `capacity` bytes.
    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// `{`
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// `}`
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `[`
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// `]`
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member name and its colon; the value comes next.
    public mutating func key(_ name: String) {
        separate()
        JSONWriter.writeString(name, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A member with a string value.
    public mutating func member(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// A member with an integer value, or `null` when there is none.
    public mutating func member(_ name: String, integer value: Int64?) {
        key(name)
        if let value { integer(value) } else { null() }
    }

    /// A string value.
    public mutating func string(_ value: String) {
        separate()
        JSONWriter.writeString(value, into: &bytes)
        needsComma = true
    }

    /// An integer value, in decimal.
    public mutating func integer(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude)
        needsComma = true
    }

    /// An integer value, in decimal.
    public mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// The decimal digits of `value` (at most 20).
    private mutating func appendDigits(_ value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, filled from the end
        var rest = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[buffer.count - count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: buffer[(buffer.count - count)...])
        }
    }

    /// A number given as its exact decimal text (`0.15`, `-1`, `3.5e-7`), written as is; the
    /// caller vouches that it is a JSON number.
    public mutating func number(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    /// `null`
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// A boolean value.
    public mutating func bool(_ value: Bool) {
        separate()
        JSONWriter.write(.bool(value), into: &bytes)
        needsComma = true
    }

    /// Any value, as ``JSONWriter`` writes it.
    public mutating func value(_ value: JSONValue) {
        separate()
        JSONWriter.write(value, into: &bytes)
        needsComma = true
    }

    /// Every member of `object`, in order, inside the object being written.
    public mutating func members(_ object: JSONObject) {
        for member in object {
            key(member.key)
            value(member.value)
        }
    }

    /// A member already spelled as JSON text (`"name":value`, copied from another document),
    /// appended as it is, after a comma when one is due.
    public mutating func rawMember(_ text: UnsafeBufferPointer<UInt8>) {
        separate()
        bytes.append(contentsOf: text)
        needsComma = true
    }

    /// Bytes around the document rather than in it (an SSE `data: ` prefix, a blank line):
    /// appended as they are, with no separator.
    public mutating func appendFraming<Bytes: Sequence>(_ framing: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: framing)
        needsComma = false
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }
}
