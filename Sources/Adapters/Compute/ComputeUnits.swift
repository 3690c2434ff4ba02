import ProviderInterface

/// Exact conversions of the numbers compute sources publish.
enum ComputeUnits {
    /// A decimal price text in currency units per hour → pico-units, rounded half up past
    /// 12 digits (Vast's binary floats); `nil` for text that is not a number, or a zero or
    /// negative price (a placeholder, never "free").
    static func picoPrice(_ text: String) -> Int64?? {
        guard let scaled = DecimalText.scaled(text, by: 12) else { return nil }
        return .some(scaled.value > 0 ? scaled.value : nil)
    }

    /// A JSON number's text (or a numeric string's).
    static func numberText(_ value: JSONValue?) -> String? {
        switch value {
        case .number(let text)?: text
        case .string(let text)?: text
        default: nil
        }
    }

    /// Decimal GB (or GiB) text → whole MiB, rounded half up (`"30.0"` → 30720).
    static func mebibytes(gigabytes text: String) -> Int? {
        guard let milli = DecimalText.scaled(text, by: 3), milli.value >= 0,
            case let (product, overflow) = milli.value.multipliedReportingOverflow(by: 1024), !overflow
        else { return nil }
        return Int(product / 1000 + (product % 1000 >= 500 ? 1 : 0))
    }

    /// Decimal text rounded half up to a whole number.
    static func whole(_ text: String) -> Int? {
        DecimalText.scaled(text, by: 0).flatMap { Int(exactly: $0.value) }
    }
}
