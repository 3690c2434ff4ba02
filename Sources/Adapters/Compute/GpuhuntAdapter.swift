import ProviderInterface

/// One provider of gpuhunt's published catalogs (dstack, <https://github.com/dstackai/gpuhunt>):
/// `GET {base}/v3/{provider}/version`, then `GET {base}/v3/{provider}/{version}/catalog.zip`
/// only when the version differs from the stored one. The zip holds `{provider}.csv`, one
/// schema for every provider, prices in USD per instance-hour.
///
/// Options: `provider` (gpuhunt's name: `aws`, `azure`, `gcp`, `runpod`, …), `offer_kind`
/// (`vm` by default, `pod` for RunPod), `max_age_days` (a catalog published longer ago is
/// refused as outdated; default 2), and the location table (``LocationTable``). Rows without a
/// GPU are skipped; malformed rows are skipped and counted, as gpuhunt's own loader does.
public struct GpuhuntAdapter: CatalogOnlySource, EntryAdapter {
    /// The registry key.
    public let key: String
    let entry: ProviderEntry
    let fetcher: CatalogFetcher
    let locations: LocationTable
    /// gpuhunt's provider name.
    let provider: String
    let offerKind: ComputeOfferKind
    let maxAgeDays: Int

    /// The adapter kind `gpuhunt`.
    public static let kind = AdapterKind(
        name: "gpuhunt", validate: GpuhuntAdapter.validate, building: GpuhuntAdapter.self)

