import ProviderInterface

/// One problem with a registry entry's adapter settings, at a path relative to the entry
/// (`options.pipeline_tags[2]`).
public struct AdapterIssue: Sendable, Hashable {
    /// The path of the field inside the entry.
    public var path: String
    /// What is wrong, and what would be right.
    public var message: String

    /// An issue.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// How an adapter's init refuses an entry whose options its kind's validation faulted:
    /// the first of `issues` as `.badInput`, naming the field.
    static func refuseFirst(_ issues: [AdapterIssue], entry: ProviderEntry) throws(ProviderError) {
        guard let first = issues.first else { return }
        throw ProviderError(.badInput, provider: entry.key, message: "\(first.path): \(first.message)")
    }

    /// An issue for every option of `entry` not in `known`, naming what adapter `kind` takes:
    /// the one rule every adapter's validation reports unknown options by.
    static func unknownOptions(_ entry: ProviderEntry, kind: String, known: [String]) -> [AdapterIssue] {
        entry.options.keys.filter { !known.contains($0) }.map {
            AdapterIssue(
                path: "options.\($0)", message: "unknown option; adapter \(kind) takes \(known.joined(separator: ", "))"
            )
        }
    }
}

/// What every adapter is built with: the environment it may read credentials from, and
/// the transport.
public struct AdapterContext: Sendable {
    /// Environment variables; an adapter reads only the ones its entry names.
    public var environment: [String: String]
    /// The HTTP transport.
    public var transport: any HTTPTransport

    /// A context.
    public init(environment: [String: String], transport: any HTTPTransport) {
        self.environment = environment
        self.transport = transport
    }
}

/// An adapter type, registered by its kind name.
public struct AdapterKind: Sendable {
    /// The `adapter` value in the registry (`huggingface`, `openai-compatible`, …).
    public var name: String
    /// Checks the entry's adapter-specific settings; returns every problem found.
    public var validate: @Sendable (ProviderEntry) -> [AdapterIssue]
    /// Builds the provider.
    public var make: @Sendable (ProviderEntry, AdapterContext) throws(ProviderError) -> any ProviderInterface

    /// A kind.
    public init(
        name: String, validate: @escaping @Sendable (ProviderEntry) -> [AdapterIssue],
        make: @escaping @Sendable (ProviderEntry, AdapterContext) throws(ProviderError) -> any ProviderInterface
    ) {
        self.name = name
        self.validate = validate
        self.make = make
    }

    /// A kind whose providers are `Adapter`s built from their entry.
    init<Adapter: EntryAdapter>(
        name: String, validate: @escaping @Sendable (ProviderEntry) -> [AdapterIssue], building _: Adapter.Type
    ) {
        self.init(
            name: name, validate: validate,
            make: { entry, context throws(ProviderError) in try Adapter(entry: entry, context: context) })
    }
}

/// The table of adapter kinds: adding a protocol is adding one row here.
public struct AdapterFactory: Sendable {
    /// The kinds, by name.
    public var kinds: [String: AdapterKind]

    /// A factory over these kinds.
    public init(kinds: [AdapterKind]) {
        self.kinds = Dictionary(kinds.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Every adapter shipped with broker.
    public static let standard = AdapterFactory(kinds: AdapterFactory.shippedKinds)

    /// The shipped kinds. Each adapter adds its `kind` here.
    static let shippedKinds: [AdapterKind] = [
        HuggingFaceAdapter.kind,
        OpenAICompatibleAdapter.kind,
        OpenRouterAdapter.kind,
        ExecPluginAdapter.kind,
        HFEndpointsAdapter.kind,
        GpuhuntAdapter.kind,
        VastAdapter.kind,
        ScalewayCatalogAdapter.kind,
        ECBRatesAdapter.kind,
    ]

    /// The known kind names, sorted (for error messages).
    public var kindNames: [String] { kinds.keys.sorted() }

    /// Validates an entry's adapter settings; an unknown kind is one issue listing the known ones.
    public func validate(_ entry: ProviderEntry) -> [AdapterIssue] {
        guard let kind = kinds[entry.adapter] else {
            return [
                AdapterIssue(
                    path: "adapter",
                    message:
                        "unknown adapter kind '\(entry.adapter)'; known kinds: \(kindNames.joined(separator: ", "))")
            ]
        }
        return kind.validate(entry)
    }

    /// Builds the provider for an entry.
    public func make(_ entry: ProviderEntry, context: AdapterContext) throws(ProviderError) -> any ProviderInterface {
        guard let kind = kinds[entry.adapter] else {
            throw ProviderError(
                .badInput, provider: entry.key,
                message: "unknown adapter kind '\(entry.adapter)'; known kinds: \(kindNames.joined(separator: ", "))")
        }
        return try kind.make(entry, context)
    }
}
