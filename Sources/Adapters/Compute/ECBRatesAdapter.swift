import ProviderInterface

/// The European Central Bank's euro foreign exchange reference rates
/// (<https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/>):
/// `GET {base}/stats/eurofxref/eurofxref-daily.xml`, `EUR 1 = rate` per currency, for one day.
/// Rates are kept as their decimal text; a USD rate outside 0.9…2.0 USD per EUR is refused
/// as an inverted or broken quote.
public struct ECBRatesAdapter: CatalogOnlySource, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let fetcher: CatalogFetcher

    /// The adapter kind `ecb-rates`.
    public static let kind = AdapterKind(
        name: "ecb-rates",
        validate: { LocationTable.unknownOptions($0, kind: "ecb-rates", known: [], locations: false) },
        building: ECBRatesAdapter.self)

    /// Builds the adapter.
    public init(entry: ProviderEntry, context: AdapterContext) {
        key = entry.key
        self.entry = entry
        fetcher = CatalogFetcher(entry: entry, context: context)
    }

    /// What this source's catalog lists.
    public var catalogKind: CatalogKind { .exchangeRates }

    /// Reads the day's ECB euro reference rates.
    public func referenceRates() async throws(ProviderError) -> ExchangeRates {
        let url = EndpointURL.join(entry.baseURL, "/stats/eurofxref/eurofxref-daily.xml")
        let response = try await fetcher.send(fetcher.get(url, accept: "application/xml, text/xml"))
        return try parse(String(decoding: response.body, as: UTF8.self))
    }

    /// The rates of an `eurofxref-daily.xml` document.
    func parse(_ xml: String) throws(ProviderError) -> ExchangeRates {
        var date: String?
        var rates: [String: String] = [:]
        var rest = Substring(xml)
        while let open = rest.firstRange(of: "<Cube") {
            guard let close = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let tag = rest[open.upperBound..<close]
            if let time = Self.attribute("time", in: tag) { date = time }
            if let currency = Self.attribute("currency", in: tag), let rate = Self.attribute("rate", in: tag) {
                guard let scaled = DecimalText.scaled(rate, by: 6), scaled.value > 0 else {
                    throw ProviderError(
                        .malformedResponse, provider: key,
                        message: "the rate of \(currency) is not a positive number ('\(rate)')")
                }
                rates[currency] = rate
            }
            rest = rest[close...]
        }
        guard let date, date.utf8.count == 10, !rates.isEmpty else {
            throw ProviderError(
                .malformedResponse, provider: key, message: "the reference rates document has no dated rates")
        }
        if let usd = rates["USD"], let scaled = DecimalText.scaled(usd, by: 6),
            !(900_000...2_000_000).contains(scaled.value)
        {
            throw ProviderError(
                .malformedResponse, provider: key, message: "USD \(usd) per EUR is implausible (an inverted quote?)")
        }
        return ExchangeRates(date: date, perEuro: rates, source: "ecb")
    }

    /// The value of `name='…'` or `name="…"` inside a tag.
    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.firstRange(of: name + "=") else { return nil }
        let afterEquals = tag[start.upperBound...]
        guard let quote = afterEquals.first, quote == "'" || quote == "\"" else { return nil }
        let value = afterEquals.dropFirst()
        guard let end = value.firstIndex(of: quote) else { return nil }
        return String(value[..<end])
    }
}
