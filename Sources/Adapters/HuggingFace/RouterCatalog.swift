import ProviderInterface

/// The router's chat catalog with prices, `GET {router}/v1/models`, as pure functions.
///
/// Each model lists its `providers[]` with, when available, `pricing{input, output}` in USD
/// per million tokens, `context_length`, `supports_tools`, `supports_structured_output`,
/// `first_token_latency_ms`, `throughput` and `is_free`. Prices are converted from the
/// numbers' decimal text, never through floating point. Missing pricing is unknown unless
/// `is_free` is true; providers whose status is not `live` are left out.
enum RouterCatalog {
    /// `GET {router}/v1/models`. No token is needed; none is sent.
    static func makeRequest(routerURL: String, timeouts: HTTPTimeouts) -> HTTPRequest {
        HTTPRequest(
            method: "GET", url: OpenAIChat.joinURL(routerURL, "/v1/models"),
            headers: [HTTPHeader("Accept", "application/json")], timeouts: timeouts)
    }

    /// How the catalog's prices are read.
    struct Rules: Sendable {
        /// The unit of `pricing.input`/`output` (USD per million tokens for the router).
        var unit: PriceUnit = .usdPerMillionTokens
        /// Whether a zero price means free (else unknown).
        var zeroIsFree = true
        /// The served-by providers the registry knows; empty accepts any.
        var knownProviders: Set<String> = []
    }

    /// Parses the catalog into one quote per model and live provider, reading the body in
    /// place with ``HFJSONScanner`` (the catalog is large; only the fields used are kept).
    static func parse(_ response: HTTPResponse, rules: Rules, provider: String?) throws(ProviderError) -> [PriceQuote] {
        func malformed(_ reason: String) -> ProviderError {
            ProviderError(
                .malformedResponse, provider: provider, status: response.status, message: "router catalog: \(reason)")
        }
        let result: Result<[PriceQuote], HFJSONScanner.Failure> = response.body.withUnsafeBufferPointer { buffer in
            var scanner = HFJSONScanner(buffer)
            do throws(HFJSONScanner.Failure) {
                return .success(try readCatalog(&scanner, rules: rules))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let quotes): return quotes
        case .failure(let failure): throw malformed(failure.description)
        }
    }

    typealias Failure = HFJSONScanner.Failure

