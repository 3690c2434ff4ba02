import ProviderInterface

extension JSONValue {
    /// The value at a dotted path of object keys (`"metadata.pricing.input_tokens"`), or
    /// `nil` when any step is missing or not an object. An empty path is the value itself.
    func value(atPath path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".", omittingEmptySubsequences: true) {
            guard let next = current?[String(key)] else { return nil }
            current = next
        }
        return current
    }

    /// A non-negative integer from a number or numeric string (`131072`, `"131072"`), else `nil`.
    var looseIntValue: Int? {
        if let i = intValue { return i >= 0 ? i : nil }
        if let s = stringValue, let i = Int(s), i >= 0 { return i }
        return nil
    }

    /// A non-empty string, else `nil` (`""` means "not given" in provider lists).
    var nonEmptyString: String? {
        guard let s = stringValue, !s.isEmpty else { return nil }
        return s
    }
}
