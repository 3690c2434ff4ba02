/// An OpenAI error body, `{"error": {"message", "type", "param", "code", …}}`: what the
/// gateway answers when it refuses or fails a request, and what OpenAI-shaped providers send.
/// Members beyond the four (the broker's routing `attempts`, a provider's `metadata`) are kept
/// verbatim, in order.
///
/// See <https://platform.openai.com/docs/guides/error-codes>.
public struct OpenAIError: Sendable, Hashable {
    /// `message`.
    public var message: String
    /// `type` (`invalid_request_error`, `server_error`, …); written as `null` when absent.
    public var type: String?
    /// `param`: the request member at fault; written as `null` when absent.
    public var param: String?
    /// `code`: a string as OpenAI sends, or a number as some providers do; written as `null` when absent.
    public var code: JSONValue?
    /// Every other member of the error object, in order, verbatim.
    public var extra: JSONObject

    /// An error.
    public init(
        message: String, type: String? = nil, param: String? = nil, code: JSONValue? = nil,
        extra: JSONObject = JSONObject()
    ) {
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.extra = extra
    }

    /// Reads `{"error": {…}}`; `nil` when there is no error object with a string `message`.
    public init?(parsing value: JSONValue) {
        guard let object = value["error"]?.objectValue, let message = object["message"]?.stringValue else { return nil }
        self.init(message: message)
        for member in object {
            let value = member.value
            switch member.key {
            case "message": break
            case "type" where value.stringValue != nil || value.isNull: type = value.stringValue
            case "param" where value.stringValue != nil || value.isNull: param = value.stringValue
            case "code": code = value.isNull ? nil : value
            default: extra.appendUnchecked(member.key, value)
            }
        }
    }

    /// Writes `{"error": {"message", "type", "param", "code", …}}`.
    public func write(to out: inout JSONOutput) {
        out.beginObject()
        out.key("error")
        writeObject(to: &out)
        out.endObject()
    }

    /// Writes the inner error object alone (as a Responses stream's `error` event carries it).
    public func writeObject(to out: inout JSONOutput) {
        out.beginObject()
        out.member("message", message)
        out.key("type")
        if let type { out.string(type) } else { out.null() }
        out.key("param")
        if let param { out.string(param) } else { out.null() }
        out.key("code")
        out.value(code ?? .null)
        out.members(extra)
        out.endObject()
    }

    /// The compact JSON text of the body.
    public var bytes: [UInt8] {
        var out = JSONOutput(capacity: 128 + message.utf8.count)
        write(to: &out)
        return out.bytes
    }
}
