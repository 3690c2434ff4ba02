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
        options: RunOptions.options
    )

    static func run(_ options: RunOptions, context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let spec = try RunSpec.make(options, registry: registry, readStdin: { readAllStdin() })
        let store = try context.openStore()
        let session = context.routingService(registry: registry, store: store)
        let market: RoutingService.MarketView
        do {
            market = try await session.readMarketView(spec.route.model)
        } catch {
            throw context.storeFailure(error, doing: "read")
        }
        let plan = session.plan(spec.route, market: market)
        if options.explain {
            for line in session.explain(spec.route, plan: plan, market: market) { context.err("explain: " + line) }
        }
        guard !plan.candidates.isEmpty else {
            if let invalid = spec.outputLimitError(plan) { throw invalid }
            throw CommandFailure(ExitCode.noOffer, RunOutput.noOfferMessage(spec.route, plan))
        }
        let stream = options.stream
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
