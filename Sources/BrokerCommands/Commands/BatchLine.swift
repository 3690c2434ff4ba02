import Broker
import ProviderInterface

/// One input line of `broker batch`, turned into a run specification.
enum BatchLine {
    /// The fields a line may carry.
    static let fields: Set<String> = [
        "id", "model", "task", "prompt", "messages", "input", "parameters", "policy", "provider", "region", "system",
        "compliance",
    ]

    /// The id of a parsed line (`null` when missing).
    static func id(_ value: JSONValue) -> JSONValue {
        switch value["id"] {
        case .some(.string(let s)): return .string(s)
        case .some(.number(let n)): return .number(n)
        default: return .null
        }
    }

    /// Builds the run for one line; the batch's routing options apply where the line sets none.
    /// A line's field is checked by its option's declaration, so the refusals are the same
    /// (with field names for flags).
    static func spec(_ value: JSONValue, defaults: RunOptions, registry: Registry) throws(UsageError) -> RunSpec {
        guard let object = value.objectValue else { throw UsageError("a line must be a JSON object") }
        for key in object.keys where !fields.contains(key) {
            throw UsageError("unknown field \"\(key)\" (known: \(fields.sorted().joined(separator: ", ")))")
        }
        guard object["id"]?.stringValue != nil || object["id"]?.numberText != nil else {
            throw UsageError("\"id\" is required (a string or a number)")
        }
        func string(_ field: String) throws(UsageError) -> String? {
            guard let v = object[field], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw UsageError("\"\(field)\" must be a string") }
            return s
        }
        var options = defaults
        do throws(UsageError) {
            if let s = try string("model") { options.model = try RunOptions.model.parse(s) }
            if let s = try string("task") { options.filters.task = try OfferFilterOptions.task.parse(s) }
            if let s = try string("prompt") { options.prompt = try RunOptions.prompt.parse(s) }
            if let s = try string("system") { options.system = try RunOptions.system.parse(s) }
            if let s = try string("policy") { options.routing.policy = try RoutingOptions.policy.option.parse(s) }
            if let s = try string("provider") { options.routing.provider = try RoutingOptions.provider.parse(s) }
            if let s = try string("region") { options.filters.region = try OfferFilterOptions.region.parse(s) }
            if let s = try string("compliance") {
                options.filters.compliance = try OfferFilterOptions.compliance.parse(s)
            }
            if let messages = object["messages"] { options.input = messages }
            if let input = object["input"] { options.input = input }
            if let parameters = object["parameters"] {
                guard let p = parameters.objectValue else { throw UsageError("\"parameters\" must be an object") }
                options.routing.parameters += p.map { RunParameter(key: $0.key, value: $0.value) }
            }
            return try RunSpec.make(options, registry: registry, readStdin: { nil })
        } catch {
            throw UsageError(fieldNames(error.message))
        }
    }

    /// Speaks of line fields rather than command-line flags.
    static func fieldNames(_ message: String) -> String {
        message.replacingAll("--prompt, --input or on stdin", with: "\"prompt\", \"messages\" or \"input\"")
            .replacingAll("--", with: "")
    }
}
