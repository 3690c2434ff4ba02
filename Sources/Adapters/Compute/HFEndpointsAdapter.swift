import ProviderInterface

/// Hugging Face Inference Endpoints' public hardware catalog
/// (<https://api.endpoints.huggingface.cloud/#/v2%3A%3Aprovider/list_vendors>):
/// `GET {base}/v2/provider`, vendor → region → computes, USD per replica-hour, no credential.
///
/// Every GPU compute is a `managed_endpoint` offer of provider `hf-endpoints` at location
/// `vendor/region` (`aws/eu-west-1`), placed through `options.locations`. `gpuMemoryGb` is the
/// total over the replica's GPUs and is divided by `numAccelerators`; `quota` (0 on the
/// public call) is not availability — `status` is.
public struct HFEndpointsAdapter: CatalogOnlySource, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let fetcher: CatalogFetcher
    let locations: LocationTable

    /// The adapter kind `hf-endpoints`.
    public static let kind = AdapterKind(
        name: "hf-endpoints",
        validate: { LocationTable.validate($0) + LocationTable.unknownOptions($0, kind: "hf-endpoints", known: []) },
        building: HFEndpointsAdapter.self)

    /// Builds the adapter.
    public init(entry: ProviderEntry, context: AdapterContext) {
        key = entry.key
        self.entry = entry
        fetcher = CatalogFetcher(entry: entry, context: context)
        locations = LocationTable(entry: entry)
    }

    /// What this source's catalog lists.
    public var catalogKind: CatalogKind { .compute }

    /// Downloads and normalises the catalog into compute offers (unchanged when its version is the known one).
    public func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog {
        let response = try await fetcher.send(fetcher.get(EndpointURL.join(entry.baseURL, "/v2/provider")))
        return try parse(try fetcher.json(response, what: "the endpoints catalog"))
    }

    /// The offers of a `/v2/provider` document (keys in any order).
    func parse(_ document: JSONValue) throws(ProviderError) -> ComputeCatalog {
        guard let vendors = document["vendors"]?.arrayValue else {
            throw ProviderError(
                .malformedResponse, provider: key, message: "the endpoints catalog has no \"vendors\" array")
        }
        var offers: [ComputeOffer] = []
        var skipped: [String: Int] = [:]
        for vendor in vendors {
            guard let vendorName = vendor["name"]?.stringValue else {
                skipped["vendor without a name", default: 0] += 1
                continue
            }
            for region in vendor["regions"]?.arrayValue ?? [] {
                guard let regionName = region["name"]?.stringValue else {
                    skipped["region without a name", default: 0] += 1
                    continue
                }
                let location = "\(vendorName)/\(regionName)"
                for compute in region["computes"]?.arrayValue ?? [] {
                    switch offer(compute, location: location) {
                    case .success(let offer): offers.append(offer)
                    case .failure(let reason): skipped[reason.text, default: 0] += 1
                    }
                }
            }
        }
        return ComputeCatalog(offers: offers, skipped: skipped)
    }

    struct Skip: Error { var text: String }

    func offer(_ compute: JSONValue, location: String) -> Result<ComputeOffer, Skip> {
        guard compute["accelerator"]?.stringValue == "gpu" else { return .failure(Skip(text: "not a GPU")) }
        guard let type = compute["instanceType"]?.stringValue, let size = compute["instanceSize"]?.stringValue,
            let count = compute["numAccelerators"]?.intValue, count > 0
        else { return .failure(Skip(text: "malformed compute")) }
        guard let priceText = ComputeUnits.numberText(compute["pricePerHour"]),
            let price = ComputeUnits.picoPrice(priceText)
        else {
            return .failure(Skip(text: "malformed price"))
        }
        // The total over all GPUs; a size beyond any machine is not one (and must not overflow below).
        let total = compute["gpuMemoryGb"]?.intValue.flatMap { (0...(1 << 30)).contains($0) ? $0 : nil }
        let perGPU = total.map { ($0 + count / 2) / count }
        let raw = compute["architecture"]?.stringValue ?? type
        let model = GPUModelName.canonical(type, memoryGiB: perGPU)
        let availability: ComputeAvailability =
            switch compute["status"]?.stringValue {
            case "available": .available
            case "low_availability": .low
            case "not_available", "deprecated": .none
            default: .unknown
            }
        return .success(
            ComputeOffer(
                provider: "hf-endpoints", kind: .managedEndpoint,
                offerID: compute["id"]?.stringValue ?? "\(location)/\(type)-\(size)", instanceType: "\(type):\(size)",
                gpuModel: model, gpuModelRaw: raw, gpuCount: count,
                gpuMemoryGiB: perGPU ?? GPUModelName.nominalMemoryGiB[model],
                vcpus: compute["numCpus"]?.intValue,
                ramMiB: ComputeUnits.numberText(compute["memoryGb"]).flatMap(ComputeUnits.mebibytes(gigabytes:)),
                location: location, region: locations.record(location), pricingModel: .onDemand, currency: "USD",
                pricePerHour: price, availability: availability))
    }
}
