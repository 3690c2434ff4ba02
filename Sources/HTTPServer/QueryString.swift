/// Parsing and building of `application/x-www-form-urlencoded` query strings.
public enum QueryString {
    /// The name/value pairs of a raw query string (without `?`), percent-decoded with `+` as
    /// space; repeated names are kept in order, a name without `=` has the value `""`.
    public static func items(_ query: String) -> [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        var result: [(name: String, value: String)] = []
        for part in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = part.firstIndex(of: UInt8(ascii: "=")) {
                result.append((decode(part[..<eq]), decode(part[part.index(after: eq)...])))
            } else {
                result.append((decode(part), ""))
            }
        }
        return result
    }

    /// Percent-decodes `text` (`+` becomes a space); invalid escapes are kept as written.
    public static func decode<Bytes: Collection<UInt8>>(_ text: Bytes) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = text.startIndex
        while i != text.endIndex {
            let byte = text[i]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                let h = text.index(i, offsetBy: 1, limitedBy: text.endIndex), h != text.endIndex,
                let l = text.index(h, offsetBy: 1, limitedBy: text.endIndex), l != text.endIndex,
                let high = hexValue(text[h]), let low = hexValue(text[l])
            {
                out.append(high << 4 | low)
                i = l
            } else {
                out.append(byte)
            }
            i = text.index(after: i)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes `text` for a query component (unreserved characters kept, space as `%20`).
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
