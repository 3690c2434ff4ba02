import ProviderInterface

extension SimulatorCore {
    /// `POST /{prefix}/v1/embeddings` on an OpenAI-compatible provider: eight deterministic
    /// numbers per input (fewer with `dimensions`), base64 of little-endian float32 with
    /// `encoding_format: base64`, and `usage` counting the inputs' words.
    func embeddings(_ request: RecordedRequest, provider: CompatibleProvider) -> SimulatedResponse {
        guard let json = request.json, let body = OpenAIEmbeddingRequest(parsing: json) else {
            return Self.openAIError(400, "Could not parse the JSON body of your request.", param: nil, code: nil)
        }
        guard let model = body.model, provider.models.contains(where: { $0.id == model }) else {
            return Self.openAIError(
                404, "The model does not exist or is not an embedding model.", param: "model", code: "model_not_found")
        }
        guard let inputs = body.texts else {
            return Self.openAIError(
                400, "'input' must be a string or a non-empty array of strings", param: "input", code: nil)
        }
        let dimensions = min(8, max(1, body.parameters["dimensions"]?.intValue ?? 8))
        var items: [OpenAIEmbeddingList.Item] = []
        for (index, text) in inputs.enumerated() {
            let numbers: [JSONValue] = (0..<dimensions).map { k in
                let h = Self.hash(text) &+ UInt64(k) &* 0x9E37_79B9
                return .number("0." + String(h % 1000 + 1000).dropFirst())  // 0.000…0.999, exact in float32 text
            }
            items.append(OpenAIEmbeddingList.Item(index: index, embedding: .array(numbers)))
        }
        let words = inputs.reduce(0) { $0 + Self.pieces(of: $1).count }
        var list = OpenAIEmbeddingList(
            data: items, model: model, usage: OpenAIUsage(promptTokens: Int64(words), totalTokens: Int64(words)))
        if body.encodingFormat == "base64" { list = list.base64Encoded }
        var out = JSONOutput(capacity: 256 * inputs.count)
        list.write(to: &out)
        return .json(bytes: out.bytes)
    }
}
