import Platform
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
    public var store: any MarketStore
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
    /// transaction per attempt (for `broker serve`; call its `flush()` before exiting). The
    /// row of an attempt that ends a request is committed before
    /// ``run(_:plan:requestID:observer:onDelta:onChunk:onEvent:collectsAnswer:)`` returns, so an answer is only ever sent once it is recorded.
    public var ledgerWriter: LedgerWriter?
    /// Without a ``ledgerWriter``: how long a ledger write that another process's lock holds up
    /// is retried, with back-off, before the run reports the store as failed.
    public var ledgerRetryMs: Int64 = 10_000

    /// A runner.
    public init(
        store: any MarketStore, providers: ProviderCache, registry: Registry, redactor: Redactor,
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
    /// `observer` is told of each attempt as it starts and ends (see ``AttemptObserver``).
    /// With `onDelta`, streams: text goes to `onDelta` as it arrives. With `onChunk`, an
    /// OpenAI-shaped provider's chunks go to `onChunk` as sent instead (other providers' text
    /// still goes to `onDelta`); chunks that carry no output yet (a role) are held back until
    /// output comes, so a failover leaves nothing of the failed try behind. With `onEvent`, a
    /// provider's own Responses API events go to it as sent, held back the same way.
    /// `collectsAnswer: false` is for a streaming caller that takes every chunk itself and needs
    /// only the account: the chunks are not folded into the whole answer, so the result's text
    /// is empty and its `completion` carries only the provider's last `usage`; its finish
    /// reason, usage, first-token time, billing and ledger row are the same.
    public func run(
        _ request: InferenceRequest, plan: RoutePlan, requestID: String, observer: (any AttemptObserver)? = nil,
        onDelta: (@Sendable (String) -> Void)? = nil, onChunk: (@Sendable (OpenAIStreamChunk) -> Void)? = nil,
        onEvent: (@Sendable (OpenAIResponseEvent) -> Void)? = nil, collectsAnswer: Bool = true
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
            await ledgerSent(requestID, attempts.count + 1, offer, at: attemptStart)
            observer?.attemptStarted(attempts.count + 1, offer: offer)
            var upstreamNanos: UInt64 = 0
            let outcome = await attempt(
                offer, request, onDelta: onDelta, onChunk: onChunk, onEvent: onEvent, collectsAnswer: collectsAnswer,
                started: attemptStart, timed: observer != nil, upstreamNanos: &upstreamNanos)
            let latency = max(0, now() - attemptStart)
            switch outcome {
            case .success(let (response, firstTokenMs)):
                let native = response.usage.flatMap {
                    offer.price.cost(inputTokens: $0.inputTokens, outputTokens: $0.outputTokens)
                }
                let usd = native.flatMap { offer.price.usdCost($0, plan.rates) }
                let record = AttemptRecord(
                    provider: offer.provider, servedBy: offer.servedBy, outcome: "ok", status: response.httpStatus,
                    latencyMs: latency)
                attempts.append(record)
                observer?.attemptEnded(
                    attempts.count, offer: offer, record: record, error: nil, upstreamNanos: upstreamNanos)
                let recorded = await ledger(
                    requestID, attempts.count, offer, request, response: response, cost: native, usd: usd,
                    latency: latency, firstTokenMs: firstTokenMs, error: nil,
                    cheapest: response.usage.flatMap { Self.cheapest(plan, usage: $0) }, final: true)
                var result = RunResult(
                    requestID: requestID, offer: offer, response: response, cost: usd?.cost,
                    latencyMs: max(0, now() - started),
                    firstTokenMs: firstTokenMs, attempts: attempts)
                result.ledgerError = recorded
                result.nativeCost = native
                result.currency = offer.price.currency
                result.priceBasis = usd?.basis
                return .success(result)
            case .failure(let failure):
                let error = failure.error
                let message = redactor.redact(error.description)
                let record = AttemptRecord(
                    provider: offer.provider, servedBy: offer.servedBy, outcome: error.code.rawValue,
                    status: error.status, latencyMs: latency, error: message)
                attempts.append(record)
                observer?.attemptEnded(
                    attempts.count, offer: offer, record: record, error: error, upstreamNanos: upstreamNanos)
                // Output that reached the caller before a stream broke was delivered: it is billed,
                // from the provider's usage if it came, else estimated from the text.
                let delivered = failure.delivered.map { Self.billable($0, request: request) }
                let native = delivered.flatMap {
                    offer.price.cost(inputTokens: $0.usage.inputTokens, outputTokens: $0.usage.outputTokens)
                }
                let usd = native.flatMap { offer.price.usdCost($0, plan.rates) }
                let cost = usd?.cost
                let recorded = await ledger(
                    requestID, attempts.count, offer, request,
                    response: delivered.map { InferenceResponse(output: .text(""), usage: $0.usage) }, cost: native,
                    usd: usd,
                    latency: latency, firstTokenMs: failure.firstTokenMs, error: error,
                    estimated: delivered?.estimated ?? false,
                    final: failure.outputStarted || !error.isRetryable)
                lastError = error
                if failure.outputStarted {
                    var broken = RunFailure(
                        kind: .fatal, message: "the stream broke after output had started: \(message)",
                        attempts: attempts,
                        requestID: requestID, delivered: delivered?.usage, deliveredCost: cost,
                        deliveredEstimated: delivered?.estimated ?? false)
                    broken.ledgerError = recorded
                    return .failure(broken)
                }
                guard error.isRetryable else {
                    let kind: RunFailure.Kind = error.code == .badInput ? .badInput : .fatal
                    var refused = RunFailure(kind: kind, message: message, attempts: attempts, requestID: requestID)
                    refused.ledgerError = recorded
                    return .failure(refused)
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
        return .failure(
            RunFailure(
                kind: .allFailed, message: "every candidate failed (\(attempts.count) attempts); last: \(summary)",
                attempts: attempts,
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
        /// What a broken stream delivered before it broke: its text, and the provider's usage if it came.
        var delivered: (outputBytes: Int, usage: TokenUsage?)? = nil
        var firstTokenMs: Int64? = nil
    }

    /// The tokens to bill for what a broken stream delivered: the provider's usage when it
    /// came, else an estimate from the prompt and the delivered output — text, tool-call
    /// arguments, refusals, reasoning (`estimated`).
    static func billable(_ delivered: (outputBytes: Int, usage: TokenUsage?), request: InferenceRequest)
        -> (usage: TokenUsage, estimated: Bool)
    {
        if let usage = delivered.usage { return (usage, false) }
        let usage = TokenUsage(
            inputTokens: OutputTokenLimit.estimatedInputTokens(request),
            outputTokens: RouteRequest.estimateTokens(utf8Count: delivered.outputBytes))
        return (usage, true)
    }

    /// One attempt at `offer`. `timed`: `upstreamNanos` is set to the time spent inside the
    /// provider call (the whole call; for a stream, its opening), for an ``AttemptObserver``.
    private func attempt(
        _ offer: Offer, _ template: InferenceRequest, onDelta: (@Sendable (String) -> Void)?,
        onChunk: (@Sendable (OpenAIStreamChunk) -> Void)?, onEvent: (@Sendable (OpenAIResponseEvent) -> Void)?,
        collectsAnswer: Bool, started: Int64, timed: Bool, upstreamNanos: inout UInt64
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
        let callStarted = timed ? MonotonicTime.nanoseconds() : 0
        guard onDelta != nil || onChunk != nil || onEvent != nil else {
            defer { if timed { upstreamNanos = MonotonicTime.nanoseconds() &- callStarted } }
            do {
                return .success((try await provider.runInference(request), nil))
            } catch {
                return .failure(AttemptFailure(error: error, outputStarted: false))
            }
        }
        let stream: AsyncThrowingStream<InferenceEvent, any Error>
        do {
            defer { if timed { upstreamNanos = MonotonicTime.nanoseconds() &- callStarted } }
            stream = try await provider.streamInference(request)
        } catch {
            return .failure(AttemptFailure(error: error, outputStarted: false))
        }
        var text = ""
        var outputBytes = 0
        var httpStatus: Int? = nil
        var usage: TokenUsage? = nil
        var finish: String? = nil
        var firstTokenMs: Int64? = nil
        var whole: OpenAICompletionAccumulator? = nil
        // Without the whole answer: what the accumulator would have kept for the account — the
        // last usage, and the finish reason of the lowest-indexed choice.
        var lastUsage: OpenAIUsage? = nil
        var lowestChoice: (index: Int, finishReason: String?)? = nil
        var heldBack: [OpenAIStreamChunk] = []
        var heldEvents: [OpenAIResponseEvent] = []
        var native: OpenAIResponse? = nil
        do {
            for try await event in stream {
                switch event {
                case .opened(let status): httpStatus = status
                case .delta(let piece):
                    if firstTokenMs == nil { firstTokenMs = max(0, now() - started) }
                    if collectsAnswer { text += piece }
                    outputBytes += piece.utf8.count
                    onDelta?(piece)
                case .chunk(let chunk):
                    let piece: String
                    if collectsAnswer || onChunk == nil {
                        let completion = chunk.completion
                        if whole == nil { whole = OpenAICompletionAccumulator() }
                        whole?.add(completion)
                        piece = completion.text
                        text += piece
                    } else {
                        piece = ""
                        if let u = chunk.usage { lastUsage = u }
                        for choice in chunk.choices {
                            guard let lowest = lowestChoice else {
                                lowestChoice = (choice.index, choice.finishReason)
                                continue
                            }
                            let replaces =
                                choice.index == lowest.index ? choice.finishReason != nil : choice.index < lowest.index
                            if replaces {
                                lowestChoice = (choice.index, choice.finishReason)
                            }
                        }
                    }
                    outputBytes += chunk.outputUTF8Count
                    if firstTokenMs == nil {
                        guard chunk.hasOutput else {
                            heldBack.append(chunk)
                            continue
                        }
                        firstTokenMs = max(0, now() - started)
                    }
                    if let onChunk {
                        for held in heldBack { onChunk(held) }
                        heldBack.removeAll()
                        onChunk(chunk)
                    } else if !piece.isEmpty {
                        onDelta?(piece)
                    }
                case .responseEvent(let event):
                    if let response = event.response { native = response }
                    let piece = event.outputDelta ?? ""
                    outputBytes += piece.utf8.count
                    if event.type == "response.output_text.delta" { text += piece }
                    if firstTokenMs == nil {
                        guard !piece.isEmpty else {
                            heldEvents.append(event)
                            continue
                        }
                        firstTokenMs = max(0, now() - started)
                    }
                    for held in heldEvents { onEvent?(held) }
                    heldEvents.removeAll()
                    onEvent?(event)
                case .usage(let u): usage = u
                case .finished(let reason): finish = reason
                }
            }
            if let onChunk { for held in heldBack { onChunk(held) } }
            if let onEvent { for held in heldEvents { onEvent(held) } }
        } catch {
            let providerError =
                (error as? ProviderError)
                ?? ProviderError(.malformedResponse, provider: offer.provider, message: "\(error)")
            return .failure(
                AttemptFailure(
                    error: providerError, outputStarted: firstTokenMs != nil,
                    delivered: firstTokenMs == nil ? nil : (outputBytes, usage), firstTokenMs: firstTokenMs))
        }
        let completion = whole?.result ?? lastUsage.map { OpenAICompletion(usage: $0) }
        var response = InferenceResponse(
            output: .text(text), usage: usage, servedBy: offer.servedBy,
            finishReason: finish ?? completion?.finishReason ?? lowestChoice?.finishReason,
            completion: completion)
        response.httpStatus = httpStatus
        response.response = native
        return .success((response, firstTokenMs))
    }

    /// Records that attempt `attempt` is about to be sent (outcome `sent`), so a call made by a
    /// process killed before it ends still shows in the ledger, as an unknown outcome. The
    /// attempt's own row replaces it. Best effort: the call is not held back for it, and the
    /// row that matters, the attempt's outcome, is retried.
    private func ledgerSent(_ requestID: String, _ attempt: Int, _ offer: Offer, at: Int64) async {
        var record = UsageRecord(
            requestID: requestID, attempt: attempt, at: at, provider: offer.provider, servedBy: offer.servedBy,
            model: offer.model, task: offer.task, latencyMs: 0, outcome: UsageRecord.sentOutcome)
        record.currency = offer.price.currency
        if let ledgerWriter {
            ledgerWriter.enqueue(record)
        } else {
            do { _ = try await store.recordUsage(record) } catch { /* the outcome row below is retried */  }
        }
    }

    /// Records one attempt's outcome. `final`: the attempt ends the request, so its row is
    /// committed before this returns (through the writer, or retried with back-off for up to
    /// ``ledgerRetryMs`` while another process holds the store). Returns what went wrong when
    /// it could not be recorded; `nil` once it is (or, not final, once it is queued).
    @discardableResult
    private func ledger(
        _ requestID: String, _ attempt: Int, _ offer: Offer, _ request: InferenceRequest, response: InferenceResponse?,
        cost: PicoUSD?, usd: (cost: PicoUSD, basis: String)?, latency: Int64, firstTokenMs: Int64?,
        error: ProviderError?,
        estimated: Bool = false, cheapest: (cost: PicoUSD, offer: Offer)? = nil, final: Bool = false
    ) async -> String? {
        var record = UsageRecord(
            requestID: requestID, attempt: attempt, at: now(), provider: offer.provider, servedBy: offer.servedBy,
            model: offer.model, task: offer.task, inputTokens: response?.usage?.inputTokens,
            outputTokens: response?.usage?.outputTokens, costPicoUSD: usd?.cost.value, latencyMs: latency,
            firstTokenMs: firstTokenMs, outcome: error?.code.rawValue ?? UsageRecord.okOutcome,
            httpStatus: error?.status ?? response?.httpStatus,
            error: error.map { redactor.redact($0.description) },
            upstream: response?.servedBy.flatMap { $0.isEmpty || $0 == offer.servedBy ? nil : $0 })
        record.tokensEstimated = estimated
        record.currency = offer.price.currency
        record.costPico = cost?.value
        record.priceBasis = usd?.basis
        record.region = offer.region
        record.countries = offer.countries
        record.compliance = offer.compliance
        record.cheapestPicoUSD = cheapest?.cost.value
        record.cheapestOffer = cheapest.map { "\($0.offer.provider)/\($0.offer.servedBy)/\($0.offer.model)" }
        if let ledgerWriter {
            guard final else {
                ledgerWriter.enqueue(record)
                return nil
            }
            return await ledgerWriter.commit(record)
                ? nil
                : "the usage ledger in \(store.path) could not be written (\(ledgerWriter.health.lastFailure ?? "unknown"); kept queued and retried)"
        }
        let deadline = now() + ledgerRetryMs
        var waitMs = 50
        while true {
            do {
                _ = try await store.recordUsage(record)
                return nil
            } catch {
                // Another process holding the store past the busy timeout: wait and try again.
                guard now() < deadline, !Task.isCancelled else {
                    return "the usage ledger in \(store.path) could not be written: \(error)"
                }
                try? await Task.sleep(for: .milliseconds(waitMs))
                waitMs = min(1_000, waitMs * 2)
            }
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
