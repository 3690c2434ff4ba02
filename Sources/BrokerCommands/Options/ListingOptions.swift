import Broker

/// The provider list and the row limit that `market` and `gpus` share.
struct ListingOptions: OptionGroup {
    static let provider = Option<String>.text(
        "--provider", "KEY", "Only offers of this provider or source.", repeatable: true)
    static let limit = Option<Int>("--limit", "N", "At most N offers.", filter: MarketFilters.limit)

    static let options = [provider.spec, limit.spec]

    var providers: [String]
    var limit: Int?

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        providers = try arguments.values(Self.provider)
        limit = try arguments.value(Self.limit)
    }
}
