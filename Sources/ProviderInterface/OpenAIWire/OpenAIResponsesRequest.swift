/// A Responses API request body (`POST /v1/responses`): `model`, `input`, `instructions` and
/// `stream` typed, every other member (`tools`, `text`, `max_output_tokens`, `reasoning`,
/// `metadata`, provider extensions, …) kept verbatim and in order in ``parameters``.
/// ``chatRequest()`` translates it for providers that only speak chat completions.
///
/// See <https://platform.openai.com/docs/api-reference/responses/create>.
public struct OpenAIResponsesRequest: Sendable, Hashable {
    /// `model`; `nil` when absent or not a string.
    public var model: String?
    /// `input`: a string, or an array of input items, as sent.
    public var input: JSONValue?
    /// `instructions`; `nil` when absent, `null` or not a string (then kept in ``parameters``).
    public var instructions: String?
    /// `stream`; `nil` when absent or `null`.
    public var stream: Bool?
    /// Every other member, in order, verbatim.
    public var parameters: JSONObject

    /// The members typed above.
    public static let ownedKeys: Set<String> = ["model", "input", "instructions", "stream"]

    /// Members with no chat equivalent, or translated by name, left out of the chat request's parameters.
    public static let untranslated: Set<String> = [
        "tools", "tool_choice", "text", "max_output_tokens", "reasoning", "store", "metadata", "include", "truncation",
        "background", "previous_response_id", "stream_options",
    ]

    /// Members a response object echoes from its request.
    public static let echoed = [
        "instructions", "max_output_tokens", "metadata", "parallel_tool_calls", "temperature", "top_p", "user",
        "tool_choice", "tools",
    ]

