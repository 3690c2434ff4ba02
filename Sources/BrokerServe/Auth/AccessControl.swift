import HTTPServer
import ProviderInterface
import Synchronization

/// Checks client keys, budgets and request rates. With no keys configured every request passes.
///
/// Spending is counted exactly in pico-USD, in memory and, through `onCharge`, in the store by
/// key name, so a budget holds across restarts (``restore(spent:)`` reads it back at start);
/// rates are a token bucket per key holding `rpm` requests and refilled continuously.
final class AccessControl: Sendable {
    private struct Usage {
        var spent: Int64 = 0
        /// What requests in flight may still cost: reserved before sending, settled after.
        var reserved: Int64 = 0
        var tokens: Double
        var lastRefillMs: Int64
    }

    private let keys: [APIKey]
    private let usage: Mutex<[String: Usage]>
    private let now: @Sendable () -> Int64
    /// Keeps a charge (key name, pico-USD) beyond this process.
    private let onCharge: @Sendable (String, Int64) -> Void

    init(
        keys: [APIKey], now: @escaping @Sendable () -> Int64,
        onCharge: @escaping @Sendable (String, Int64) -> Void = { _, _ in }
    ) {
        self.keys = keys
        self.now = now
        self.onCharge = onCharge
        let start = now()
        usage = Mutex(
            Dictionary(
                keys.map { ($0.name, Usage(tokens: Double($0.requestsPerMinute ?? 0), lastRefillMs: start)) },
                uniquingKeysWith: { a, _ in a }))
    }

    /// Whether any key is configured.
    var isEnabled: Bool { !keys.isEmpty }

    /// The key presented in `request`, checked against its budget and rate; `nil` when access
    /// control is off.
    func authorize(_ request: ServerRequest) throws(APIError) -> APIKey? {
        guard isEnabled else { return nil }
        guard let header = request.header("Authorization"), header.count > 7,
            header.prefix(7).lowercased() == "bearer "
        else {
            throw APIError.unauthorized("missing API key: send 'Authorization: Bearer <key>'")
        }
        let presented = Array(header.utf8.dropFirst(7))
        // Compare against every key in full so timing does not reveal which prefix matched.
        var found: APIKey? = nil
        for key in keys where Self.constantTimeEqual(Array(key.secret.utf8), presented) { found = key }
        guard let key = found else { throw APIError.unauthorized("invalid API key") }
        let nowMs = now()
        let verdict = usage.withLock { table -> APIError? in
            var entry = table[key.name] ?? Usage(tokens: 0, lastRefillMs: nowMs)
            defer { table[key.name] = entry }
            if let budget = key.budget, entry.spent >= budget.value {
                return APIError.insufficientQuota(
                    "the budget of key '\(key.name)' ($\(DecimalText.format(budget.roundedNanoUSD, fractionDigits: 9))) is spent"
                )
            }
            if let rpm = key.requestsPerMinute {
                let perMs = Double(rpm) / 60_000
                entry.tokens = min(Double(rpm), entry.tokens + Double(nowMs - entry.lastRefillMs) * perMs)
                entry.lastRefillMs = nowMs
                guard entry.tokens >= 1 else {
                    let waitMs = (1 - entry.tokens) / perMs
                    return APIError.rateLimited(
                        "key '\(key.name)' is limited to \(rpm) requests per minute",
                        retryAfterSeconds: max(1, Int(waitMs / 1000) + 1))
                }
                entry.tokens -= 1
            }
            return nil
        }
        if let verdict { throw verdict }
        return key
    }

    /// Adds a request's cost to its key's spending.
    func charge(_ key: APIKey?, _ cost: PicoUSD?) {
        guard let key, let cost, cost.value > 0 else { return }
        usage.withLock { $0[key.name, default: Usage(tokens: 0, lastRefillMs: now())].spent += cost.value }
        onCharge(key.name, cost.value)
    }

    /// Reserves `amount` (a request's maximum expected cost) of `key`'s budget before the
    /// request is sent, so concurrent requests cannot together overshoot it; refuses the request
    /// when what is spent plus what is reserved plus `amount` exceeds the budget. Every
    /// reservation is settled once with ``settle(_:_:cost:)``.
    func reserve(_ key: APIKey?, _ amount: PicoUSD?) throws(APIError) -> PicoUSD {
        guard let key, let budget = key.budget, let amount, amount.value > 0 else { return .zero }
        let refused = usage.withLock { table -> Int64? in
            var entry = table[key.name] ?? Usage(tokens: Double(key.requestsPerMinute ?? 0), lastRefillMs: now())
            let left = budget.value - entry.spent - entry.reserved
            guard amount.value <= left else { return max(0, left) }
            entry.reserved += amount.value
            table[key.name] = entry
            return nil
        }
        if let left = refused {
            throw APIError.insufficientQuota(
                "the request may cost up to $\(DecimalText.format(amount.roundedNanoUSD, fractionDigits: 9)), more than is left of "
                    + "the budget of key '\(key.name)' ($\(DecimalText.format(PicoUSD(left).roundedNanoUSD, fractionDigits: 9)), "
                    + "requests in flight included); lower max_tokens or raise the budget")
        }
        return amount
    }

    /// Releases a reservation made by ``reserve(_:_:)`` and charges what the request really cost.
    func settle(_ key: APIKey?, _ reservation: PicoUSD, cost: PicoUSD?) {
        if let key, reservation.value > 0 {
            usage.withLock { $0[key.name]?.reserved -= reservation.value }
        }
        charge(key, cost)
    }

    /// Sets what the configured keys have spent before (pico-USD by key name, from the
    /// store); names of keys no longer configured are ignored.
    func restore(spent: [String: Int64]) {
        usage.withLock { table in
            for key in keys {
                guard let amount = spent[key.name] else { continue }
                table[key.name, default: Usage(tokens: Double(key.requestsPerMinute ?? 0), lastRefillMs: now())].spent =
                    amount
            }
        }
    }

    /// What `key` may still spend, in pico-USD; `nil` when it has no budget.
    func remaining(_ key: APIKey?) -> PicoUSD? {
        guard let key, let budget = key.budget else { return nil }
        let spent = usage.withLock { $0[key.name]?.spent ?? 0 }
        return PicoUSD(max(0, budget.value - spent))
    }

    /// Every key with a budget: its name, budget and what it has spent, pico-USD (for `/metrics`).
    var budgets: [(name: String, budget: Int64, spent: Int64)] {
        let spent = usage.withLock { table in table.mapValues(\.spent) }
        return keys.compactMap { key in
            key.budget.map { (name: key.name, budget: $0.value, spent: spent[key.name] ?? 0) }
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
