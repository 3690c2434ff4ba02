/// What kind of thing a compute offer rents out (`offer_kind`).
public enum ComputeOfferKind: String, Sendable, Hashable, CaseIterable {
    /// A virtual machine (AWS, Azure, GCP, Scaleway instances).
    case vm
    /// A container pod (RunPod).
    case pod
    /// A host on a marketplace of independent hosts (Vast.ai).
    case marketplace
    /// A managed inference endpoint: the provider runs the model container (Hugging Face
    /// Inference Endpoints); not comparable one to one with bare machines.
    case managedEndpoint = "managed_endpoint"
}

/// How a compute offer is priced (`pricing_model`).
public enum ComputePricingModel: String, Sendable, Hashable, CaseIterable {
    /// A fixed price for as long as you keep it.
    case onDemand = "on-demand"
    /// A fixed, interruptible price (AWS/GCP/Azure spot).
    case spot
    /// The floor of a bid for interruptible capacity (Vast `min_bid`).
    case bid
}

/// Whether the source says the offer can be had now (`availability`).
public enum ComputeAvailability: String, Sendable, Hashable, CaseIterable {
    case available, low, none, unknown
}

/// One GPU compute offer as an adapter reports it: an instance type of a provider, in one
/// location, under one pricing model, at one hourly price.
///
/// Prices are integer pico-units (1e-12) of ``currency`` per instance-hour, converted exactly
/// from the source's text and never converted to another currency at ingest; `nil` is unknown
/// (a source's `0` or sentinel), never free. GPU memory is per GPU, in nominal GiB.
public struct ComputeOffer: Sendable, Hashable {
    /// Who you rent from (`aws`, `runpod`, `vast`, `scaleway`, `hf-endpoints`).
    public var provider: String
    /// What is rented.
    public var kind: ComputeOfferKind
    /// The offer's stable key within its source (`aws/g6e.xlarge/eu-west-1/spot`; a Vast ask id).
    public var offerID: String
    /// The provider's own SKU, verbatim (`g6e.xlarge`, `nvidia-l4-x1`, `L40S-1-48G`).
    public var instanceType: String
    /// The canonical GPU model (``GPUModelName``): `H100-SXM`, `A100-80GB`, `L40S`, `RTX4090`.
    public var gpuModel: String
    /// The GPU name as the source wrote it.
    public var gpuModelRaw: String
    /// GPUs per instance.
    public var gpuCount: Int
    /// Memory per GPU in nominal GiB, when known.
    public var gpuMemoryGiB: Int?
    /// vCPUs per instance, when known.
    public var vcpus: Int?
    /// Host memory per instance in MiB (exact for fractional GiB), when known.
    public var ramMiB: Int?
    /// The provider's own location text (`eu-west-1`, `fr-par-2`, `Bavaria, DE`).
    public var location: String
    /// The broker's region record for that location; unknown unless positively known.
    public var region: RegionRecord
    /// How it is priced.
    public var pricingModel: ComputePricingModel
    /// The ISO 4217 currency of ``pricePerHour``.
    public var currency: String
    /// The price per instance-hour in pico-units of ``currency``; `nil` when unknown.
    public var pricePerHour: Int64?
    /// Whether it can be had now.
    public var availability: ComputeAvailability

    /// An offer.
    public init(
        provider: String, kind: ComputeOfferKind, offerID: String, instanceType: String, gpuModel: String,
        gpuModelRaw: String, gpuCount: Int, gpuMemoryGiB: Int?, vcpus: Int? = nil, ramMiB: Int? = nil, location: String,
        region: RegionRecord = .unknown, pricingModel: ComputePricingModel = .onDemand, currency: String = "USD",
        pricePerHour: Int64?, availability: ComputeAvailability = .unknown
    ) {
        self.provider = provider
        self.kind = kind
        self.offerID = offerID
        self.instanceType = instanceType
        self.gpuModel = gpuModel
        self.gpuModelRaw = gpuModelRaw
        self.gpuCount = gpuCount
        self.gpuMemoryGiB = gpuMemoryGiB
        self.vcpus = vcpus
        self.ramMiB = ramMiB
        self.location = location
        self.region = region
        self.pricingModel = pricingModel
        self.currency = currency
        self.pricePerHour = pricePerHour
        self.availability = availability
    }

    /// The price per GPU-hour: the hourly price over the GPU count, rounded half up;
    /// `nil` when the price is unknown.
    public var pricePerGPUHour: Int64? {
        guard let price = pricePerHour, gpuCount > 0 else { return nil }
        let count = Int128(gpuCount)
        // In 128 bits: a price near Int64.max from a broken catalog must not trap.
        return Int64(exactly: (Int128(price) + count / 2) / count)
    }
}
