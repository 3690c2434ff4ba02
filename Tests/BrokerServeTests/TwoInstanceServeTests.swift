import Foundation
import ProviderSimulator
import Testing

/// Two `broker serve` processes on one PostgreSQL database, as behind a load balancer: one
/// ledger, a SIGKILL of one of them, and the database going away and coming back. One test at a
/// time: each runs two servers, a simulator and clients, on a machine the other suites share.
/// Counts of answers are waited for up to a limit and then only required to be enough for the
/// property checked (a busy CI machine answers far fewer than an idle one).
@Suite(
    "two broker serve processes on one PostgreSQL store", .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["BROKER_TEST_POSTGRES"] != nil
            || ProcessInfo.processInfo.environment["CI"] == "true", "BROKER_TEST_POSTGRES is unset"))
struct TwoInstanceServeTests {
    @Test(
        "requests spread over both instances are each counted once, the same in /v1/usage of either and in broker usage"
    )
    func sharedLedgerTotals() async throws {
        let (schema, pair) = try await Self.start("two-ledger")
        defer { withExtendedLifetime((schema, pair)) {} }
        let load = try pair.load(clients: 4)
        try await load.wait(untilAnswered: 60)
        await load.stop()
        let answered = load.answeredIDs
        #expect(load.failures.count == 0, "\(load.failures.last)")
        #expect(load.answered(by: 0) > 0 && load.answered(by: 1) > 0, "last problem: \(load.failures.last)")
        for index in 0..<2 {
            let totals = try await pair.usageTotals(index)
            #expect(
                totals?.requests == answered.count && totals?.errors == 0,
                "instance \(index): \(String(describing: totals))")
        }
        let command = try await pair.usageCommandTotals()
        #expect(command.requests == answered.count && command.errors == 0, "broker usage: \(command)")
        #expect(try await pair.notRecordedOnce(answered) == [])
        #expect(try await pair.stop() == [0, 0])
    }

    @Test("a SIGKILL of one instance under load loses no answered request: each is in the shared ledger exactly once")
    func sigkillOneInstance() async throws {
        let (schema, pair) = try await Self.start("two-kill")
        defer { withExtendedLifetime((schema, pair)) {} }
        let load = try pair.load(clients: 4)
        // Killed among a stream of answers and group commits (a busy machine is slow: up to 30 s).
        try await load.wait(untilAnswered: 100)
        let killed = pair.servers[0]
        killed.child.send(SIGKILL)
        _ = try await onOwnThread { killed.child.wait() }
        let atKill = load.answered
        // The other instance goes on answering.
        try await load.wait(untilAnswered: atKill + 40)
        await load.stop()
        let answered = load.answeredIDs
        #expect(
            load.answered(by: 0) >= 10 && load.answered - atKill >= 10,
            "\(load.answered(by: 0)) answers from the killed instance, \(load.answered - atKill) after; last problem: \(load.failures.last)"
        )
        #expect(try await pair.notRecordedOnce(answered) == [])
        // The survivor's totals hold them all: its own and the killed one's.
        let totals = try #require(try await pair.usageTotals(1))
        #expect(totals.requests - totals.errors >= answered.count, "\(totals), \(answered.count) answered")
        #expect(try await pair.stop() == [-1, 0])
    }

    @Test(
        "the database stopped under load and started again: both instances answer on from the offers they hold, /health is 200 degraded naming the store and its error, then ok; every answered request reaches the ledger once"
    )
    func databaseStopAndStart() async throws {
        // A cluster of this test's own: the shared one stays up for the tests beside it.
        let cluster = try await onOwnThread { try PostgresTestCluster() }
        // Background refresh rounds every second: a round that fails (the store away) sets the
        // views aside, as a failed attempt does; the instances route on from them.
        let pair = try await onOwnThread {
            try TwoServeInstances(
                "two-outage", store: cluster.uri, arguments: ["--no-initial-refresh", "--refresh-every", "1s"])
        }
        defer { withExtendedLifetime((cluster, pair)) {} }
        let password = try #require(
            cluster.uri.split(separator: "@").first?.split(separator: ":").last.map(String.init))
        let load = try pair.load(clients: 4)
        try await load.wait(untilAnswered: 40)
        #expect(load.answered >= 10, "last problem: \(load.failures.last)")

        let slowestBefore = load.slowestAnswer()
        try await onOwnThread { try cluster.pause() }
        let stopped = ContinuousClock.now
        let atStop = load.answered
        let answeredBefore = (0..<2).map { load.answered(by: $0) }
        // Answering on through the outage, on both instances, for five seconds at least (several
        // failed refresh rounds, and ledger retries backing off past a second).
        try await load.wait(untilAnswered: atStop + 60)
        try await Task.sleep(until: stopped + .seconds(5))
        #expect(
            load.answered(by: 0) > answeredBefore[0] && load.answered(by: 1) > answeredBefore[1],
            "answers during the outage: \(load.answered - atStop); last problem: \(load.failures.last)")
        // No answer waits for the ledger's retries of a store that is away (seconds by then),
        // however slow this machine's answers were before.
        let slowest = load.slowestAnswer()
        #expect(
            slowest < .seconds(2) + slowestBefore * 2,
            "the slowest answer during the outage took \(slowest), before it \(slowestBefore)")
        for index in 0..<2 {
            let (status, health) = try await pair.health(index)
            #expect(status == 200)
            #expect(health["status"] as? String == "degraded", "\(health)")
            #expect(health["store"] as? String == "unreachable")
            #expect(health["store_kind"] as? String == "postgresql")
            let error = health["store_error"] as? String ?? ""
            #expect(error.contains("the store postgresql://broker@127.0.0.1:"), "\(error)")
            #expect(!error.contains(password))
            let ledger = health["ledger"] as? [String: Any] ?? [:]
            #expect((ledger["queued_attempts"] as? Int ?? 0) > 0, "instance \(index): \(ledger)")
            // What needs the store itself says so, rather than answering from nothing.
            #expect(try await pair.get(index, "/v1/models").status == 503)
        }

        try await onOwnThread { try cluster.resume() }
        let atResume = load.answered
        try await load.wait(untilAnswered: atResume + 40)
        await load.stop()
        let answered = load.answeredIDs
        #expect(load.failures.count == 0, "\(load.failures.count) unanswered, the last: \(load.failures.last)")

        // Each instance writes what it queued once its store is back (`/v1/usage` flushes
        // first; the ledger's own retry comes within 5 s).
        var totals: [(requests: Int, errors: Int)?] = [nil, nil]
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            totals = [try await pair.usageTotals(0), try await pair.usageTotals(1)]
            if totals.allSatisfy({ $0?.requests == answered.count }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        for index in 0..<2 {
            #expect(
                totals[index]?.requests == answered.count && totals[index]?.errors == 0,
                "instance \(index): \(String(describing: totals[index])), \(answered.count) answered")
            let (status, health) = try await pair.health(index)
            #expect(status == 200 && health["status"] as? String == "ok", "\(health)")
            let ledger = health["ledger"] as? [String: Any] ?? [:]
            #expect(ledger["queued_attempts"] as? Int == 0 && ledger["dropped_attempts"] as? Int == 0, "\(ledger)")
        }
        #expect(try await pair.notRecordedOnce(answered) == [])
        #expect(try await pair.stop() == [0, 0])
    }

    /// A schema of its own on the shared cluster, and the two instances on it (started on a
    /// thread of their own: they wait for `broker refresh` and for each server's first line).
    static func start(_ name: String) async throws -> (PostgresTestSchema, TwoServeInstances) {
        try await onOwnThread {
            let schema = try PostgresTestSchema(prefix: "two_")
            return (schema, try TwoServeInstances(name, store: schema.uri))
        }
    }
}
