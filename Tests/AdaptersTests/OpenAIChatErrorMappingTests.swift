#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import ProviderInterface
import Testing

@testable import Adapters

@Suite("ProviderErrorMapping")
struct OpenAIChatErrorMappingTests {
    func map(_ status: Int, _ body: String, headers: [HTTPHeader] = [], now: Date = Date()) -> ProviderError {
        ProviderErrorMapping.map(
            status: status, headers: headers, body: Array(body.utf8), provider: "hf",
            redactor: Redactor(secrets: ["hf_SECRET_TOKEN"]), now: now)
    }

    @Test func modelNotSupportedIsNotServed() {
        let e = map(
            400,
            #"{"error":{"message":"The requested model is not supported","type":"invalid_request_error","param":"model","code":"model_not_supported"}}"#
        )
        #expect(e.code == .notServed)
        #expect(e.status == 400)
        #expect(e.message.contains("The requested model is not supported"))
        #expect(e.message.contains("model_not_supported"))
    }

    @Test func plain400IsBadInput() {
        #expect(map(400, #"{"error":"Input validation error"}"#).code == .badInput)
    }

    @Test(arguments: [
        (401, ProviderError.Code.auth), (403, .auth), (402, .outOfCredits), (404, .notServed), (422, .badInput),
        (500, .providerError), (502, .providerError), (503, .providerError), (418, .providerError),
    ])
    func statusCodes(status: Int, code: ProviderError.Code) {
        let e = map(status, #"{"error":"something"}"#)
        #expect(e.code == code)
        #expect(e.status == status)
        #expect(e.message == "something")
    }

    @Test func validationErrorTypeIsKept() {
        let e = map(422, #"{"error":"Input validation error: `inputs` must be non-empty","error_type":"validation"}"#)
        #expect(e.code == .badInput)
        #expect(e.message.contains("inputs"))
    }

    @Test func rateLimitedWithRetryAfterSeconds() {
        let e = map(
            429, #"{"error":{"message":"Rate limit reached","type":"rate_limit"}}"#,
            headers: [HTTPHeader("retry-after", "7")])
        #expect(e.code == .rateLimited)
        #expect(e.retryAfterMs == 7000)
        #expect(e.isRetryable)
    }

    @Test func rateLimitedWithRetryAfterHTTPDate() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        let e = map(429, "{}", headers: [HTTPHeader("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT")], now: now)
        #expect(e.retryAfterMs == 30_000)
    }

    @Test func rateLimitedWithHubRateLimitHeader() {
        let e = map(429, "", headers: [HTTPHeader("RateLimit", #""api";r=0;t=12"#)])
        #expect(e.code == .rateLimited)
        #expect(e.retryAfterMs == 12_000)
        #expect(e.message == "HTTP 429 with an empty body")
    }

    @Test func loadingModelIsUnavailableWithEstimatedTime() {
        let e = map(503, #"{"error":"Model is currently loading","estimated_time":20.5}"#)
        #expect(e.code == .unavailable)
        #expect(e.retryAfterMs == 20_500)
        #expect(e.isRetryable)
    }

    @Test func tokenNeverAppearsInMessage() {
        let e = map(401, #"{"error":"Invalid token hf_SECRET_TOKEN; header was Bearer hf_SECRET_TOKEN"}"#)
        #expect(!e.description.contains("hf_SECRET_TOKEN"))
        #expect(e.description.contains("[REDACTED]"))
    }

    @Test func nonJSONBodyIsQuotedClipped() {
        let e = map(502, "<html>" + String(repeating: "x", count: 1000) + "</html>")
        #expect(e.code == .providerError)
        #expect(e.message.hasPrefix("<html>"))
        #expect(e.message.count <= ProviderErrorMapping.maxMessageLength + 1)
    }

    @Test func httpDateParsing() throws {
        let date = try #require(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(date.timeIntervalSince1970 == 784_111_777)
        let rfc850 = try #require(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"))
        #expect(rfc850.timeIntervalSince1970 == 784_111_777)
        #expect(HTTPDate.parse("yesterday") == nil)
    }
}
