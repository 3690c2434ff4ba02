import ProviderInterface

/// One entry of a Hub model's `inferenceProviderMapping`: which inference provider serves
/// the model, under which id, for which task, and whether it is usable.
struct HubMapping: Sendable, Hashable {
    /// The inference provider (`together`, `hf-inference`, …).
    var provider: String
    /// The provider-side model id; absent on some non-live mappings.
    var providerID: String?
    /// `live`, `staging` or `error`; only `live` is usable.
    var status: String
    /// The task the provider runs the model for (`conversational`, …), when given.
    var task: String?

    /// The mappings of one model, from the listing's list form
    /// (`[{"provider","providerId","status","task"}]`) or model info's dict form
    /// (`{"together": {"providerId","status","task"}}`). `nil`/`null` is no mapping;
    /// anything else, or an entry without a provider or status, is `nil` with the reason.
    static func parseAll(_ value: JSONValue?) -> Result<[HubMapping], MappingError> {
        switch value {
        case nil, .null?:
            return .success([])
        case .array(let items)?:
            var mappings: [HubMapping] = []
            mappings.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard let object = item.objectValue, let provider = object["provider"]?.stringValue else {
                    return .failure(MappingError(reason: "inferenceProviderMapping[\(i)] has no provider"))
                }
                guard let mapping = HubMapping(provider: provider, object) else {
                    return .failure(MappingError(reason: "inferenceProviderMapping[\(i)] has no status"))
                }
                mappings.append(mapping)
            }
            return .success(mappings)
        case .object(let dict)?:
            var mappings: [HubMapping] = []
            for member in dict {
                guard let object = member.value.objectValue, let mapping = HubMapping(provider: member.key, object) else {
                    return .failure(MappingError(reason: "inferenceProviderMapping.\(member.key) has no status"))
                }
                mappings.append(mapping)
            }
            return .success(mappings)
        default:
            return .failure(MappingError(reason: "inferenceProviderMapping is neither a list nor an object"))
        }
    }

    /// A mapping from its object's members; `nil` without a `status`.
    init?(provider: String, _ object: JSONObject) {
        var status: String?
        var providerID: String?
        var task: String?
        for member in object {
            switch member.key {
            case "status": status = member.value.stringValue
            case "providerId": providerID = member.value.stringValue
            case "task": task = member.value.stringValue
            default: break
            }
        }
        guard let status else { return nil }
        self.init(provider: provider, providerID: providerID, status: status, task: task)
    }

    init(provider: String, providerID: String?, status: String, task: String?) {
        self.provider = provider
        self.providerID = providerID
        self.status = status
        self.task = task
    }

    /// Why a mapping could not be read.
    struct MappingError: Error, Sendable, Hashable {
        var reason: String
    }
}
