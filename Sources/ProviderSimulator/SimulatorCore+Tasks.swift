import ProviderInterface

extension SimulatorCore {
    /// `POST /hf-inference/models/{org}/{name}` and `…/pipeline/{task}`: classic tasks, answered in
    /// the shape the model's task (and ``SimulatorFixtures/taskShapes``) selects.
    func classicTask(_ request: RecordedRequest, segments: [String], _ snapshot: Snapshot) -> SimulatedResponse {
        let fixtures = snapshot.fixtures
        var idParts = segments
        var pipelineTask: String?
        if let k = segments.firstIndex(of: "pipeline"), k + 1 < segments.count {
            idParts = Array(segments[..<k])
            pipelineTask = segments[k + 1]
        }
        let id = idParts.joined(separator: "/")
        guard let model = fixtures.hubModels.first(where: { $0.id == id }),
            let mapping = model.mappings.first(where: { $0.provider == "hf-inference" && $0.status != "error" })
        else {
            return .json(#"{"error":"Model \#(id) is not supported by provider hf-inference."}"#, status: 404)
        }
        let task = pipelineTask ?? model.pipelineTag ?? mapping.task
        let shape = fixtures.taskShapes[id] ?? .standard
        let headers: [(String, String)] = [("x-compute-time", "0.021"), ("x-compute-type", "cpu")]
        if task == "automatic-speech-recognition" {
            guard !request.body.isEmpty else { return Self.validationError("Audio input is empty") }
            let text = fixtures.chatAnswers[id] ?? "hello world"
            var out = JSONOutput(capacity: 128)
            out.beginObject()
            out.field("text", text)
            if shape == .alternative {
                out.key("chunks")
                out.beginArray()
                out.beginObject()
                out.field("text", text)
                out.key("timestamp")
                out.beginArray()
                out.number("0.0")
                out.number("1.5")
                out.endArray()
                out.endObject()
                out.endArray()
            }
            out.endObject()
            return .json(bytes: out.bytes, headers: headers)
        }
        guard let body = request.json, let inputs = body["inputs"] else {
            return Self.validationError("Input should have a field `inputs`")
        }
        let text = inputs.stringValue ?? ""
        var out = JSONOutput(capacity: 256)
        switch task {
        case "summarization", "translation":
            let key = task == "summarization" ? "summary_text" : "translation_text"
            let fallback = task == "summarization" ? Self.pieces(of: text).prefix(8).joined() : "[translated] " + text
            out.beginArray()
            out.beginObject()
            out.field(key, fixtures.chatAnswers[id] ?? fallback)
            out.endObject()
            out.endArray()
        case "text-classification":
            if shape == .standard { out.beginArray() }
            Self.labels([("POSITIVE", "0.9998"), ("NEGATIVE", "0.0002")], into: &out)
            if shape == .standard { out.endArray() }
        case "token-classification":
            out.beginArray()
            if let (word, start, end) = Self.firstCapitalizedWord(text) {
                out.beginObject()
                out.field(shape == .standard ? "entity_group" : "entity", shape == .standard ? "PER" : "B-PER")
                out.field("score", number: "0.9987")
                out.field("word", word)
                out.field("start", int: start)
                out.field("end", int: end)
                out.endObject()
            }
            out.endArray()
        case "question-answering":
            let context = inputs["context"]?.stringValue ?? ""
            guard inputs["question"]?.stringValue != nil, !context.isEmpty else {
                return Self.validationError("`inputs` must have `question` and `context`")
            }
            let word = Self.firstWord(context)
            if shape == .alternative { out.beginArray() }
            out.beginObject()
            out.field("score", number: "0.9731")
            out.field("start", int: word.start)
            out.field("end", int: word.end)
            out.field("answer", word.text)
            out.endObject()
            if shape == .alternative { out.endArray() }
        case "fill-mask":
            let mask = text.contains("<mask>") ? "<mask>" : "[MASK]"
            guard text.contains(mask) else { return Self.validationError("No mask_token ([MASK]) found on the input") }
            out.beginArray()
            for (token, id, score) in [("paris", 3000, "0.6021"), ("lyon", 4000, "0.1190")] {
                out.beginObject()
                out.field("score", number: score)
                out.field("token", int: id)
                out.field("token_str", token)
                out.field("sequence", text.replacingAll(mask, with: token))
                out.endObject()
            }
            out.endArray()
        case "zero-shot-classification":
            let labels = body["parameters"]?["candidate_labels"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard !labels.isEmpty else { return Self.validationError("`candidate_labels` is required") }
            let scores = Self.scores(count: labels.count)
            if shape == .standard {
                out.beginObject()
                out.field("sequence", text)
                out.key("labels")
                out.strings(labels)
                out.key("scores")
                out.beginArray()
                for s in scores { out.number(s) }
                out.endArray()
                out.endObject()
            } else {
                Self.labels(Array(zip(labels, scores)), into: &out)
            }
        case "feature-extraction":
            let texts = inputs.arrayValue?.compactMap(\.stringValue) ?? [text]
            if shape == .standard || texts.count > 1 { out.beginArray() }
            for t in texts {
                out.beginArray()
                for k in 0..<8 { out.number(Self.signedFraction(Self.hash(t) &+ UInt64(k) &* 0x9E37_79B9)) }
                out.endArray()
            }
            if shape == .standard || texts.count > 1 { out.endArray() }
        case "sentence-similarity":
            let source = inputs["source_sentence"]?.stringValue ?? ""
            let sentences = inputs["sentences"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard !sentences.isEmpty else {
                return Self.validationError("`inputs` must have `source_sentence` and `sentences`")
            }
            out.beginArray()
            for s in sentences { out.number(s == source ? "1.0" : Self.unsignedFraction(Self.hash(source + "|" + s))) }
            out.endArray()
        case "text-to-image":
            return SimulatedResponse(
                status: 200, headers: [("Content-Type", "image/jpeg")] + headers, body: .bytes(Self.tinyJPEG))
        default:
            return .json(#"{"error":"Task \#(task) is not supported by hf-inference in this simulator."}"#, status: 400)
        }
        return .json(bytes: out.bytes, headers: headers)
    }

    static func validationError(_ message: String) -> SimulatedResponse {
        var out = JSONOutput(capacity: 96)
        out.beginObject()
        out.field("error", message)
        out.field("error_type", "validation")
        out.endObject()
        return .json(bytes: out.bytes, status: 422)
    }

    private static func labels(_ pairs: [(String, String)], into out: inout JSONOutput) {
        out.beginArray()
        for (label, score) in pairs {
            out.beginObject()
            out.field("label", label)
            out.field("score", number: score)
            out.endObject()
        }
        out.endArray()
    }

    /// Descending scores summing to about 1: the first 0.9, the rest sharing 0.1.
    private static func scores(count: Int) -> [String] {
        guard count > 1 else { return ["1.0"] }
        let rest = 1000 / (count - 1)
        return ["0.9"]
            + (1..<count).map { _ in "0." + String(repeating: "0", count: 4 - String(rest).count) + String(rest) }
    }

    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }

    /// A deterministic decimal in [-1, 1) with four digits.
    private static func signedFraction(_ h: UInt64) -> String {
        let v = Int(h % 20000) - 10000
        let magnitude = abs(v)
        let digits = String(magnitude % 10000)
        return (v < 0 ? "-" : "") + "\(magnitude / 10000)." + String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// A deterministic decimal in [0, 1) with four digits.
    private static func unsignedFraction(_ h: UInt64) -> String {
        let digits = String(h % 10000)
        return "0." + String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// The first word of `text` with its character offsets.
    private static func firstWord(_ text: String) -> (text: String, start: Int, end: Int) {
        var start = 0
        var word = ""
        for (i, c) in text.enumerated() {
            if c.isLetter || c.isNumber {
                if word.isEmpty { start = i }
                word.append(c)
            } else if !word.isEmpty {
                break
            }
        }
        return (word, start, start + word.count)
    }

    private static func firstCapitalizedWord(_ text: String) -> (String, Int, Int)? {
        var offset = 0
        for part in text.split(separator: " ", omittingEmptySubsequences: false) {
            let word = part.prefix { $0.isLetter }
            if let first = word.first, first.isUppercase, offset > 0 {
                return (String(word), offset, offset + word.count)
            }
            offset += part.count + 1
        }
        return nil
    }

    /// A minimal JPEG (SOI, JFIF APP0, EOI): enough for content sniffing.
    static let tinyJPEG: [UInt8] = [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
        0x00,
        0x00, 0xFF, 0xD9,
    ]
}
