import ProviderInterface

extension HuggingFaceAdapter {
    /// The entry's bounds on each request.
    var timeouts: HTTPTimeouts {
        HTTPTimeouts(
            connectMs: min(10_000, entry.timeoutMs), firstByteMs: entry.firstByteTimeoutMs, totalMs: entry.timeoutMs,
            maxStreamMs: entry.maxDurationMs)
    }

    /// `Authorization: Bearer …` when a token is set; for the Hub and router hosts only.
    var authHeaders: [HTTPHeader] {
        guard let token else { return [] }
        return [HTTPHeader("Authorization", "Bearer " + token)]
    }

    /// Auth plus `X-HF-Bill-To`; inference needs a token, so its absence is an `.auth` error
    /// naming the variable (never a value).
    func inferenceHeaders() throws(ProviderError) -> [HTTPHeader] {
        guard token != nil else {
            throw ProviderError(.auth, provider: key, message: "the environment variable \(tokenVariable) is not set")
        }
        var headers = authHeaders
        if let billTo = options.billTo { headers.append(HTTPHeader("X-HF-Bill-To", billTo)) }
        return headers
    }

    /// The one transport call, with transport failures as provider errors.
    func send(_ request: HTTPRequest) async throws(ProviderError) -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch {
            var mapped = error.providerError(provider: key)
            mapped.message = redactor.redact(mapped.message)
            throw mapped
        }
    }

    /// One Hub listing page. A 429 is waited out — for the `RateLimit` reset (or
    /// `Retry-After`), at most ``maxRateLimitWaitMs`` — and retried, up to
    /// ``maxRateLimitRetries`` times in a row; any other error status is the failure.
    func fetchPage(_ url: String, number: Int) async -> Result<FetchedPage, ProviderError> {
        let request = HubListing.makeRequest(url: url, hubURL: options.hubURL, headers: authHeaders, timeouts: timeouts)
        var retries = 0
        do throws(ProviderError) {
            while true {
                let response = try await send(request)
                if response.status == 429, retries < maxRateLimitRetries {
                    retries += 1
                    let wait = ProviderErrorMapping.retryAfterMs(headers: response.headers) ?? 1000
                    try await pause(milliseconds: min(max(wait, 0), maxRateLimitWaitMs))
                    continue
                }
                if var error = HFErrorMapping.check(response, provider: key, redactor: redactor) {
                    error.message = "Hub model listing page \(number): " + error.message
                    throw error
                }
                return .success(FetchedPage(response: response, requests: retries + 1))
            }
        } catch {
            return .failure(error)
        }
    }

    /// Sleeps; a cancelled task stops the listing.
    func pause(milliseconds: Int) async throws(ProviderError) {
        do {
            try await Task.sleep(for: .milliseconds(milliseconds))
        } catch {
            throw ProviderError(.transport, provider: key, message: "Hub model listing cancelled while rate limited")
        }
    }

    /// The compute-time price of an hf-inference model: the registry table's row for it when
    /// it has one billed by compute time, else an unknown compute-time price.
    func computePrice(_ model: String) -> OfferPrice {
        for row in entry.pricing.table
        where (row.model == model || row.hfID == model) && row.price.billing == .computeTime {
            return row.price
        }
        return OfferPrice(billing: .computeTime)
    }
}

/// A fetched Hub listing page and how many requests it took (rate-limited retries included).
struct FetchedPage: Sendable {
    var response: HTTPResponse
    var requests: Int
}
