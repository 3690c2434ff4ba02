/// A feature a request may use that not every offer supports. Routing sends such a request
/// first to offers known to support it, then to offers whose support is unknown, never to
/// offers known not to.
public enum ModelCapability: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Function calling (`tools`).
    case tools
    /// Structured output: `response_format` of type `json_schema`.
    case jsonSchema = "json-schema"
    /// Image input (`image_url` content parts).
    case vision

    /// The name used on the command line and in the registry (`tools`, `json-schema`, `vision`).
    public var name: String { rawValue }

    /// A capability from its name (`json_schema` accepted too).
    public init?(name: String) {
        switch name.lowercased() {
        case "tools": self = .tools
        case "json-schema", "json_schema": self = .jsonSchema
        case "vision", "images", "image": self = .vision
        default: return nil
        }
    }

    /// Ordered by name, so reasons list capabilities the same way every time.
    public static func < (a: ModelCapability, b: ModelCapability) -> Bool { a.rawValue < b.rawValue }
}
