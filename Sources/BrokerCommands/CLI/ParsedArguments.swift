/// A command line parsed against a command's declared options.
struct ParsedArguments: Sendable {
    /// Values by option name (`--provider` → every value given, in order).
    var values: [String: [String]] = [:]
    /// Flags given.
    var flags: Set<String> = []
    /// Positional arguments in order.
    var positionals: [String] = []

    /// The last value of an option.
    func value(_ name: String) -> String? { values[name]?.last }
    /// Every value of a repeatable option.
    func all(_ name: String) -> [String] { values[name] ?? [] }
    /// Whether a flag was given.
    func has(_ name: String) -> Bool { flags.contains(name) }

    /// An integer option, with a usage error naming the option when it is not one.
    func int(_ name: String, range: ClosedRange<Int> = 0...Int.max) throws(UsageError) -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError("\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound) (got '\(text)')")
        }
        return n
    }

    /// Parses `arguments` (after the command words) against `options` plus the global options.
    static func parse(_ arguments: [String], options: [OptionSpec], arguments positional: [ArgumentSpec])
        throws(UsageError) -> ParsedArguments
    {
        let specs = options + GlobalOptions.specs
        var result = ParsedArguments()
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                result.positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            var name = arg
            var inlineValue: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inlineValue = String(arg[arg.index(after: eq)...])
            }
            let spec: OptionSpec?
            if !name.hasPrefix("--"), name.count == 2, let c = name.last {
                spec = specs.first { $0.short == c }
            } else {
                spec = specs.first { $0.name == name }
            }
            guard let spec else {
                let suggestion = specs.map(\.name).first { $0.hasPrefix(name) || name.hasPrefix($0) }
                throw UsageError("unknown option '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? ""))
            }
            if spec.isFlag {
                if inlineValue != nil { throw UsageError("\(spec.name) takes no value") }
                result.flags.insert(spec.name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard i < arguments.count else { throw UsageError("\(spec.name) needs a value (\(spec.valueName ?? "VALUE"))") }
                value = arguments[i]
                i += 1
            }
            if !spec.repeatable, result.values[spec.name] != nil, spec.name != "--format" {
                throw UsageError("\(spec.name) may be given only once")
            }
            result.values[spec.name, default: []].append(value)
        }
        if !result.has("--help") {
            let required = positional.filter { !$0.optional }
            if result.positionals.count < required.count {
                throw UsageError("missing argument \(required[result.positionals.count].name)")
            }
            if result.positionals.count > positional.count {
                throw UsageError("unexpected argument '\(result.positionals[positional.count])'")
            }
        }
        return result
    }
}
