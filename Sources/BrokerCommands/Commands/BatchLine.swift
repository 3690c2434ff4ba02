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

    /// Builds the run for one line; command-line routing flags apply where the line sets none.
    static func spec(_ value: JSONValue, defaults: ParsedArguments, registry: Registry) throws(UsageError) -> RunSpec {
        guard let object = value.objectValue else { throw UsageError("a line must be a JSON object") }
        for key in object.keys where !fields.contains(key) {
            throw UsageError("unknown field \"\(key)\" (known: \(fields.sorted().joined(separator: ", ")))")
        }
        guard object["id"]?.stringValue != nil || object["id"]?.numberText != nil else {
            throw UsageError("\"id\" is required (a string or a number)")
        }
        var args = ParsedArguments()
        for name in ["--policy", "--provider", "--region", "--compliance", "--max-input-price", "--max-output-price",
            "--max-cost", "--timeout", "--max-attempts", "--task", "--currency"] {
            if let v = defaults.values[name] { args.values[name] = v }
        }
        for flag in ["--allow-unpriced", "--include-stale"] where defaults.has(flag) { args.flags.insert(flag) }
        args.values["--param"] = defaults.all("--param")
        func string(_ field: String) throws(UsageError) -> String? {
            guard let v = object[field], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw UsageError("\"\(field)\" must be a string") }
            return s
        }
        for (field, flag) in [("model", "--model"), ("task", "--task"), ("prompt", "--prompt"), ("system", "--system"),
            ("policy", "--policy"), ("provider", "--provider"), ("region", "--region"), ("compliance", "--compliance")] {
            if let s = try string(field) { args.values[flag] = [s] }
        }
        if let messages = object["messages"] { args.values["--input"] = [JSONWriter.string(messages)] }
        if let input = object["input"] { args.values["--input"] = [JSONWriter.string(input)] }
        if let parameters = object["parameters"] {
            guard let p = parameters.objectValue else { throw UsageError("\"parameters\" must be an object") }
            args.values["--param", default: []] += p.map { "\($0.key)=\(JSONWriter.string($0.value))" }
        }
        do {
            return try RunSpec.parse(args, registry: registry, readStdin: { nil })
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
