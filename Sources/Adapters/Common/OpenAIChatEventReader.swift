import ProviderInterface

/// Reads a 2xx chat stream's events on the consumer's own task: each ``next()`` hands out what
/// the body's bytes so far spelled, and reads more of the body only when that is used up. A
/// chunk thus reaches the consumer with one hand-off (the transport's), where a reading task
/// of its own added a second; every SSE event of one read of the body is handed out without
/// waiting again.
///
/// The events are those ``OpenAIChat/events(from:provider:redactor:)`` documents. One consumer
/// calls ``next()`` at a time (an `AsyncThrowingStream(unfolding:)` does), which is what makes
/// the mutable state safe to share.
final class OpenAIChatEventReader: @unchecked Sendable {
    private var body: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
    private let status: Int
    private let provider: String?
    private let redactor: Redactor
    private var parser = OpenAIChatSSEParser()
    /// Events read but not yet handed out, from `handed` on.
    private var queue: [InferenceEvent] = []
    private var handed = 0
    private var opened = false
    /// `[DONE]` came: nothing more is read.
    private var sawDone = false
    /// The last event is queued (or the error below): nothing more is read.
    private var ended = false
    /// Thrown once what was queued before it is handed out.
    private var failure: ProviderError?
    private var lastUsage: TokenUsage?
    private var finishReason: String?

    init(_ response: HTTPStreamingResponse, provider: String?, redactor: Redactor) {
        body = response.body.makeAsyncIterator()
        status = response.status
        self.provider = provider
        self.redactor = redactor
    }

    /// The next event; nil after the last.
    func next() async throws(ProviderError) -> InferenceEvent? {
        while true {
            if handed < queue.count {
                handed += 1
                return queue[handed - 1]
            }
            queue.removeAll(keepingCapacity: true)
            handed = 0
            if let failure {
                self.failure = nil
                throw failure
            }
            if ended { return nil }
            if !opened {
                opened = true
                return .opened(httpStatus: status)
            }
            if sawDone {
                finishUp()
                continue
            }
            let bytes: [UInt8]?
            do {
                bytes = try await body.next()
            } catch let error as ProviderError {
                fail(error)
                continue
            } catch let error as TransportError {
                fail(error.providerError(provider: provider))
                continue
            } catch is CancellationError {
                fail(ProviderError(.transport, provider: provider, message: "stream cancelled"))
                continue
            } catch {
                fail(
                    ProviderError(
                        .transport, provider: provider, message: "stream broke: \(redactor.redact("\(error)"))"))
                continue
            }
            guard let bytes else {
                // A consumer that went away while waiting ends the stream as a reading task's
                // stream ended for it: without the error of a body that stopped early.
                if Task.isCancelled {
                    ended = true
                    continue
                }
                do throws(ProviderError) {
                    if try handle(parser.finish()) { sawDone = true }
                    guard sawDone || finishReason != nil else {
                        throw ProviderError(.transport, provider: provider, message: "stream ended before [DONE]")
                    }
                    finishUp()
                } catch {
                    fail(error)
                }
                continue
            }
            do throws(ProviderError) {
                if try handle(parser.feed(bytes)) { sawDone = true }
            } catch {
                fail(error)
            }
        }
    }

    /// Queues each payload's chunk; true at `[DONE]`.
    private func handle(_ payloads: [String]) throws(ProviderError) -> Bool {
        for data in payloads {
            if OpenAIChatText.isDone(data) { return true }
            if OpenAIChatText.isBlank(data) { continue }
            let chunk = try OpenAIChat.decodeStreamChunk(data: data, provider: provider, redactor: redactor)
            queue.append(.chunk(chunk))
            if let usage = chunk.usage?.tokenUsage { lastUsage = usage }
            if let reason = chunk.finishReason { finishReason = reason }
        }
        return false
    }

    /// The end of a whole stream: the usage, then `.finished`.
    private func finishUp() {
        if let lastUsage { queue.append(.usage(lastUsage)) }
        queue.append(.finished(reason: finishReason))
        ended = true
    }

    /// A broken stream: after the chunks read before the break, the usage that came (so what
    /// was delivered is billed from the provider's count), then `error`.
    private func fail(_ error: ProviderError) {
        if let lastUsage { queue.append(.usage(lastUsage)) }
        failure = error
        ended = true
    }
}
