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

    typealias Failure = HFJSONScanner.Failure

    /// Reads a model's mappings in the listing's list form
    /// (`[{"provider","providerId","status","task"}]`) or model info's dict form
    /// (`{"together": {"providerId","status","task"}}`); `null` is no mapping. Anything else,
    /// or an entry without a provider or status, is a failure naming the entry.
    static func readAll(_ scanner: inout HFJSONScanner) throws(Failure) -> [HubMapping] {
        var mappings: [HubMapping] = []
        switch try scanner.peekKind() {
        case .null:
            try scanner.skipValue()
        case .array:
            var i = 0
            var more = try scanner.beginArray()
            while more {
                guard try scanner.peekKind() == .object else {
                    throw Failure("inferenceProviderMapping[\(i)] is not an object")
                }
                let fields = try readFields(&scanner)
                guard let provider = fields.provider else {
                    throw Failure("inferenceProviderMapping[\(i)] has no provider")
                }
                guard let status = fields.status else { throw Failure("inferenceProviderMapping[\(i)] has no status") }
                mappings.append(
                    HubMapping(provider: provider, providerID: fields.providerID, status: status, task: fields.task))
                i += 1
                more = try scanner.nextElement()
            }
        case .object:
            var more = try scanner.beginObject()
            while more {
                let provider = try scanner.keyString(try scanner.key())
                guard try scanner.peekKind() == .object else {
                    throw Failure("inferenceProviderMapping.\(provider) is not an object")
                }
                let fields = try readFields(&scanner)
                guard let status = fields.status else {
                    throw Failure("inferenceProviderMapping.\(provider) has no status")
                }
                mappings.append(
                    HubMapping(provider: provider, providerID: fields.providerID, status: status, task: fields.task))
                more = try scanner.nextMember()
            }
        default:
            throw Failure("inferenceProviderMapping is neither a list nor an object")
        }
        return mappings
    }

    /// The string members of one mapping object; other members are skipped.
    private static func readFields(_ scanner: inout HFJSONScanner) throws(Failure)
        -> (provider: String?, providerID: String?, status: String?, task: String?)
    {
        var fields: (provider: String?, providerID: String?, status: String?, task: String?) = (nil, nil, nil, nil)
        var more = try scanner.beginObject()
        while more {
            let key = try scanner.key()
            if try scanner.peekKind() == .string {
                if scanner.key(key, is: "provider") {
                    fields.provider = try scanner.string()
                } else if scanner.key(key, is: "providerId") {
                    fields.providerID = try scanner.string()
                } else if scanner.key(key, is: "status") {
                    fields.status = try scanner.string()
                } else if scanner.key(key, is: "task") {
                    fields.task = try scanner.string()
                } else {
                    try scanner.skipValue()
                }
            } else {
                try scanner.skipValue()
            }
            more = try scanner.nextMember()
        }
        return fields
    }
}
