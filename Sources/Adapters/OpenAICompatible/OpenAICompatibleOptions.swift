import ProviderInterface

/// The `options` of an `openai-compatible` registry entry, with their defaults.
///
/// Every field is optional in the registry; see ADDING_A_PROVIDER.md for examples.
struct OpenAICompatibleOptions: Sendable, Hashable {
    /// How the model list wraps its items.
    enum ListEnvelope: String, Sendable, Hashable, CaseIterable {
        /// `{"data": [...]}` (OpenAI).
        case data
        /// A bare array (Together).
        case array
        /// Either, detected from the body.
        case auto
    }

    /// How a `POST /v1/responses` reaches the provider.
    enum ResponsesMode: String, Sendable, Hashable, CaseIterable {
        /// Translated to chat completions (the default).
        case chat
        /// Sent unchanged to the provider's own `/responses` (``responsesPath``).
        case native
    }

    /// Path of the model list below the base URL, or an absolute URL (`/models`).
    var modelsPath = "/models"
    /// Path of chat completions below the base URL (`/chat/completions`).
    var chatPath = "/chat/completions"
    /// The header carrying the credential (`Authorization`).
    var authHeader = "Authorization"
    /// The text before the credential in that header (`Bearer `).
    var authPrefix = "Bearer "
    /// The model list's envelope (default `auto`).
    var listEnvelope = ListEnvelope.auto
    /// Dotted path of the input price inside a model item (`pricing.input`), in `pricing.unit`.
    var priceInputField: FieldPath?
    /// Dotted path of the output price inside a model item (`pricing.output`).
    var priceOutputField: FieldPath?
    /// Dotted path of the context length (`context_length`).
    var contextField = FieldPath("context_length")
    /// Dotted path of the Hugging Face id, when the list carries one.
    var hfIDField: FieldPath?
    /// Dotted path of the item type; with ``chatTypes``, only items of those types are kept.
    var typeField: FieldPath?
    /// The item types to keep (Together: `["chat"]`).
    var chatTypes: [String] = []
    /// The item types listed as embedding models (`feature-extraction`, served through
    /// `/embeddings`; Together: `["embedding"]`), with ``typeField``.
    var embeddingTypes: [String] = []
    /// The task of every listed model (`conversational`).
    var defaultTask = ModelTask.conversational
    /// A public price feed that is the catalog (see ``PriceFeed``), read from ``priceFeedURL``.
    var priceFeed: PriceFeed?
    /// The feed's URL (absolute).
    var priceFeedURL: String?
    /// How Responses API requests reach the provider (`responses`: `chat` or `native`).
    var responses = ResponsesMode.chat
    /// Path of the provider's Responses API below the base URL, or an absolute URL (`/responses`).
    var responsesPath = "/responses"

    /// Every option name this kind accepts.
    static let names: [String] = [
        "models_path", "chat_path", "auth_header", "auth_prefix", "list_envelope", "price_input_field",
        "price_output_field", "context_field", "hf_id_field", "type_field", "chat_types", "default_task",
        "embedding_types",
        "price_feed", "price_feed_url", "responses", "responses_path",
    ]

    /// The defaults.
    init() {}

