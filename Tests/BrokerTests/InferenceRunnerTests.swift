import Broker
import Foundation
import ProviderInterface
import Synchronization
import Testing

/// A provider that fails or streams as scripted, per call.
final class ScriptedProvider: ProviderInterface, @unchecked Sendable {
    enum Step: Sendable {
        case fail(ProviderError)
        case answer(String, TokenUsage?)
        /// The answer, after the provider took this long to give it (or to open its stream).
        case slowAnswer(String, milliseconds: Int)
        case streamThenBreak([String])
        /// OpenAI-shaped chunks, as an adapter yields them; then usage and the finish, or a break.
        case chunks([OpenAICompletion], TokenUsage?, breaks: Bool)
    }

    let key: String
    let steps = Mutex<[Step]>([])
    let calls = Mutex(0)

    init(key: String, _ steps: [Step]) {
        self.key = key
        self.steps.withLock { $0 = steps }
    }

    func next() -> Step {
        calls.withLock { $0 += 1 }
        return steps.withLock { $0.isEmpty ? .answer("default", nil) : $0.removeFirst() }
    }

    func listModels() async throws(ProviderError) -> ModelCatalog { ModelCatalog(models: []) }
    func getPricing() async throws(ProviderError) -> [PriceQuote] { [] }

    func runInference(_ request: InferenceRequest) async throws(ProviderError) -> InferenceResponse {
        switch next() {
        case .fail(let e): throw e
        case .answer(let text, let usage): return InferenceResponse(output: .text(text), usage: usage)
        case .slowAnswer(let text, let milliseconds):
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return InferenceResponse(output: .text(text))
        case .streamThenBreak(let pieces): return InferenceResponse(output: .text(pieces.joined()))
        case .chunks(let chunks, let usage, _):
            return InferenceResponse(output: .text(""), usage: usage, completion: chunks.last)
        }
    }

    func streamInference(_ request: InferenceRequest) async throws(ProviderError) -> AsyncThrowingStream<
        InferenceEvent, any Error
    > {
        let step = next()
        if case .slowAnswer(_, let milliseconds) = step { try? await Task.sleep(for: .milliseconds(milliseconds)) }
        return AsyncThrowingStream { c in
            switch step {
            case .fail(let e): c.finish(throwing: e)
            case .answer(let text, let usage):
                c.yield(.delta(text))
                if let usage { c.yield(.usage(usage)) }
                c.yield(.finished(reason: "stop"))
                c.finish()
            case .slowAnswer(let text, _):
                c.yield(.delta(text))
                c.yield(.finished(reason: "stop"))
                c.finish()
            case .streamThenBreak(let pieces):
                for p in pieces { c.yield(.delta(p)) }
                c.finish(throwing: ProviderError(.transport, provider: self.key, message: "connection reset"))
            case .chunks(let chunks, let usage, let breaks):
                c.yield(.opened(httpStatus: 200))
                for chunk in chunks {
                    // As an adapter reads it: in one pass over its text where the shape allows.
                    let text = String(decoding: chunk.bytes, as: UTF8.self)
                    c.yield(.chunk(OpenAIStreamChunk(json: text) ?? OpenAIStreamChunk(chunk)))
                }
                if let usage { c.yield(.usage(usage)) }
                if breaks {
                    c.finish(throwing: ProviderError(.transport, provider: self.key, message: "connection reset"))
                    return
                }
                c.yield(.finished(reason: chunks.compactMap(\.finishReason).last))
                c.finish()
            }
        }
    }
}

/// Records what an ``InferenceRunner`` reports of each attempt, in order.
final class RecordingObserver: AttemptObserver {
    enum Event: Equatable {
        case started(Int, provider: String)
        case ended(Int, provider: String, record: AttemptRecord, retryAfterMs: Int?)
    }

    let events = Mutex<[Event]>([])
    let upstreamNanos = Mutex<[UInt64]>([])

    func attemptStarted(_ number: Int, offer: Offer) {
        events.withLock { $0.append(.started(number, provider: offer.provider)) }
    }

