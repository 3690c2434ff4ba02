/// A `broker` subcommand: a static configuration, its typed options and a run function.
protocol BrokerCommand: Sendable {
    /// The command's options, parsed before it runs (``OptionGroup/options`` is its help's OPTIONS).
    associatedtype Options: OptionGroup
    /// The command's words, abstract and options.
    static var configuration: CommandConfiguration { get }
    /// Runs with the typed options; returns the exit code or throws a failure.
    static func run(_ options: Options, context: CLIContext) async throws -> Int32
    /// Parses the options (a bad value is a usage error) and runs.
    static func execute(_ arguments: ParsedArguments, context: CLIContext) async throws -> Int32
}

extension BrokerCommand {
    static func execute(_ arguments: ParsedArguments, context: CLIContext) async throws -> Int32 {
        try await run(try Options(parsing: arguments), context: context)
    }
}
