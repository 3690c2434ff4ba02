import Broker
import HTTPServer
import ProviderInterface
import Synchronization

/// Checks client keys, budgets and request rates. With no keys configured every request passes.
///
/// Budgets and rates are shared by every `broker serve` instance on the store: a key with a
/// budget reserves each request's maximum expected cost in the store before it is sent
/// (``MarketStore/reserveKeyBudget(_:amount:budget:holder:nowMs:holdMs:)``, one atomic step
/// that refuses when spent + reserved + amount would pass the budget) and settles it when it
/// ends (the reservation released and the real cost added, in one transaction), so several
/// instances together spend at most the budget. A key with `rpm` takes each request from a
/// token bucket in the store (``MarketStore/takeKeyRequest(_:perMinute:nowMs:)``). Requests of
/// keys with neither never touch the store here; their costs go with the ledger's group commits
/// (`onCharge`).
///
/// While the store cannot be reached, each instance counts on its own from what the store last
/// said the key had spent (a reservation or rate taken locally, a token bucket of `rpm` per
/// key), tries the store again after ``storeRetryMs``, and hands the charges to `onCharge` (the
/// ledger, which keeps them queued until the store is back); releases of reservations made in
/// the store are kept and written with the key's next settlement.
final class AccessControl: Sendable {
    /// A budget reservation, settled once with ``settle(_:_:cost:)``.
    struct Reservation: Sendable {
        /// The pico-USD reserved (zero: nothing reserved).
        var amount: PicoUSD
        /// Reserved in the store (released there when settled), or only in this instance.
        var inStore: Bool

        static let none = Reservation(amount: .zero, inStore: false)
    }

    private struct Usage {
        /// What the key has spent: the store's figure when it last answered, plus what this
        /// instance settled since.
        var spent: Int64 = 0
        /// What this instance's requests in flight may still cost: reserved before sending, settled after.
        var reserved: Int64 = 0
        /// Reservations made in the store whose release could not be written yet (the store was
        /// away when they were settled): released with the key's next settlement.
        var unreleased: Int64 = 0
        /// The local token bucket, used while the store cannot be reached.
        var tokens: Double
        var lastRefillMs: Int64
    }

    private struct State {
        var usage: [String: Usage]
        /// While the store failed lately: when it is tried again (Unix ms).
        var storeRetryAtMs: Int64 = 0
    }

    /// How long a reservation holds a key's budget in the store after this instance's latest
    /// reservation of that key, if it is never settled (the instance was killed): far longer
    /// than a request lasts.
    static let holdMs: Int64 = 15 * 60_000
    /// How long after a failed store call keyed requests count locally before trying it again.
    static let storeRetryMs: Int64 = 1_000

    private let keys: [APIKey]
    private let state: Mutex<State>
    private let now: @Sendable () -> Int64
    /// Where budgets and rates are shared with the other instances; `nil`: this instance alone.
    private let store: (any MarketStore)?
    /// This instance's name in the store's reservations.
    private let holder: String
    /// Keeps a charge (key name, pico-USD) beyond this process, with the ledger's next commit.
    private let onCharge: @Sendable (String, Int64) -> Void

    init(
        keys: [APIKey], now: @escaping @Sendable () -> Int64, store: (any MarketStore)? = nil, holder: String = "",
        onCharge: @escaping @Sendable (String, Int64) -> Void = { _, _ in }
    ) {
        self.keys = keys
        self.now = now
        self.store = store
        self.holder = holder
        self.onCharge = onCharge
        let start = now()
        state = Mutex(
            State(
                usage: Dictionary(
                    keys.map { ($0.name, Usage(tokens: Double($0.requestsPerMinute ?? 0), lastRefillMs: start)) },
                    uniquingKeysWith: { a, _ in a })))
    }

    /// Whether any key is configured.
    var isEnabled: Bool { !keys.isEmpty }

    /// The key presented in `request`, checked against its budget and rate; `nil` when access
    /// control is off.
    func authorize(_ request: ServerRequest) async throws(APIError) -> APIKey? {
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
        if let budget = key.budget, usage(key).spent >= budget.value {
            throw APIError.insufficientQuota(
                "the budget of key '\(key.name)' ($\(DecimalText.format(budget.roundedNanoUSD, fractionDigits: 9))) is spent"
            )
        }
        guard let rpm = key.requestsPerMinute else { return key }
        let nowMs = now()
        if let store = sharedStore(nowMs) {
            let take: KeyRateTake?
            do {
                take = try await store.takeKeyRequest(key.name, perMinute: Int64(rpm), nowMs: nowMs)
            } catch {
                storeFailed(nowMs)
                take = nil
            }
            if let take {
                guard take.granted else {
                    throw Self.rateLimited(key, rpm, retryAfterSeconds: Int((take.retryAfterMs + 999) / 1000))
                }
                return key
            }
        }
        // This instance alone: its own token bucket.
        let waitMs = state.withLock { s -> Double? in
            var entry = s.usage[key.name] ?? Usage(tokens: 0, lastRefillMs: nowMs)
            defer { s.usage[key.name] = entry }
            let perMs = Double(rpm) / 60_000
            entry.tokens = min(Double(rpm), entry.tokens + Double(nowMs - entry.lastRefillMs) * perMs)
            entry.lastRefillMs = nowMs
            guard entry.tokens >= 1 else { return (1 - entry.tokens) / perMs }
            entry.tokens -= 1
            return nil
        }
        if let waitMs { throw Self.rateLimited(key, rpm, retryAfterSeconds: Int(waitMs / 1000) + 1) }
        return key
    }

