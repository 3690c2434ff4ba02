import ProviderInterface
import Synchronization
import Testing

@testable import Adapters

/// A recording fake transport: answers each request with `handler` and keeps what was sent.
final class HuggingFaceFakeTransport: HTTPTransport, Sendable {
    private let recorded = Mutex<[HTTPRequest]>([])
    let handler: @Sendable (HTTPRequest) -> HTTPResponse

    init(_ handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.handler = handler }

    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        recorded.withLock { $0.append(request) }
        return handler(request)
    }

    /// Streams the handler's body in chunks of at most 7 bytes, to exercise SSE reassembly.
    func stream(_ request: HTTPRequest) async throws(TransportError) -> HTTPStreamingResponse {
        recorded.withLock { $0.append(request) }
        let response = handler(request)
        let body = AsyncThrowingStream<[UInt8], any Error> { continuation in
            var index = 0
            while index < response.body.count {
                continuation.yield(Array(response.body[index..<min(index + 7, response.body.count)]))
                index += 7
            }
            continuation.finish()
        }
        return HTTPStreamingResponse(status: response.status, headers: response.headers, body: body)
    }
}

enum HFTest {
    static let token = "hf_TESTTOKEN_abcdef123456"

    static func entry(
        base: String = "https://router.test", hub: String = "https://hub.test", options: JSONValue = [:],
        servedBy: [String] = ["together", "scaleway", "hf-inference", "ovhcloud", "groq", "nscale"],
        pricing: PricingConfig = PricingConfig()
    ) -> ProviderEntry {
        ProviderEntry(
            key: "huggingface", adapter: "huggingface", baseURL: base, urls: ["hub": hub], authEnv: "HF_TOKEN",
            servedByRegions: Dictionary(uniqueKeysWithValues: servedBy.map { ($0, RegionRecord.unknown) }),
            pricing: pricing, options: options.objectValue ?? JSONObject())
    }

    static func adapter(
        _ entry: ProviderEntry = HFTest.entry(), token: String? = HFTest.token,
        _ handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) -> (HuggingFaceAdapter, HuggingFaceFakeTransport) {
        let transport = HuggingFaceFakeTransport(handler)
        let environment = token.map { ["HF_TOKEN": $0] } ?? [:]
        return (
            HuggingFaceAdapter(entry: entry, context: AdapterContext(environment: environment, transport: transport)),
            transport
        )
    }

    static func json(_ text: String, status: Int = 200, headers: [HTTPHeader] = []) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [HTTPHeader("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    static func obj(_ value: JSONValue) -> JSONObject { value.objectValue ?? JSONObject() }

    static func bodyText(_ request: HTTPRequest) -> String { String(decoding: request.body ?? [], as: UTF8.self) }
}
