import ProviderInterface

/// An OpenAI-compatible provider played under a path prefix: `GET /{prefix}/v1/models`,
/// `POST /{prefix}/v1/chat/completions`, `/embeddings`, and `/responses` when it serves the
/// Responses API itself.
public struct CompatibleProvider: Sendable {
    /// How the model list is shaped.
    public enum ListShape: Sendable, Hashable {
        /// `{"object":"list","data":[…]}` (OpenAI and most).
        case objectList
        /// A bare array (Together).
        case bareArray
    }

    /// How the model list is enveloped (an array, or `{"data": …}`).
    public var listShape: ListShape
    /// The models listed.
    public var models: [CompatibleModel]
    /// Whether it answers `POST /{prefix}/v1/responses` (OpenAI's Responses API) itself.
    public var servesResponses: Bool

    /// A provider.
    public init(listShape: ListShape = .objectList, models: [CompatibleModel] = [], servesResponses: Bool = false) {
        self.listShape = listShape
        self.models = models
        self.servesResponses = servesResponses
    }
}

/// One model of a ``CompatibleProvider``: `{"id","object":"model","created","owned_by", …extra}`.
public struct CompatibleModel: Sendable {
    /// The model id.
    public var id: String
    /// Unix seconds of creation, as listed.
    public var created: Int
    /// The `owned_by` member.
    public var ownedBy: String
    /// Provider-specific members appended after the standard ones (e.g. Together's
    /// `"pricing":{"input":0.18,"output":0.18}`, `"context_length"`, `"type":"chat"`).
    public var extra: [(name: String, value: JSONValue)]

    /// A model.
    public init(
        id: String, created: Int = 1_726_000_000, ownedBy: String = "system",
        extra: [(name: String, value: JSONValue)] = []
    ) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
        self.extra = extra
    }
}
