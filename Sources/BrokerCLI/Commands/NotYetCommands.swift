/// Commands whose issues have not landed yet: listed in help, exit 1 with a note.
enum NotYet {
    static func fail(_ command: String) -> CommandFailure {
        CommandFailure(ExitCode.failure, "'\(command)' is not available yet in this version")
    }
}

/// `broker run`.
enum RunCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["run"],
        abstract: "Run one inference through the chosen offer, with failover.",
        options: [
            .value("--model", "M", "Model id, Hugging Face id or alias."),
            .value("--task", "T", "Task (default: chat)."),
            .value("--prompt", "TEXT", "The prompt (else --input, else stdin)."),
            .value("--input", "JSON", "The task input as JSON."),
            .value("--policy", "cheapest|fastest|preferred", "How to choose among offers (default cheapest)."),
            .value("--provider", "KEY[:SERVED_BY]", "Pin a provider (and serving endpoint)."),
            .value("--region", "R", "Only offers in region R."),
            .value("--compliance", "TAG", "Only offers carrying TAG."),
            .value("--param", "K=V", "A generation parameter.", repeatable: true),
            .flag("--stream", "Print the answer as it arrives."),
        ]
    )
    static func run(_ context: CLIContext) async throws -> Int32 { throw NotYet.fail("run") }
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

/// `broker usage`.
enum UsageCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["usage"],
        abstract: "The usage ledger: requests, tokens and cost.",
        options: [
            .value("--since", "DURATION", "Only the last DURATION (e.g. 7d)."),
            .value("--by", "provider|model|day", "Group rows by this key."),
        ]
    )
    static func run(_ context: CLIContext) async throws -> Int32 { throw NotYet.fail("usage") }
}
