/// A `broker` subcommand: a static configuration and a run function.
protocol BrokerCommand: Sendable {
    /// The command's words, abstract and options.
    static var configuration: CommandConfiguration { get }
    /// Runs with parsed arguments; returns the exit code or throws a failure.
    static func run(_ context: CLIContext) async throws -> Int32
}
