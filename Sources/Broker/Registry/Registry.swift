import ProviderInterface

/// The validated contents of `provider_registry.json`.
public struct Registry: Sendable, Hashable {
    /// The file it was read from.
    public var path: String
    /// Every entry, in file order (the `preferred` policy's order).
    public var entries: [ProviderEntry]
    /// Model aliases (`llama-70b` → a full id).
    public var aliases: [String: String]

    /// A registry.
    public init(path: String, entries: [ProviderEntry], aliases: [String: String] = [:]) {
        self.path = path
        self.entries = entries
        self.aliases = aliases
    }

    /// The entry with this key.
    public func entry(_ key: String) -> ProviderEntry? { entries.first { $0.key == key } }

    /// The enabled entries.
    public var enabled: [ProviderEntry] { entries.filter(\.enabled) }

    /// Each entry's refresh interval in milliseconds, by key: what staleness is judged against
    /// (twice the interval) for model offers and compute offers alike.
    public var refreshIntervalsMs: [String: Int64] {
        Dictionary(entries.map { ($0.key, Int64($0.refreshIntervalSeconds) * 1000) }, uniquingKeysWith: { a, _ in a })
    }

    /// The full model id for an alias, or the text itself.
    public func resolveAlias(_ model: String) -> String { aliases[model] ?? model }
}
