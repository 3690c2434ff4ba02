extension SimulatorCore {
    /// The public price feeds (see ``PriceFeedFixtures``); `nil` for other paths, and for
    /// Scaleway's catalog asked for other product types (the compute route answers those).
    func priceFeedRoute(_ request: RecordedRequest, segments: [String], method: String, _ snapshot: Snapshot)
        -> SimulatedResponse?
    {
        guard method == "GET" else { return nil }
        let feeds = snapshot.fixtures.priceFeeds
        switch segments {
        case ["product-catalog", "v2alpha1", "public-catalog", "products"]:
            guard request.queryValues("product_types").contains("generative_apis") else { return nil }
            let page = max(1, Int(request.queryValues("page").first ?? "") ?? 1)
            let size = min(1000, max(1, Int(request.queryValues("page_size").first ?? "") ?? 50))
            let all = feeds.scalewayProducts
            let start = min(all.count, (page - 1) * size)
            let slice = all[start..<min(all.count, start + size)]
            return .json("{\"products\": [\(slice.joined(separator: ", "))], \"total_count\": \(all.count)}")
        case ["ovh", "rest", "v1", "models_v2"]:
            return .json(feeds.ovhModels)
        case ["feed", "openrouter", "models"]:
            return .json(feeds.openRouterFeed)
        default:
            return nil
        }
    }
}
