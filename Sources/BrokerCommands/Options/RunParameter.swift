import ProviderInterface

/// One `--param K=V`: the value as JSON when it parses, else as a string.
struct RunParameter: Sendable, Hashable {
    var key: String
    var value: JSONValue

    init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    /// `KEY=VALUE` with a non-empty key; `nil` otherwise.
    init?(_ text: String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
        key = String(text[..<eq])
        let valueText = String(text[text.index(after: eq)...])
        do { value = try JSONParser.parse(valueText) } catch { value = .string(valueText) }
    }
}
