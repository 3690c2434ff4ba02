import ProviderInterface

/// Parses hf-inference task answers into one canonical JSON shape per task, whichever of
/// the accepted shapes (WIRE_FORMATS.md) the server sent. The canonical shapes follow the
/// output types of the official `huggingface_hub` client:
///
/// | task | canonical output | also accepted |
/// |---|---|---|
/// | summarization | `{"summary_text"}` | `[{"summary_text"}]` |
/// | translation | `{"translation_text"}` | `[{"translation_text"}]` |
/// | text-classification | `[{"label","score"}]` | `[[{"label","score"}]]` (nested, one input) |
/// | token-classification | `[{"entity_group","score","word","start","end"}]` | `entity` for `entity_group` |
/// | question-answering | `{"answer","score","start","end"}` | a list (the best, first, is kept) |
/// | fill-mask | `[{"score","token","token_str","sequence"}]` | nested `[[…]]` |
/// | zero-shot-classification | `[{"label","score"}]` | `{"sequence","labels","scores"}` |
/// | sentence-similarity | `[number]` | |
/// | feature-extraction | `[number]` for one text, `[[number]]` for a list of texts | `[[number]]` for one text |
/// | automatic-speech-recognition | `{"text"}` (plus `chunks` when sent) | `[{"text"}]` |
/// | text-to-image | binary image with its content type | |
///
/// Other tasks pass the JSON through unchanged. Numbers keep their exact text. The
/// `x-compute-time` header (decimal seconds) becomes `computeTimeMs`.
enum HFTaskResponseParser {
    /// Parses one answer.
    static func parse(
        _ response: HTTPResponse, task: ModelTask, provider: String?, redactor: Redactor, inputIsList: Bool = false
    ) throws(ProviderError) -> InferenceResponse {
        if let error = HFErrorMapping.check(response, provider: provider, redactor: redactor) { throw error }
        let computeTime = computeTimeMs(response.header("x-compute-time"))
        let contentType = response.header("content-type") ?? ""
        if task == .textToImage, !contentType.lowercased().contains("json") {
            guard !response.body.isEmpty else {
                throw ProviderError(
                    .malformedResponse, provider: provider, status: response.status, message: "empty image")
            }
            let type = contentType.isEmpty ? "application/octet-stream" : contentType
            return InferenceResponse(
                output: .binary(response.body, contentType: type), servedBy: HuggingFaceAdapter.hfInference,
                computeTimeMs: computeTime)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(response.body)
        } catch {
            throw malformed(task, "not JSON (\(error))", response, provider)
        }
        if let error = ProviderErrorMapping.inBandError(value, provider: provider, redactor: redactor) { throw error }
        guard let output = canonical(value, task: task, inputIsList: inputIsList) else {
            throw malformed(task, "not a \(task) answer", response, provider)
        }
        return InferenceResponse(
            output: .json(output), servedBy: HuggingFaceAdapter.hfInference, computeTimeMs: computeTime)
    }

    /// The canonical shape of a task's answer, or `nil` when the answer has none of the
    /// accepted shapes. `inputIsList` tells one input from a batch (feature-extraction).
    static func canonical(_ value: JSONValue, task: ModelTask, inputIsList: Bool = false) -> JSONValue? {
        switch task {
        case .summarization: return textObject(value, key: "summary_text")
        case .translation: return textObject(value, key: "translation_text")
        case .automaticSpeechRecognition: return transcript(value)
        case .textClassification: return labelScores(unnest(value))
        case .zeroShotClassification: return zeroShot(value)
        case .tokenClassification: return tokens(value)
        case .questionAnswering: return answer(value)
        case .fillMask: return fillMask(unnest(value))
        case .sentenceSimilarity:
            guard let items = value.arrayValue, items.allSatisfy({ $0.numberText != nil }) else { return nil }
            return value
        case .featureExtraction:
            guard isNumberTensor(value) else { return nil }
            if !inputIsList, let rows = value.arrayValue, rows.count == 1, let row = rows.first, row.arrayValue != nil {
                return row
            }
            return value
        case .textToImage: return nil
        default: return value
        }
    }

    /// `{"key": text}` from that object or a list whose first element is one.
    static func textObject(_ value: JSONValue, key: String) -> JSONValue? {
        let object = value.arrayValue?.first ?? value
        guard let text = object[key]?.stringValue else { return nil }
        return .object(JSONObject([(key, .string(text))]))
    }

