import Broker
import HTTPServer
import ProviderInterface

/// `GET /v1/models`: the marketplace's models in OpenAI's list shape, one per model (its
/// Hugging Face id when known), with the broker's fields: `tasks`, `providers`, `regions`,
/// `context_length` and the `cheapest` priced offer.
struct ModelsEndpoint: Sendable {
    let context: ServeContext

    func handle() async throws(APIError) -> ServerResponse {
        var query = context.marketQuery()
        query.sort = .price
        let offers: [Offer]
        do { offers = try await context.store.queryOffers(query) } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
        return JSONResponse.make(
            .object(JSONObject([("object", .string("list")), ("data", .array(Self.models(offers)))])))
    }

    /// One entry per model id, in first-seen order of `offers` (sorted by price, so the first
    /// priced offer of each model is its cheapest).
    static func models(_ offers: [Offer]) -> [JSONValue] {
        var order: [String] = []
        var groups: [String: [Offer]] = [:]
        for offer in offers {
            let id = offer.hfID ?? offer.model
            if groups[id] == nil { order.append(id) }
            groups[id, default: []].append(offer)
        }
        return order.map { id in
            let group = groups[id] ?? []
            let owner = id.split(separator: "/").first.map(String.init) ?? (group.first?.provider ?? "broker")
            var tasks: [String] = []
            var regions: [String] = []
            var providers: [JSONValue] = []
            for offer in group {
                if !tasks.contains(offer.task.rawValue) { tasks.append(offer.task.rawValue) }
                if !regions.contains(offer.region.rawValue) { regions.append(offer.region.rawValue) }
                providers.append(
                    .string(offer.servedBy == offer.provider ? offer.provider : "\(offer.provider):\(offer.servedBy)"))
            }
            var object = JSONObject([
                ("id", .string(id)), ("object", .string("model")),
                ("created", .integer((group.map(\.refreshedAt).max() ?? 0) / 1000)), ("owned_by", .string(owner)),
                ("tasks", .array(tasks.map(JSONValue.string))),
                ("regions", .array(regions.sorted().map(JSONValue.string))),
                ("providers", .array(providers)),
            ])
            object["context_length"] = group.compactMap(\.contextLength).max().map { .integer($0) } ?? .null
            if let cheapest = group.first(where: {
                $0.price.billing == .token && $0.price.input.amount != nil && $0.price.output.amount != nil
            }) {
                object["cheapest"] = .object(
                    JSONObject([
                        ("provider", .string(cheapest.provider)), ("served_by", .string(cheapest.servedBy)),
                        ("input_usd_per_mtok", OfferJSON.perMillion(cheapest.price.input)),
                        ("output_usd_per_mtok", OfferJSON.perMillion(cheapest.price.output)),
                    ]))
            } else {
                object["cheapest"] = .null
            }
            return .object(object)
        }
    }
}
