import ProviderInterface

/// Scaleway's public Product Catalog
/// (<https://www.scaleway.com/en/developers/api/product-catalog/public-catalog/>):
/// `GET {base}/product-catalog/v2alpha1/public-catalog/products?page=N&page_size=S&product_types=instance`,
/// answered `{"products": […], "total_count": N}`; no credential. Prices are exact EUR
/// integers (`units` + `nanos` / 1e9 per `unit_of_measure`), kept in EUR.
///
/// Pages are read until one comes back short of `page_size` or `total_count` is reached.
/// Products without a GPU are skipped. GPU memory is not a field: it is read from the
/// offer name (`L40S-1-48G`) or the GPU description (`48 GB`), else the model's nominal size.
public struct ScalewayCatalogAdapter: CatalogOnlySource, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let fetcher: CatalogFetcher
    let locations: LocationTable
    let pageSize: Int

    /// The most pages read.
    static let maxPages = 100

    /// The adapter kind `scaleway-catalog`.
    public static let kind = AdapterKind(
        name: "scaleway-catalog", validate: ScalewayCatalogAdapter.validate, building: ScalewayCatalogAdapter.self)

    /// Builds the adapter; throws `.badInput` when the entry's options are invalid.
    public init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError) {
        try AdapterIssue.refuseFirst(Self.validate(entry), entry: entry)
        key = entry.key
        self.entry = entry
        fetcher = CatalogFetcher(entry: entry, context: context)
        locations = LocationTable(entry: entry)
        pageSize = entry.options["page_size"]?.intValue ?? 100
    }

    static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        var issues =
            LocationTable.validate(entry)
            + LocationTable.unknownOptions(entry, kind: "scaleway-catalog", known: ["page_size"])
        if let size = entry.options["page_size"], !(1...1000).contains(size.intValue ?? 0) {
            issues.append(AdapterIssue(path: "options.page_size", message: "must be a whole number in 1...1000"))
        }
        return issues
    }

    /// What this source's catalog lists.
    public var catalogKind: CatalogKind { .compute }

    /// The URL of page `page`.
    func pageURL(_ page: Int) -> String {
        EndpointURL.join(entry.baseURL, "/product-catalog/v2alpha1/public-catalog/products")
            + "?page=\(page)&page_size=\(pageSize)&product_types=instance"
    }

    /// Downloads and normalises the catalog into compute offers (unchanged when its version is the known one).
    public func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog {
        var catalog = ComputeCatalog(offers: [], requests: 0)
        var read = 0
        for page in 1...Self.maxPages {
            let response = try await fetcher.send(fetcher.get(pageURL(page)))
            catalog.requests += 1
            let document = try fetcher.json(response, what: "the product catalog")
            guard let products = document["products"]?.arrayValue else {
                throw ProviderError(
                    .malformedResponse, provider: key, message: "product catalog page \(page) has no \"products\" array"
                )
            }
            read += products.count
            let parsed = parse(products)
            catalog.offers += parsed.offers
            catalog.skipped.merge(parsed.skipped, uniquingKeysWith: +)
            let total = document["total_count"]?.intValue
            if products.count < pageSize || (total.map { read >= $0 } ?? false) { return catalog }
        }
        throw ProviderError(
            .malformedResponse, provider: key, message: "the product catalog has more than \(Self.maxPages) pages")
    }

    /// The GPU offers among `products`.
    func parse(_ products: [JSONValue]) -> ComputeCatalog {
        var offers: [ComputeOffer] = []
        var skipped: [String: Int] = [:]
        for product in products {
            let hardware = product["properties"]?["hardware"]
            guard let gpu = hardware?["gpu"], let count = gpu["count"]?.intValue, count > 0 else {
                skipped["no GPU", default: 0] += 1
                continue
            }
            guard let sku = product["sku"]?.stringValue, let retail = product["price"]?["retail_price"],
                let currency = retail["currency_code"]?.stringValue, let units = retail["units"]?.intValue,
                let nanos = retail["nanos"]?.intValue
            else {
                skipped["malformed product", default: 0] += 1
                continue
            }
            let measure = product["unit_of_measure"]
            guard (measure?["unit"]?.stringValue ?? "hour") == "hour" else {
                skipped["not priced per hour", default: 0] += 1
                continue
            }
            let per = Int64(max(1, measure?["size"]?.intValue ?? 1))
            // Money in units and nanos (|nanos| < 10^9), exactly; what does not fit is malformed, not a trap.
            let (whole, o1) = Int64(units).multipliedReportingOverflow(by: 1_000_000_000_000)
            let (pico, o2) = whole.addingReportingOverflow(Int64(nanos % 1_000_000_000) * 1000)
            guard !o1, !o2, (-999_999_999...999_999_999).contains(nanos) else {
                skipped["malformed product", default: 0] += 1
                continue
            }
            let offerName =
                product["properties"]?["instance"]?["offer_id"]?.stringValue ?? product["product"]?.stringValue ?? sku
            let raw = gpu["type"]?.stringValue ?? gpu["description"]?.stringValue ?? offerName
            let model = GPUModelName.canonical(raw)
            let memory =
                Self.memoryGiB(offerName) ?? gpu["description"]?.stringValue.flatMap(Self.memoryGiB)
                ?? GPUModelName.nominalMemoryGiB[model]
            let cpu = hardware?["cpu"]
            let zone = product["locality"]?["zone"]?.stringValue ?? product["locality"]?["region"]?.stringValue ?? ""
            let status = product["status"]?.stringValue
            offers.append(
                ComputeOffer(
                    provider: "scaleway", kind: .vm, offerID: "scaleway/\(sku)", instanceType: offerName,
                    gpuModel: model,
                    gpuModelRaw: raw, gpuCount: count, gpuMemoryGiB: memory,
                    vcpus: cpu?["virtual"]?["count"]?.intValue ?? cpu?["threads"]?.intValue,
                    ramMiB: hardware?["ram"]?["size"]?.intValue.map { $0 / 1_048_576 }, location: zone,
                    region: locations.record(zone), pricingModel: .onDemand, currency: currency,
                    pricePerHour: pico > 0 ? Int64(exactly: (Int128(pico) + Int128(per) / 2) / Int128(per)) : nil,
                    availability: status == "end_of_life" ? .none : .unknown))
        }
        return ComputeCatalog(offers: offers, skipped: skipped)
    }

    /// `48` from `L40S-1-48G`, `H100-2-80G` or `NVIDIA L40S 48 GB`.
    static func memoryGiB(_ text: String) -> Int? {
        let parts = text.uppercased().split(whereSeparator: { $0 == "-" || $0 == " " })
        for (i, part) in parts.enumerated() {
            if part.hasSuffix("G"), let n = Int(part.dropLast()), n > 0, i > 0 { return n }
            if part == "GB", i > 0, let n = Int(parts[i - 1]), n > 0 { return n }
        }
        return nil
    }
}