    /// Reserves `amount` (a request's maximum expected cost) of `key`'s budget before the
    /// request is sent, so concurrent requests, on this instance or another on the store, cannot
    /// together overshoot it; refuses the request when what is spent plus what is reserved plus
    /// `amount` exceeds the budget. Every reservation is settled once with ``settle(_:_:cost:)``.
    func reserve(_ key: APIKey?, _ amount: PicoUSD?) async throws(APIError) -> Reservation {
        guard let key, let budget = key.budget, let amount, amount.value > 0 else { return .none }
        let nowMs = now()
        if let store = sharedStore(nowMs) {
            let answer: KeyBudgetState?
            do {
                answer = try await store.reserveKeyBudget(
                    key.name, amount: amount.value, budget: budget.value, holder: holder, nowMs: nowMs,
                    holdMs: Self.holdMs)
            } catch {
                storeFailed(nowMs)
                answer = nil
            }
            if let answer {
                state.withLock { s in
                    var entry = s.usage[key.name] ?? Usage(tokens: 0, lastRefillMs: nowMs)
                    entry.spent = max(entry.spent, answer.spent)
                    if answer.granted { entry.reserved += amount.value }
                    s.usage[key.name] = entry
                }
                guard answer.granted else {
                    throw Self.overBudget(key, amount, left: budget.value - answer.spent - answer.reserved)
                }
                return Reservation(amount: amount, inStore: true)
            }
        }
        // This instance alone: from what the store last said the key spent.
        let refused = state.withLock { s -> Int64? in
            var entry = s.usage[key.name] ?? Usage(tokens: Double(key.requestsPerMinute ?? 0), lastRefillMs: nowMs)
            let left = budget.value - entry.spent - entry.reserved
            guard amount.value <= left else { return left }
            entry.reserved += amount.value
            s.usage[key.name] = entry
            return nil
        }
        if let left = refused { throw Self.overBudget(key, amount, left: left) }
        return Reservation(amount: amount, inStore: false)
    }

    /// Releases a reservation made by ``reserve(_:_:)`` and charges what the request really
    /// cost: in the store at once for a reservation made there (so the next request, on any
    /// instance, sees the budget exact), with the ledger's next commit otherwise.
    func settle(_ key: APIKey?, _ reservation: Reservation, cost: PicoUSD?) async {
        guard let key else { return }
        let pico = max(0, cost?.value ?? 0)
        let nowMs = now()
        let released = state.withLock { s -> Int64 in
            var entry = s.usage[key.name] ?? Usage(tokens: 0, lastRefillMs: nowMs)
            defer { s.usage[key.name] = entry }
            entry.reserved -= reservation.amount.value
            entry.spent += pico
            guard reservation.inStore else { return 0 }
            defer { entry.unreleased = 0 }
            return reservation.amount.value + entry.unreleased
        }
        if reservation.inStore, let store = sharedStore(nowMs) {
            do {
                let settled = try await store.settleKeyBudget(
                    key.name, holder: holder, released: released, spent: pico, nowMs: nowMs)
                state.withLock { s in
                    if let spent = s.usage[key.name]?.spent { s.usage[key.name]?.spent = max(spent, settled.spent) }
                }
                return
            } catch {
                storeFailed(nowMs)
            }
        }
        if released > 0 { state.withLock { $0.usage[key.name]?.unreleased += released } }
        if pico > 0 { onCharge(key.name, pico) }
    }

    /// Sets what the configured keys have spent before (pico-USD by key name, from the
    /// store); names of keys no longer configured are ignored.
    func restore(spent: [String: Int64]) {
        state.withLock { s in
            for key in keys {
                guard let amount = spent[key.name] else { continue }
                s.usage[key.name, default: Usage(tokens: Double(key.requestsPerMinute ?? 0), lastRefillMs: now())]
                    .spent = amount
            }
        }
    }

    /// Every key with a budget: its name, budget and what it has spent, pico-USD (for `/metrics`).
    var budgets: [(name: String, budget: Int64, spent: Int64)] {
        let spent = state.withLock { s in s.usage.mapValues(\.spent) }
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

    private func usage(_ key: APIKey) -> Usage {
        state.withLock { $0.usage[key.name] } ?? Usage(tokens: 0, lastRefillMs: 0)
    }

    /// The store, unless it failed within ``storeRetryMs``.
    private func sharedStore(_ nowMs: Int64) -> (any MarketStore)? {
        guard let store else { return nil }
        return state.withLock { nowMs >= $0.storeRetryAtMs } ? store : nil
    }

    private func storeFailed(_ nowMs: Int64) {
        state.withLock { $0.storeRetryAtMs = nowMs + Self.storeRetryMs }
    }

    private static func rateLimited(_ key: APIKey, _ rpm: Int, retryAfterSeconds: Int) -> APIError {
        APIError.rateLimited(
            "key '\(key.name)' is limited to \(rpm) requests per minute", retryAfterSeconds: max(1, retryAfterSeconds))
    }

    private static func overBudget(_ key: APIKey, _ amount: PicoUSD, left: Int64) -> APIError {
        APIError.insufficientQuota(
            "the request may cost up to $\(DecimalText.format(amount.roundedNanoUSD, fractionDigits: 9)), more than is left of "
                + "the budget of key '\(key.name)' ($\(DecimalText.format(PicoUSD(max(0, left)).roundedNanoUSD, fractionDigits: 9)), "
                + "requests in flight on every instance included); lower max_tokens or raise the budget")
    }
}