    /// `{"object":"list","data":[…]}` → quotes.
    static func readCatalog(_ scanner: inout HFJSONScanner, rules: Rules) throws(Failure) -> [PriceQuote] {
        guard try scanner.peekKind() == .object else { throw Failure("no data list") }
        var quotes: [PriceQuote]?
        var more = try scanner.beginObject()
        while more {
            let key = try scanner.key()
            if scanner.key(key, is: "data"), try scanner.peekKind() == .array {
                quotes = try readModels(&scanner, rules: rules)
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember()
        }
        try scanner.end()
        guard let quotes else { throw Failure("no data list") }
        return quotes
    }

    /// The `data` list.
    static func readModels(_ scanner: inout HFJSONScanner, rules: Rules) throws(Failure) -> [PriceQuote] {
        var quotes: [PriceQuote] = []
        var i = 0
        var more = try scanner.beginArray()
        while more {
            guard try scanner.peekKind() == .object else { throw Failure("data[\(i)] is not an object") }
            var id: String?
            var offers: [PriceQuote] = []
            var images: Bool?
            var hasMember = try scanner.beginObject()
            while hasMember {
                let key = try scanner.key()
                if scanner.key(key, is: "id"), try scanner.peekKind() == .string {
                    id = try scanner.string()
                } else if scanner.key(key, is: "architecture"), try scanner.peekKind() == .object {
                    images = try readTakesImages(&scanner)
                } else if scanner.key(key, is: "providers"), try scanner.peekKind() == .array {
                    offers = try readProviders(&scanner, model: id ?? "data[\(i)]", rules: rules)
                } else {
                    try scanner.skipValue()
                }
                hasMember = try scanner.nextMember()
            }
            guard let id, !id.isEmpty else { throw Failure("data[\(i)] has no id") }
            for var offer in offers {
                offer.model = id
                offer.supportsImages = images
                quotes.append(offer)
            }
            i += 1
            more = try scanner.nextElement()
        }
        return quotes
    }

    /// Whether `architecture.input_modalities` lists `image`; `nil` when there is no such list.
    static func readTakesImages(_ scanner: inout HFJSONScanner) throws(Failure) -> Bool? {
        var images: Bool?
        var more = try scanner.beginObject()
        while more {
            let key = try scanner.key()
            if scanner.key(key, is: "input_modalities"), try scanner.peekKind() == .array {
                images = false
                var element = try scanner.beginArray()
                while element {
                    if try scanner.peekKind() == .string {
                        if try scanner.string() == "image" { images = true }
                    } else {
                        try scanner.skipValue()
                    }
                    element = try scanner.nextElement()
                }
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember()
        }
        return images
    }

    /// One model's `providers` list: a quote per live, known provider.
    static func readProviders(_ scanner: inout HFJSONScanner, model: String, rules: Rules) throws(Failure)
        -> [PriceQuote]
    {
        var quotes: [PriceQuote] = []
        var j = 0
        var more = try scanner.beginArray()
        while more {
            guard try scanner.peekKind() == .object else { throw Failure("\(model): providers[\(j)] is not an object") }
            do throws(Failure) {
                if let quote = try readProvider(&scanner, rules: rules) { quotes.append(quote) }
            } catch {
                throw error.within("\(model): providers[\(j)]")
            }
            j += 1
            more = try scanner.nextElement()
        }
        return quotes
    }

    /// One provider entry; `nil` when it is not live or not known.
    static func readProvider(_ scanner: inout HFJSONScanner, rules: Rules) throws(Failure) -> PriceQuote? {
        var name: String?
        var status: String?
        var pricing: (input: PriceValue, output: PriceValue)?
        var isFree = false
        var quote = PriceQuote(model: "", price: .unknown)
        var more = try scanner.beginObject()
        while more {
            let key = try scanner.key()
            let kind = try scanner.peekKind()
            switch kind {
            case .string where scanner.key(key, is: "provider"): name = try scanner.string()
            case .string where scanner.key(key, is: "status"): status = try scanner.string()
            case .bool where scanner.key(key, is: "is_free"): isFree = try scanner.bool()
            case .bool where scanner.key(key, is: "supports_tools"): quote.supportsTools = try scanner.bool()
            case .bool where scanner.key(key, is: "supports_structured_output"):
                quote.supportsStructuredOutput = try scanner.bool()
            case .number where scanner.key(key, is: "context_length"):
                let range = try scanner.numberRange()
                quote.contextLength =
                    scanner.plainScaled(range, by: 0).map(Int.init) ?? JSONValue.number(scanner.text(range)).intValue
            case .number where scanner.key(key, is: "first_token_latency_ms"):
                quote.firstTokenLatencyMs = try readRounded(&scanner)
            case .number where scanner.key(key, is: "throughput"):
                quote.throughputTokensPerSecond = try readRounded(&scanner)
            case _ where scanner.key(key, is: "pricing"):
                if kind == .null {
                    try scanner.skipValue()
                    pricing = nil
                } else {
                    guard kind == .object else { throw Failure("pricing is not an object") }
                    pricing = try readPricing(&scanner, rules: rules)
                }
            default: try scanner.skipValue()
            }
            more = try scanner.nextMember()
        }
        guard let name else { throw Failure("no provider name") }
        guard status == "live" else { return nil }
        guard rules.knownProviders.isEmpty || rules.knownProviders.contains(name) else { return nil }
        quote.servedBy = name
        if let pricing {
            quote.price = OfferPrice(billing: .token, input: pricing.input, output: pricing.output)
        } else {
            quote.price = isFree ? .free : .unknown
        }
        return quote
    }

    /// `{"input": n, "output": n}` in the rules' unit.
    static func readPricing(_ scanner: inout HFJSONScanner, rules: Rules) throws(Failure) -> (
        input: PriceValue, output: PriceValue
    ) {
        var input: PriceValue = .unknown
        var output: PriceValue = .unknown
        var more = try scanner.beginObject()
        while more {
            let key = try scanner.key()
            let isInput = scanner.key(key, is: "input")
            if isInput || scanner.key(key, is: "output") {
                let value: PriceValue?
                switch try scanner.peekKind() {
                case .number:
                    let range = try scanner.numberRange()
                    if let scaled = scanner.plainScaled(range, by: rules.unit.picoExponent) {
                        value = scaled == 0 && !rules.zeroIsFree ? .unknown : .amount(PicoUSD(scaled))
                    } else {
                        value = price(.number(scanner.text(range)), rules)
                    }
                case .string: value = price(.string(try scanner.string()), rules)
                case .null:
                    try scanner.skipValue()
                    value = .unknown
                default: throw Failure("pricing is not a pair of numbers")
                }
                guard let value else { throw Failure("pricing is not a pair of numbers") }
                if isInput { input = value } else { output = value }
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember()
        }
        return (input, output)
    }

    /// A price from a number (or numeric string) in the rules' unit; a missing field is
    /// unknown, a zero is free only when the rules say so; `nil` for a malformed value.
    static func price(_ value: JSONValue?, _ rules: Rules) -> PriceValue? {
        let text: String
        switch value {
        case nil, .null?: return .unknown
        case .number(let number)?: text = number
        case .string(let string)?: text = string
        default: return nil
        }
        guard let parsed = PriceValue.parse(text, unit: rules.unit) else { return nil }
        if case .amount(let amount) = parsed, amount.value == 0, !rules.zeroIsFree { return .unknown }
        return parsed
    }

    /// A non-negative figure rounded to an integer (`first_token_latency_ms`, `throughput`).
    static func readRounded(_ scanner: inout HFJSONScanner) throws(Failure) -> Int? {
        let range = try scanner.numberRange()
        if let plain = scanner.plainScaled(range, by: 0) { return Int(exactly: plain) }
        guard let scaled = DecimalText.scaled(scanner.text(range), by: 0), scaled.value >= 0 else { return nil }
        return Int(exactly: scaled.value)
    }
}
