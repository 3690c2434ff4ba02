import ProviderInterface
import Synchronization

/// Runs one request through a plan's candidates with failover, recording every attempt in
/// the ledger and billing the request once.
///
/// Failover happens on transport failures, timeouts, 408, 429, 5xx and "not served here" —
/// never once output has reached the caller. A `Retry-After` of up to ``maxRetryWaitMs`` is
/// waited out once on the same offer; a longer one moves on.
public struct InferenceRunner: Sendable {
    /// The store holding the ledger.
    public var store: MarketplaceStore
    /// Builds providers from entries.
    public var providers: ProviderCache
    /// The registry.
    public var registry: Registry
    /// Unix milliseconds.
    public var now: @Sendable () -> Int64
    /// The most tries per request.
    public var maxAttempts: Int
    /// The longest `Retry-After` waited out, in milliseconds.
    public var maxRetryWaitMs: Int
    /// Removes credentials from error text.
    public var redactor: Redactor
    /// When set, ledger rows go through this group-committing writer instead of one
    /// transaction per attempt (for `broker serve`; call its `flush()` before exiting).
    public var ledgerWriter: LedgerWriter?

    /// A runner.
    public init(
        store: MarketplaceStore, providers: ProviderCache, registry: Registry, redactor: Redactor,
        now: @escaping @Sendable () -> Int64 = { Timestamp.nowMs() }, maxAttempts: Int = 4, maxRetryWaitMs: Int = 10_000
    ) {
        self.store = store
        self.providers = providers
        self.registry = registry
        self.redactor = redactor
        self.now = now
        self.maxAttempts = maxAttempts
        self.maxRetryWaitMs = maxRetryWaitMs
    }

    /// Runs `request` (its model and served-by are set per offer) through `plan`.
    /// With `onDelta`, streams: text goes to `onDelta` as it arrives.
    public func run(
        _ request: InferenceRequest, plan: RoutePlan, requestID: String,
        onDelta: (@Sendable (String) -> Void)? = nil
    ) async -> Result<RunResult, RunFailure> {
        let started = now()
        var attempts: [AttemptRecord] = []
        guard !plan.candidates.isEmpty else {
            return .failure(RunFailure(kind: .noOffer, message: "no offer matches", attempts: [], requestID: nil))
        }
        var lastError: ProviderError? = nil
        var candidateIndex = 0
        var waitedOnThisOffer = false
        while candidateIndex < plan.candidates.count, attempts.count < maxAttempts {
            let offer = plan.candidates[candidateIndex]
            let attemptStart = now()
            let outcome = await attempt(offer, request, onDelta: onDelta, started: attemptStart)
            let latency = max(0, now() - attemptStart)
            switch outcome {
            case .success(let (response, firstTokenMs)):
                let native = response.usage.flatMap { offer.price.cost(inputTokens: $0.inputTokens, outputTokens: $0.outputTokens) }
                let usd = native.flatMap { offer.price.usdCost($0, plan.rates) }
                attempts.append(AttemptRecord(provider: offer.provider, servedBy: offer.servedBy, outcome: "ok", status: nil, latencyMs: latency))
                await ledger(requestID, attempts.count, offer, request, response: response, cost: native, usd: usd, latency: latency,
                    firstTokenMs: firstTokenMs, error: nil, cheapest: response.usage.flatMap { Self.cheapest(plan, usage: $0) })
                var result = RunResult(
                    requestID: requestID, offer: offer, response: response, cost: usd?.cost, latencyMs: max(0, now() - started),
                    firstTokenMs: firstTokenMs, attempts: attempts)
                result.nativeCost = native
                result.currency = offer.price.currency
                result.priceBasis = usd?.basis
                return .success(result)
            case .failure(let failure):
                let error = failure.error
                let message = redactor.redact(error.description)
                attempts.append(AttemptRecord(
                    provider: offer.provider, servedBy: offer.servedBy, outcome: error.code.rawValue, status: error.status,
                    latencyMs: latency, error: message))
                await ledger(requestID, attempts.count, offer, request, response: nil, cost: nil, usd: nil, latency: latency,
                    firstTokenMs: nil, error: error)
                lastError = error
                if failure.outputStarted {
                    return .failure(RunFailure(
                        kind: .fatal, message: "the stream broke after output had started: \(message)", attempts: attempts,
                        requestID: requestID))
                }
                guard error.isRetryable else {
                    let kind: RunFailure.Kind = error.code == .badInput ? .badInput : .fatal
                    return .failure(RunFailure(kind: kind, message: message, attempts: attempts, requestID: requestID))
                }
                if error.code == .rateLimited || error.code == .unavailable, let wait = error.retryAfterMs,
                    wait <= maxRetryWaitMs, !waitedOnThisOffer
                {
                    waitedOnThisOffer = true
                    try? await Task.sleep(for: .milliseconds(wait))
                    continue
                }
                waitedOnThisOffer = false
                candidateIndex += 1
            }
            if Task.isCancelled { break }
        }
        let summary = lastError.map { redactor.redact($0.description) } ?? "no candidate could be tried"
        return .failure(RunFailure(
            kind: .allFailed, message: "every candidate failed (\(attempts.count) attempts); last: \(summary)", attempts: attempts,
            requestID: requestID))
    }

