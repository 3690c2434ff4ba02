import ProviderInterface

/// An adapter built from its registry entry: what ``AdapterKind/init(name:validate:building:)``
/// needs to make one, so each kind names its type rather than writing the closure again.
protocol EntryAdapter: ProviderInterface {
    /// Builds the adapter for `entry`; throws `.badInput` when its options are invalid.
    init(entry: ProviderEntry, context: AdapterContext) throws(ProviderError)
}
