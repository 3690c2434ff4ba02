#if canImport(Glibc)
    import Glibc
#endif

/// One provider's catalog as gpuhunt publishes it: the `version` file and the CSV inside
/// `{version}/catalog.zip`.
public struct GpuhuntCatalogFixture: Sendable {
    /// The version text (`20261205-7`).
    public var version: String
    /// The CSV, header first.
    public var csv: String

    /// A catalog.
    public init(version: String, csv: String) {
        self.version = version
        self.csv = csv
    }

    /// `YYYYMMDD-run` for the UTC day `daysAgo` days before now, as gpuhunt names versions.
    public static func version(daysAgo: Int = 0, run: Int = 1) -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let days = Int64(ts.tv_sec) / 86_400 - Int64(daysAgo)
        // Howard Hinnant's civil-from-days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)\(two(m))\(two(d))-\(run)"
    }
}

/// The GPU compute sources and the ECB rates the simulator serves: Hugging Face Inference
/// Endpoints (`GET /v2/provider`), gpuhunt (`GET /v3/{p}/version`, `/v3/{p}/{v}/catalog.zip`),
/// Vast.ai (`POST /api/v0/bundles/`), Scaleway's product catalog
/// (`GET /product-catalog/v2alpha1/public-catalog/products`) and the ECB
/// (`GET /stats/eurofxref/eurofxref-daily.xml`).
///
/// The defaults carry each source's faults: gpuhunt's `azure` catalog is 10 days old, its
/// `aws` CSV has a malformed row and a CPU row, Vast answers 429 past ``vastRequestsPerMinute``
/// searches a minute, and Scaleway's catalog ends on a short page.
public struct ComputeFixtures: Sendable {
    /// The `/v2/provider` document.
    public var hfEndpoints: String
    /// gpuhunt catalogs by provider name.
    public var gpuhunt: [String: GpuhuntCatalogFixture]
    /// Vast asks, each one JSON object.
    public var vastOffers: [String]
    /// Vast searches allowed per minute before 429.
    public var vastRequestsPerMinute: Int
    /// Scaleway products, each one JSON object.
    public var scalewayProducts: [String]
    /// The ECB daily rates document.
    public var ecbXML: String

    /// The default sources (see the type's documentation).
    public init() {
        hfEndpoints = Self.defaultHFEndpoints
        gpuhunt = [
            "aws": GpuhuntCatalogFixture(version: GpuhuntCatalogFixture.version(), csv: Self.awsCSV),
            "runpod": GpuhuntCatalogFixture(version: GpuhuntCatalogFixture.version(run: 3), csv: Self.runpodCSV),
            "azure": GpuhuntCatalogFixture(version: GpuhuntCatalogFixture.version(daysAgo: 10), csv: Self.azureCSV),
        ]
        vastOffers = Self.defaultVastOffers
        vastRequestsPerMinute = 10
        scalewayProducts = Self.defaultScalewayProducts
        ecbXML = Self.defaultECB
    }

    static let csvHeader =
        "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n"

    /// AWS: L40S on demand and spot in Frankfurt, H100 in Virginia and in Zurich (`eu-central-2`,
    /// Switzerland, not the EU), L4 in London, a CPU row and a malformed row.
    public static let awsCSV =
        csvHeader + """
            g6e.xlarge,eu-central-1,2.327,4,32.0,1,L40S,48.0,False,,nvidia,,x86,
            g6e.xlarge,eu-central-1,1.4934,4,32.0,1,L40S,48.0,True,,nvidia,,x86,
            p5.48xlarge,us-east-1,98.32,192,2048.0,8,H100,80.0,False,,nvidia,,x86,"{""pod_counts"": [1, 2]}"
            p5.48xlarge,eu-central-2,110.5,192,2048.0,8,H100,80.0,False,,nvidia,,x86,
            g6.xlarge,eu-west-2,0.9776,4,16.0,1,L4,24.0,False,,nvidia,,x86,
            c5.large,us-east-1,0.085,2,4.0,0,,,False,,,,x86,
            p4d.24xlarge,eu-west-1,not-a-price,96,1152.0,8,A100,40.0,False,,nvidia,,x86,

            """

    /// RunPod: secure-cloud data centres and a community-cloud country code.
    public static let runpodCSV =
        csvHeader + """
            NVIDIA A100 80GB PCIe,EU-RO-1,1.64,8,117.0,1,A100,80.0,False,,nvidia,,x86,
            NVIDIA H100 80GB HBM3,EUR-IS-1,2.99,16,125.0,1,H100,80.0,False,,nvidia,,x86,
            NVIDIA H100 NVL,US-TX-3,2.59,16,94.0,1,H100NVL,94.0,False,,nvidia,,x86,
            NVIDIA GeForce RTX 4090,CZ,0.34,6,41.0,1,RTX4090,24.0,False,,nvidia,,x86,

            """