    /// Builds the adapter; throws `.badInput` when the entry's options are invalid.
    public init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError) {
        try AdapterIssue.refuseFirst(Self.validate(entry), entry: entry)
        key = entry.key
        self.entry = entry
        fetcher = CatalogFetcher(entry: entry, context: context)
        locations = LocationTable(entry: entry)
        provider = entry.options["provider"]?.stringValue ?? ""
        offerKind = entry.options["offer_kind"]?.stringValue.flatMap(ComputeOfferKind.init(rawValue:)) ?? .vm
        maxAgeDays = entry.options["max_age_days"]?.intValue ?? 2
    }

    static func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        var issues =
            LocationTable.validate(entry)
            + LocationTable.unknownOptions(entry, kind: "gpuhunt", known: ["provider", "offer_kind", "max_age_days"])
        let name = entry.options["provider"]?.stringValue ?? ""
        if name.isEmpty || !name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }) {
            issues.append(
                AdapterIssue(
                    path: "options.provider", message: "required: gpuhunt's provider name such as \"aws\" or \"runpod\""
                ))
        }
        if let kind = entry.options["offer_kind"], kind.stringValue.flatMap(ComputeOfferKind.init(rawValue:)) == nil {
            issues.append(
                AdapterIssue(
                    path: "options.offer_kind",
                    message: "must be one of \(ComputeOfferKind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        // Bounded: the age is turned into milliseconds, which a huge number of days would overflow.
        if let age = entry.options["max_age_days"], !(1...36_500).contains(age.intValue ?? 0) {
            issues.append(
                AdapterIssue(path: "options.max_age_days", message: "must be a whole number of days in 1...36500"))
        }
        return issues
    }

    /// What this source's catalog lists.
    public var catalogKind: CatalogKind { .compute }

    /// Downloads and normalises the catalog into compute offers (unchanged when its version is the known one).
    public func listComputeOffers(_ request: ComputeCatalogRequest) async throws(ProviderError) -> ComputeCatalog {
        let base = EndpointURL.join(entry.baseURL, "/v3/\(provider)")
        let versionResponse = try await fetcher.send(fetcher.get(base + "/version", accept: "text/plain"))
        let version = String(decoding: versionResponse.body, as: UTF8.self).trimmingSpaces
        guard !version.isEmpty, version.utf8.count <= 64, !version.contains("/") else {
            throw ProviderError(
                .malformedResponse, provider: key, message: "gpuhunt's \(provider) version file holds no version")
        }
        let published = Self.publishedAtMs(version)
        let maxAge = Int64(maxAgeDays) * 86_400_000
        if version == request.knownVersion {
            return ComputeCatalog(
                offers: [], version: version, unchanged: true, publishedAtMs: published, maxAgeMs: maxAge)
        }
        let zip = try await fetcher.send(fetcher.get("\(base)/\(version)/catalog.zip", accept: "application/zip"))
        var catalog = try parse(zip: zip.body)
        catalog.version = version
        catalog.publishedAtMs = published
        catalog.maxAgeMs = maxAge
        catalog.requests = 2
        return catalog
    }

    /// The offers of a `catalog.zip`.
    func parse(zip bytes: [UInt8]) throws(ProviderError) -> ComputeCatalog {
        let csv: [UInt8]
        do {
            let archive = try ZipArchive(bytes)
            guard
                let member = archive.member(named: "\(provider).csv")
                    ?? archive.members.first(where: { $0.name.hasSuffix(".csv") })
            else { throw ZipError(message: "no \(provider).csv in the archive") }
            csv = try archive.contents(of: member)
        } catch {
            throw ProviderError(
                .malformedResponse, provider: key, message: "gpuhunt's \(provider) catalog.zip: \(error)")
        }
        return try parse(csv: csv)
    }

    /// The offers of `{provider}.csv`, read by its header.
    func parse(csv bytes: [UInt8]) throws(ProviderError) -> ComputeCatalog {
        let table: CSVTable
        do {
            table = try CSVTable(bytes)
        } catch {
            throw ProviderError(.malformedResponse, provider: key, message: "gpuhunt's \(provider).csv: \(error)")
        }
        let columns = Dictionary(table.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let required = ["instance_name", "location", "price", "gpu_count", "gpu_name"]
        if let missing = required.first(where: { columns[$0] == nil }) {
            throw ProviderError(
                .malformedResponse, provider: key, message: "gpuhunt's \(provider).csv has no \"\(missing)\" column")
        }
        // Column positions once; names, GPU models and locations repeat across rows, so their
        // canonical forms and region records are derived once each.
        let width = table.header.count
        func position(_ name: String) -> Int { columns[name] ?? width }
        let (countAt, priceAt, instanceAt, locationAt, gpuAt) = (
            position("gpu_count"), position("price"), position("instance_name"), position("location"),
            position("gpu_name")
        )
        let (memoryAt, spotAt, cpuAt, ramAt) = (
            position("gpu_memory"), position("spot"), position("cpu"), position("memory")
        )
        var models: [String: [Int?: String]] = [:]
        var places: [String: RegionRecord] = [:]
        var offers: [ComputeOffer] = []
        offers.reserveCapacity(table.rows.count)
        var skipped: [String: Int] = [:]
        for row in table.rows {
            guard row.fields.count == width else {
                skipped["malformed row", default: 0] += 1
                continue
            }
            func field(_ at: Int) -> String? { at < width && !row.fields[at].isEmpty ? row.fields[at] : nil }
            guard let countText = field(countAt), let count = ComputeUnits.whole(countText), count >= 0,
                let priceText = field(priceAt), let price = ComputeUnits.picoPrice(priceText),
                let instance = field(instanceAt), let location = field(locationAt)
            else {
                skipped["malformed row", default: 0] += 1
                continue
            }
            guard count > 0, let gpuName = field(gpuAt) else {
                skipped["no GPU", default: 0] += 1
                continue
            }
            let memory = field(memoryAt).flatMap(ComputeUnits.whole)
            let pricing: ComputePricingModel =
                field(spotAt).map { $0 == "True" || $0 == "true" } == true ? .spot : .onDemand
            let model: String
            if let known = models[gpuName]?[memory] {
                model = known
            } else {
                model = GPUModelName.canonical(gpuName, memoryGiB: memory)
                models[gpuName, default: [:]][memory] = model
            }
            let region: RegionRecord
            if let known = places[location] {
                region = known
            } else {
                region = locations.record(location)
                places[location] = region
            }
            offers.append(
                ComputeOffer(
                    provider: provider, kind: offerKind,
                    offerID: "\(provider)/\(instance)/\(location)/x\(count)/\(pricing.rawValue)",
                    instanceType: instance,
                    gpuModel: model, gpuModelRaw: gpuName, gpuCount: count,
                    gpuMemoryGiB: memory ?? GPUModelName.nominalMemoryGiB[model],
                    vcpus: field(cpuAt).flatMap(ComputeUnits.whole),
                    ramMiB: field(ramAt).flatMap(ComputeUnits.mebibytes(gigabytes:)), location: location,
                    region: region, pricingModel: pricing, currency: "USD", pricePerHour: price,
                    availability: .unknown))
        }
        return ComputeCatalog(offers: offers, skipped: skipped, requests: 1)
    }

    /// Midnight UTC of a `YYYYMMDD-N` version's day, in Unix milliseconds.
    static func publishedAtMs(_ version: String) -> Int64? {
        let digits = Array(version.utf8.prefix(8))
        guard digits.count == 8, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let n = digits.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
        let (y, m, d) = (n / 10_000, n / 100 % 100, n % 100)
        guard (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Howard Hinnant's days-from-civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400_000
    }
}
