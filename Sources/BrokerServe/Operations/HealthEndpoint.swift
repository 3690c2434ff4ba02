import Broker
import HTTPServer
import ProviderInterface

/// `GET /health`: whether the store answers, each provider's last refresh, the usage ledger's
/// writes, and `degraded` when any enabled provider has failed twice in a row, the ledger's
/// last commit failed or the store cannot be read. Always 200: an instance whose store is away
/// still routes from the market views it holds, and a load balancer that takes out every
/// instance on anything but 200 must not take them all out while a shared store is down.
struct HealthEndpoint: Sendable {
    let context: ServeContext

    /// How long `/health` waits for the store before it reports it unreachable: a store that
    /// hangs rather than refuses (a PostgreSQL server gone from the network, a table locked) is
    /// named, not waited for, so a load balancer's check gets its 200 `degraded` in time.
    static let storeTimeoutMs = 2_000

    func handle() async -> ServerResponse {
        // The store's failure is part of the answer here (degraded, and why), not an error to throw.
        let storeError = await storeProblem()
        let reachable = storeError == nil
        let enabled = Set(context.registry.enabled.map(\.key))
        let status = context.refresh.status
        let failing = status.filter { enabled.contains($0.run.provider) && $0.consecutiveFailures >= 2 }.map(
            \.run.provider)
        let ledger = context.ledger.health
        let overall = reachable && failing.isEmpty && !ledger.retrying ? "ok" : "degraded"
        var object = JSONObject([
            ("status", .string(overall)),
            ("store", .string(reachable ? "ok" : "unreachable")),
            ("store_kind", .string(StoreLocation.kind(context.store.path))),
            ("store_error", storeError.map(JSONValue.string) ?? .null),
            ("degraded_providers", .array(failing.map(JSONValue.string))),
            (
                "providers",
                .array(
                    status.map {
                        Self.refreshObject($0.run, failures: $0.consecutiveFailures, redactor: context.routing.redactor)
                    })
            ),
            ("refresh_rounds", .integer(context.refresh.rounds)),
            ("ledger", Self.ledgerObject(ledger, redactor: context.routing.redactor)),
            ("in_flight", .integer(context.lifecycle.inFlight)),
            ("draining", .bool(context.lifecycle.isDraining)),
        ])
        object["refresh_every_ms"] = context.refresh.interval.map { .integer($0) } ?? .null
        return JSONResponse.make(.object(object), status: 200)
    }

    /// Why the store cannot be read now (nil when it answers), known within ``storeTimeoutMs``
    /// (the read goes on in the background: the store's own connection cannot be interrupted).
    private func storeProblem() async -> String? {
        let context = self.context
        let answered = ReadMostlyLock(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let finish: @Sendable (String?) -> Void = { problem in
                let first = answered.write { done -> Bool in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: problem.map(context.routing.redactor.redact)) }
            }
            let timer = Task {
                try? await Task.sleep(for: .milliseconds(Self.storeTimeoutMs))
                finish("cannot read the store \(context.store.path): no answer within \(Self.storeTimeoutMs) ms")
            }
            Task {
                do {
                    _ = try await context.store.lastRefreshes()
                    finish(nil)
                } catch {
                    finish(StoreFailure.message(error, path: context.store.path, doing: "read"))
                }
                timer.cancel()
            }
        }
    }

    /// The usage ledger's writes: failed commits (each retried), what waits, what was given up.
    static func ledgerObject(_ health: LedgerHealth, redactor: Redactor) -> JSONValue {
        .object(
            JSONObject([
                ("status", .string(health.retrying ? "retrying" : "ok")),
                ("failed_commits", .integer(health.failedCommits)),
                ("queued_attempts", .integer(health.queued)),
                ("last_error", health.lastFailure.map { .string(redactor.redact($0)) } ?? .null),
                ("dropped_attempts", .integer(health.droppedAttempts)),
                ("dropped_charges", .integer(health.droppedCharges)),
            ]))
    }

    /// One provider's last refresh.
    static func refreshObject(_ run: RefreshRun, failures: Int, redactor: Redactor) -> JSONValue {
        .object(
            JSONObject([
                ("provider", .string(run.provider)), ("status", .string(run.status.rawValue)),
                ("at", .string(Timestamp.iso8601(ms: run.startedAt))), ("offers", .integer(run.offers)),
                ("duration_ms", .integer(run.durationMs)), ("consecutive_failures", .integer(failures)),
                ("error", run.error.map { .string(redactor.redact($0)) } ?? .null),
            ]))
    }
}