    func attemptEnded(_ number: Int, offer: Offer, record: AttemptRecord, error: ProviderError?, upstreamNanos: UInt64)
    {
        events.withLock {
            $0.append(.ended(number, provider: offer.provider, record: record, retryAfterMs: error?.retryAfterMs))
        }
        self.upstreamNanos.withLock { $0.append(upstreamNanos) }
    }
}

@Suite("Inference runner")
struct InferenceRunnerTests {
    let store: MarketplaceStore
    init() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("runner-\(UUID().uuidString)")
        store = try MarketplaceStore(path: dir.appendingPathComponent("m.sqlite3").path)
    }

    let registry = Registry(
        path: "t",
        entries: [
            ProviderEntry(key: "a", adapter: "x", baseURL: "https://a.example", index: 0),
            ProviderEntry(key: "b", adapter: "x", baseURL: "https://b.example", index: 1),
        ])

    func runner(_ providers: [String: ScriptedProvider]) -> InferenceRunner {
        let cache = ProviderCache(registry: registry) { entry throws(ProviderError) in
            guard let p = providers[entry.key] else { throw ProviderError(.badInput, message: "none") }
            return p
        }
        return InferenceRunner(
            store: store, providers: cache, registry: registry, redactor: Redactor(secrets: ["sekret-value"]))
    }

    func plan() -> RoutePlan {
        let price = OfferPrice(input: .amount(PicoUSD(150_000)), output: .amount(PicoUSD(600_000)))
        return RoutePlan(
            candidates: [
                Offer(provider: "a", model: "m", task: .conversational, price: price),
                Offer(provider: "b", model: "m", task: .conversational, price: price),
            ], excluded: [])
    }

    let request = InferenceRequest(
        model: "m", task: .conversational, messages: [ChatMessage(role: "user", content: "hi")])

    @Test(
        "each failover trigger moves to the next offer",
        arguments: [
            ProviderError(.transport, message: "refused"), ProviderError(.timeout, message: "first byte"),
            ProviderError(.providerError, status: 408, message: "timeout"),
            ProviderError(.rateLimited, status: 429, message: "slow", retryAfterMs: 60_000),
            ProviderError(.providerError, status: 503, message: "down"),
            ProviderError(.notServed, status: 404, message: "no model"),
        ])
    func failoverTriggers(error: ProviderError) async throws {
        let a = ScriptedProvider(key: "a", [.fail(error)])
        let b = ScriptedProvider(key: "b", [.answer("from b", TokenUsage(inputTokens: 10, outputTokens: 20))])
        let result = try await runner(["a": a, "b": b]).run(request, plan: plan(), requestID: "r1").get()
        #expect(result.offer.provider == "b")
        #expect(result.attempts.map(\.outcome) == [error.code.rawValue, "ok"])
        let cost: Int64 = 10 * 150_000 + 20 * 600_000
        #expect(result.cost == PicoUSD(cost))
        let rows = try await store.usage(sinceMs: 0, by: .provider)
        #expect(rows.map(\.key) == ["a", "b"])
        let billed: [Int64] = rows.compactMap(\.costPicoUSD)
        let expected: Int64 = 10 * 150_000 + 20 * 600_000
        #expect(billed == [expected])  // billed once
    }

    @Test("a refused credential on one offer moves on to the next: another provider has its own")
    func authFailsOver() async {
        let a = ScriptedProvider(
            key: "a", [.fail(ProviderError(.auth, status: 401, message: "token sekret-value refused"))])
        let b = ScriptedProvider(key: "b", [.answer("other", nil)])
        let result = await runner(["a": a, "b": b]).run(request, plan: plan(), requestID: "r-auth")
        guard case .success(let done) = result else { Issue.record("expected an answer from b"); return }
        #expect(done.offer.provider == "b")
        #expect(done.attempts.first?.outcome == "auth")
        #expect(done.attempts.allSatisfy { !($0.error ?? "").contains("sekret-value") })
    }

    @Test("bad input is not retried elsewhere")
    func noFailover() async {
        for (error, kind) in [
            (ProviderError(.badInput, status: 422, message: "bad sekret-value"), RunFailure.Kind.badInput)
        ] {
            let a = ScriptedProvider(key: "a", [.fail(error)])
            let b = ScriptedProvider(key: "b", [])
            let result = await runner(["a": a, "b": b]).run(request, plan: plan(), requestID: "r-\(kind)")
            guard case .failure(let failure) = result else { Issue.record("expected failure"); continue }
            #expect(failure.kind == kind)
            #expect(b.calls.withLock { $0 } == 0)
            #expect(!failure.message.contains("sekret-value"))
        }
    }

    @Test("no failover once streamed output has reached the caller")
    func noFailoverAfterOutput() async {
        let a = ScriptedProvider(key: "a", [.streamThenBreak(["Hel", "lo"])])
        let b = ScriptedProvider(key: "b", [.answer("other", nil)])
        let received = Mutex<[String]>([])
        let result = await runner(["a": a, "b": b]).run(request, plan: plan(), requestID: "s1") { piece in
            received.withLock { $0.append(piece) }
        }
        guard case .failure(let failure) = result else { Issue.record("expected failure"); return }
        #expect(failure.kind == .fatal)
        #expect(received.withLock { $0 } == ["Hel", "lo"])
        #expect(b.calls.withLock { $0 } == 0)
    }

    @Test("a stream that fails before any output fails over, and deltas arrive in order")
    func streamFailover() async throws {
        let a = ScriptedProvider(key: "a", [.fail(ProviderError(.transport, message: "reset"))])
        let b = ScriptedProvider(key: "b", [.answer("whole answer", TokenUsage(inputTokens: 1, outputTokens: 2))])
        let received = Mutex<[String]>([])
        let result = try await runner(["a": a, "b": b]).run(request, plan: plan(), requestID: "s2") { piece in
            received.withLock { $0.append(piece) }
        }.get()
        #expect(result.offer.provider == "b")
        #expect(received.withLock { $0 } == ["whole answer"])
        #expect(result.firstTokenMs != nil)
    }

    /// A streamed answer in OpenAI chunks: a role, two pieces of text, the finish, then usage
    /// with the provider's own details.
    static let chunks: [OpenAICompletion] = {
        func chunk(_ message: OpenAIMessage?, finish: String? = nil) -> OpenAICompletion {
            OpenAICompletion(
                id: "c1", model: "m", choices: [OpenAIChoice(index: 0, message: message, finishReason: finish)],
                isChunk: true)
        }
        var usage = OpenAICompletion(id: "c1", model: "m", isChunk: true)
        usage.usage = OpenAIUsage(
            promptTokens: 7, completionTokens: 3, totalTokens: 10,
            extra: JSONObject([("prompt_tokens_details", ["cached_tokens": 4])]))
        return [
            chunk(OpenAIMessage(role: "assistant", content: .string(""))),
            chunk(OpenAIMessage(content: .string("Hel"))),
            chunk(OpenAIMessage(content: .string("lo"))), chunk(OpenAIMessage(), finish: "length"), usage,
        ]
    }()

    @Test(
        "a caller that takes every chunk itself gets every chunk and the same account without the whole answer",
        arguments: [true, false])
    func chunksWithoutTheWholeAnswer(collectsAnswer: Bool) async throws {
        let usage = TokenUsage(inputTokens: 7, outputTokens: 3)
        let a = ScriptedProvider(key: "a", [.chunks(Self.chunks, usage, breaks: false)])
        let received = Mutex<[OpenAICompletion]>([])
        let result = try await runner(["a": a]).run(
            request, plan: plan(), requestID: "c-\(collectsAnswer)",
            onChunk: { chunk in received.withLock { $0.append(chunk.completion) } }, collectsAnswer: collectsAnswer
        ).get()
        #expect(received.withLock { $0 } == Self.chunks)
        #expect(result.response.finishReason == "length")
        #expect(result.response.usage == usage)
        // The provider's own usage members reach the stream's last chunk either way.
        #expect(result.response.completion?.usage == Self.chunks.last?.usage)
        #expect(result.firstTokenMs != nil)
        let billed: Int64 = 7 * 150_000 + 3 * 600_000
        #expect(result.cost == PicoUSD(billed))
        #expect(result.response.completion?.text == (collectsAnswer ? "Hello" : ""))
        let rows = try await store.usage(sinceMs: 0, by: .provider)
        #expect(rows.compactMap(\.costPicoUSD) == [billed])
    }

    @Test(
        "a broken chunk stream is billed for what it delivered, whether or not the whole answer is kept",
        arguments: [true, false])
    func brokenChunksBilled(collectsAnswer: Bool) async throws {
        // No usage came: the output is estimated from the bytes delivered ("Hello").
        let a = ScriptedProvider(key: "a", [.chunks(Array(Self.chunks.prefix(3)), nil, breaks: true)])
        let b = ScriptedProvider(key: "b", [])
        let result = await runner(["a": a, "b": b]).run(
            request, plan: plan(), requestID: "cb-\(collectsAnswer)", onChunk: { _ in },
            collectsAnswer: collectsAnswer)
        guard case .failure(let failure) = result else { Issue.record("expected failure"); return }
        #expect(b.calls.withLock { $0 } == 0)
        let expected = TokenUsage(
            inputTokens: OutputTokenLimit.estimatedInputTokens(request),
            outputTokens: RouteRequest.estimateTokens(utf8Count: 5))
        #expect(failure.delivered == expected)
        let cost: Int64 = 150_000 * expected.inputTokens + 600_000 * expected.outputTokens
        #expect(failure.deliveredCost == PicoUSD(cost))
    }

    @Test("a short Retry-After is waited out once on the same offer, reported as a second attempt at it")
    func shortRetryAfter() async throws {
        let a = ScriptedProvider(
            key: "a",
            [.fail(ProviderError(.rateLimited, status: 429, message: "slow", retryAfterMs: 50)), .answer("ok", nil)])
        let observer = RecordingObserver()
        let result = try await runner(["a": a, "b": ScriptedProvider(key: "b", [])]).run(
            request, plan: plan(), requestID: "r2", observer: observer
        ).get()
        #expect(result.attempts.map(\.provider) == ["a", "a"])
        #expect(result.cost == nil)  // no usage reported: cost unknown, never zero
        #expect(
            observer.events.withLock { $0 } == [
                .started(1, provider: "a"),
                .ended(1, provider: "a", record: result.attempts[0], retryAfterMs: 50),
                .started(2, provider: "a"),
                .ended(2, provider: "a", record: result.attempts[1], retryAfterMs: nil),
            ])
    }

    @Test(
        "the observer sees each attempt of a failover in order, with its outcome, before the run returns",
        arguments: [false, true])
    func observedFailover(streamed: Bool) async throws {
        let a = ScriptedProvider(
            key: "a", [.fail(ProviderError(.rateLimited, status: 429, message: "slow", retryAfterMs: 60_000))])
        let b = ScriptedProvider(key: "b", [.answer("from b", TokenUsage(inputTokens: 1, outputTokens: 2))])
        let observer = RecordingObserver()
        // What the observer had seen when the answer's first output reached the caller.
        let seenAtFirstOutput = Mutex<[RecordingObserver.Event]?>(nil)
        let firstOutput: @Sendable (String) -> Void = { _ in
            let seen = observer.events.withLock { $0 }
            seenAtFirstOutput.withLock { if $0 == nil { $0 = seen } }
        }
        let result = try await runner(["a": a, "b": b]).run(
            request, plan: plan(), requestID: "obs-\(streamed)", observer: observer,
            onDelta: streamed ? firstOutput : nil
        ).get()
        #expect(result.offer.provider == "b")
        let failed = result.attempts[0]
        #expect([failed.provider, failed.outcome] == ["a", "rate_limited"])
        #expect(failed.status == 429)
        #expect(result.attempts[1].outcome == "ok")
        let events = observer.events.withLock { $0 }
        #expect(
            events == [
                .started(1, provider: "a"),
                .ended(1, provider: "a", record: failed, retryAfterMs: 60_000),
                .started(2, provider: "b"),
                .ended(2, provider: "b", record: result.attempts[1], retryAfterMs: nil),
            ])
        if streamed {
            // A stream's headers name the offer that is answering: it has started, not yet ended.
            #expect(seenAtFirstOutput.withLock { $0 } == Array(events.prefix(3)))
        }
    }

    @Test("the observer is told how long each attempt waited inside the provider call", arguments: [false, true])
    func observedUpstreamTime(streamed: Bool) async throws {
        let a = ScriptedProvider(key: "a", [.slowAnswer("late", milliseconds: 40)])
        let observer = RecordingObserver()
        let ignore: @Sendable (String) -> Void = { _ in }
        _ = try await runner(["a": a]).run(
            request, plan: plan(), requestID: "up-\(streamed)", observer: observer, onDelta: streamed ? ignore : nil
        ).get()
        let nanos = observer.upstreamNanos.withLock { $0 }
        #expect(nanos.count == 1)
        #expect((nanos.first ?? 0) >= 40_000_000)
        #expect((nanos.first ?? 0) < 10_000_000_000)
    }

    @Test("attempts are bounded")
    func bounded() async {
        let e = ProviderError(.transport, message: "down")
        let a = ScriptedProvider(key: "a", [.fail(e), .fail(e), .fail(e)])
        var r = runner(["a": a, "b": ScriptedProvider(key: "b", [.fail(e)])])
        r.maxAttempts = 1
        let result = await r.run(request, plan: plan(), requestID: "r3")
        guard case .failure(let failure) = result else { Issue.record("expected failure"); return }
        #expect(failure.kind == .allFailed)
        #expect(failure.attempts.count == 1)
    }
}

