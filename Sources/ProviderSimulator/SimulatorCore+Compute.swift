import Platform
import ProviderInterface

extension SimulatorCore {
    /// The GPU compute sources and the ECB (see ``ComputeFixtures``); `nil` for other paths.
    func computeRoute(_ request: RecordedRequest, segments: [String], method: String, _ snapshot: Snapshot)
        -> SimulatedResponse?
    {
        let compute = snapshot.fixtures.compute
        switch (method, segments.first) {
        case ("GET", "v2") where segments == ["v2", "provider"] || (segments.count == 3 && segments[1] == "provider"):
            return .json(compute.hfEndpoints)
        case ("GET", "v3") where segments.count == 3 && segments[2] == "version":
            guard let catalog = compute.gpuhunt[segments[1]] else { return s3NoSuchKey() }
            return .text(catalog.version + "\n")
        case ("GET", "v3") where segments.count == 4 && segments[3] == "catalog.zip":
            guard let catalog = compute.gpuhunt[segments[1]], segments[2] == catalog.version || segments[2] == "latest"
            else {
                return s3NoSuchKey()
            }
            let zip = cachedBody("gpuhunt:\(segments[1]):\(catalog.version)", generation: snapshot.generation) {
                ZipWriter.archive([(name: "\(segments[1]).csv", contents: Array(catalog.csv.utf8))])
            }
            return SimulatedResponse(status: 200, headers: [("Content-Type", "application/zip")], body: .bytes(zip))
        case ("POST", "api") where segments == ["api", "v0", "bundles"]:
            return vastSearch(request, compute)
        case ("GET", "product-catalog") where segments == ["product-catalog", "v2alpha1", "public-catalog", "products"]:
            return scalewayProducts(request, compute)
        case ("GET", "stats") where segments == ["stats", "eurofxref", "eurofxref-daily.xml"]:
            return SimulatedResponse(
                status: 200, headers: [("Content-Type", "text/xml")], body: .bytes(Array(compute.ecbXML.utf8)))
        default:
            return nil
        }
    }

    private func s3NoSuchKey() -> SimulatedResponse {
        SimulatedResponse(
            status: 404, headers: [("Content-Type", "application/xml")],
            body: .bytes(
                Array(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
                        .utf8)))
    }

    /// `POST /api/v0/bundles/`: asks filtered by `gpu_name` `eq`, ordered by `dph_total`,
    /// capped by `limit` (at most 64); 429 past the per-minute limit; 400 on a bad body.
    private func vastSearch(_ request: RecordedRequest, _ compute: ComputeFixtures) -> SimulatedResponse {
        let now = MonotonicTime.milliseconds()
        let limited = state.withLock { state -> Int? in
            state.vastSearches.removeAll { now - $0 > 60_000 }
            guard state.vastSearches.count < compute.vastRequestsPerMinute else {
                let oldest = state.vastSearches.first ?? now
                let wait = 60 - (now - oldest) / 1000
                return Int(max(1, wait))
            }
            state.vastSearches.append(now)
            return nil
        }
        if let wait = limited {
            return .json(
                #"{"error": "rate_limited", "msg": "Too many requests"}"#, status: 429,
                headers: [("Retry-After", "\(wait)")])
        }
        guard let body = request.json, body.objectValue != nil else {
            return .json(#"{"error": "invalid_request", "msg": "Invalid json body"}"#, status: 400)
        }
        let wanted = body["gpu_name"]?["eq"]?.stringValue
        let limit = min(64, body["limit"]?.intValue ?? 64)
        var asks: [(price: Int64, text: String)] = []
        for text in compute.vastOffers {
            guard let ask = try? JSONParser.parse(text) else { continue }
            if let wanted, ask["gpu_name"]?.stringValue != wanted { continue }
            let price = ask["dph_total"]?.numberText.flatMap { DecimalText.scaled($0, by: 12)?.value } ?? Int64.max
            asks.append((price, text))
        }
        asks.sort { $0.price < $1.price }
        return .json(#"{"offers": ["# + asks.prefix(limit).map(\.text).joined(separator: ", ") + "]}")
    }

    /// `GET /product-catalog/v2alpha1/public-catalog/products?page&page_size&product_types`.
    private func scalewayProducts(_ request: RecordedRequest, _ compute: ComputeFixtures) -> SimulatedResponse {
        let types = request.queryValues("product_types")
        let known = ["instance", "elastic_metal", "managed_inference", "generative_apis", "block_storage"]
        if let bad = types.first(where: { !known.contains($0) }) {
            return .json(
                #"{"message": "parsing list \"product_types\": \"\#(bad)\" is not a valid value"}"#, status: 400)
        }
        let page = max(1, Int(request.queryValues("page").last ?? "") ?? 1)
        let size = max(1, min(1000, Int(request.queryValues("page_size").last ?? "") ?? 50))
        let products = compute.scalewayProducts
        let start = min(products.count, (page - 1) * size)
        let slice = products[start..<min(products.count, start + size)]
        return .json(#"{"products": ["# + slice.joined(separator: ", ") + #"], "total_count": \#(products.count)}"#)
    }
}
