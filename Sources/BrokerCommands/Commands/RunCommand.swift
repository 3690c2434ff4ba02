import Broker
import ProviderInterface

#if canImport(Glibc)
import Glibc
#endif

/// `broker run`: one inference through the chosen offer, with failover.
enum RunCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["run"],
        abstract: "Run one inference through the chosen offer, with failover.",
        discussion: """
            Considers every fresh offer whose model or hf_id is --model (aliases from the registry
            apply), keeps those that fit the filters, and tries them in policy order. On a connection
            error, timeout, 408, 429, 5xx or "not served here" the next offer is tried — never after
            output has started. Plain output is the answer itself; --format json gives the result
            object with every attempt. Exit 69 when no offer fits (with the reason for each near miss),
            75 when every candidate failed.
            """,
        options: [
            .value("--model", "M", "Model id, Hugging Face id or alias (required)."),
            .value("--task", "T", "Task (default: chat)."),
            .value("--prompt", "TEXT", "The prompt (else --input, else stdin)."),
            .value("--input", "JSON", "The task input as JSON (chat: a messages array)."),
            .value("--system", "TEXT", "A system message (chat)."),
            .value("--policy", "cheapest|fastest|preferred", "How to choose among offers (default cheapest)."),
            .value("--provider", "KEY[:SERVED_BY]", "Pin a provider (and serving endpoint)."),
            .value("--region", "R", "Only offers known to run in region R."),
            .value("--compliance", "TAG", "Only offers known to carry TAG."),
            .value("--max-input-price", "USD_PER_MTOK", "At most this input price per million tokens."),
            .value("--max-output-price", "USD_PER_MTOK", "At most this output price per million tokens."),
            .value("--max-cost", "USD", "Refuse before sending when the expected cost exceeds this."),
            .value("--currency", "CODE", "Only offers priced in CODE (EUR); caps, budget and cheapest then in CODE."),
            .value("--param", "K=V", "A parameter (max_tokens=64, temperature=0.2; JSON values accepted).", repeatable: true),
            .value("--timeout", "DURATION", "Bound on each attempt (default: the registry entry's)."),
            .value("--max-attempts", "N", "Most tries in all (default 4)."),
            .value("--output-file", "PATH", "Where binary output (text-to-image) is written."),
            .flag("--allow-unpriced", "Let the cheapest policy use offers whose price is unknown (last)."),
            .flag("--include-stale", "Allow offers older than twice their refresh interval."),
            .flag("--stream", "Print the answer as it arrives; summary on stderr."),
            .flag("--explain", "Print on stderr the candidates in the order they are tried and why (fastest: the expected time and its source)."),
        ]
    )

    static func run(_ context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let spec = try RunSpec.parse(context.arguments, registry: registry, readStdin: { readAllStdin() })
        let store = try context.openStore()
        let session = context.routingService(registry: registry, store: store)
        let market: RoutingService.MarketView
        do {
            market = try await session.readMarketView(spec.route.model)
        } catch {
            throw context.storeFailure(error, doing: "read")
        }
        let plan = session.plan(spec.route, market: market)
        if context.arguments.has("--explain") {
            for line in session.explain(spec.route, plan: plan, market: market) { context.err("explain: " + line) }
        }
        guard !plan.candidates.isEmpty else {
            if let invalid = spec.outputLimitError(plan) { throw invalid }
            throw CommandFailure(ExitCode.noOffer, RunOutput.noOfferMessage(spec.route, plan))
        }
        let stream = context.arguments.has("--stream")
        let printer = RunOutput(context: context, spec: spec)
        var onDelta: (@Sendable (String) -> Void)? = nil
        if stream { onDelta = { @Sendable piece in printer.delta(piece) } }
        let result: Result<RunResult, RunFailure> = await session.runner(maxAttempts: spec.maxAttempts).run(
            spec.request, plan: plan, requestID: RequestIDs.shared.next(), onDelta: onDelta)
        switch result {
        case .success(let done):
            let code = try printer.success(done, streamed: stream)
            // The answer was shown; that it is not in the ledger is a store failure (temporary).
            if let ledgerError = done.ledgerError {
                context.err("broker run: \(ledgerError)")
                return ExitCode.temporaryFailure
            }
            return code
        case .failure(let failure):
            printer.failure(failure)
            if let ledgerError = failure.ledgerError { context.err("broker run: \(ledgerError)") }
            switch failure.kind {
            case .noOffer: return ExitCode.noOffer
            case .allFailed: return ExitCode.temporaryFailure
            case .badInput: return ExitCode.dataError
            case .fatal: return ExitCode.failure
            }
        }
    }

    static func readAllStdin() -> String? {
        guard isatty(0) == 0 else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(0, &buffer, buffer.count)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
