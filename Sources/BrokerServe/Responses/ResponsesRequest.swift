import Broker
import ProviderInterface

/// A `POST /v1/responses` body translated into a chat-completions request: `instructions`
/// become a system message, `input` (text, or items: messages with `input_text`/`input_image`
/// parts, `function_call`s and `function_call_output`s) becomes messages, function `tools`,
/// `tool_choice`, `text.format`, `max_output_tokens` and `reasoning.effort` become their chat
/// names; other parameters go upstream as sent. `previous_response_id` is refused (the broker
/// keeps no responses: send the whole conversation in `input`).
///
/// See <https://platform.openai.com/docs/api-reference/responses/create>.
struct ResponsesRequest: Sendable {
    /// The chat request it translates to (as ``ChatCompletionRequest`` would have read it).
    var chat: ChatCompletionRequest
    /// Members echoed in the response object (`instructions`, `tools`, `tool_choice`,
    /// `temperature`, `top_p`, `max_output_tokens`, `metadata`, `user`, …).
    var echo: JSONObject

    /// Members of the Responses API that are the broker's or have no chat equivalent.
    static let dropped: Set<String> = [
        "model", "input", "instructions", "stream", "tools", "tool_choice", "text", "max_output_tokens", "reasoning",
        "store", "metadata", "include", "truncation", "background", "previous_response_id", "broker", "stream_options",
    ]

    static func parse(_ body: [UInt8], registry: Registry) throws(APIError) -> ResponsesRequest {
        let object = try JSONResponse.object(body)
        if let previous = object["previous_response_id"], !previous.isNull {
            throw APIError.badRequest(
                "previous_response_id is not supported: the broker keeps no responses; send the conversation in 'input'",
                param: "previous_response_id")
        }
        guard let model = object["model"]?.stringValue, !model.isEmpty else {
            throw APIError.badRequest("'model' is required", param: "model")
        }
        var messages: [JSONValue] = []
        if let instructions = object["instructions"], !instructions.isNull {
            guard let text = instructions.stringValue else {
                throw APIError.badRequest("'instructions' must be a string", param: "instructions")
            }
            messages.append(["role": "system", "content": .string(text)])
        }
        switch object["input"] {
        case .string(let text)?: messages.append(["role": "user", "content": .string(text)])
        case .array(let items)?:
            for (i, item) in items.enumerated() { try append(item, at: i, to: &messages) }
        default: throw APIError.badRequest("'input' must be a string or an array of input items", param: "input")
        }
        guard !messages.isEmpty else { throw APIError.badRequest("'input' is empty", param: "input") }

        var chat = JSONObject([("model", .string(model)), ("messages", .array(messages))])
        for member in object where !dropped.contains(member.key) { chat[member.key] = member.value }
        if let stream = object["stream"] { chat["stream"] = stream }
        if let broker = object["broker"] { chat["broker"] = broker }
        if let max = object["max_output_tokens"], !max.isNull { chat["max_tokens"] = max }
        if let effort = object["reasoning"]?["effort"], !effort.isNull { chat["reasoning_effort"] = effort }
        if let tools = object["tools"], !tools.isNull { chat["tools"] = try Self.tools(tools) }
        if let choice = object["tool_choice"], !choice.isNull { chat["tool_choice"] = Self.toolChoice(choice) }
        if let format = object["text"]?["format"], let converted = try Self.responseFormat(format) {
            chat["response_format"] = converted
        }
        var parsed = try ChatCompletionRequest.parse(JSONWriter.bytes(.object(chat)), registry: registry)
        parsed.includeUsage = true

        var echo = JSONObject()
        for name in [
            "instructions", "max_output_tokens", "metadata", "parallel_tool_calls", "temperature", "top_p", "user",
            "tool_choice", "tools",
        ] {
            if let value = object[name] { echo[name] = value }
        }
        return ResponsesRequest(chat: parsed, echo: echo)
    }