    /// Azure, published 10 days ago.
    public static let azureCSV =
        csvHeader + """
            Standard_NC24ads_A100_v4,westeurope,3.672,24,220.0,1,A100,80.0,False,,nvidia,,x86,

            """

    /// Two vendors with a CPU row, key order as the public call has it in one row, an EU row.
    public static let defaultHFEndpoints = """
        {"vendors": [
          {"name": "aws", "status": "available", "regions": [
            {"name": "us-east-1", "label": "N. Virginia", "status": "available", "computes": [
              {"id": "aws-us-east-1-nvidia-l4-x1", "accelerator": "gpu", "instanceType": "nvidia-l4", "instanceSize": "x1",
               "architecture": "Nvidia L4", "gpuMemoryGb": 24, "pricePerHour": 0.8, "status": "available", "numAccelerators": 1,
               "numCpus": 7, "memoryGb": 30.0, "quota": {"maxAccelerators": 0, "usedAccelerators": 0}},
              {"id": "aws-us-east-1-nvidia-l4-x4", "accelerator": "gpu", "numAccelerators": 4, "numCpus": 47,
               "memoryGb": 186.0, "gpuMemoryGb": 96, "instanceType": "nvidia-l4", "instanceSize": "x4",
               "architecture": "Nvidia L4", "status": "available", "pricePerHour": 3.8,
               "quota": {"maxAccelerators": 0, "usedAccelerators": 0}},
              {"id": "aws-us-east-1-intel-spr-x1", "accelerator": "cpu", "numAccelerators": 1,
               "memoryGb": 2.0, "gpuMemoryGb": null, "instanceType": "intel-spr", "instanceSize": "x1",
               "architecture": "Intel Sapphire Rapids", "status": "available", "pricePerHour": 0.033,
               "quota": {"maxAccelerators": 0, "usedAccelerators": 0}}]},
            {"name": "eu-west-1", "label": "Ireland", "status": "available", "computes": [
              {"id": "aws-eu-west-1-nvidia-l40s-x1", "accelerator": "gpu", "numAccelerators": 1, "numCpus": 8,
               "memoryGb": 62.0, "gpuMemoryGb": 48, "instanceType": "nvidia-l40s", "instanceSize": "x1",
               "architecture": "Nvidia L40S", "status": "low_availability", "pricePerHour": 1.8,
               "quota": {"maxAccelerators": 0, "usedAccelerators": 0}}]}]},
          {"name": "gcp", "status": "available", "regions": [
            {"name": "us-east4", "label": "Virginia", "status": "available", "computes": [
              {"id": "gcp-us-east4-nvidia-a100-x8", "accelerator": "gpu", "numAccelerators": 8, "numCpus": 96,
               "memoryGb": 680.0, "gpuMemoryGb": 640, "instanceType": "nvidia-a100", "instanceSize": "x8",
               "architecture": "Nvidia A100", "status": "reserved", "pricePerHour": 28.8,
               "quota": {"maxAccelerators": 0, "usedAccelerators": 0}}]}]}]}
        """

    /// Asks in Germany, the US, South Korea (binary-float prices), France and the UK.
    public static let defaultVastOffers: [String] = [
        #"{"id": 13506001, "gpu_name": "RTX 4090", "num_gpus": 1, "gpu_ram": 24564, "cpu_cores": 32, "cpu_cores_effective": 16.0, "cpu_ram": 128000, "dph_base": 0.38, "dph_total": 0.40, "min_bid": 0.2, "geolocation": "Bavaria, DE", "verification": "verified", "hosting_type": 0, "rentable": true, "rented": false}"#,
        #"{"id": 13489095, "gpu_name": "RTX 4090", "num_gpus": 1, "gpu_ram": 24564, "cpu_cores": 24, "cpu_cores_effective": 12.0, "cpu_ram": 32069, "dph_base": 0.16666666666666666, "dph_total": 0.16805555555555554, "min_bid": 0.16, "geolocation": "South Korea, KR", "verification": "verified", "hosting_type": 0, "rentable": true, "rented": false}"#,
        #"{"id": 14000001, "gpu_name": "H100 SXM", "num_gpus": 8, "gpu_ram": 81559, "cpu_cores": 128, "cpu_cores_effective": 128.0, "cpu_ram": 1031000, "dph_base": 17.6, "dph_total": 18.4, "min_bid": null, "geolocation": "Texas, US", "verification": "verified", "hosting_type": 1, "rentable": true, "rented": false}"#,
        #"{"id": 14000002, "gpu_name": "H200", "num_gpus": 1, "gpu_ram": 143771, "cpu_cores": 32, "cpu_cores_effective": 32.0, "cpu_ram": 65536, "dph_base": 2.6, "dph_total": 2.65, "min_bid": 1.9, "geolocation": "France, FR", "verification": "verified", "hosting_type": 1, "rentable": true, "rented": false}"#,
        #"{"id": 14000003, "gpu_name": "RTX 4090", "num_gpus": 2, "gpu_ram": 24564, "cpu_cores": null, "cpu_cores_effective": 8.0, "cpu_ram": 64000, "dph_base": 0.7, "dph_total": 0.72, "min_bid": 0.5, "geolocation": "United Kingdom, GB", "verification": "verified", "hosting_type": 0, "rentable": true, "rented": false}"#,
    ]

