import Broker
import HTTPServer

/// A streamed run that has produced its first output (``ChatEndpoint/startStream``): what a
/// stream writer reads, and the offer that served it, for the answer's `model` and the
/// `x-broker-*` headers. Chat completions and Responses stream through it alike.
struct StartedStream {
    /// The run's output, after `first`.
    let channel: StreamChannel
    /// The run's first output.
    let first: StreamChannel.Batch
    /// The run; cancelled when the server is done with the body.
    let task: Task<Void, Never>
    /// The broker's request id (`x-broker-request-id`).
    let requestID: String
    /// The offer that served the run, else the plan's first candidate.
    let offer: OfferKey?
    /// The model name the answer reports: the serving offer's, else the requested one.
    let model: String

    /// The `200` SSE response streaming `writer`'s chunks, with the broker's headers.
    func response<Writer: AsyncSequence & Sendable>(_ writer: Writer) -> ServerResponse
    where Writer.Element == [UInt8] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"), ("x-broker-request-id", requestID),
        ]
        if let offer {
            headers.append(("x-broker-provider", offer.provider))
            headers.append(("x-broker-served-by", offer.servedBy))
            headers.append(("x-broker-model", offer.model))
        }
        let task = task
        return ServerResponse(
            status: 200, headers: headers, body: .sequence(ResponseBody(writer, onFinish: { task.cancel() })))
    }
}
