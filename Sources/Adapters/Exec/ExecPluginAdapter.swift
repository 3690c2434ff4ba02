import Platform
import ProviderInterface
import Synchronization

/// A provider implemented by an executable named in the registry (any language), speaking
/// the exec-plugin protocol (``ExecPluginProtocol``, examples/README.md) over stdin/stdout.
///
/// Each operation starts one process, so a plugin that crashes affects only that operation.
/// The plugin sees only `PATH`, `HOME`, `LANG`, the entry's `auth_env` and the variables
/// named in `options.env`. It is stopped (SIGTERM to its process group, then SIGKILL) when
/// the entry's timeout expires (for a streamed answer: when it writes nothing for that long,
/// or runs past the entry's `max_duration`); every failure is a ``ProviderError`` that quotes the tail of
/// its stderr with the credential removed.
public struct ExecPluginAdapter: ProviderInterface, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let options: ExecPluginOptions
    let environment: [String]
    let redactor: Redactor
    let results: ExecPluginResults

    /// Request ids, unique within the broker process.
    private static let ids = Atomic<Int>(0)

    /// The adapter kind `exec`.
    public static let kind = AdapterKind(
        name: "exec", validate: ExecPluginOptions.validate, building: ExecPluginAdapter.self)

    /// Builds the adapter; throws `.badInput` when the entry's options are invalid.
    public init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError) {
        try AdapterIssue.refuseFirst(ExecPluginOptions.validate(entry), entry: entry)
        self.key = entry.key
        self.entry = entry
        self.options = ExecPluginOptions(entry.options)
        self.environment = options.childEnvironment(authEnv: entry.authEnv, from: context.environment)
        let secret = entry.authEnv.flatMap { context.environment[$0] }
        self.redactor = Redactor(secrets: secret.map { [$0] } ?? [])
        self.results = ExecPluginResults(provider: entry.key, pricing: entry.pricing)
    }

    /// The models the provider lists, as offers to price.
    public func listModels() async throws(ProviderError) -> ModelCatalog {
        if entry.pricing.catalogIsTable {
            return OpenAICompatibleCatalog(entry: entry, options: .init()).tableCatalog()
        }
        return try results.models(await call(.listModels))
    }

    /// The price of each listed model, in the currency published.
    public func getPricing() async throws(ProviderError) -> [PriceQuote] {
        if entry.pricing.catalogIsTable { return OpenAICompatibleCatalog.quotes(try await listModels()) }
        return try results.prices(await call(.getPricing))
    }

    /// Runs one request and returns the whole answer.
    public func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        try results.inference(await call(.runInference, request: request))
    }

    /// Runs one request and returns its answer as it comes.
    public func streamInference(_ request: InferenceRequest) async throws(ProviderError)
        -> AsyncThrowingStream<InferenceEvent, any Error>
    {
        let (invocationCall, cancellation) = try prepare(.runInference, request: request, stream: true)
        let (stream, continuation) = AsyncThrowingStream<InferenceEvent, any Error>.makeStream()
        continuation.onTermination = { _ in cancellation.cancel() }
        let results = self.results
        let started = PlatformThread.detach(name: "plugin") {
            var lastUsage: TokenUsage?
            invocationCall.perform(
                cancellation: cancellation,
                onEvent: { event in
                    guard let event = ExecPluginResults.event(event) else { return }
                    if case .usage(let usage) = event { lastUsage = usage }
                    continuation.yield(event)
                },
                onDone: { outcome in
                    switch outcome {
                    case .success(let result):
                        do throws(ProviderError) {
                            let final = try results.inference(result, requireOutput: false)
                            if let usage = final.usage, usage != lastUsage { continuation.yield(.usage(usage)) }
                            continuation.yield(.finished(reason: final.finishReason))
                            continuation.finish()
                        } catch {
                            continuation.finish(throwing: error)
                        }
                    case .failure(let error): continuation.finish(throwing: error)
                    }
                })
        }
        guard started else {
            throw ProviderError(.providerError, provider: key, message: "cannot start a thread for the plugin")
        }
        return stream
    }

    /// Runs one operation to its answer.
    func call(_ operation: ExecPluginProtocol.Operation, request: InferenceRequest? = nil) async throws(ProviderError)
        -> JSONValue
    {
        let (pluginCall, cancellation) = try prepare(operation, request: request, stream: false)
        let provider = key
        let outcome: Result<JSONValue, ProviderError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let started = PlatformThread.detach(name: "plugin") {
                    pluginCall.perform(
                        cancellation: cancellation, onEvent: { _ in }, onDone: { continuation.resume(returning: $0) })
                }
                if !started {
                    continuation.resume(
                        returning: .failure(
                            ProviderError(
                                .providerError, provider: provider, message: "cannot start a thread for the plugin")))
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try outcome.get()
    }

    /// The call for an operation: the resolved executable, the exact environment, the request line.
    func prepare(_ operation: ExecPluginProtocol.Operation, request: InferenceRequest?, stream: Bool)
        throws(ProviderError)
        -> (ExecPluginCall, PluginCancellation)
    {
        if let request, request.binaryInput != nil {
            throw ProviderError(
                .unsupported, provider: key, message: "exec plugins take JSON input; binary input is not supported")
        }
        let directory = entry.urls["registry_dir"]
        let path =
            environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? ExecPluginOptions.defaultPath
        guard let executable = PluginInvocation.resolve(command: options.command, directory: directory, path: path)
        else {
            throw ProviderError(
                .providerError, provider: key,
                message: "plugin command '\(options.command)' not found in the registry's directory or PATH")
        }
        let id = Self.ids.wrappingAdd(1, ordering: .relaxed).newValue
        let timeoutMs = request?.timeoutMs ?? entry.timeoutMs
        var invocation = PluginInvocation(
            executable: executable, arguments: options.args, environment: environment, directory: directory,
            input: ExecPluginProtocol.requestLine(id: id, operation: operation, request: request, stream: stream),
            timeoutMs: timeoutMs)
        if stream {
            // As for HTTP streams: the timeout bounds the silence, `max_duration` (if any) the length.
            invocation.silenceMs = timeoutMs
            invocation.timeoutMs = entry.maxDurationMs ?? HTTPTimeouts.unbounded
        }
        return (ExecPluginCall(invocation: invocation, id: id, provider: key, redactor: redactor), PluginCancellation())
    }
}
