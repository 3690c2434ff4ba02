import HTTPServer
import ProviderInterface
import Synchronization

/// The simulator's shared state and request dispatch. Held by the HTTP server's handler (not by
/// ``ProviderSimulator`` through the server), so there is no retain cycle.
final class SimulatorCore: Sendable {
    typealias Route = @Sendable (RecordedRequest) -> SimulatedResponse

    struct State: Sendable {
        var fixtures: SimulatorFixtures
        var generation = 0
        var faults: [PendingFault] = []
        var requests: [RecordedRequest] = []
        var recording = true
        var routes: [String: Route] = [:]
        /// Rendered bodies of the current generation, by route and query.
        var bodyCache: [String: [UInt8]] = [:]
        /// The bytes held by `bodyCache`.
        var bodyCacheBytes = 0
        /// Hub listing matches (indices into `hubModels`) of the current generation, by filter.
        var filterCache: [String: [Int]] = [:]
        /// When each recent Vast search arrived (its per-minute rate limit).
        var vastSearches: [Int] = []
    }

    /// What one request sees of the state.
    struct Snapshot {
        let fixtures: SimulatorFixtures
        let generation: Int
    }

    /// The most bytes of rendered bodies kept (the whole cache is dropped when full).
    static let bodyCacheLimit = 128 << 20

    let state: Mutex<State>
    let port = Atomic<Int>(0)
    private let completionCounter = Atomic<Int>(0)

    init(fixtures: SimulatorFixtures) {
        state = Mutex(State(fixtures: fixtures))
    }

    var baseURL: String { "http://127.0.0.1:\(port.load(ordering: .relaxed))" }

    /// A fresh completion id number.
    func nextCompletionNumber() -> Int { completionCounter.add(1, ordering: .relaxed).newValue }

    // MARK: - Caches

    func cachedBody(_ key: String, generation: Int, render: () -> [UInt8]) -> [UInt8] {
        if let hit = state.withLock({ $0.generation == generation ? $0.bodyCache[key] : nil }) { return hit }
        let body = render()
        state.withLock { state in
            guard state.generation == generation, state.bodyCache[key] == nil else { return }
            if state.bodyCacheBytes + body.count > Self.bodyCacheLimit {
                state.bodyCache.removeAll()
                state.bodyCacheBytes = 0
            }
            state.bodyCache[key] = body
            state.bodyCacheBytes += body.count
        }
        return body
    }

