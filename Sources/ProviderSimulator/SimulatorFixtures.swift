/// The data a ``ProviderSimulator`` serves. A value: build one, change what a test needs, and
/// assign it to ``ProviderSimulator/fixtures`` (also between catalog refreshes).
///
/// `SimulatorFixtures()` is a small realistic catalog (see ``SimulatorFixtures/init()``);
/// ``empty`` has nothing; ``generated(models:providersPerModel:)`` is a large synthetic one.
public struct SimulatorFixtures: Sendable {
    /// Models of the Hub listing (`GET /api/models`) and single-model info.
    public var hubModels: [HubModel]
    /// Renamed repositories: old id → new id. Single-model info of an old id answers 307.
    public var renamedModels: [String: String]
    /// The router catalog (`GET /v1/models`).
    public var routerModels: [RouterModel]
    /// OpenRouter's catalog (`GET /api/v1/models`).
    public var openRouterModels: [OpenRouterModel]
    /// OpenAI-compatible providers by path prefix (`"openai"` → `/openai/v1/…`).
    public var compatibleProviders: [String: CompatibleProvider]
    /// Answer text per model id (without `:provider` suffix). Models not listed echo the last
    /// user message. Also used as the text of summarization, translation and speech recognition.
    public var chatAnswers: [String: String]
    /// Token counts per model id; models not listed report whitespace-separated word counts
    /// (prompt: all message contents; completion: the answer), each at least 1.
    public var chatUsage: [String: SimulatedUsage]
    /// Where streamed chat answers carry `usage`.
    public var usagePlacement: UsagePlacement
    /// Per-model override of ``usagePlacement``.
    public var usagePlacementByModel: [String: UsagePlacement]
    /// Milliseconds between streamed chat chunks (0 = as fast as possible).
    public var streamChunkDelayMs: Int
    /// Whether SSE lines are written `data:{…}` (as some servers do) instead of `data: {…}`.
    public var sseOmitsSpace: Bool
    /// Classic-task answer shape per model id; models not listed use ``TaskShape/standard``.
    public var taskShapes: [String: TaskShape]
    /// When set, API routes demand `Authorization: Bearer <token>` and answer 401 otherwise.
    public var requiredToken: String?
    /// Whether the public catalogs (`GET /api/models…`, `/v1/models`, `/api/v1/models…`) answer
    /// requests without a token while ``requiredToken`` is set, as the real hosts do. A wrong
    /// token is refused everywhere.
    public var catalogsArePublic: Bool
    /// The GPU compute sources and exchange rates (public: no token needed).
    public var compute = ComputeFixtures()
    /// The public price feeds (Scaleway, OVHcloud, OpenRouter-format; no token needed).
    public var priceFeeds = PriceFeedFixtures()

    /// Fixtures with nothing in them.
    public static var empty: SimulatorFixtures {
        SimulatorFixtures(
            hubModels: [], routerModels: [], openRouterModels: [], compatibleProviders: [:])
    }

    /// Fixtures from parts; the rest defaults (echo answers, usage in the last chunk, no token).
    public init(
        hubModels: [HubModel], renamedModels: [String: String] = [:], routerModels: [RouterModel],
        openRouterModels: [OpenRouterModel], compatibleProviders: [String: CompatibleProvider],
        chatAnswers: [String: String] = [:], chatUsage: [String: SimulatedUsage] = [:],
        usagePlacement: UsagePlacement = .lastChunk, usagePlacementByModel: [String: UsagePlacement] = [:],
        streamChunkDelayMs: Int = 0, sseOmitsSpace: Bool = false, taskShapes: [String: TaskShape] = [:],
        requiredToken: String? = nil, catalogsArePublic: Bool = true
    ) {
        self.hubModels = hubModels
        self.renamedModels = renamedModels
        self.routerModels = routerModels
        self.openRouterModels = openRouterModels
        self.compatibleProviders = compatibleProviders
        self.chatAnswers = chatAnswers
        self.chatUsage = chatUsage
        self.usagePlacement = usagePlacement
        self.usagePlacementByModel = usagePlacementByModel
        self.streamChunkDelayMs = streamChunkDelayMs
        self.sseOmitsSpace = sseOmitsSpace
        self.taskShapes = taskShapes
        self.requiredToken = requiredToken
        self.catalogsArePublic = catalogsArePublic
    }

    /// The answer text for `model` given the request's last user message.
    func answer(for model: String, lastUserMessage: String) -> String {
        chatAnswers[model] ?? lastUserMessage
    }

    /// The usage placement for `model`.
    func placement(for model: String) -> UsagePlacement {
        usagePlacementByModel[model] ?? usagePlacement
    }
}
