import ProviderInterface

/// A dotted path of object keys inside a model item (`"metadata.pricing.input_tokens"`),
/// split once when the options are read rather than for every item of a long list.
struct FieldPath: Sendable, Hashable {
    /// The keys, outermost first.
    var keys: [String]

    /// The path of a dotted string; empty segments are ignored.
    init(_ dotted: String) {
        keys = dotted.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
    }
}

extension JSONValue {
    /// The value at `path`, or `nil` when any step is missing or not an object. An empty
    /// path is the value itself.
    func value(at path: FieldPath) -> JSONValue? {
        var current = self
        for key in path.keys {
            guard let next = current[key] else { return nil }
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
