/// A command line parsed against a command's declared options: the text of each option given,
/// read back only through the typed declarations (``Option``, ``Flag``), never by name.
struct ParsedArguments: Sendable {
    /// Texts by option name (`--provider` → every text given, in order).
    private var values: [String: [String]] = [:]
    /// Flags given.
    private var flags: Set<String> = []
    /// Positional arguments in order.
    var positionals: [String] = []

    /// The option's value: its last occurrence parsed, or `nil` when not given.
    func value<Value>(_ option: Option<Value>) throws(UsageError) -> Value? {
        guard let text = values[option.spec.name]?.last else { return nil }
        return try option.parse(text)
    }

    /// The option's value, or its default when not given.
    func value<Value>(_ option: OptionWithDefault<Value>) throws(UsageError) -> Value {
        try value(option.option) ?? option.defaultValue
    }

    /// Every value of a repeatable option, in order.
    func values<Value>(_ option: Option<Value>) throws(UsageError) -> [Value] {
        var result: [Value] = []
        for text in values[option.spec.name] ?? [] { result.append(try option.parse(text)) }
        return result
    }

    /// Whether a flag was given.
    func has(_ flag: Flag) -> Bool { flags.contains(flag.spec.name) }

    /// Whether an option was given at all (for options that only make sense together).
    func isGiven(_ spec: OptionSpec) -> Bool { values[spec.name] != nil || flags.contains(spec.name) }

    /// Parses `arguments` (after the command words) against `options` plus the global options.
    static func parse(_ arguments: [String], options: [OptionSpec], arguments positional: [ArgumentSpec])
        throws(UsageError) -> ParsedArguments
    {
        let specs = options + GlobalOptions.options
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
                guard i < arguments.count else {
                    throw UsageError("\(spec.name) needs a value (\(spec.valueName ?? "VALUE"))")
                }
                value = arguments[i]
                i += 1
            }
            if !spec.repeatable, result.values[spec.name] != nil, spec.name != GlobalOptions.format.spec.name {
                throw UsageError("\(spec.name) may be given only once")
            }
            result.values[spec.name, default: []].append(value)
        }
        if !result.flags.contains(GlobalOptions.help.spec.name) {
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
