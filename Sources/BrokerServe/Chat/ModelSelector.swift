import Broker

/// One reading of a request's `model` field: the model id (aliases resolved), and a serving
/// endpoint or policy named by a `:suffix` in the Hugging Face router's convention
/// (`org/name:groq`, `org/name:cheapest`).
struct ModelSelector: Sendable, Hashable {
    /// The model id or Hugging Face id to route over.
    var model: String
    /// A pinned serving endpoint (or direct provider key).
    var servedBy: String?
    /// A policy named by the suffix.
    var policy: RoutePolicy?

    /// The readings of `text`, most likely first. A policy suffix always splits; another
    /// suffix is tried as part of the id first (some ids contain `:`), then as a serving endpoint.
    static func readings(_ text: String, registry: Registry) -> [ModelSelector] {
        let whole = ModelSelector(model: registry.resolveAlias(text))
        // Searched as bytes: a Character search walks grapheme clusters, several times slower.
        guard let colon = text.utf8.lastIndex(of: UInt8(ascii: ":")), colon != text.startIndex else { return [whole] }
        let base = registry.resolveAlias(String(text[..<colon]))
        let suffix = String(text[text.utf8.index(after: colon)...])
        guard !suffix.isEmpty else { return [whole] }
        if let policy = RoutePolicy(rawValue: suffix) { return [ModelSelector(model: base, policy: policy)] }
        return [whole, ModelSelector(model: base, servedBy: suffix)]
    }
}
