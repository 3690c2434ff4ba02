import Broker
import ProviderInterface

/// How `run` and `batch` choose and try offers: policy, pin, budget, parameters, timeout and
/// attempts (for `batch`, the defaults of lines that set none).
struct RoutingOptions: OptionGroup {
    static let policy = Option<RoutePolicy>.choice("--policy", "How to choose among offers.")
        .defaulting(to: .cheapest)
    static let provider = Option<ProviderPin>(
        "--provider", "KEY[:SERVED_BY]", "Pin a provider (and serving endpoint).", expected: "KEY or KEY:SERVED_BY",
        read: ProviderPin.init)
    static let maxCost = Option<PicoUSD>(
        "--max-cost", "USD", "Refuse before sending when the expected cost exceeds this.",
        expected: "an amount in USD such as 0.01"
    ) { text in PicoUSD(decimal: text, unit: .usdPerUnit).flatMap { $0.value >= 0 ? $0 : nil } }
    static let param = Option<RunParameter>(
        "--param", "K=V", "A parameter (max_tokens=64, temperature=0.2; JSON values accepted; a batch line's own win).",
        repeatable: true, expected: "KEY=VALUE", read: RunParameter.init)
    static let timeout = Option<Int64>(
        "--timeout", "DURATION", "Bound on each attempt.", default: "the registry entry's",
        expected: "a duration such as 30s"
    ) { text in DurationText.milliseconds(text).flatMap { $0 > 0 ? $0 : nil } }
    static let maxAttempts = Option<Int>.integer("--max-attempts", "N", "Most tries per request.", range: 1...20)
        .defaulting(to: 4)
    static let allowUnpriced = Flag(
        "--allow-unpriced", "Let the cheapest policy use offers whose price is unknown (last).")

    static let options = [
        policy.spec, provider.spec, maxCost.spec, param.spec, timeout.spec, maxAttempts.spec, allowUnpriced.spec,
    ]

    var policy: RoutePolicy = .cheapest
    var provider: ProviderPin?
    var maxCost: PicoUSD?
    var parameters: [RunParameter] = []
    var timeoutMs: Int64?
    var maxAttempts = 4
    var allowUnpriced = false

    init() {}

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        policy = try arguments.value(Self.policy)
        provider = try arguments.value(Self.provider)
        maxCost = try arguments.value(Self.maxCost)
        parameters = try arguments.values(Self.param)
        timeoutMs = try arguments.value(Self.timeout)
        maxAttempts = try arguments.value(Self.maxAttempts)
        allowUnpriced = arguments.has(Self.allowUnpriced)
    }
}