    func cachedIndices(_ key: String, generation: Int, compute: () -> [Int]) -> [Int] {
        if let hit = state.withLock({ $0.generation == generation ? $0.filterCache[key] : nil }) { return hit }
        let indices = compute()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.filterCache.count > 64 { state.filterCache.removeAll() }
            state.filterCache[key] = indices
        }
        return indices
    }

    // MARK: - Dispatch

    /// Records, applies a pending fault, and answers one request.
    func handle(_ request: ServerRequest) -> ServerResponse {
        let recorded = RecordedRequest(request)
        let (fault, custom, snapshot) = state.withLock { state -> (SimulatorFault?, Route?, Snapshot) in
            if state.recording { state.requests.append(recorded) }
            return (
                Self.takeFault(&state.faults, path: recorded.path),
                state.routes[Self.routeKey(recorded.method, recorded.path)],
                Snapshot(fixtures: state.fixtures, generation: state.generation)
            )
        }
        if let fault {
            if let replacement = FaultResponses.replacement(for: fault) { return replacement.serverResponse() }
            if case .slowFirstByte(let ms) = fault, !request.stopSignal.sleep(milliseconds: ms) {
                return ServerResponse(status: 503, headers: [("Connection", "close")], bytes: [])
            }
        }
        let normal = custom?(recorded) ?? route(recorded, snapshot)
        guard let fault else { return normal.serverResponse() }
        return FaultResponses.apply(fault, to: normal)
    }

    static func routeKey(_ method: String, _ path: String) -> String { method.uppercased() + " " + path }

    private static func takeFault(_ faults: inout [PendingFault], path: String) -> SimulatorFault? {
        guard let index = faults.firstIndex(where: { $0.pathPrefix.map { path.hasPrefix($0) } ?? true }) else {
            return nil
        }
        let fault = faults[index].fault
        faults[index].remaining -= 1
        if faults[index].remaining <= 0 { faults.remove(at: index) }
        return fault
    }

    /// The built-in routes.
    private func route(_ request: RecordedRequest, _ snapshot: Snapshot) -> SimulatedResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let method = request.method.uppercased()
        if let answer = priceFeedRoute(request, segments: segments, method: method, snapshot) { return answer }
        if let answer = computeRoute(request, segments: segments, method: method, snapshot) { return answer }
        let isCatalog = method == "GET" && Self.isPublicCatalog(segments)
        if let refusal = authorize(request, fixtures: snapshot.fixtures, isPublicCatalog: isCatalog) { return refusal }

        switch (method, segments.first) {
        case ("GET", "api") where segments.count >= 2 && segments[1] == "models":
            if segments.count == 2 { return hubListing(request, snapshot) }
            return hubModelInfo(request, id: segments[2...].joined(separator: "/"), snapshot)
        case ("GET", "api") where segments.count >= 3 && segments[1] == "v1" && segments[2] == "models":
            if segments.count == 3 { return openRouterList(snapshot) }
            if segments.count == 6, segments[5] == "endpoints" {
                return openRouterEndpoints(id: segments[3] + "/" + segments[4], snapshot)
            }
        case ("POST", "api") where segments == ["api", "v1", "chat", "completions"]:
            return chat(request, snapshot, flavor: .openRouter)
        case ("GET", "v1") where segments == ["v1", "models"]:
            return routerCatalog(snapshot)
        case ("POST", "v1") where segments == ["v1", "chat", "completions"]:
            return chat(request, snapshot, flavor: .huggingFaceRouter)
        case ("POST", "hf-inference") where segments.count >= 3 && segments[1] == "models":
            return classicTask(request, segments: Array(segments.dropFirst(2)), snapshot)
        case (_, let prefix?) where segments.count >= 3 && segments[1] == "v1":
            if let provider = snapshot.fixtures.compatibleProviders[prefix] {
                if method == "GET", segments.count == 3, segments[2] == "models" {
                    return compatibleList(prefix: prefix, provider: provider, snapshot)
                }
                if method == "POST", segments.count == 4, segments[2] == "chat", segments[3] == "completions" {
                    return chat(request, snapshot, flavor: .compatible(prefix))
                }
                if method == "POST", segments.count == 3, segments[2] == "embeddings" {
                    return embeddings(request, provider: provider)
                }
                if method == "POST", segments.count == 3, segments[2] == "responses", provider.servesResponses {
                    return responses(request, snapshot, provider: provider)
                }
            }
        default: break
        }
        return .json(#"{"error":"Not Found"}"#, status: 404)
    }

    private static func isPublicCatalog(_ segments: [String]) -> Bool {
        if segments == ["v1", "models"] { return true }
        if segments.count >= 2, segments[0] == "api", segments[1] == "models" { return true }
        return segments.count >= 3 && segments[0] == "api" && segments[1] == "v1" && segments[2] == "models"
    }

    private func authorize(_ request: RecordedRequest, fixtures: SimulatorFixtures, isPublicCatalog: Bool)
        -> SimulatedResponse?
    {
        guard let token = fixtures.requiredToken else { return nil }
        let authorization = request.header("Authorization")
        if authorization == "Bearer " + token { return nil }
        if authorization == nil, isPublicCatalog, fixtures.catalogsArePublic { return nil }
        return .json(
            #"{"error":{"message":"Invalid credentials","type":"invalid_request_error","code":"invalid_api_key"}}"#,
            status: 401)
    }
}

extension SimulatedResponse {
    /// The server response that sends this one.
    func serverResponse() -> ServerResponse {
        let headers = headers.map { (name: $0.0, value: $0.1) }
        switch body {
        case .bytes(let bytes): return ServerResponse(status: status, headers: headers, bytes: bytes)
        case .chunks(let chunks, let delayMs):
            return ServerResponse(status: status, headers: headers, body: .stream(.chunks(chunks, delayMs: delayMs)))
        }
    }
}
