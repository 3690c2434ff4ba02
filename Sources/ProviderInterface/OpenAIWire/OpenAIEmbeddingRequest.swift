/// An OpenAI embeddings request body: `model`, `input` and `encoding_format` typed, every
/// other member (`dimensions`, `user`, provider extensions, …) kept verbatim and in order.
///
/// See <https://platform.openai.com/docs/api-reference/embeddings/create>.
public struct OpenAIEmbeddingRequest: Sendable, Hashable {
    /// `model`; `nil` when absent or not a string.
    public var model: String?
    /// `input`: a string, or an array of strings (or of token arrays), as sent.
    public var input: JSONValue?
    /// `encoding_format` (`float` or `base64`); `nil` when absent.
    public var encodingFormat: String?
    /// Every other member, in order, verbatim.
    public var parameters: JSONObject

    /// A request.
    public init(
        model: String? = nil, input: JSONValue? = nil, encodingFormat: String? = nil,
        parameters: JSONObject = JSONObject()
    ) {
        self.model = model
        self.input = input
        self.encodingFormat = encodingFormat
        self.parameters = parameters
    }

    /// Reads a request body; `nil` when it is not an object. A member of a typed name whose
    /// value has the wrong shape is kept in ``parameters`` for the caller to refuse.
    public init?(parsing value: JSONValue) {
        guard let object = value.objectValue else { return nil }
        self.init()
        for member in object {
            let value = member.value
            switch member.key {
            case "model" where value.stringValue != nil: model = value.stringValue
            case "input": input = value
            case "encoding_format" where value.stringValue != nil: encodingFormat = value.stringValue
            default: parameters.appendUnchecked(member.key, value)
            }
        }
    }

    /// The texts of `input`: a string, or a non-empty array of strings; `nil` otherwise.
    public var texts: [String]? {
        if let text = input?.stringValue { return [text] }
        guard let list = input?.arrayValue, !list.isEmpty else { return nil }
        let texts = list.compactMap(\.stringValue)
        return texts.count == list.count ? texts : nil
    }

    /// Writes `model`, `input`, `encoding_format`, then the other members in order.
    public func write(to out: inout JSONOutput) {
        out.beginObject()
        if let model { out.member("model", model) }
        if let input {
            out.key("input")
            out.value(input)
        }
        if let encodingFormat { out.member("encoding_format", encodingFormat) }
        for member in parameters where member.key != "model" && member.key != "input" && member.key != "encoding_format"
        {
            out.key(member.key)
            out.value(member.value)
        }
        out.endObject()
    }
}
