import ProviderInterface

/// The network side of a catalog source: one request at a time through the transport, error
/// statuses mapped to ``ProviderError``, and a 429 whose `Retry-After` is at most
/// ``maxWaitMs`` waited out once (DESIGN: "a Retry-After of up to 10 s is waited out").
struct CatalogFetcher: Sendable {
    /// The registry key, for errors.
    var provider: String
    /// Bounds of every request.
    var timeouts: HTTPTimeouts
    /// The transport.
    var transport: any HTTPTransport
    /// The longest `Retry-After` waited out before one more try.
    var maxWaitMs = 10_000

    /// A fetcher for an entry.
    init(entry: ProviderEntry, context: AdapterContext) {
        provider = entry.key
        timeouts = HTTPTimeouts(firstByteMs: entry.firstByteTimeoutMs, totalMs: entry.timeoutMs)
        transport = context.transport
    }

    /// `GET url` accepting `accept`.
    func get(_ url: String, accept: String = "application/json") -> HTTPRequest {
        HTTPRequest(method: "GET", url: url, headers: [HTTPHeader("Accept", accept)], timeouts: timeouts)
    }

    /// `POST url` with a JSON body.
    func postJSON(_ url: String, body: JSONValue) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: url,
            headers: [HTTPHeader("Accept", "application/json"), HTTPHeader("Content-Type", "application/json")],
            body: JSONWriter.bytes(body), timeouts: timeouts)
    }

    /// Sends `request`; a success status returns the response, anything else throws.
    func send(_ request: HTTPRequest) async throws(ProviderError) -> HTTPResponse {
        var waited = false
        while true {
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch {
                throw error.providerError(provider: provider)
            }
            guard let error = ProviderErrorMapping.check(response, provider: provider) else { return response }
            if error.code == .rateLimited, !waited, let wait = error.retryAfterMs, wait <= maxWaitMs {
                waited = true
                do {
                    try await Task.sleep(for: .milliseconds(wait))
                } catch {
                    throw ProviderError(
                        .timeout, provider: provider, message: "cancelled while waiting out a rate limit")
                }
                continue
            }
            throw error
        }
    }

    /// The response body as JSON.
    func json(_ response: HTTPResponse, what: String) throws(ProviderError) -> JSONValue {
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "\(what) is not JSON: \(error)")
        }
    }
}
