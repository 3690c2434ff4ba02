import ProviderInterface

/// Classic (non-chat) tasks through hf-inference, `POST {router}/hf-inference/models/{org}/{name}`
/// (`…/pipeline/{task}` for feature-extraction and sentence-similarity), as pure request
/// building. The answer is parsed by ``HFTaskResponseParser``.
enum HFTaskInference {
    /// Tasks whose route names the pipeline.
    static let pipelineTasks: Set<ModelTask> = [.featureExtraction, .sentenceSimilarity]

    /// The URL for a model and task.
    static func url(routerURL: String, model: String, task: ModelTask) -> String {
        var url = OpenAIChat.joinURL(routerURL, "/hf-inference/models/")
        url += model.split(separator: "/", omittingEmptySubsequences: false).map {
            HubListing.percentEncode(String($0))
        }
        .joined(separator: "/")
        if pipelineTasks.contains(task) { url += "/pipeline/" + task.rawValue }
        return url
    }

    /// The request: raw bytes with their content type when the request carries binary input
    /// (audio, images); else `{"inputs": …, "parameters": {…}}` (parameters left out when
    /// empty), except feature-extraction, whose options sit at the root next to `inputs`.
    /// The input is `request.input`, else the text of the last user message.
    static func makeRequest(
        routerURL: String, request: InferenceRequest, headers: [HTTPHeader], timeouts: HTTPTimeouts, provider: String?
    ) throws(ProviderError) -> HTTPRequest {
        var all: [HTTPHeader] = []
        let body: [UInt8]
        if let bytes = request.binaryInput {
            all.append(HTTPHeader("Content-Type", request.binaryContentType ?? "application/octet-stream"))
            body = bytes
        } else {
            guard
                let input = request.input
                    ?? request.messages.last(where: { $0.role == "user" }).map({ .string($0.content) })
            else {
                throw ProviderError(.badInput, provider: provider, message: "task \(request.task) needs an input")
            }
            var object = JSONObject([("inputs", input)])
            if request.task == .featureExtraction {
                for member in request.parameters where member.key != "inputs" { object[member.key] = member.value }
            } else if request.parameters.count > 0 {
                object["parameters"] = .object(request.parameters)
            }
            all.append(HTTPHeader("Content-Type", "application/json"))
            body = JSONWriter.bytes(.object(object))
        }
        all.append(HTTPHeader("Accept", request.task == .textToImage ? "image/*" : "application/json"))
        all.append(contentsOf: headers)
        return HTTPRequest(
            method: "POST", url: url(routerURL: routerURL, model: request.model, task: request.task), headers: all,
            body: body, timeouts: OpenAIChat.applying(request, to: timeouts))
    }

    /// What a task takes in, for listings.
    static func inputModalities(_ task: ModelTask) -> [String] {
        task == .automaticSpeechRecognition ? ["audio"] : ["text"]
    }

    /// What a task gives back, for listings.
    static func outputModalities(_ task: ModelTask) -> [String] {
        switch task {
        case .textToImage: ["image"]
        case .featureExtraction, .sentenceSimilarity: ["embeddings"]
        default: ["text"]
        }
    }
}
