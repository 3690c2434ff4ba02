/// An OpenAI embeddings answer (`{"object":"list","data":[{"object":"embedding","index",
/// "embedding"}],"model","usage"}`): each vector as sent (an array of numbers, or a base64
/// string with `encoding_format: base64`), and every other member kept verbatim.
///
/// See <https://platform.openai.com/docs/api-reference/embeddings/object>.
public struct OpenAIEmbeddingList: Sendable, Hashable {
    /// One vector.
    public struct Item: Sendable, Hashable {
        /// `index`: which input it embeds.
        public var index: Int
        /// `embedding`: numbers (kept as their text), or a base64 string.
        public var embedding: JSONValue
        /// Every other member, verbatim.
        public var extra: JSONObject

        /// A vector.
        public init(index: Int, embedding: JSONValue, extra: JSONObject = JSONObject()) {
            self.index = index
            self.embedding = embedding
            self.extra = extra
        }
    }

    /// `data`.
    public var data: [Item]
    /// `model`.
    public var model: String?
    /// `usage` (`prompt_tokens`, `total_tokens`).
    public var usage: OpenAIUsage?
    /// Every other member, verbatim.
    public var extra: JSONObject

    /// An answer.
    public init(data: [Item], model: String? = nil, usage: OpenAIUsage? = nil, extra: JSONObject = JSONObject()) {
        self.data = data
        self.model = model
        self.usage = usage
        self.extra = extra
    }

    /// Reads an answer; `nil` when the document has no `data` array of objects.
    public init?(parsing value: JSONValue) {
        guard let object = value.objectValue, let list = object["data"]?.arrayValue,
            list.allSatisfy({ $0.objectValue != nil })
        else { return nil }
        self.init(data: [])
        for member in object {
            switch member.key {
            case "data":
                for (position, element) in list.enumerated() {
                    var item = Item(index: position, embedding: .null)
                    for inner in element.objectValue ?? JSONObject() {
                        switch inner.key {
                        case "index" where inner.value.intValue != nil: item.index = inner.value.intValue ?? position
                        case "embedding": item.embedding = inner.value
                        case "object" where inner.value.stringValue == "embedding": break
                        default: item.extra.appendUnchecked(inner.key, inner.value)
                        }
                    }
                    data.append(item)
                }
            case "object" where member.value.stringValue == "list": break
            case "model" where member.value.stringValue != nil: model = member.value.stringValue
            case "usage" where member.value.objectValue != nil || member.value.isNull:
                usage = OpenAIUsage(parsing: member.value)
            default: extra.appendUnchecked(member.key, member.value)
            }
        }
    }

    /// Vectors from a Hugging Face `feature-extraction` answer: one vector (`[floats]`) or one
    /// per input (`[[floats]]`); `nil` for any other shape.
    public init?(featureExtraction value: JSONValue) {
        guard let outer = value.arrayValue else { return nil }
        if outer.allSatisfy({ $0.numberText != nil }) {
            self.init(data: [Item(index: 0, embedding: value)])
            return
        }
        guard outer.allSatisfy({ $0.arrayValue?.allSatisfy { $0.numberText != nil } == true }) else { return nil }
        self.init(data: outer.enumerated().map { Item(index: $0.offset, embedding: $0.element) })
    }

    /// Writes the answer: `object`, `data`, `model`, `usage`, the rest, then the caller's members.
    public func write(to out: inout JSONOutput, members: (inout JSONOutput) -> Void = { _ in }) {
        out.beginObject()
        out.member("object", "list")
        out.key("data")
        out.beginArray()
        for item in data {
            out.beginObject()
            out.member("object", "embedding")
            out.member("index", integer: Int64(item.index))
            out.key("embedding")
            out.value(item.embedding)
            out.members(item.extra)
            out.endObject()
        }
        out.endArray()
        if let model { out.member("model", model) }
        if let usage {
            out.key("usage")
            usage.write(to: &out)
        }
        out.members(extra)
        members(&out)
        out.endObject()
    }

    /// Each vector of numbers as base64 of its little-endian 32-bit floats, as OpenAI sends
    /// with `encoding_format: base64` (vectors already in base64 are left alone).
    public var base64Encoded: OpenAIEmbeddingList {
        var copy = self
        for i in copy.data.indices {
            guard let numbers = copy.data[i].embedding.arrayValue else { continue }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(numbers.count * 4)
            for number in numbers {
                let bits = (number.numberText.flatMap(Float.init) ?? 0).bitPattern
                bytes.append(contentsOf: [
                    UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                    UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24),
                ])
            }
            copy.data[i].embedding = .string(Base64.encode(bytes))
        }
        return copy
    }
}
