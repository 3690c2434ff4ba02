/// One element of `choices`: its `message` (whole answers) or `delta` (stream chunks), with
/// `logprobs`, `finish_reason` and every other member kept verbatim.
public struct OpenAIChoice: Sendable, Hashable {
    /// `index`.
    public var index: Int
    /// `message`, or `delta` in a chunk.
    public var message: OpenAIMessage?
    /// `logprobs`, as sent (`null` included); `nil` when absent.
    public var logprobs: JSONValue?
    /// `finish_reason`; `nil` when absent or `null`.
    public var finishReason: String?
    /// Every other member, in order, verbatim.
    public var extra: JSONObject

    /// A choice.
    public init(
        index: Int = 0, message: OpenAIMessage? = nil, logprobs: JSONValue? = nil, finishReason: String? = nil,
        extra: JSONObject = JSONObject()
    ) {
        self.index = index
        self.message = message
        self.logprobs = logprobs
        self.finishReason = finishReason
        self.extra = extra
    }

    /// Reads a choice whose message is under `messageKey` (`message` or `delta`); `nil` when
    /// it is not an object.
    public init?(parsing value: JSONValue, messageKey: String) {
        guard let object = value.objectValue else { return nil }
        self.init()
        for member in object {
            let value = member.value
            switch member.key {
            case "index" where value.intValue != nil: index = value.intValue ?? 0
            case messageKey where value.objectValue != nil: message = OpenAIMessage(parsing: value)
            case "logprobs": logprobs = value
            case "finish_reason" where value.stringValue != nil || value.isNull: finishReason = value.stringValue
            default: extra.appendUnchecked(member.key, value)
            }
        }
    }

    /// Writes the choice; `finish_reason` is always written (`null` when there is none), as OpenAI does.
    public func write(to out: inout JSONOutput, messageKey: String) {
        out.beginObject()
        out.member("index", integer: Int64(index))
        if let message {
            out.key(messageKey)
            message.write(to: &out)
        }
        if let logprobs {
            out.key("logprobs")
            out.value(logprobs)
        }
        out.key("finish_reason")
        if let finishReason { out.string(finishReason) } else { out.null() }
        out.members(extra)
        out.endObject()
    }
}