    /// A request.
    public init(
        model: String? = nil, input: JSONValue? = nil, instructions: String? = nil, stream: Bool? = nil,
        parameters: JSONObject = JSONObject()
    ) {
        self.model = model
        self.input = input
        self.instructions = instructions
        self.stream = stream
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
            case "instructions" where value.stringValue != nil: instructions = value.stringValue
            case "instructions" where value.isNull: break
            case "stream" where value.boolValue != nil: stream = value.boolValue
            case "stream" where value.isNull: break
            default: parameters.appendUnchecked(member.key, value)
            }
        }
    }

    /// Writes `model`, `input`, `instructions`, the other members in order, then `stream`.
    public func write(to out: inout JSONOutput) {
        out.beginObject()
        if let model { out.member("model", model) }
        if let input {
            out.key("input")
            out.value(input)
        }
        if let instructions { out.member("instructions", instructions) }
        for member in parameters where !Self.ownedKeys.contains(member.key) {
            out.key(member.key)
            out.value(member.value)
        }
        if let stream {
            out.key("stream")
            out.bool(stream)
        }
        out.endObject()
    }

    /// The compact JSON text of the request.
    public var bytes: [UInt8] {
        var out = JSONOutput(capacity: 512)
        write(to: &out)
        return out.bytes
    }

    /// The members a response object echoes (`instructions`, `tools`, `tool_choice`,
    /// `temperature`, `top_p`, `max_output_tokens`, `metadata`, `user`, …), as sent.
    public var echo: JSONObject {
        var echo = JSONObject()
        for name in Self.echoed {
            if name == "instructions", let instructions {
                echo[name] = .string(instructions)
            } else if let value = parameters[name] {
                echo[name] = value
            }
        }
        return echo
    }

    // MARK: Translation to chat completions

    /// The chat-completions request this asks for: `instructions` become a system message,
    /// `input` (text, or items: messages with `input_text`/`input_image` parts, `function_call`s
    /// and `function_call_output`s) becomes messages, function `tools`, `tool_choice`,
    /// `text.format`, `max_output_tokens` and `reasoning.effort` become their chat names, other
    /// parameters go as sent; a stream asks for usage in its last chunk. `previous_response_id`
    /// is refused (nothing keeps earlier responses: the conversation goes in `input`).
    public func chatRequest() throws(OpenAIRequestError) -> OpenAIChatRequest {
        if let previous = parameters["previous_response_id"], !previous.isNull {
            throw OpenAIRequestError(
                "previous_response_id is not supported: the broker keeps no responses; send the conversation in 'input'",
                param: "previous_response_id")
        }
        guard let model, !model.isEmpty else { throw OpenAIRequestError("'model' is required", param: "model") }
        var messages: [OpenAIMessage] = []
        if let instructions {
            messages.append(OpenAIMessage(role: "system", content: .string(instructions)))
        } else if let other = parameters["instructions"], !other.isNull {
            throw OpenAIRequestError("'instructions' must be a string", param: "instructions")
        }
        switch input {
        case .string(let text)?: messages.append(OpenAIMessage(role: "user", content: .string(text)))
        case .array(let items)?:
            for (i, item) in items.enumerated() { try Self.append(item, at: i, to: &messages) }
        default: throw OpenAIRequestError("'input' must be a string or an array of input items", param: "input")
        }
        guard !messages.isEmpty else { throw OpenAIRequestError("'input' is empty", param: "input") }

        var chat = OpenAIChatRequest(model: model, messages: messages, stream: stream)
        for member in parameters where !Self.untranslated.contains(member.key) {
            chat.parameters[member.key] = member.value
        }
        if let max = parameters["max_output_tokens"], !max.isNull { chat.parameters["max_tokens"] = max }
        if let effort = parameters["reasoning"]?["effort"], !effort.isNull {
            chat.parameters["reasoning_effort"] = effort
        }
        if let tools = parameters["tools"], !tools.isNull { chat.tools = try Self.tools(tools) }
        if let choice = parameters["tool_choice"], !choice.isNull { chat.toolChoice = Self.toolChoice(choice) }
        if let format = parameters["text"]?["format"], let converted = try Self.responseFormat(format) {
            chat.responseFormat = converted
        }
        if stream == true { chat.includeUsage = true }
        return chat
    }

    /// One input item as chat messages (function calls in a row are one assistant turn).
    static func append(_ item: JSONValue, at i: Int, to messages: inout [OpenAIMessage]) throws(OpenAIRequestError) {
        let param = "input[\(i)]"
        let type = item["type"]?.stringValue ?? (item["role"] != nil ? "message" : "")
        switch type {
        case "message":
            guard var role = item["role"]?.stringValue else {
                throw OpenAIRequestError("\(param).role is required", param: param)
            }
            if role == "developer" { role = "system" }
            let content: JSONValue
            switch item["content"] {
            case .string(let text)?: content = .string(text)
            case .array(let parts)?:
                var converted: [JSONValue] = []
                for (j, part) in parts.enumerated() { converted.append(try Self.part(part, "\(param).content[\(j)]")) }
                content = .array(converted)
            default:
                throw OpenAIRequestError("\(param).content must be text or an array of content parts", param: param)
            }
            messages.append(OpenAIMessage(role: role, content: content))
        case "function_call":
            guard let callID = item["call_id"]?.stringValue, let name = item["name"]?.stringValue else {
                throw OpenAIRequestError("\(param) (function_call) needs call_id and name", param: param)
            }
            let arguments = item["arguments"].map { $0.stringValue ?? JSONWriter.string($0) } ?? "{}"
            let call = OpenAIToolCall(id: callID, type: "function", name: name, arguments: arguments)
            if let last = messages.last, last.role == "assistant", last.content == .null, let calls = last.toolCalls {
                messages[messages.count - 1].toolCalls = calls + [call]
            } else {
                messages.append(OpenAIMessage(role: "assistant", content: .null, toolCalls: [call]))
            }
        case "function_call_output":
            guard let callID = item["call_id"]?.stringValue, let output = item["output"] else {
                throw OpenAIRequestError("\(param) (function_call_output) needs call_id and output", param: param)
            }
            let text = output.stringValue ?? JSONWriter.string(output)
            messages.append(
                OpenAIMessage(
                    role: "tool", content: .string(text), extra: JSONObject([("tool_call_id", .string(callID))])))
        case "reasoning":
            break  // a model's own reasoning from an earlier turn: chat providers take none back
        default:
            throw OpenAIRequestError("\(param): input items of type '\(type)' are not supported", param: param)
        }
    }

    /// A Responses content part as a chat content part.
    static func part(_ part: JSONValue, _ param: String) throws(OpenAIRequestError) -> JSONValue {
        switch part["type"]?.stringValue {
        case "input_text"?, "output_text"?, "text"?:
            return ["type": "text", "text": part["text"] ?? ""]
        case "input_image"?:
            guard let url = part["image_url"]?.stringValue else {
                throw OpenAIRequestError(
                    "\(param): input_image needs image_url (file_id is not supported)", param: param)
            }
            var image = JSONObject([("url", .string(url))])
            if let detail = part["detail"], !detail.isNull { image["detail"] = detail }
            return ["type": "image_url", "image_url": .object(image)]
        default:
            throw OpenAIRequestError(
                "\(param): content parts of type '\(part["type"]?.stringValue ?? "?")' are not supported", param: param)
        }
    }

    /// Function tools in chat's shape (`{"type":"function","function":{…}}`).
    static func tools(_ value: JSONValue) throws(OpenAIRequestError) -> [JSONValue] {
        guard let list = value.arrayValue else { throw OpenAIRequestError("'tools' must be an array", param: "tools") }
        var out: [JSONValue] = []
        for (i, tool) in list.enumerated() {
            guard tool["type"]?.stringValue == "function", let name = tool["name"]?.stringValue else {
                throw OpenAIRequestError(
                    "tools[\(i)]: only function tools are supported (got '\(tool["type"]?.stringValue ?? "?")')",
                    param: "tools")
            }
            var function = JSONObject([("name", .string(name))])
            for key in ["description", "parameters", "strict"] {
                if let v = tool[key], !v.isNull { function[key] = v }
            }
            out.append(["type": "function", "function": .object(function)])
        }
        return out
    }

    /// `tool_choice`: `auto`/`none`/`required` as they are, `{"type":"function","name"}` nested.
    static func toolChoice(_ value: JSONValue) -> JSONValue {
        guard let name = value["name"]?.stringValue else { return value }
        return ["type": "function", "function": ["name": .string(name)]]
    }

    /// `text.format` as chat's `response_format` (`nil` for plain text).
    static func responseFormat(_ format: JSONValue) throws(OpenAIRequestError) -> JSONValue? {
        switch format["type"]?.stringValue {
        case "text"?, nil: return nil
        case "json_object"?: return ["type": "json_object"]
        case "json_schema"?:
            var schema = JSONObject()
            for key in ["name", "schema", "strict", "description"] {
                if let v = format[key], !v.isNull { schema[key] = v }
            }
            return ["type": "json_schema", "json_schema": .object(schema)]
        case let other?:
            throw OpenAIRequestError("text.format.type '\(other)' is not supported", param: "text.format")
        }
    }
}
