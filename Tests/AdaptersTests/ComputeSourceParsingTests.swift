@testable import Adapters
import ProviderInterface
import ProviderSimulator
import Testing

/// The compute sources' formats, read without a socket: ZIP, CSV, the ECB's XML, GPU names.
@Suite("compute sources: archive, CSV, rates and names")
struct ComputeSourceParsingTests {
    @Test("a deflated catalog.zip is read back byte for byte; a damaged one is refused with the reason")
    func zip() throws {
        let csv = Array(ComputeFixtures.awsCSV.utf8)
        let archive = ZipWriter.archive([
            (name: "aws.csv", contents: csv), (name: "notes.txt", contents: Array("x".utf8)),
        ])
        let zip = try ZipArchive(archive)
        #expect(zip.members.map(\.name) == ["aws.csv", "notes.txt"])
        let member = try #require(zip.member(named: "aws.csv"))
        #expect(member.method == 8 && member.compressedSize < member.size)
        #expect(try zip.contents(of: member) == csv)
        // One flipped byte in the deflated data: zlib or the CRC-32 refuses it.
        var damaged = archive
        damaged[60] ^= 0x55
        let reread = try ZipArchive(damaged)
        #expect(throws: ZipError.self) { try reread.contents(of: reread.members[0]) }
        // Cut short: no end-of-central-directory record.
        #expect(throws: ZipError.self) { try ZipArchive(Array(archive.prefix(archive.count - 30))) }
    }

