/// A header field with a name and a value, as the transport keeps them (`HTTPHeader`).
public protocol HeaderField {
    /// The field name as sent.
    var name: String { get }
    /// The field value.
    var value: String { get }
}

/// The one case-insensitive look-up of HTTP header fields (field names compare ASCII
/// case-insensitively, RFC 9110 §5.1): for the server's requests, the transport's requests and
/// responses, and the adapters' error mapping. Compares bytes in place, without lower-cased copies.
public enum HeaderLookup {
    /// The value of the first field of `fields` named `name`.
    public static func first<Fields: Sequence>(_ name: String, in fields: Fields) -> String?
    where Fields.Element: HeaderField {
        for field in fields where namesMatch(field.name, name) { return field.value }
        return nil
    }

    /// The value of the first of `fields` (name/value pairs, as the server keeps them) named `name`.
    public static func first(_ name: String, in fields: [(name: String, value: String)]) -> String? {
        for field in fields where namesMatch(field.name, name) { return field.value }
        return nil
    }

    /// Whether two field names are the same name: equal but for the case of ASCII letters.
    public static func namesMatch(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            guard p | 0x20 == q | 0x20, (p | 0x20) >= UInt8(ascii: "a"), (p | 0x20) <= UInt8(ascii: "z") else {
                return false
            }
        }
        return true
    }
}
