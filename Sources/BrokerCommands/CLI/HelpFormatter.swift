/// Generates help text from the same declarations the parser reads, so they cannot drift.
enum HelpFormatter {
    static func help(for configuration: CommandConfiguration, subcommands: [CommandConfiguration] = []) -> String {
        let globals = GlobalOptions.options.filter {
            configuration.printsResults || $0.name != GlobalOptions.format.spec.name
        }
        // The synopsis of DESIGN.md: global options first, then the command.
        let synopsis = globals.compactMap { spec in spec.valueName.map { "[\(spec.name) \($0)]" } }
        let words = configuration.path.isEmpty ? ["COMMAND"] : configuration.path
        var usage = "USAGE: " + (["broker"] + synopsis + words).joined(separator: " ")
        for argument in configuration.arguments {
            usage += argument.optional ? " [\(argument.name)]" : " \(argument.name)"
        }
        if !subcommands.isEmpty, !configuration.path.isEmpty { usage += " [<subcommand>]" }
        if !configuration.options.isEmpty { usage += configuration.path.isEmpty ? " …" : " [options]" }
        var lines = ["OVERVIEW: \(configuration.abstract)", "", usage]
        if !configuration.discussion.isEmpty {
            lines += ["", configuration.discussion]
        }
        if !configuration.arguments.isEmpty {
            lines += ["", "ARGUMENTS:"]
            lines += configuration.arguments.map { row($0.name, $0.help) }
        }
        if !configuration.options.isEmpty {
            lines += ["", "OPTIONS:"]
            lines += configuration.options.map { row(label($0), text($0)) }
        }
        if !subcommands.isEmpty {
            lines += ["", "SUBCOMMANDS:"]
            lines += subcommands.map {
                row($0.path.dropFirst(configuration.path.count).joined(separator: " "), $0.abstract)
            }
            lines += ["", "  See 'broker <subcommand> --help' for details."]
        }
        lines += ["", "GLOBAL OPTIONS (before, between or after the command words):"]
        lines += globals.map { row(label($0), text($0)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func label(_ spec: OptionSpec) -> String {
        var text = spec.short.map { "-\($0), " } ?? ""
        text += spec.name
        if let value = spec.valueName { text += " \(value)" }
        if spec.repeatable { text += " ..." }
        return text
    }

    /// The help line with its default, from the declaration: `Most tries per request (default: 4).`,
    /// `Port (0 picks a free one; default: 8080).`
    static func text(_ spec: OptionSpec) -> String {
        guard let shown = spec.defaultText else { return spec.help }
        let sentence = spec.help.hasSuffix(".") ? String(spec.help.dropLast()) : spec.help
        if sentence.hasSuffix(")") { return "\(sentence.dropLast()); default: \(shown))." }
        return "\(sentence) (default: \(shown))."
    }

    static func row(_ left: String, _ right: String) -> String {
        let padded =
            left.count < 28
            ? left + String(repeating: " ", count: 28 - left.count) : left + "\n" + String(repeating: " ", count: 30)
        return "  " + padded + right
    }
}