    @Test("CSV: quoted fields with commas and doubled quotes, CRLF ends, and an unclosed quote named by line")
    func csv() throws {
        let table = try CSVTable(Array("a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\n4,,6".utf8))
        #expect(table.header == ["a", "b", "c"])
        #expect(table.rows.map(\.fields) == [["1", "x, \"y\"", "3"], ["4", "", "6"]])
        #expect(table.rows.map(\.line) == [2, 4])
        #expect(throws: CSVError(message: "a quote opened on line 2 is never closed")) {
            try CSVTable(Array("a\n\"open\n".utf8))
        }
    }

    @Test("gpuhunt's CSV: per-GPU memory, spot rows, CPU rows skipped, malformed rows counted, locations placed")
    func gpuhuntCSV() throws {
        let entry = ProviderEntry(
            key: "gpuhunt-aws", adapter: "gpuhunt", baseURL: "http://127.0.0.1:1",
            options: JSONObject([("provider", "aws"), ("locations", ["eu-central-1": "DE", "eu-central-2": "CH"])]))
        let adapter = try GpuhuntAdapter(
            entry: entry, context: AdapterContext(environment: [:], transport: CurlTransport.shared))
        let catalog = try adapter.parse(csv: Array(ComputeFixtures.awsCSV.utf8))
        #expect(catalog.offers.count == 5)
        #expect(catalog.skipped == ["malformed row": 1, "no GPU": 1])
        let h100 = try #require(catalog.offers.first { $0.location == "eu-central-2" })
        #expect(h100.pricePerHour == 110_500_000_000_000)
        #expect(h100.pricePerGPUHour == 13_812_500_000_000)
        #expect(h100.gpuMemoryGiB == 80 && h100.ramMiB == 2048 * 1024 && h100.vcpus == 192)
        #expect(h100.region.region == Region.ch && h100.region.complianceTags.isEmpty)
        // not in this table
        #expect(catalog.offers.first { $0.location == "eu-west-2" }?.region == RegionRecord.unknown)
        #expect(GpuhuntAdapter.publishedAtMs("20260818-42") == 1_787_011_200_000)
        #expect(GpuhuntAdapter.publishedAtMs("latest") == nil)
    }

    @Test("the ECB's daily XML: the day and every rate as text; an inverted USD quote is refused")
    func ecb() throws {
        let adapter = ECBRatesAdapter(
            entry: ProviderEntry(key: "ecb", adapter: "ecb-rates", baseURL: "http://127.0.0.1:1"),
            context: AdapterContext(environment: [:], transport: CurlTransport.shared))
        let rates = try adapter.parse(ComputeFixtures.defaultECB)
        #expect(rates.date == "2026-07-09")
        #expect(rates.perEuro["USD"] == "1.1435" && rates.perEuro["GBP"] == "0.85363" && rates.perEuro.count == 5)
        #expect(rates.basis == "ecb:2026-07-09")
        let inverted = ComputeFixtures.defaultECB.replacingAll("rate='1.1435'", with: "rate='0.8745'")
        #expect(throws: ProviderError.self) { _ = try adapter.parse(inverted) }
        let misplaced = ComputeFixtures.defaultECB.replacingAll("rate='1.1435'", with: "rate='11.435'")
        #expect(throws: ProviderError.self) { _ = try adapter.parse(misplaced) }
        #expect(throws: ProviderError.self) { _ = try adapter.parse("<Cube></Cube>") }
    }

    @Test("GPU names: each source's spelling becomes one canonical model, and a query matches only its variants")
    func gpuNames() {
        #expect(GPUModelName.canonical("NVIDIA H100 80GB HBM3") == "H100")
        #expect(GPUModelName.canonical("H100 SXM") == "H100-SXM")
        #expect(GPUModelName.canonical("H100NVL") == "H100-NVL")
        #expect(GPUModelName.canonical("H100 PCIe") == "H100-PCIE")
        #expect(GPUModelName.canonical("nvidia-l4") == "L4")
        #expect(GPUModelName.canonical("NVIDIA GeForce RTX 4090") == "RTX4090")
        #expect(GPUModelName.canonical("A100", memoryGiB: 40) == "A100-40GB")
        #expect(GPUModelName.canonical("NVIDIA A100 80GB PCIe") == "A100-80GB")
        #expect(GPUModelName.matches("H100-SXM", query: "h100"))
        #expect(GPUModelName.matches("A100-80GB", query: "A100"))
        #expect(!GPUModelName.matches("L40S", query: "L4"))
        #expect(!GPUModelName.matches("A100-40GB", query: "A100 80GB"))
        #expect(GPUModelName.snapMemory(mebibytes: 24564, model: "RTX4090") == 24)
        #expect(GPUModelName.snapMemory(mebibytes: 143771, model: "H200") == 141)
        #expect(GPUModelName.canonical("A100 SXM4", memoryGiB: 80) == "A100-80GB")
        #expect(ScalewayCatalogAdapter.memoryGiB("L40S-1-48G") == 48)
        #expect(ScalewayCatalogAdapter.memoryGiB("NVIDIA H100 PCIe 80 GB") == 80)
    }

    @Test("currency conversion is exact integer arithmetic, rounded half up, through the euro")
    func converter() {
        let c = CurrencyConverter(
            rates: ExchangeRates(date: "2026-07-09", perEuro: ["USD": "1.1435", "JPY": "185.72"]))
        #expect(c.convert(1_400_000_000_000, from: "EUR", to: "USD") == 1_600_900_000_000)
        #expect(c.convert(1_000_000_000_000, from: "USD", to: "EUR") == 874_508_089_200)  // 1 / 1.1435, half up
        #expect(c.convert(1, from: "EUR", to: "USD") == 1)  // 1.1435 rounds to 1
        #expect(c.convert(3, from: "EUR", to: "USD") == 3)  // 3.4305
        #expect(c.convert(7, from: "EUR", to: "USD") == 8)  // 8.0045
        #expect(c.convert(1_000_000_000_000, from: "JPY", to: "USD") == 6_157_118_243)  // 6157118242.516
        #expect(c.convert(5, from: "GBP", to: "USD") == nil)
        #expect(c.sortFactor(from: "EUR", to: "USD") == 1_143_500)
        #expect(c.convert(Int64.max, from: "EUR", to: "USD") == nil)  // past 64 bits: no answer, no trap
    }

    @Test("countries place a location: the EU/EEA, the UK, Switzerland, Asia-Pacific, else unknown")
    func jurisdiction() {
        #expect(CountryJurisdiction.record(country: "CH").region == .ch)
        #expect(CountryJurisdiction.record(country: "IS").complianceTags == [.euResidency, .gdpr])
        #expect(CountryJurisdiction.record(country: "GB").complianceTags == [.gdpr])
        #expect(CountryJurisdiction.record(country: "KR").region == .apac)
        #expect(CountryJurisdiction.record(country: "CA") == RegionRecord(region: .unknown, countries: ["CA"]))
        #expect(CountryJurisdiction.record(country: "CA").complianceTags.isEmpty)
        #expect(CountryJurisdiction.record(country: "eu") == .unknown)
        #expect(CountryJurisdiction.record(country: nil) == .unknown)
    }

    @Test("registry entries of the compute kinds are validated with the field named")
    func validation() {
        func issues(_ adapter: String, _ options: JSONObject) -> [String] {
            AdapterFactory.standard.validate(
                ProviderEntry(key: "x", adapter: adapter, baseURL: "https://example.com", options: options)
            )
            .map { "\($0.path): \($0.message)" }
        }
        #expect(issues("gpuhunt", JSONObject()).contains { $0.hasPrefix("options.provider: required") })
        #expect(
            issues("gpuhunt", JSONObject([("provider", "aws"), ("offer_kind", "rack")])).contains {
                $0.hasPrefix("options.offer_kind:")
            })
        #expect(
            issues("gpuhunt", JSONObject([("provider", "aws"), ("locations", ["eu-west-1": "Ireland"])]))
                .contains { $0.hasPrefix("options.locations.eu-west-1:") })
        let eleven = JSONValue.array((0..<11).map { .string("GPU \($0)") })
        #expect(
            issues("vast", JSONObject([("gpus", eleven)])).contains { $0.contains("Vast allows 10 searches a minute") })
        #expect(
            issues("scaleway-catalog", JSONObject([("page_size", 0)])).contains { $0.hasPrefix("options.page_size:") })
        // Days past what milliseconds hold once crashed the refresh; now the field is named.
        #expect(
            issues("gpuhunt", JSONObject([("provider", "aws"), ("max_age_days", .integer(Int.max))]))
                .contains { $0.hasPrefix("options.max_age_days: must be a whole number of days in 1...36500") })
        #expect(
            issues("hf-endpoints", JSONObject([("typo", true)])).contains {
                $0.hasPrefix("options.typo: unknown option")
            })
        #expect(
            issues("gpuhunt", JSONObject([("provider", "runpod"), ("offer_kind", "pod"), ("country_locations", true)]))
                .isEmpty)
    }

    @Test(
        "numbers no card or price has (sizes, counts and prices near the largest integer) are skipped or unknown, never a crash of the refresh"
    )
    func absurdNumbers() throws {
        let context = AdapterContext(environment: [:], transport: CurlTransport.shared)
        let vast = try VastAdapter(
            entry: ProviderEntry(key: "vast", adapter: "vast", baseURL: "http://127.0.0.1:1"), context: context)
        let asks = try JSONParser.parse(
            #"{"offers": [{"id": 1, "gpu_name": "RTX 4090", "num_gpus": 3, "gpu_ram": 9223372036854775807, "cpu_cores": 1, "cpu_cores_effective": 9000000000000000, "cpu_ram": 9223372036854775807, "dph_total": 9223372.036854775807, "geolocation": "Bavaria, DE", "rentable": true}]}"#
        )
        let offer = try #require(try vast.parse(asks).offers.first)
        #expect(offer.pricePerHour == Int64.max)
        #expect(offer.pricePerGPUHour == 3_074_457_345_618_258_602)  // (2^63) / 3, rounded half up
        #expect(offer.gpuMemoryGiB == nil && offer.ramMiB == nil)

        let scaleway = try ScalewayCatalogAdapter(
            entry: ProviderEntry(key: "scaleway-gpu", adapter: "scaleway-catalog", baseURL: "http://127.0.0.1:1"),
            context: context)
        let product = try JSONParser.parse(
            ComputeFixtures.defaultScalewayProducts[1].replacingOccurrences(
                of: #""nanos": 400000000"#, with: #""nanos": 9223372036854775807"#))
        #expect(scaleway.parse([product]).skipped == ["malformed product": 1])

        let hf = HFEndpointsAdapter(
            entry: ProviderEntry(key: "hf-endpoints", adapter: "hf-endpoints", baseURL: "http://127.0.0.1:1"),
            context: context)
        let vendors = try JSONParser.parse(
            #"{"vendors": [{"name": "aws", "regions": [{"name": "us-east-1", "computes": [{"accelerator": "gpu", "instanceType": "nvidia-l4", "instanceSize": "x2", "numAccelerators": 2, "gpuMemoryGb": 9223372036854775807, "memoryGb": 9e15, "pricePerHour": 1.6}]}]}]}"#
        )
        let endpoint = try #require(try hf.parse(vendors).offers.first)
        #expect(endpoint.gpuMemoryGiB == 24 && endpoint.ramMiB == nil)  // the L4's nominal size; RAM unknown

        #expect(GPUModelName.canonical("Tesla 99999999999999999999999GB") == GPUModelName.canonical("Tesla"))
    }
}