    /// One input item as chat messages.
    static func append(_ item: JSONValue, at i: Int, to messages: inout [JSONValue]) throws(APIError) {
        let param = "input[\(i)]"
        let type = item["type"]?.stringValue ?? (item["role"] != nil ? "message" : "")
        switch type {
        case "message":
            guard var role = item["role"]?.stringValue else {
                throw APIError.badRequest("\(param).role is required", param: param)
            }
            if role == "developer" { role = "system" }
            let content: JSONValue
            switch item["content"] {
            case .string(let text)?: content = .string(text)
            case .array(let parts)?:
                content = .array(
                    try parts.enumerated().map { j, part throws(APIError) in
                        try Self.part(part, "\(param).content[\(j)]")
                    })
            default:
                throw APIError.badRequest("\(param).content must be text or an array of content parts", param: param)
            }
            messages.append(["role": .string(role), "content": content])
        case "function_call":
            guard let callID = item["call_id"]?.stringValue, let name = item["name"]?.stringValue else {
                throw APIError.badRequest("\(param) (function_call) needs call_id and name", param: param)
            }
            let call: JSONValue = [
                "id": .string(callID), "type": "function",
                "function": ["name": .string(name), "arguments": item["arguments"] ?? "{}"],
            ]
            // Calls in a row are one assistant turn (parallel calls).
            if case .object(var last)? = messages.last, last["role"] == "assistant", last["content"] == .null,
                let calls = last["tool_calls"]?.arrayValue
            {
                last["tool_calls"] = .array(calls + [call])
                messages[messages.count - 1] = .object(last)
            } else {
                messages.append(["role": "assistant", "content": nil, "tool_calls": [call]])
            }
        case "function_call_output":
            guard let callID = item["call_id"]?.stringValue, let output = item["output"] else {
                throw APIError.badRequest("\(param) (function_call_output) needs call_id and output", param: param)
            }
            let text = output.stringValue ?? JSONWriter.string(output)
            messages.append(["role": "tool", "tool_call_id": .string(callID), "content": .string(text)])
        case "reasoning":
            break  // a model's own reasoning from an earlier turn: chat providers take none back
        default:
            throw APIError.badRequest("\(param): input items of type '\(type)' are not supported", param: param)
        }
    }

    /// A Responses content part as a chat content part.
    static func part(_ part: JSONValue, _ param: String) throws(APIError) -> JSONValue {
        switch part["type"]?.stringValue {
        case "input_text"?, "output_text"?, "text"?:
            return ["type": "text", "text": part["text"] ?? ""]
        case "input_image"?:
            guard let url = part["image_url"]?.stringValue else {
                throw APIError.badRequest(
                    "\(param): input_image needs image_url (file_id is not supported)", param: param)
            }
            var image = JSONObject([("url", .string(url))])
            if let detail = part["detail"], !detail.isNull { image["detail"] = detail }
            return ["type": "image_url", "image_url": .object(image)]
        default:
            throw APIError.badRequest(
                "\(param): content parts of type '\(part["type"]?.stringValue ?? "?")' are not supported", param: param)
        }
    }

    /// Function tools in chat's shape (`{"type":"function","function":{…}}`).
    static func tools(_ value: JSONValue) throws(APIError) -> JSONValue {
        guard let list = value.arrayValue else { throw APIError.badRequest("'tools' must be an array", param: "tools") }
        var out: [JSONValue] = []
        for (i, tool) in list.enumerated() {
            guard tool["type"]?.stringValue == "function", let name = tool["name"]?.stringValue else {
                throw APIError.badRequest(
                    "tools[\(i)]: only function tools are supported (got '\(tool["type"]?.stringValue ?? "?")')",
                    param: "tools")
            }
            var function = JSONObject([("name", .string(name))])
            for key in ["description", "parameters", "strict"] {
                if let v = tool[key], !v.isNull { function[key] = v }
            }
            out.append(["type": "function", "function": .object(function)])
        }
        return .array(out)
    }

    /// `tool_choice`: `auto`/`none`/`required` as they are, `{"type":"function","name"}` nested.
    static func toolChoice(_ value: JSONValue) -> JSONValue {
        guard let name = value["name"]?.stringValue else { return value }
        return ["type": "function", "function": ["name": .string(name)]]
    }

    /// `text.format` as chat's `response_format` (`nil` for plain text).
    static func responseFormat(_ format: JSONValue) throws(APIError) -> JSONValue? {
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
            throw APIError.badRequest("text.format.type '\(other)' is not supported", param: "text.format")
        }
    }
}
