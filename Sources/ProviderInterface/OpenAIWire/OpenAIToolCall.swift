/// One tool call in an assistant message, or one piece of it in a streamed delta
/// (`index` says which call a piece belongs to; `id`, `type` and `name` come once, the
/// `arguments` in fragments).
///
/// See <https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices>.
public struct OpenAIToolCall: Sendable, Hashable {
    /// `index` (streamed deltas; also sent by some providers in whole answers).
    public var index: Int?
    /// `id`.
    public var id: String?
    /// `type` (`function`).
    public var type: String?
    /// `function.name`.
    public var name: String?
    /// `function.arguments`: JSON text, or a fragment of it in a delta.
    public var arguments: String?
    /// Whether the call has a `function` member at all.
    public var hasFunction: Bool
    /// Other members of `function`, verbatim.
    public var functionExtra: JSONObject
    /// Other members of the call, verbatim.
    public var extra: JSONObject

    /// A tool call.
    public init(
        index: Int? = nil, id: String? = nil, type: String? = nil, name: String? = nil, arguments: String? = nil,
        hasFunction: Bool = true, functionExtra: JSONObject = JSONObject(), extra: JSONObject = JSONObject()
    ) {
        self.index = index
        self.id = id
        self.type = type
        self.name = name
        self.arguments = arguments
        self.hasFunction = hasFunction
        self.functionExtra = functionExtra
        self.extra = extra
    }

    /// Reads one element of `tool_calls`; `nil` when it is not an object.
    public init?(parsing value: JSONValue) {
        guard let object = value.objectValue else { return nil }
        self.init(hasFunction: false)
        for member in object {
            let value = member.value
            switch member.key {
            case "index" where value.intValue != nil: index = value.intValue
            case "id" where value.stringValue != nil || value.isNull: id = value.stringValue
            case "type" where value.stringValue != nil || value.isNull: type = value.stringValue
            case "function" where value.objectValue != nil:
                hasFunction = true
                for inner in value.objectValue ?? JSONObject() {
                    switch inner.key {
                    case "name" where inner.value.stringValue != nil || inner.value.isNull:
                        name = inner.value.stringValue
                    case "arguments" where inner.value.stringValue != nil || inner.value.isNull:
                        arguments = inner.value.stringValue
                    default: functionExtra.appendUnchecked(inner.key, inner.value)
                    }
                }
            default:
                extra.appendUnchecked(member.key, value)
            }
        }
    }

    /// Writes the call: `index`, `id`, `type`, `function{name, arguments, …}`, then the rest.
    public func write(to out: inout JSONOutput) {
        out.beginObject()
        if let index { out.member("index", integer: Int64(index)) }
        if let id { out.member("id", id) }
        if let type { out.member("type", type) }
        if hasFunction {
            out.key("function")
            out.beginObject()
            if let name { out.member("name", name) }
            if let arguments { out.member("arguments", arguments) }
            out.members(functionExtra)
            out.endObject()
        }
        out.members(extra)
        out.endObject()
    }

    /// Adds a streamed piece of the same call: `id`, `type` and `name` when the piece names
    /// them, `arguments` appended.
    public mutating func append(_ piece: OpenAIToolCall) {
        if let id = piece.id { self.id = id }
        if let type = piece.type { self.type = type }
        if let name = piece.name { self.name = (self.name ?? "") == "" ? name : self.name }
        if let fragment = piece.arguments { arguments = (arguments ?? "") + fragment }
        hasFunction = hasFunction || piece.hasFunction
        for member in piece.functionExtra { functionExtra[member.key] = member.value }
        for member in piece.extra { extra[member.key] = member.value }
    }
}