    /// The cheapest of the plan's candidates — the offers that fitted the request at that
    /// moment — for the tokens the answer used, in USD at the plan's rates; `nil` when no
    /// candidate's USD cost is known. `usage --savings` compares what was paid with it.
    static func cheapest(_ plan: RoutePlan, usage: TokenUsage) -> (cost: PicoUSD, offer: Offer)? {
        var best: (cost: PicoUSD, offer: Offer)? = nil
        for offer in plan.candidates {
            guard let native = offer.price.cost(inputTokens: usage.inputTokens, outputTokens: usage.outputTokens),
                let usd = offer.price.usdCost(native, plan.rates)?.cost
            else { continue }
            if best.map({ usd < $0.cost }) ?? true { best = (usd, offer) }
        }
        return best
    }

    struct AttemptFailure: Error {
        var error: ProviderError
        var outputStarted: Bool
    }

    private func attempt(
        _ offer: Offer, _ template: InferenceRequest, onDelta: (@Sendable (String) -> Void)?, started: Int64
    ) async -> Result<(InferenceResponse, Int64?), AttemptFailure> {
        var request = template
        request.model = offer.model
        request.servedBy = offer.servedBy == offer.provider ? nil : offer.servedBy
        request.task = offer.task
        let provider: any ProviderInterface
        do {
            provider = try providers.provider(offer.provider)
        } catch {
            return .failure(AttemptFailure(error: error, outputStarted: false))
        }
        guard let onDelta else {
            do {
                return .success((try await provider.runInference(request), nil))
            } catch {
                return .failure(AttemptFailure(error: error, outputStarted: false))
            }
        }
        let stream: AsyncThrowingStream<InferenceEvent, any Error>
        do {
            stream = try await provider.streamInference(request)
        } catch {
            return .failure(AttemptFailure(error: error, outputStarted: false))
        }
        var text = ""
        var usage: TokenUsage? = nil
        var finish: String? = nil
        var firstTokenMs: Int64? = nil
        do {
            for try await event in stream {
                switch event {
                case .delta(let piece):
                    if firstTokenMs == nil { firstTokenMs = max(0, now() - started) }
                    text += piece
                    onDelta(piece)
                case .usage(let u): usage = u
                case .finished(let reason): finish = reason
                }
            }
        } catch {
            let providerError = (error as? ProviderError)
                ?? ProviderError(.malformedResponse, provider: offer.provider, message: "\(error)")
            return .failure(AttemptFailure(error: providerError, outputStarted: firstTokenMs != nil))
        }
        return .success((InferenceResponse(output: .text(text), usage: usage, servedBy: offer.servedBy, finishReason: finish), firstTokenMs))
    }

    private func ledger(
        _ requestID: String, _ attempt: Int, _ offer: Offer, _ request: InferenceRequest, response: InferenceResponse?,
        cost: PicoUSD?, usd: (cost: PicoUSD, basis: String)?, latency: Int64, firstTokenMs: Int64?, error: ProviderError?,
        cheapest: (cost: PicoUSD, offer: Offer)? = nil
    ) async {
        var record = UsageRecord(
            requestID: requestID, attempt: attempt, at: now(), provider: offer.provider, servedBy: offer.servedBy,
            model: offer.model, task: offer.task, inputTokens: response?.usage?.inputTokens,
            outputTokens: response?.usage?.outputTokens, costPicoUSD: usd?.cost.value, latencyMs: latency,
            firstTokenMs: firstTokenMs, outcome: error?.code.rawValue ?? UsageRecord.okOutcome, httpStatus: error?.status,
            error: error.map { redactor.redact($0.description) },
            upstream: response?.servedBy.flatMap { $0.isEmpty || $0 == offer.servedBy ? nil : $0 })
        record.currency = offer.price.currency
        record.costPico = cost?.value
        record.priceBasis = usd?.basis
        record.region = offer.region
        record.countries = offer.countries
        record.compliance = offer.compliance
        record.cheapestPicoUSD = cheapest?.cost.value
        record.cheapestOffer = cheapest.map { "\($0.offer.provider)/\($0.offer.servedBy)/\($0.offer.model)" }
        if let ledgerWriter {
            ledgerWriter.enqueue(record)
        } else {
            _ = try? await store.recordUsage(record)
        }
    }
}

/// Builds each provider once per process and hands the same instance to every request.
public final class ProviderCache: Sendable {
    private let registry: Registry
    private let factory: ProviderFactory
    /// Read on every attempt, written once per provider: readers never wait for one another.
    private let cache = ReadMostlyLock<[String: any ProviderInterface]>([:])

    /// A cache over `factory`.
    public init(registry: Registry, factory: @escaping ProviderFactory) {
        self.registry = registry
        self.factory = factory
    }

    /// The provider for a registry key.
    public func provider(_ key: String) throws(ProviderError) -> any ProviderInterface {
        if let p = cache.read({ $0[key] }) { return p }
        guard let entry = registry.entry(key) else {
            throw ProviderError(.badInput, provider: key, message: "no registry entry '\(key)'")
        }
        let made = try factory(entry)
        return cache.write { cached in
            if let existing = cached[key] { return existing }
            cached[key] = made
            return made
        }
    }
}
