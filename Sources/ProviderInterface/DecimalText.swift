/// Exact conversion between decimal text and scaled integers — the only way prices enter
/// and leave the integer money unit.
public enum DecimalText {
    /// The result of scaling a decimal: the integer and whether it was exact.
    public struct Scaled: Sendable, Hashable {
        /// `text × 10^exponent`, rounded half away from zero when not exact.
        public var value: Int64
        /// `false` when digits beyond the unit had to be rounded away.
        public var exact: Bool
    }

    /// `text × 10^exponent` as an integer, from decimal text such as `"0.15"`, `"-1"`,
    /// `"3.5e-7"` or `"2700"`. Returns `nil` for text that is not a decimal number or a
    /// result that does not fit in 64 bits.
    public static func scaled(_ text: String, by exponent: Int) -> Scaled? {
        var utf8 = Array(text.utf8)
        // Trim surrounding spaces, which some providers leave in string prices.
        while let last = utf8.last, last == 0x20 { utf8.removeLast() }
        var i = 0
        while i < utf8.count, utf8[i] == 0x20 { i += 1 }
        guard i < utf8.count else { return nil }

        var negative = false
        if utf8[i] == UInt8(ascii: "-") || utf8[i] == UInt8(ascii: "+") {
            negative = utf8[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        while i < utf8.count {
            let c = utf8[i]
            if c >= 0x30, c <= 0x39 {
                sawDigit = true
                digits.append(c - 0x30)
                if sawPoint { fractionDigits += 1 }
            } else if c == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return nil }
        var exp10 = 0
        if i < utf8.count {
            guard utf8[i] == UInt8(ascii: "e") || utf8[i] == UInt8(ascii: "E") else { return nil }
            i += 1
            var expNegative = false
            if i < utf8.count, utf8[i] == UInt8(ascii: "-") || utf8[i] == UInt8(ascii: "+") {
                expNegative = utf8[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < utf8.count else { return nil }
            var e = 0
            while i < utf8.count {
                let c = utf8[i]
                guard c >= 0x30, c <= 0x39, e < 100_000 else { return nil }
                e = e * 10 + Int(c - 0x30)
                i += 1
            }
            exp10 = expNegative ? -e : e
        }
        // value = digits × 10^(exp10 - fractionDigits + exponent)
        let shift = exp10 - fractionDigits + exponent
        // Drop leading zeros so long zero prefixes do not count against precision.
        var start = 0
        while start < digits.count - 1, digits[start] == 0 { start += 1 }
        let significant = Array(digits[start...])
        var result: Int64 = 0
        var exact = true
        if shift >= 0 {
            for d in significant {
                let (m, o1) = result.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                result = a
            }
            for _ in 0..<shift where result != 0 {
                let (m, o) = result.multipliedReportingOverflow(by: 10)
                if o { return nil }
                result = m
            }
        } else {
            let keep = significant.count + shift  // digits before the cut
            if keep > 0 {
                for d in significant[0..<keep] {
                    let (m, o1) = result.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(d))
                    if o1 || o2 { return nil }
                    result = a
                }
            }
            let dropped = keep >= 0 ? Array(significant[keep...]) : Array(repeating: 0, count: -keep) + significant
            if dropped.contains(where: { $0 != 0 }) {
                exact = false
                if dropped.first ?? 0 >= 5 {
                    let (a, o) = result.addingReportingOverflow(1)
                    if o { return nil }
                    result = a
                }
            }
        }
        return Scaled(value: negative ? -result : result, exact: exact)
    }

    /// Formats `value × 10^-fractionDigits` as plain decimal text with trailing zeros
    /// removed: `format(880_000, fractionDigits: 6)` is `"0.88"`, `format(0, …)` is `"0"`.
    public static func format(_ value: Int64, fractionDigits: Int) -> String {
        guard fractionDigits > 0 else { return String(value) }
        let negative = value < 0
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        let whole = magnitude / divisor
        var fraction = String(magnitude % divisor)
        fraction = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let body = fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
        return negative ? "-" + body : body
    }
}
