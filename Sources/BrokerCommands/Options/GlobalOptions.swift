/// Options every command accepts, before, between or after its words.
struct GlobalOptions: OptionGroup {
    static let registry = Option<String>.text(
        "--registry", "PATH", "The provider registry.", default: "$BROKER_REGISTRY, else ./provider_registry.json")
    static let store = Option<String>.text(
        "--store", "PATH", "The marketplace store: a SQLite file, or a postgresql:// URI.",
        default: "$BROKER_STORE, else ~/.local/share/broker/market.sqlite3"
    )
    static let format = Option<OutputFormat>(
        "--format", "F", "Output format: table, json or csv.", default: "table on a terminal, json otherwise",
        expected: "table, json or csv"
    ) { OutputFormat(rawValue: $0.lowercased()) }
    static let help = Flag("--help", "Show help for the command.", short: "h")

    static let options = [registry.spec, store.spec, format.spec, help.spec]

    /// `--registry`, when given.
    var registry: String?
    /// `--store`, when given.
    var store: String?
    /// `--format`, when given (else chosen by whether stdout is a terminal).
    var format: OutputFormat?
    /// `--help`.
    var help = false

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        registry = try arguments.value(Self.registry)
        store = try arguments.value(Self.store)
        format = try arguments.value(Self.format)
        help = arguments.has(Self.help)
    }
}
