import ProviderInterface
import Testing

@Suite("Redaction")
struct RedactorTests {
    @Test("secrets and bearer tokens never survive redaction")
    func redaction() {
        let r = Redactor(secrets: ["hf_supersecretvalue"])
        let text = r.redact("bad token hf_supersecretvalue; header Authorization: Bearer abc.def-123, next")
        #expect(!text.contains("hf_supersecretvalue"))
        #expect(!text.contains("abc.def-123"))
        #expect(text.contains("[REDACTED]"))
        #expect(text.hasSuffix(", next"))
    }

    @Test("provider error descriptions name the cause")
    func errorDescription() {
        let e = ProviderError(.rateLimited, provider: "together", status: 429, message: "slow down", retryAfterMs: 2000)
        #expect(e.description == "together: rate_limited: HTTP 429: slow down (retry after 2000 ms)")
        #expect(e.isRetryable)
        #expect(!ProviderError(.badInput, message: "x").isRetryable)
        #expect(ProviderError(.providerError, status: 502, message: "x").isRetryable)
        #expect(!ProviderError(.providerError, status: 418, message: "x").isRetryable)
    }
}