    /// `{"text"}` (with `chunks` when the server sent timestamps) from that object or a list of one.
    static func transcript(_ value: JSONValue) -> JSONValue? {
        let object = value.arrayValue?.first ?? value
        guard case .object(var result) = textObject(object, key: "text") else { return nil }
        if let chunks = object["chunks"], chunks.arrayValue != nil { result["chunks"] = chunks }
        return .object(result)
    }

    /// The first inner list of a nested `[[…]]` (one input), else the value itself.
    static func unnest(_ value: JSONValue) -> JSONValue {
        if let items = value.arrayValue, let first = items.first, first.arrayValue != nil { return first }
        return value
    }

    /// `[{"label","score"}]`.
    static func labelScores(_ value: JSONValue) -> JSONValue? {
        guard let items = value.arrayValue else { return nil }
        var out: [JSONValue] = []
        for item in items {
            guard let label = item["label"]?.stringValue, let score = item["score"], score.numberText != nil else {
                return nil
            }
            out.append(.object(JSONObject([("label", .string(label)), ("score", score)])))
        }
        return .array(out)
    }

    /// `[{"label","score"}]` from that list or from `{"sequence","labels","scores"}`.
    static func zeroShot(_ value: JSONValue) -> JSONValue? {
        var object = value
        if let first = value.arrayValue?.first, first["labels"] != nil { object = first }
        if let labels = object["labels"]?.arrayValue, let scores = object["scores"]?.arrayValue {
            guard labels.count == scores.count else { return nil }
            return labelScores(.array(zip(labels, scores).map { .object(JSONObject([("label", $0), ("score", $1)])) }))
        }
        return labelScores(unnest(value))
    }

    /// `[{"entity_group","score","word","start","end"}]`, reading `entity` when there is no group.
    static func tokens(_ value: JSONValue) -> JSONValue? {
        guard let items = unnest(value).arrayValue else { return nil }
        var out: [JSONValue] = []
        for item in items {
            guard let group = (item["entity_group"] ?? item["entity"])?.stringValue, let score = item["score"],
                score.numberText != nil, let word = item["word"]?.stringValue
            else { return nil }
            out.append(
                .object(
                    JSONObject([
                        ("entity_group", .string(group)), ("score", score), ("word", .string(word)),
                        ("start", item["start"] ?? .null), ("end", item["end"] ?? .null),
                    ])))
        }
        return .array(out)
    }

    /// `{"answer","score","start","end"}` from that object or the first of a list.
    static func answer(_ value: JSONValue) -> JSONValue? {
        let object = value.arrayValue?.first ?? value
        guard let text = object["answer"]?.stringValue, let score = object["score"], score.numberText != nil else {
            return nil
        }
        return .object(
            JSONObject([
                ("answer", .string(text)), ("score", score), ("start", object["start"] ?? .null),
                ("end", object["end"] ?? .null),
            ]))
    }

    /// `[{"score","token","token_str","sequence"}]`.
    static func fillMask(_ value: JSONValue) -> JSONValue? {
        guard let items = value.arrayValue else { return nil }
        var out: [JSONValue] = []
        for item in items {
            guard let score = item["score"], score.numberText != nil, let sequence = item["sequence"]?.stringValue
            else {
                return nil
            }
            out.append(
                .object(
                    JSONObject([
                        ("score", score), ("token", item["token"] ?? .null), ("token_str", item["token_str"] ?? .null),
                        ("sequence", .string(sequence)),
                    ])))
        }
        return .array(out)
    }

    /// Whether the value is a non-empty (nested) array of numbers.
    static func isNumberTensor(_ value: JSONValue) -> Bool {
        guard let items = value.arrayValue, !items.isEmpty else { return false }
        return items.allSatisfy { $0.numberText != nil || isNumberTensor($0) }
    }

    /// `x-compute-time` (decimal seconds) in milliseconds, rounded half up.
    static func computeTimeMs(_ header: String?) -> Int64? {
        guard let header, let scaled = DecimalText.scaled(OpenAIChatText.trimmed(header), by: 3), scaled.value >= 0
        else {
            return nil
        }
        return scaled.value
    }

    static func malformed(_ task: ModelTask, _ reason: String, _ response: HTTPResponse, _ provider: String?)
        -> ProviderError
    {
        ProviderError(
            .malformedResponse, provider: provider, status: response.status, message: "\(task) answer: \(reason)")
    }
}
