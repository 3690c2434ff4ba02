import Broker
import ProviderInterface
import Synchronization

/// The server's counters, rendered in Prometheus text format at `GET /metrics`.
final class ServeMetrics: Sendable {
    struct RequestKey: Hashable, Sendable {
        var route: String
        var provider: String
        var servedBy: String
        var outcome: String
    }

    private struct State: Sendable {
        var requests: [RequestKey: Int] = [:]
        var durations: [String: Histogram] = [:]
        var added = Histogram()
        var upstream = Histogram()
        var handler = Histogram()
        var inputTokens: [String: Int64] = [:]
        var outputTokens: [String: Int64] = [:]
        var costPico: [String: Int64] = [:]
        var refreshes: [String: [String: Int]] = [:]
        var attempts: [RequestKey: Int] = [:]
        /// The end of each provider's last successful refresh on this instance, Unix milliseconds.
        var lastSuccessMs: [String: Int64] = [:]

        /// Adds `other`'s counts to these.
        mutating func merge(_ other: State) {
            requests.merge(other.requests, uniquingKeysWith: +)
            durations.merge(other.durations) { $0.merged(with: $1) }
            added = added.merged(with: other.added)
            upstream = upstream.merged(with: other.upstream)
            handler = handler.merged(with: other.handler)
            inputTokens.merge(other.inputTokens, uniquingKeysWith: +)
            outputTokens.merge(other.outputTokens, uniquingKeysWith: +)
            costPico.merge(other.costPico, uniquingKeysWith: +)
            refreshes.merge(other.refreshes) { $0.merging($1, uniquingKeysWith: +) }
            attempts.merge(other.attempts, uniquingKeysWith: +)
            lastSuccessMs.merge(other.lastSuccessMs, uniquingKeysWith: max)
        }
    }

    /// Sharded by thread: every request updates these from its own connection thread.
    private let state = ThreadSharded { State() }

    /// Counts one request on `route` (`chat`, `models`, …) with the provider that answered
    /// (`-` when none) and its outcome (`ok`, or the error code).
    func request(route: String, provider: String = "-", servedBy: String = "-", outcome: String, seconds: Double) {
        state.withLock { s in
            s.requests[
                RequestKey(route: route, provider: provider, servedBy: servedBy, outcome: outcome), default: 0] += 1
            s.durations[route, default: Histogram()].observe(seconds)
        }
    }

    /// The broker's own share of one inference request: its wall time minus the time spent in provider calls.
    func added(seconds: Double, upstreamSeconds: Double) {
        state.withLock { s in
            s.added.observe(max(0, seconds))
            s.upstream.observe(max(0, upstreamSeconds))
        }
    }

    /// The handler's whole time for one request (from the server layer's call to its return).
    func handler(seconds: Double) { state.withLock { $0.handler.observe(seconds) } }

    /// One try at a provider.
    func attempt(provider: String, servedBy: String, outcome: String) {
        state.withLock {
            $0.attempts[RequestKey(route: "", provider: provider, servedBy: servedBy, outcome: outcome), default: 0] +=
                1
        }
    }

    /// Tokens and cost of an answered request.
    func usage(provider: String, usage: TokenUsage?, cost: PicoUSD?) {
        state.withLock { s in
            if let usage {
                s.inputTokens[provider, default: 0] += usage.inputTokens
                s.outputTokens[provider, default: 0] += usage.outputTokens
            }
            if let cost { s.costPico[provider, default: 0] += cost.value }
        }
    }

    /// One provider's refresh result; `endedAtMs` (Unix milliseconds) dates a successful one.
    func refresh(provider: String, status: String, endedAtMs: Int64? = nil) {
        state.withLock { s in
            s.refreshes[provider, default: [:]][status, default: 0] += 1
            if status == RefreshStatus.ok.rawValue, let endedAtMs {
                s.lastSuccessMs[provider] = max(s.lastSuccessMs[provider] ?? 0, endedAtMs)
            }
        }
    }

    /// What `/metrics` reads from the store and the key table when it is asked.
    struct Gauges: Sendable {
        /// The store's backend (`sqlite`, `postgresql`) and whether it could be read just now.
        var storeKind: String
        var storeUp: Bool
        /// Offers stored for the enabled providers; `nil` when the store could not be read.
        var offers: Int?
        /// Each client key with a budget: its name (never the secret), budget and spending, pico-USD.
        var keyBudgets: [(name: String, budget: Int64, spent: Int64)] = []
    }

