import Broker
import HTTPServer
import Platform
import ProviderInterface

/// Hugging Face's task API, `POST /hf-inference/models/{org}/{name}` (and
/// `…/pipeline/{task}`): a `huggingface_hub` client pointed at the broker runs classic tasks
/// through whichever offer routing picks. Bodies are `{"inputs", "parameters"}` JSON or raw
/// bytes (audio, images); answers have the shapes the hf-inference API sends.
struct HFTaskEndpoint: Sendable {
    let context: ServeContext

    func handle(_ request: ServerRequest, path: String, key: APIKey?) async throws(APIError) -> ServerResponse {
        let started = MonotonicTime.nanoseconds()
        let (model, pipeline) = try Self.target(path, registry: context.registry)
        var inference = InferenceRequest(model: model, task: pipeline ?? .textClassification)
        let contentType = request.header("Content-Type") ?? "application/json"
        if contentType.hasPrefix("application/json")
            || contentType.hasPrefix("text/plain") && request.body.first == UInt8(ascii: "{")
        {
            let object = try JSONResponse.object(request.body)
            guard let inputs = object["inputs"] else {
                throw APIError.badRequest("'inputs' is required", param: "inputs")
            }
            inference.input = inputs
            if let parameters = object["parameters"]?.objectValue { inference.parameters = parameters }
            for member in object where member.key != "inputs" && member.key != "parameters" {
                inference.parameters[member.key] = member.value
            }
        } else {
            guard !request.body.isEmpty else { throw APIError.badRequest("the request body is empty") }
            inference.binaryInput = request.body
            inference.binaryContentType = contentType
        }
        let routed = RoutedRun(context: context, key: key, route: "hf_inference")
        let view: RoutingService.MarketView
        do {
            view = try await context.cache.view(model)
        } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
        guard !view.offers.isEmpty else { throw APIError.modelNotFound(model) }
        let task = pipeline ?? view.offers.first { !$0.task.isChat }?.task ?? view.offers[0].task
        inference.task = task
        var route = RouteRequest(model: model, task: task)
        route.allowUnpriced = true
        let routedPlan = context.routing.plan(route, market: view)
        guard !routedPlan.candidates.isEmpty else { throw APIError.noOfferFits(model, routedPlan) }
        let plan: RoutePlan
        switch routed.budgeted(routedPlan, requested: model) {
        case .success(let kept): plan = kept
        case .failure(let error): throw error
        }
        let outcome = await routed.run(
            inference, plan: plan, requestID: RoutedRun.requestID(), startedNanos: started)
        switch outcome {
        case .success(let result):
            let headers = ChatCompletionJSON.headers(result)
            switch result.response.output {
            case .binary(let bytes, let type):
                return ServerResponse(status: 200, headers: [("Content-Type", type)] + headers, bytes: bytes)
            case .json(let value):
                return JSONResponse.make(Self.wireShape(value, task: result.offer.task), headers: headers)
            case .text(let text):
                return JSONResponse.make(Self.textShape(text, task: result.offer.task), headers: headers)
            }
        case .failure(let error): throw error
        }
    }

    /// The model id (aliases resolved) and the pipeline task named in the path, if any.
    static func target(_ path: String, registry: Registry) throws(APIError) -> (String, ModelTask?) {
        let prefix = path.hasPrefix("/hf-inference/models/") ? "/hf-inference/models/" : "/models/"
        var rest = String(path.dropFirst(prefix.count))
        var task: ModelTask? = nil
        if let range = rest.firstRange(of: "/pipeline/") {
            task = ModelTask(userInput: QueryString.decode(Array(rest[range.upperBound...].utf8)))
            rest = String(rest[..<range.lowerBound])
        }
        let model = QueryString.decode(Array(rest.utf8))
        guard !model.isEmpty else {
            throw APIError.badRequest("the path must name a model: /hf-inference/models/{org}/{name}")
        }
        return (registry.resolveAlias(model), task)
    }

    /// The broker's canonical task output back in the shape hf-inference sends (one-element
    /// lists for text outputs, nested labels for text-classification).
    static func wireShape(_ value: JSONValue, task: ModelTask) -> JSONValue {
        switch task {
        case .summarization, .translation, .textGeneration:
            return value.objectValue != nil ? .array([value]) : value
        case .textClassification:
            if let list = value.arrayValue, list.first?.objectValue != nil { return .array([value]) }
            return value
        default:
            return value
        }
    }

    /// A text output in its task's shape.
    static func textShape(_ text: String, task: ModelTask) -> JSONValue {
        switch task {
        case .summarization: return .array([.object(JSONObject([("summary_text", .string(text))]))])
        case .translation: return .array([.object(JSONObject([("translation_text", .string(text))]))])
        case .automaticSpeechRecognition: return .object(JSONObject([("text", .string(text))]))
        default: return .array([.object(JSONObject([("generated_text", .string(text))]))])
        }
    }
}
