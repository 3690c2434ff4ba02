/// One server-sent event of a streamed Responses API answer: `event: TYPE` and
/// `data: {"type", "sequence_number", …}`. `response` (the `response.*` lifecycle events),
/// `item` (`response.output_item.*`) and `delta` (`….delta`) are typed; every other member
/// (`output_index`, `item_id`, `content_index`, `part`, `text`, `arguments`, an error's
/// `code`/`message`, …) is kept verbatim and in order.
///
/// See <https://platform.openai.com/docs/api-reference/responses-streaming>.
public struct OpenAIResponseEvent: Sendable, Hashable {
    /// `type` (`response.created`, `response.output_text.delta`, `error`, …).
    public var type: String
    /// `sequence_number`.
    public var sequenceNumber: Int?
    /// `response`.
    public var response: OpenAIResponse?
    /// `item`.
    public var item: OpenAIResponse.Item?
    /// `delta`.
    public var delta: String?
    /// Every other member, in order, verbatim.
    public var extra: JSONObject

    /// An event.
    public init(
        type: String, sequenceNumber: Int? = nil, response: OpenAIResponse? = nil, item: OpenAIResponse.Item? = nil,
        delta: String? = nil, extra: JSONObject = JSONObject()
    ) {
        self.type = type
        self.sequenceNumber = sequenceNumber
        self.response = response
        self.item = item
        self.delta = delta
        self.extra = extra
    }

    /// Reads an event's `data` object; `nil` when it is not an object with a string `type`.
    public init?(parsing value: JSONValue) {
        guard let object = value.objectValue, let type = object["type"]?.stringValue else { return nil }
        self.init(type: type)
        for member in object {
            let value = member.value
            switch member.key {
            case "type": break
            case "sequence_number" where value.intValue != nil: sequenceNumber = value.intValue
            case "response" where OpenAIResponse(parsing: value) != nil: response = OpenAIResponse(parsing: value)
            case "item" where OpenAIResponse.Item(parsing: value) != nil: item = OpenAIResponse.Item(parsing: value)
            case "delta" where value.stringValue != nil: delta = value.stringValue
            default: extra.appendUnchecked(member.key, value)
            }
        }
    }

    /// The output an event delivers: the `delta` of a `….delta` event (text, function-call
    /// arguments, a refusal, reasoning); `nil` for the others.
    public var outputDelta: String? {
        guard let delta, type.hasSuffix(".delta") else { return nil }
        return delta
    }

    /// Whether this event ends the stream (`response.completed`, `response.incomplete`, `response.failed`).
    public var isTerminal: Bool {
        type == "response.completed" || type == "response.incomplete" || type == "response.failed"
    }

    /// Writes the `data` object: `type`, `sequence_number`, `response` (with `responseMembers`
    /// added: the broker's account), `item`, `delta`, then the rest.
    public func write(to out: inout JSONOutput, responseMembers: (inout JSONOutput) -> Void = { _ in }) {
        out.beginObject()
        out.member("type", type)
        if let sequenceNumber { out.member("sequence_number", integer: Int64(sequenceNumber)) }
        if let response {
            out.key("response")
            response.write(to: &out, members: responseMembers)
        }
        if let item {
            out.key("item")
            item.write(to: &out)
        }
        if let delta { out.member("delta", delta) }
        out.members(extra)
        out.endObject()
    }

    /// Writes the whole event: `event: TYPE`, `data: {…}` and the blank line.
    public func writeEvent(to out: inout JSONOutput, responseMembers: (inout JSONOutput) -> Void = { _ in }) {
        Self.write(type, to: &out) { out in write(to: &out, responseMembers: responseMembers) }
    }

    /// `event: TYPE`, `data: ` and what `data` writes (one JSON object), then the blank line:
    /// the framing every writer of these events shares.
    public static func write(_ type: String, to out: inout JSONOutput, data: (inout JSONOutput) -> Void) {
        out.appendFraming("event: ".utf8)
        out.appendFraming(type.utf8)
        out.appendFraming("\ndata: ".utf8)
        data(&out)
        out.appendFraming("\n\n".utf8)
    }
}
