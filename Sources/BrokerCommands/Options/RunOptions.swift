import Broker
import ProviderInterface

/// `run`'s options: the request (model, input), the offer filters and the routing; a `batch`
/// line is read into the same value over the batch's filters and routing.
struct RunOptions: OptionGroup {
    static let model = Option<String>.text("--model", "M", "Model id, Hugging Face id or alias (required).")
    static let prompt = Option<String>.text("--prompt", "TEXT", "The prompt (else --input, else stdin).")
    static let input = Option<JSONValue>("--input", "JSON", "The task input as JSON (chat: a messages array).") {
        text throws(UsageError) in
        do { return try JSONParser.parse(text) } catch { throw UsageError("--input is not valid JSON: \(error)") }
    }
    static let system = Option<String>.text("--system", "TEXT", "A system message (chat).")
    static let outputFile = Option<String>.text(
        "--output-file", "PATH", "Where binary output (text-to-image) is written.")
    static let stream = Flag("--stream", "Print the answer as it arrives; summary on stderr.")
    static let explain = Flag(
        "--explain",
        "Print on stderr the candidates in the order they are tried and why (fastest: the expected time and its source)."
    )

    static let options =
        [model.spec, prompt.spec, input.spec, system.spec] + OfferFilterOptions.options + RoutingOptions.options
        + [outputFile.spec, stream.spec, explain.spec]

    var model: String?
    var prompt: String?
    var input: JSONValue?
    var system: String?
    var outputFile: String?
    var stream = false
    var explain = false
    var filters: OfferFilterOptions
    var routing: RoutingOptions

    /// A request with these filters and routing and nothing else (a batch line's start).
    init(filters: OfferFilterOptions, routing: RoutingOptions) {
        self.filters = filters
        self.routing = routing
    }

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        model = try arguments.value(Self.model)
        prompt = try arguments.value(Self.prompt)
        input = try arguments.value(Self.input)
        system = try arguments.value(Self.system)
        outputFile = try arguments.value(Self.outputFile)
        stream = arguments.has(Self.stream)
        explain = arguments.has(Self.explain)
        filters = try OfferFilterOptions(parsing: arguments)
        routing = try RoutingOptions(parsing: arguments)
    }
}