@Suite("Ledger group commit")
struct LedgerWriterTests {
    @Test("queued attempts are all written, once each, by flush", arguments: StoreBackend.all)
    func groupCommit(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        let writer = LedgerWriter(store: store, delayMs: 50, maxBatch: 7)
        for i in 0..<30 {
            await writer.record(
                UsageRecord(
                    requestID: "r\(i)", attempt: 1, at: Int64(i), provider: "a", model: "m", task: .conversational,
                    inputTokens: 1, outputTokens: 1, costPicoUSD: 1000, latencyMs: 1))
        }
        await writer.record(
            UsageRecord(
                requestID: "r0", attempt: 1, at: 0, provider: "a", model: "m", task: .conversational, latencyMs: 1))
        await writer.flush()
        let rows = try await store.usage(sinceMs: 0, by: .provider)
        #expect(rows.first?.requests == 30)
        #expect(rows.first?.costPicoUSD == 30_000)
    }

    @Test(
        "client keys' spending adds up exactly by name, in the same commit as the attempts", arguments: StoreBackend.all
    )
    func keySpending(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        #expect(try await store.keySpending().isEmpty)
        let writer = LedgerWriter(store: store, delayMs: 10)
        writer.charge(keyName: "team", pico: 1_500)
        writer.charge(keyName: "team", pico: 2_500)
        writer.charge(keyName: "ci", pico: 7)
        writer.enqueue(
            UsageRecord(
                requestID: "r1", attempt: 1, at: 1, provider: "a", model: "m", task: .conversational, latencyMs: 1))
        await writer.flush()
        #expect(try await store.keySpending() == ["team": 4_000, "ci": 7])
        try await store.addKeySpending(["team": Int64.max / 2, "new": 1], nowMs: 2)
        #expect(try await store.keySpending() == ["team": Int64.max / 2 + 4_000, "ci": 7, "new": 1])
        // An overflow is an error and changes nothing, never a wrapped amount.
        await #expect(throws: (any Error).self) {
            try await store.addKeySpending(["team": Int64.max / 2 + 1], nowMs: 3)
        }
        #expect(try await store.keySpending()["team"] == Int64.max / 2 + 4_000)
        #expect(try await store.usage(sinceMs: 0, by: .provider).first?.requests == 1)
    }

    /// A fresh store that gives up on a lock after `busyTimeoutMs`, and another connection
    /// holding it exclusively (another process writing) until it commits.
    static func lockedStore(busyTimeoutMs: Int32) throws -> (MarketplaceStore, SQLiteConnection) {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ledger-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("m.sqlite3").path
        let store = try MarketplaceStore(path: path, busyTimeoutMs: busyTimeoutMs)
        let other = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
        try other.execute("BEGIN EXCLUSIVE")
        return (store, other)
    }

    static func attempt(_ i: Int) -> UsageRecord {
        UsageRecord(
            requestID: "r\(i)", attempt: 1, at: Int64(i), provider: "a", model: "m", task: .conversational,
            inputTokens: 1, outputTokens: 1, costPicoUSD: 1_000, latencyMs: 1)
    }

    @Test(
        "a commit that fails while another process holds the store loses nothing: the attempts and charges are written once it is free, once"
    )
    func failedCommitIsRetried() async throws {
        let (store, other) = try Self.lockedStore(busyTimeoutMs: 20)
        let writer = LedgerWriter(store: store, delayMs: 1)
        writer.charge(keyName: "team", pico: 1_500)
        for i in 0..<5 { writer.enqueue(Self.attempt(i)) }
        #expect(
            await writer.flush(attempts: 2) == false, "the store is locked: flush gives up after two failed commits")
        let failing = writer.health
        #expect(failing.failedCommits >= 2)
        #expect(failing.retrying)
        #expect(failing.queued == 5)
        #expect(failing.queuedCharges == 1, "one key's charges wait")
        #expect(failing.lastFailure?.contains("locked") == true, "\(failing.lastFailure ?? "nil")")
        // Meanwhile more traffic, then the other process lets go.
        writer.enqueue(Self.attempt(5))
        writer.charge(keyName: "team", pico: 500)
        try other.execute("COMMIT")
        #expect(await writer.flush())
        #expect(try await store.usage(sinceMs: 0, by: .provider).first?.requests == 6)
        #expect(try await store.keySpending() == ["team": 2_000])
        let healthy = writer.health
        #expect(!healthy.retrying)
        #expect(healthy.queued == 0)
        #expect(healthy.queuedCharges == 0)
        #expect(healthy.droppedAttempts == 0 && healthy.droppedCharges == 0)
    }

    @Test("while the store keeps failing, at most maxQueued attempts wait (the oldest are given up and counted)")
    func queueIsBounded() async throws {
        let (store, other) = try Self.lockedStore(busyTimeoutMs: 10)
        let writer = LedgerWriter(store: store, delayMs: 1, maxBatch: 4, maxQueued: 10)
        for i in 0..<25 { await writer.record(Self.attempt(i)) }
        #expect(await writer.flush(attempts: 1) == false)
        let health = writer.health
        #expect(health.queued == 10)
        #expect(health.droppedAttempts == 15)
        try other.execute("COMMIT")
        #expect(await writer.flush())
        // The newest ten were kept.
        let written = try await store.usage(sinceMs: 15, by: .provider).first?.requests
        #expect(written == 10)
        #expect(try await store.usage(sinceMs: 0, by: .provider).first?.requests == 10)
    }

    @Test(
        "a charge that would take a key past 2^63 pico-USD is given up and counted; the attempts and other keys' charges are written",
        arguments: StoreBackend.all)
    func overflowingChargeIsGivenUp(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        try await store.addKeySpending(["team": Int64.max - 10], nowMs: 1)
        let writer = LedgerWriter(store: store, delayMs: 1)
        writer.charge(keyName: "team", pico: 100)
        writer.charge(keyName: "ci", pico: 5)
        writer.enqueue(Self.attempt(1))
        #expect(await writer.flush())
        #expect(try await store.keySpending() == ["team": Int64.max - 10, "ci": 5])
        #expect(try await store.usage(sinceMs: 0, by: .provider).first?.requests == 1)
        #expect(writer.health.droppedCharges == 1)
        #expect(writer.health.failedCommits == 1)
    }

    @Test(
        "while a failed commit's retry waits out its back-off, an answered attempt's commit returns at once, unwritten; its row is written with the retry that succeeds, once"
    )
    func commitDoesNotWaitOutBackOff() async throws {
        let (store, other) = try Self.lockedStore(busyTimeoutMs: 10)
        let writer = LedgerWriter(store: store, delayMs: 1)
        writer.enqueue(Self.attempt(0))
        // Eight failed commits in a row: the next retry is 5 s away.
        #expect(await writer.flush(attempts: 8) == false)
        #expect(writer.health.retrying)
        let started = ContinuousClock.now
        #expect(await writer.commit(Self.attempt(1)) == false)
        let waited = ContinuousClock.now - started
        #expect(waited < .seconds(2), "commit waited \(waited) for a retry of a store that keeps failing")
        // Its row waits in the queue (the older one too, unless a retry has it in hand right now:
        // on a busy machine the 5 s may have passed); both are written once, below.
        #expect(writer.health.queued >= 1)
        try other.execute("COMMIT")
        #expect(await writer.flush())
        #expect(try await store.usage(sinceMs: 0, by: .provider).first?.requests == 2)
        #expect(writer.health.queued == 0 && !writer.health.retrying)
    }

    @Test(
        "commit returns only once the row is committed: while another process holds the store it waits, and the row is there when it returns"
    )
    func commitWaitsForItsRow() async throws {
        let (store, other) = try Self.lockedStore(busyTimeoutMs: 10_000)
        let writer = LedgerWriter(store: store, delayMs: 1)
        let returned = Atomic<Bool>(false)
        let committing = Task {
            let ok = await writer.commit(Self.attempt(1))
            returned.store(true, ordering: .sequentiallyConsistent)
            return ok
        }
        try await Task.sleep(for: .milliseconds(300))
        let early = returned.load(ordering: .sequentiallyConsistent)
        #expect(!early, "commit returned while the store was held by another process")
        try other.execute("COMMIT")
        #expect(await committing.value)
        // Read through a connection of its own, as another process would.
        let reader = try SQLiteConnection(path: store.path)
        #expect(
            try reader.firstRow("SELECT count(*) FROM usage WHERE request_id = 'r1' AND outcome = 'ok'") { $0.int64(0) }
                == 1)
        #expect(writer.health.failedCommits == 0)
    }

    @Test("a sent row is written within the delay without any commit or flush, and the attempt's own row replaces it")
    func sentRowsAreWrittenByTheWriter() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ledger-\(UUID().uuidString)")
        let store = try MarketplaceStore(path: dir.appendingPathComponent("m.sqlite3").path)
        let writer = LedgerWriter(store: store, delayMs: 20)
        func sent(_ i: Int) -> UsageRecord {
            UsageRecord(
                requestID: "r\(i)", attempt: 1, at: Int64(i), provider: "a", model: "m", task: .conversational,
                latencyMs: 0, outcome: UsageRecord.sentOutcome)
        }
        writer.enqueue(sent(1))
        writer.enqueue(sent(2))
        // r2 ends at once: its own row goes in the same commit as its sent row, which it replaces.
        #expect(await writer.commit(Self.attempt(2)))
        var unknown = 0
        for _ in 0..<200 where unknown == 0 {
            unknown = try await store.usage(sinceMs: 0, by: .provider).first?.unknownOutcomes ?? 0
            if unknown == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(unknown == 1, "r1's sent row was not written by the writer's thread")
        let rows = try #require(try await store.usage(sinceMs: 0, by: .provider).first)
        #expect(rows.requests == 2 && rows.attempts == 2 && rows.costPicoUSD == 1_000)
        // r1 ends later: its row replaces the sent one.
        #expect(await writer.commit(Self.attempt(1)))
        let after = try #require(try await store.usage(sinceMs: 0, by: .provider).first)
        #expect(after.unknownOutcomes == 0 && after.attempts == 2 && after.costPicoUSD == 2_000)
    }

    @Test(
        "with many requests in flight, every commit returns only once its row can be read by another process, however the commits are grouped"
    )
    func concurrentCommitsAreReadableWhenTheyReturn() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ledger-\(UUID().uuidString)")
        let store = try MarketplaceStore(path: dir.appendingPathComponent("m.sqlite3").path)
        let writer = LedgerWriter(store: store, delayMs: 20)
        let path = store.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    let reader = try SQLiteConnection(path: path)
                    for i in 0..<40 {
                        let id = "w\(worker)-\(i)"
                        writer.enqueue(
                            UsageRecord(
                                requestID: id, attempt: 1, at: 1, provider: "a", model: "m", task: .conversational,
                                latencyMs: 0,
                                outcome: UsageRecord.sentOutcome))
                        try await Task.sleep(for: .microseconds(Int.random(in: 0...800)))
                        let committed = await writer.commit(
                            UsageRecord(
                                requestID: id, attempt: 1, at: 2, provider: "a", model: "m", task: .conversational,
                                inputTokens: 1, outputTokens: 1, costPicoUSD: 1_000, latencyMs: 1))
                        #expect(committed)
                        let rows = try reader.firstRow(
                            "SELECT count(*) FROM usage WHERE request_id = ? AND outcome = 'ok'", [.text(id)]
                        ) { $0.int64(0) }
                        #expect(rows == 1, "\(id): its commit returned before another connection could read its row")
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = try #require(try await store.usage(sinceMs: 0, by: .provider).first)
        #expect(
            total.requests == 320 && total.attempts == 320 && total.costPicoUSD == 320_000 && total.unknownOutcomes == 0
        )
    }

    @Test("flush returns once what was queued before it is written, even while more keeps coming")
    func flushIsNotStarvedByLoad() async throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ledger-\(UUID().uuidString)")
        let store = try MarketplaceStore(path: dir.appendingPathComponent("m.sqlite3").path)
        let writer = LedgerWriter(store: store, delayMs: 20)
        for i in 0..<50 { writer.enqueue(Self.attempt(i)) }
        let stop = Atomic<Bool>(false)
        let ranOut = Atomic<Bool>(false)
        // Requests keep starting (a `sent` row each) and ending while the flush waits. The
        // load ends on its own after 20 s at most, so that a flush that waits for a quiet moment
        // fails the test (the load ran out before the flush returned), not hangs it; how long
        // a flush takes on a busy machine is not what is checked.
        let load = Task.detached {
            defer { if !stop.load(ordering: .relaxed) { ranOut.store(true, ordering: .relaxed) } }
            var i = 1_000
            let until = Date().addingTimeInterval(20)
            while !stop.load(ordering: .relaxed), Date() < until {
                for _ in 0..<20 {
                    writer.enqueue(
                        UsageRecord(
                            requestID: "r\(i)", attempt: 1, at: Int64(i), provider: "a", model: "m",
                            task: .conversational,
                            latencyMs: 0, outcome: UsageRecord.sentOutcome))
                    if i % 2 == 0 { writer.enqueue(Self.attempt(i - 1)) }
                    i += 1
                }
                try? await Task.sleep(for: .microseconds(100))
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let started = Date()
        let flushed = await writer.flush()
        let seconds = Date().timeIntervalSince(started)
        let loadStillRunning = !ranOut.load(ordering: .relaxed)
        stop.store(true, ordering: .relaxed)
        await load.value
        #expect(flushed)
        #expect(loadStillRunning, "flush waited \(seconds) s, until rows stopped coming")
        let early = try await store.usage(sinceMs: 0, by: .provider).first
        #expect((early?.requests ?? 0) >= 50)
    }

    @Test(
        "a batch of attempts, written 32 to a statement, skips those already recorded, in the batch or before",
        arguments: StoreBackend.all)
    func batchSkipsRecorded(_ backend: StoreBackend) async throws {
        let fixture = try TestStore(backend)
        let store = fixture.store
        func record(_ i: Int) -> UsageRecord {
            UsageRecord(
                requestID: "r\(i)", attempt: 1, at: Int64(i), provider: "a", servedBy: "s", model: "m",
                task: .conversational, inputTokens: 2, outputTokens: 3, costPicoUSD: 1_000, latencyMs: 1,
                httpStatus: 200, error: i % 10 == 0 ? "HTTP 503" : nil)
        }
        #expect(try await store.recordUsage(record(5)))
        // 100 attempts, one of them recorded already and one listed twice.
        let batch = (0..<100).map(record) + [record(42)]
        #expect(try await store.recordUsage(batch: batch) == 99)
        let rows = try await store.usage(sinceMs: 0, by: .provider)
        #expect(rows.first?.requests == 100)
        #expect(rows.first?.costPicoUSD == 100_000)
        #expect(try await !store.recordUsage(record(77)))
    }
}