    /// Reads the options leniently (wrong types fall back to defaults); ``validate(_:)``
    /// reports what this init would ignore.
    init(_ options: JSONObject) {
        if let s = options["models_path"]?.nonEmptyString { modelsPath = s }
        if let s = options["chat_path"]?.nonEmptyString { chatPath = s }
        if let s = options["auth_header"]?.nonEmptyString { authHeader = s }
        if let s = options["auth_prefix"]?.stringValue { authPrefix = s }
        if let s = options["list_envelope"]?.stringValue, let e = ListEnvelope(rawValue: s) { listEnvelope = e }
        priceInputField = options["price_input_field"]?.nonEmptyString.map(FieldPath.init)
        priceOutputField = options["price_output_field"]?.nonEmptyString.map(FieldPath.init)
        if let s = options["context_field"]?.nonEmptyString { contextField = FieldPath(s) }
        hfIDField = options["hf_id_field"]?.nonEmptyString.map(FieldPath.init)
        typeField = options["type_field"]?.nonEmptyString.map(FieldPath.init)
        chatTypes = options["chat_types"]?.arrayValue?.compactMap(\.stringValue) ?? []
        embeddingTypes = options["embedding_types"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let s = options["default_task"]?.nonEmptyString { defaultTask = ModelTask(userInput: s) }
        priceFeed = options["price_feed"]?.stringValue.flatMap(PriceFeed.init(rawValue:))
        priceFeedURL = options["price_feed_url"]?.nonEmptyString
        if let s = options["responses"]?.stringValue, let mode = ResponsesMode(rawValue: s) { responses = mode }
        if let s = options["responses_path"]?.nonEmptyString { responsesPath = s }
    }

    /// Every problem with an entry's options, with paths relative to the entry.
    static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        let options = entry.options
        var issues = AdapterIssue.unknownOptions(entry, kind: "openai-compatible", known: names)
        func issue(_ key: String, _ message: String) {
            issues.append(AdapterIssue(path: "options.\(key)", message: message))
        }
        for key in names where key != "chat_types" && key != "embedding_types" {
            guard let value = options[key] else { continue }
            guard let text = value.stringValue else { issue(key, "must be a string"); continue }
            if text.isEmpty, key != "auth_prefix" { issue(key, "must not be empty") }
        }
        if let text = options["responses"]?.stringValue, ResponsesMode(rawValue: text) == nil {
            issue("responses", "must be one of chat, native (got '\(text)')")
        }
        for key in ["models_path", "chat_path", "responses_path"] {
            if let path = options[key]?.nonEmptyString, !path.hasPrefix("/"), !EndpointURL.isAbsolute(path) {
                issue(key, "must start with '/' (a path below base_url) or be an absolute http(s) URL")
            }
        }
        if let text = options["list_envelope"]?.stringValue, ListEnvelope(rawValue: text) == nil {
            issue("list_envelope", "must be one of data, array, auto (got '\(text)')")
        }
        let hasInput = options["price_input_field"] != nil
        let hasOutput = options["price_output_field"] != nil
        if hasInput != hasOutput {
            issue(
                hasInput ? "price_output_field" : "price_input_field",
                "price_input_field and price_output_field go together")
        }
        if let types = options["chat_types"] {
            if types.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true || types.arrayValue?.isEmpty == true {
                issue("chat_types", "must be a non-empty array of strings")
            }
            if options["type_field"] == nil {
                issue("chat_types", "needs type_field (the item field holding the type)")
            }
        } else if options["type_field"] != nil {
            issue("type_field", "needs chat_types (the types to keep, e.g. [\"chat\"])")
        }
        if let types = options["embedding_types"] {
            if types.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true {
                issue("embedding_types", "must be an array of strings")
            }
            if options["type_field"] == nil {
                issue("embedding_types", "needs type_field (the item field holding the type)")
            }
        }
        if let text = options["price_feed"]?.stringValue, PriceFeed(rawValue: text) == nil {
            issue(
                "price_feed",
                "must be one of \(PriceFeed.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
        }
        if (options["price_feed"] == nil) != (options["price_feed_url"] == nil) {
            issue(
                options["price_feed"] == nil ? "price_feed" : "price_feed_url",
                "price_feed and price_feed_url go together")
        }
        if let url = options["price_feed_url"]?.nonEmptyString, !EndpointURL.isAbsolute(url) {
            issue("price_feed_url", "must be an absolute http(s) URL")
        }
        if entry.pricing.catalogIsTable, entry.pricing.table.isEmpty {
            issues.append(AdapterIssue(path: "pricing.models", message: "catalog 'table' needs at least one model row"))
        }
        return issues
    }
}
