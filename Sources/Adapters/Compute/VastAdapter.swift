import ProviderInterface

/// Vast.ai's public offer search (<https://docs.vast.ai/api-reference/search/search-offers>):
/// `POST {base}/api/v0/bundles/` with a JSON filter, answered `{"offers": […]}`; no credential.
///
/// Vast allows 10 searches a minute per IP, so one refresh makes at most ``maxQueries``:
/// one per GPU name in `options.gpus` (or one unfiltered search), each ordered by price and
/// capped at `options.limit` (default 64, Vast's page cap). A 429 with a short `Retry-After`
/// is waited out once. Each ask becomes an on-demand offer at `dph_total` and, when it has
/// one, a bid offer at `min_bid`. `gpu_ram` is MB per GPU (snapped to the model's nominal
/// GiB), `cpu_ram` the machine's MB (the offer's share is `× cpu_cores_effective / cpu_cores`),
/// and the country is the last field of `geolocation` (`"Bavaria, DE"`).
public struct VastAdapter: CatalogOnlySource, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let fetcher: CatalogFetcher
    let gpus: [String]
    let limit: Int

    /// Searches one refresh may make (Vast's per-minute limit).
    static let maxQueries = 10

    /// The adapter kind `vast`.
    public static let kind = AdapterKind(name: "vast", validate: VastAdapter.validate, building: VastAdapter.self)

    /// Builds the adapter; throws `.badInput` when the entry's options are invalid.
    public init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError) {
        try AdapterIssue.refuseFirst(Self.validate(entry), entry: entry)
        key = entry.key
        self.entry = entry
        fetcher = CatalogFetcher(entry: entry, context: context)
        gpus = entry.options["gpus"]?.arrayValue?.compactMap(\.stringValue) ?? []
        limit = entry.options["limit"]?.intValue ?? 64
    }

    static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        var issues = LocationTable.unknownOptions(entry, kind: "vast", known: ["gpus", "limit"], locations: false)
        if let gpus = entry.options["gpus"] {
            let names = gpus.arrayValue?.compactMap(\.stringValue) ?? []
            if gpus.arrayValue == nil || names.count != gpus.arrayValue?.count {
                issues.append(
                    AdapterIssue(
                        path: "options.gpus", message: "must be an array of Vast GPU names such as \"RTX 4090\""))
            } else if names.count > maxQueries {
                issues.append(
                    AdapterIssue(
                        path: "options.gpus",
                        message:
                            "names \(names.count) GPUs; Vast allows \(maxQueries) searches a minute, so at most \(maxQueries)"
                    ))
            }
        }
        if let limit = entry.options["limit"], !(1...1000).contains(limit.intValue ?? 0) {
            issues.append(AdapterIssue(path: "options.limit", message: "must be a whole number in 1...1000"))
        }
        return issues
    }

    /// What this source's catalog lists.
    public var catalogKind: CatalogKind { .compute }

    /// The search body for one GPU name (or every GPU).
    func searchBody(gpu: String?) -> JSONValue {
        var body = JSONObject([
            ("limit", .integer(limit)), ("type", "on-demand"), ("order", [["dph_total", "asc"]]),
            ("verified", ["eq": true]), ("rentable", ["eq": true]), ("rented", ["eq": false]),
        ])
        if let gpu { body["gpu_name"] = ["eq": .string(gpu)] }
        return .object(body)
    }

    /// Downloads and normalises the catalog into compute offers (unchanged when its version is the known one).
    public func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog {
        let url = EndpointURL.join(entry.baseURL, "/api/v0/bundles/")
        var catalog = ComputeCatalog(offers: [], requests: 0)
        var seen: Set<String> = []
        for gpu in gpus.isEmpty ? [nil] : gpus.map(Optional.some) {
            let response = try await fetcher.send(fetcher.postJSON(url, body: searchBody(gpu: gpu)))
            catalog.requests += 1
            let page = try parse(try fetcher.json(response, what: "the offer search"))
            catalog.skipped.merge(page.skipped, uniquingKeysWith: +)
            for offer in page.offers where seen.insert(offer.offerID).inserted { catalog.offers.append(offer) }
        }
        return catalog
    }

    /// The offers of one `{"offers": […]}` answer.
    func parse(_ document: JSONValue) throws(ProviderError) -> ComputeCatalog {
        guard let asks = document["offers"]?.arrayValue else {
            throw ProviderError(.malformedResponse, provider: key, message: "the offer search has no \"offers\" array")
        }
        var offers: [ComputeOffer] = []
        var skipped: [String: Int] = [:]
        for ask in asks {
            guard let id = ask["id"]?.intValue, let name = ask["gpu_name"]?.stringValue,
                let count = ask["num_gpus"]?.intValue,
                count > 0, let priceText = ComputeUnits.numberText(ask["dph_total"]),
                let price = ComputeUnits.picoPrice(priceText)
            else {
                skipped["malformed offer", default: 0] += 1
                continue
            }
            // The measured size tells an A100 40 GB from an 80 GB one.
            // MB per GPU; a size beyond any card (1 PiB) is not one, and must not overflow below.
            let ramMB = ask["gpu_ram"]?.intValue.flatMap { (1...(1 << 30)).contains($0) ? $0 : nil }
            let model = GPUModelName.canonical(name, memoryGiB: ramMB.map { ($0 + 512) / 1024 })
            let memory = ramMB.map { GPUModelName.snapMemory(mebibytes: $0, model: model) }
            let effective = ComputeUnits.numberText(ask["cpu_cores_effective"]).flatMap {
                DecimalText.scaled($0, by: 3)?.value
            }
            var ram: Int? = nil
            if let machine = ask["cpu_ram"]?.intValue, let cores = ask["cpu_cores"]?.intValue, cores > 0, let effective
            {
                // The offer's share of the machine, in 128 bits: absurd figures must not trap.
                let share: Int128 = Int128(machine) * Int128(effective) + Int128(cores) * 500
                let divisor: Int128 = Int128(cores) * 1000
                ram = Int(exactly: share / divisor)
            }
            let location = ask["geolocation"]?.stringValue ?? ""
            let country = location.split(separator: ",").last.map { String($0).trimmingSpaces }
            let rentable = ask["rentable"]?.boolValue == true && ask["rented"]?.boolValue != true
            var offer = ComputeOffer(
                provider: "vast", kind: .marketplace, offerID: "vast/\(id)/on-demand",
                instanceType: "\(count)x \(name)",
                gpuModel: model, gpuModelRaw: name, gpuCount: count, gpuMemoryGiB: memory,
                vcpus: effective.map { Int($0 / 1000) }, ramMiB: ram, location: location,
                region: CountryJurisdiction.record(country: country, source: "Vast geolocation"),
                pricingModel: .onDemand,
                currency: "USD", pricePerHour: price, availability: rentable ? .available : .none)
            offers.append(offer)
            if let bidText = ComputeUnits.numberText(ask["min_bid"]), let bid = ComputeUnits.picoPrice(bidText), let bid
            {
                offer.offerID = "vast/\(id)/bid"
                offer.pricingModel = .bid
                offer.pricePerHour = bid
                offers.append(offer)
            }
        }
        return ComputeCatalog(offers: offers, skipped: skipped)
    }
}
