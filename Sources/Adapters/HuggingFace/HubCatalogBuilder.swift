import ProviderInterface

/// Turns Hub listing pages into a ``ModelCatalog``: one listing per usable mapping, with
/// everything passed over counted by reason.
///
/// A mapping is kept when its status is `live`, its provider is known (when the entry
/// names its served-by providers), its task (else the model's `pipeline_tag`) is listed, and
/// the adapter can run it (chat through any provider; other tasks through `hf-inference`).
/// A model seen on two pages is kept once.
struct HubCatalogBuilder {
    private(set) var models: [ModelListing] = []
    private(set) var skipped: [String: Int] = [:]
    private var seen: Set<String> = []
    private let tags: Set<String>
    private let knownProviders: Set<String>
    private let computePrice: (String) -> OfferPrice

    /// A builder.
    /// - Parameters:
    ///   - tags: the tasks to list; empty lists every task.
    ///   - knownProviders: the served-by providers the registry knows; empty accepts any.
    ///   - computePrice: the compute-time price of an hf-inference model (from the registry).
    init(tags: [String], knownProviders: Set<String>, computePrice: @escaping (String) -> OfferPrice) {
        self.tags = Set(tags)
        self.knownProviders = knownProviders
        self.computePrice = computePrice
    }

    /// Adds one page's models.
    mutating func add(_ page: [HubListing.Model]) {
        for model in page {
            guard seen.insert(model.id).inserted else {
                skip("duplicate model")
                continue
            }
            if model.mappings.isEmpty { skip("no provider mapping") }
            for mapping in model.mappings { add(mapping, of: model) }
        }
    }

    private mutating func add(_ mapping: HubMapping, of model: HubListing.Model) {
        guard mapping.status == "live" else { return skip("mapping status \(mapping.status)") }
        guard knownProviders.isEmpty || knownProviders.contains(mapping.provider) else {
            return skip("unknown provider \(mapping.provider)")
        }
        guard let taskName = mapping.task ?? model.pipelineTag else { return skip("no task") }
        guard tags.isEmpty || tags.contains(taskName) else { return skip("task \(taskName) not listed") }
        let task = ModelTask(taskName)
        guard task.isChat || mapping.provider == HuggingFaceAdapter.hfInference else {
            return skip("task \(taskName) via \(mapping.provider) not supported")
        }
        guard let providerID = mapping.providerID, !providerID.isEmpty else {
            return skip("live mapping without providerId")
        }
        var listing = ModelListing(
            id: model.id, hfID: model.id, servedBy: mapping.provider, servedModelID: providerID, task: task)
        if !task.isChat {
            listing.price = computePrice(model.id)
            listing.outputModalities = HFTaskInference.outputModalities(task)
            listing.inputModalities = HFTaskInference.inputModalities(task)
        }
        models.append(listing)
    }

    private mutating func skip(_ reason: String) { skipped[reason, default: 0] += 1 }
}
