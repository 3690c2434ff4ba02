/// `broker refresh`.
enum RefreshCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["refresh"],
        abstract: "List models and prices from each enabled provider into the store.",
        options: [
            .value("--provider", "KEY", "Only this provider.", repeatable: true),
            .value("--every", "DURATION", "Keep refreshing on this interval (e.g. 1h) until stopped."),
            .flag("--force", "Accept a catalog that is empty or shrank by more than half."),
        ]
    )
    static func run(_ context: CLIContext) async throws -> Int32 { throw NotYet.fail("refresh") }
}

/// `broker market`.
enum MarketCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["market"],
        abstract: "Query the marketplace: offers by provider, task, region and price.",
        options: [
            .value("--provider", "P", "Only offers of this provider.", repeatable: true),
            .value("--served-by", "S", "Only offers served by S."),
            .value("--task", "T", "Only this task (chat = conversational)."),
            .value("--region", "R", "Only offers positively known to run in R (eu, uk, ch, us, apac, global, local)."),
            .value("--compliance", "TAG", "Only offers positively known to carry TAG (gdpr, eu-residency, zdr, …)."),
            .value("--model", "TEXT", "Model id or Hugging Face id contains TEXT (case-insensitive)."),
            .value("--max-input-price", "USD_PER_MTOK", "At most this input price per million tokens."),
            .value("--max-output-price", "USD_PER_MTOK", "At most this output price per million tokens."),
            .value("--sort", "price|context|model", "Order (price: blended 3:1 input:output, unknown last)."),
            .value("--limit", "N", "At most N offers."),
            .flag("--include-stale", "Include offers older than twice their refresh interval."),
        ]
    )
    static func run(_ context: CLIContext) async throws -> Int32 { throw NotYet.fail("market") }
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
