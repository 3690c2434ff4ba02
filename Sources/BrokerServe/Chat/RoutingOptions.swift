import Broker
import ProviderInterface

/// The routing constraints a request may carry in a `broker` object:
/// `{"region", "compliance", "max_price", "max_input_price", "max_output_price", "provider",
/// "policy", "allow_unpriced", "include_stale"}`. Prices are USD per million tokens;
/// `max_price` caps input and output alike; `provider` is `KEY[:SERVED_BY]`.
enum RoutingOptions {
    /// Applies `object` (the body's `broker` member) to `route`.
    static func apply(_ value: JSONValue?, to route: inout RouteRequest, registry: Registry) throws(APIError) {
        guard let value, !value.isNull else { return }
        guard let object = value.objectValue else {
            throw APIError.badRequest("'broker' must be an object", param: "broker")
        }
        for member in object {
            let param = "broker.\(member.key)"
            switch member.key {
            case "region":
                guard let text = member.value.stringValue, let region = Region(rawValue: text.lowercased()) else {
                    throw APIError.badRequest(
                        "\(param) must be one of \(Region.allCases.map(\.rawValue).joined(separator: ", "))",
                        param: param)
                }
                route.region = region
            case "compliance":
                guard let text = member.value.stringValue, !text.isEmpty else {
                    throw APIError.badRequest("\(param) must be a tag such as gdpr", param: param)
                }
                route.compliance = ComplianceTag(text.lowercased())
            case "max_price":
                let cap = try price(member.value, param)
                route.maxInputPrice = cap
                route.maxOutputPrice = cap
            case "max_input_price": route.maxInputPrice = try price(member.value, param)
            case "max_output_price": route.maxOutputPrice = try price(member.value, param)
            case "provider":
                guard let text = member.value.stringValue, !text.isEmpty else {
                    throw APIError.badRequest("\(param) must be KEY or KEY:SERVED_BY", param: param)
                }
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard let key = parts.first, registry.entry(key) != nil else {
                    throw APIError.badRequest(
                        "\(param): unknown provider '\(parts.first ?? text)'; known: \(registry.entries.map(\.key).joined(separator: ", "))",
                        param: param)
                }
                route.provider = key
                if parts.count > 1 { route.servedBy = parts[1] }
            case "policy":
                guard let text = member.value.stringValue, let policy = RoutePolicy(rawValue: text) else {
                    throw APIError.badRequest("\(param) must be cheapest, fastest or preferred", param: param)
                }
                route.policy = policy
            case "allow_unpriced": route.allowUnpriced = try flag(member.value, param)
            case "include_stale": route.includeStale = try flag(member.value, param)
            default:
                throw APIError.badRequest("unknown routing option '\(param)'", param: param)
            }
        }
    }

    /// A price per million tokens from a JSON number or string, exactly.
    static func price(_ value: JSONValue, _ param: String) throws(APIError) -> PicoUSD {
        guard let text = value.numberText ?? value.stringValue,
            let amount = PicoUSD(decimal: text, unit: .usdPerMillionTokens),
            amount.value >= 0
        else {
            throw APIError.badRequest("\(param) must be a price in USD per million tokens such as 0.5", param: param)
        }
        return amount
    }

    static func flag(_ value: JSONValue, _ param: String) throws(APIError) -> Bool {
        guard let b = value.boolValue else { throw APIError.badRequest("\(param) must be true or false", param: param) }
        return b
    }
}
