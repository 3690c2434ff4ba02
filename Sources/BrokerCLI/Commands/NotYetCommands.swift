/// Commands whose issues have not landed yet: listed in help, exit 1 with a note.
enum NotYet {
    static func fail(_ command: String) -> CommandFailure {
        CommandFailure(ExitCode.failure, "'\(command)' is not available yet in this version")
    }
}

/// `broker batch`.
enum BatchCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["batch"],
        abstract: "Run inference over a JSONL file of requests; resumable.",
        options: [
            .value("--output", "OUT.jsonl", "Where results are written (one line per input)."),
            .value("--concurrency", "N", "Requests in flight at once."),
        ],
        arguments: [ArgumentSpec(name: "IN.jsonl", help: "One request per line.")]
    )
    static func run(_ context: CLIContext) async throws -> Int32 { throw NotYet.fail("batch") }
}