    /// The exposition text.
    func render(
        openBreakers: Int, inFlight: Int, gauges: Gauges, ledger: LedgerHealth,
        buildInfo: [(name: String, value: String)] = []
    ) -> String {
        var s = State()
        for shard in state.snapshots() { s.merge(shard) }
        var lines: [String] = []
        func header(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        // Counts by provider, served-by and outcome (and route, when `byRoute`).
        func counted(_ name: String, _ counts: [RequestKey: Int], byRoute: Bool) {
            for (key, n) in counts.sorted(by: { "\($0.key)" < "\($1.key)" }) {
                let route = byRoute ? "route=\"\(esc(key.route))\"," : ""
                lines.append(
                    "\(name){\(route)provider=\"\(esc(key.provider))\",served_by=\"\(esc(key.servedBy))\",outcome=\"\(esc(key.outcome))\"} \(n)"
                )
            }
        }
        header("broker_requests_total", "counter", "HTTP API requests by route, answering provider and outcome.")
        counted("broker_requests_total", s.requests, byRoute: true)
        header("broker_request_duration_seconds", "histogram", "Wall time of HTTP API requests by route.")
        for (route, histogram) in s.durations.sorted(by: { $0.key < $1.key }) {
            lines += histogram.lines("broker_request_duration_seconds", labels: "route=\"\(esc(route))\"")
        }
        header(
            "broker_added_latency_seconds", "histogram",
            "Latency the broker adds to an inference: wall time minus time in provider calls.")
        lines += s.added.lines("broker_added_latency_seconds", labels: "")
        header(
            "broker_upstream_latency_seconds", "histogram",
            "Time an inference spent in provider calls (the other part of its wall time).")
        lines += s.upstream.lines("broker_upstream_latency_seconds", labels: "")
        header(
            "broker_handler_seconds", "histogram",
            "Time inside the request handler, from the server layer's call to its answer.")
        lines += s.handler.lines("broker_handler_seconds", labels: "")
        header("broker_provider_attempts_total", "counter", "Tries at providers by outcome (failover included).")
        counted("broker_provider_attempts_total", s.attempts, byRoute: false)
        header("broker_tokens_total", "counter", "Tokens of answered requests by provider and direction.")
        for (provider, n) in s.inputTokens.sorted(by: { $0.key < $1.key }) {
            lines.append("broker_tokens_total{provider=\"\(esc(provider))\",direction=\"input\"} \(n)")
        }
        for (provider, n) in s.outputTokens.sorted(by: { $0.key < $1.key }) {
            lines.append("broker_tokens_total{provider=\"\(esc(provider))\",direction=\"output\"} \(n)")
        }
        header(
            "broker_cost_nano_usd_total", "counter", "Cost of answered requests in nano-USD (exact sums, rounded once)."
        )
        for (provider, pico) in s.costPico.sorted(by: { $0.key < $1.key }) {
            lines.append("broker_cost_nano_usd_total{provider=\"\(esc(provider))\"} \(PicoUSD(pico).roundedNanoUSD)")
        }
        header("broker_refresh_total", "counter", "Background refresh results by provider and status.")
        for (provider, statuses) in s.refreshes.sorted(by: { $0.key < $1.key }) {
            for (status, n) in statuses.sorted(by: { $0.key < $1.key }) {
                lines.append("broker_refresh_total{provider=\"\(esc(provider))\",status=\"\(esc(status))\"} \(n)")
            }
        }
        header(
            "broker_refresh_last_success_timestamp_seconds", "gauge",
            "When this instance last refreshed each provider's catalog successfully (Unix seconds).")
        for (provider, ms) in s.lastSuccessMs.sorted(by: { $0.key < $1.key }) {
            lines.append("broker_refresh_last_success_timestamp_seconds{provider=\"\(esc(provider))\"} \(ms / 1000)")
        }
        header(
            "broker_circuit_breakers_open", "gauge", "Offers whose circuit breaker is open (in recently routed models)."
        )
        lines.append("broker_circuit_breakers_open \(openBreakers)")
        header("broker_in_flight_requests", "gauge", "Requests being served, streamed bodies included.")
        lines.append("broker_in_flight_requests \(inFlight)")
        header(
            "broker_ledger_failed_commits_total", "counter",
            "Usage-ledger commits that failed; their rows were queued again.")
        lines.append("broker_ledger_failed_commits_total \(ledger.failedCommits)")
        header("broker_ledger_queued_attempts", "gauge", "Attempts waiting for a ledger commit after the last write.")
        lines.append("broker_ledger_queued_attempts \(ledger.queued)")
        header(
            "broker_key_charges_queued", "gauge",
            "Client keys whose charges wait for the store (written with the ledger's next commit once it is back).")
        lines.append("broker_key_charges_queued \(ledger.queuedCharges)")
        header(
            "broker_ledger_dropped_total", "counter",
            "What the ledger gave up: attempts past its queue limit, charges past 2^63 pico-USD.")
        lines.append("broker_ledger_dropped_total{what=\"attempts\"} \(ledger.droppedAttempts)")
        lines.append("broker_ledger_dropped_total{what=\"charges\"} \(ledger.droppedCharges)")
        if !buildInfo.isEmpty {
            header(
                "broker_build_info", "gauge",
                "Always 1; the labels say what this broker is built with (version, allocator).")
            lines.append(
                "broker_build_info{" + buildInfo.map { "\($0.name)=\"\(esc($0.value))\"" }.joined(separator: ",")
                    + "} 1")
        }
        header(
            "broker_store_up", "gauge", "1 when the store could be read at this scrape, 0 when not; kind: its backend.")
        lines.append("broker_store_up{kind=\"\(esc(gauges.storeKind))\"} \(gauges.storeUp ? 1 : 0)")
        header(
            "broker_offers", "gauge", "Offers stored for the enabled providers (absent while the store cannot be read)."
        )
        if let offers = gauges.offers { lines.append("broker_offers \(offers)") }
        header("broker_key_budget_nano_usd", "gauge", "Each client key's budget_usd in nano-USD, by key name.")
        for key in gauges.keyBudgets {
            lines.append("broker_key_budget_nano_usd{key=\"\(esc(key.name))\"} \(PicoUSD(key.budget).roundedNanoUSD)")
        }
        header(
            "broker_key_spent_nano_usd", "gauge",
            "What each client key with a budget has spent, in nano-USD, as this instance counts it.")
        for key in gauges.keyBudgets {
            lines.append("broker_key_spent_nano_usd{key=\"\(esc(key.name))\"} \(PicoUSD(key.spent).roundedNanoUSD)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func esc(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