    /// GPU instances in Paris, Amsterdam and Warsaw (EUR) and one CPU instance.
    public static let defaultScalewayProducts: [String] = [
        #"{"sku": "/compute/pop2_hc_2c_4g/run_fr-par-2", "service_category": "Compute", "product": "POP2-HC-2C-4G Instance", "locality": {"zone": "fr-par-2"}, "price": {"retail_price": {"currency_code": "EUR", "units": 0, "nanos": 53200000}}, "unit_of_measure": {"unit": "hour", "size": 1}, "status": "general_availability", "properties": {"hardware": {"cpu": {"arch": "x64", "threads": 2, "virtual": {"count": 2}}, "ram": {"description": "4 GiB", "size": 4294967296}}}}"#,
        #"{"sku": "/compute/l40s_1_48g/run_fr-par-2", "service_category": "Compute", "product_category": "Instance", "product": "L40S-1-48G Instance", "status": "general_availability", "locality": {"zone": "fr-par-2"}, "price": {"retail_price": {"currency_code": "EUR", "units": 1, "nanos": 400000000}}, "unit_of_measure": {"unit": "hour", "size": 1}, "properties": {"hardware": {"cpu": {"arch": "x64", "threads": 8, "virtual": {"count": 8}}, "ram": {"description": "96 GiB", "size": 103079215104}, "gpu": {"description": "NVIDIA L40S 48 GB", "count": 1, "type": "L40S"}}, "instance": {"range": "GPU", "offer_id": "L40S-1-48G"}}}"#,
        #"{"sku": "/compute/h100_1_80g/run_fr-par-2", "service_category": "Compute", "product_category": "Instance", "product": "H100-1-80G Instance", "status": "general_availability", "locality": {"zone": "fr-par-2"}, "price": {"retail_price": {"currency_code": "EUR", "units": 2, "nanos": 730000000}}, "unit_of_measure": {"unit": "hour", "size": 1}, "properties": {"hardware": {"cpu": {"arch": "x64", "threads": 24, "virtual": {"count": 24}}, "ram": {"description": "240 GiB", "size": 257698037760}, "gpu": {"description": "NVIDIA H100 PCIe 80 GB", "count": 1, "type": "H100 PCIe"}}, "instance": {"range": "GPU", "offer_id": "H100-1-80G"}}}"#,
        #"{"sku": "/compute/l4_1_24g/run_nl-ams-1", "service_category": "Compute", "product_category": "Instance", "product": "L4-1-24G Instance", "status": "general_availability", "locality": {"zone": "nl-ams-1"}, "price": {"retail_price": {"currency_code": "EUR", "units": 0, "nanos": 750000000}}, "unit_of_measure": {"unit": "hour", "size": 1}, "properties": {"hardware": {"cpu": {"arch": "x64", "threads": 8, "virtual": {"count": 8}}, "ram": {"description": "48 GiB", "size": 51539607552}, "gpu": {"description": "NVIDIA L4 24 GB", "count": 1, "type": "L4"}}, "instance": {"range": "GPU", "offer_id": "L4-1-24G"}}}"#,
        #"{"sku": "/compute/h100_2_80g/run_pl-waw-2", "service_category": "Compute", "product_category": "Instance", "product": "H100-2-80G Instance", "status": "general_availability", "locality": {"zone": "pl-waw-2"}, "price": {"retail_price": {"currency_code": "EUR", "units": 5, "nanos": 460000000}}, "unit_of_measure": {"unit": "hour", "size": 1}, "properties": {"hardware": {"cpu": {"arch": "x64", "threads": 48, "virtual": {"count": 48}}, "ram": {"description": "480 GiB", "size": 515396075520}, "gpu": {"description": "NVIDIA H100 PCIe 80 GB", "count": 2, "type": "H100 PCIe"}}, "instance": {"range": "GPU", "offer_id": "H100-2-80G"}}}"#,
    ]

    /// The ECB's daily rates of 2026-07-09, cut to five currencies.
    public static let defaultECB = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
        \t<gesmes:subject>Reference rates</gesmes:subject>
        \t<gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
        \t<Cube>
        \t\t<Cube time='2026-07-09'>
        \t\t\t<Cube currency='USD' rate='1.1435'/>
        \t\t\t<Cube currency='JPY' rate='185.72'/>
        \t\t\t<Cube currency='CZK' rate='24.254'/>
        \t\t\t<Cube currency='GBP' rate='0.85363'/>
        \t\t\t<Cube currency='CHF' rate='0.9227'/>
        \t\t</Cube>
        \t</Cube>
        </gesmes:Envelope>
        """
}
