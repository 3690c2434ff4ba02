import Broker
import Foundation
import ProviderInterface
import Synchronization
import Testing

/// The one refresh loop (`refresh --every`, `serve`), run on a clock the test moves: hours of
/// schedule in milliseconds, without sleeping.
/// The providers of each round the loop reported.
final class Rounds: Sendable {
    private let rounds = Mutex<[[String]]>([])
    func append(_ round: [String]) { rounds.withLock { $0.append(round) } }
    var all: [[String]] { rounds.withLock { $0 } }
}

@Suite("Refresh loop")
struct RefreshLoopTests {
    static func entry(_ key: String, every seconds: Int, index: Int) -> ProviderEntry {
        ProviderEntry(
            key: key, adapter: "fake", baseURL: "https://\(key).example", refreshIntervalSeconds: seconds, index: index)
    }

    func loop(immediately: Bool) async throws -> (rounds: Rounds, clock: ManualClock, task: Task<Void, Never>, dir: URL)
    {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "refresh-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try MarketplaceStore(path: dir.appendingPathComponent("m.sqlite3").path)
        let registry = Registry(
            path: "test",
            entries: [Self.entry("quarter", every: 900, index: 0), Self.entry("hourly", every: 3_600, index: 1)])
        let providers = [
            "quarter": FakeProvider(key: "quarter", models: PricingRefresherTests.models(2)),
            "hourly": FakeProvider(key: "hourly", models: PricingRefresherTests.models(3)),
        ]
        let clock = ManualClock(startMs: 1_750_000_000_000)
        let refresher = PricingRefresher(
            store: store, registry: registry,
            factory: { entry throws(ProviderError) in
                guard let p = providers[entry.key] else { throw ProviderError(.badInput, message: "no fake") }
                return p
            }, now: { clock.unixMs }, owner: "test")
        let rounds = Rounds()
        let task = Task {
            await refresher.run(
                schedule: RefreshSchedule(intervalMs: 3_600_000, entries: registry.entries), clock: clock,
                immediately: immediately,
                afterRound: { results, started in
                    #expect(started == clock.unixMs)
                    rounds.append(results.map(\.run.provider))
                })
        }
        return (rounds, clock, task, dir)
    }

    @Test(
        "refreshes everyone at once, then each provider on its own interval within the loop's, and stops when cancelled"
    )
    func scheduleOnAManualClock() async throws {
        let (rounds, clock, task, dir) = try await loop(immediately: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try await clock.nextSleep() == .seconds(900))
        #expect(rounds.all == [["quarter", "hourly"]])
        for expected in [["quarter"], ["quarter"], ["quarter"], ["quarter", "hourly"]] {
            clock.advance(by: .seconds(900))
            #expect(try await clock.nextSleep() == .seconds(900))
            #expect(rounds.all.last == expected)
        }
        #expect(rounds.all.count == 5, "an hour and a quarter: five rounds, each provider when due")
        task.cancel()
        await task.value
        #expect(rounds.all.count == 5)
    }

    @Test("not immediately: everyone counts as refreshed, and the first round waits for the first provider due")
    func notImmediately() async throws {
        let (rounds, clock, task, dir) = try await loop(immediately: false)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try await clock.nextSleep() == .seconds(900))
        #expect(rounds.all.isEmpty)
        // Time that does not reach the deadline wakes nobody.
        clock.advance(by: .seconds(899))
        #expect(try await clock.nextSleep() == .seconds(1))
        #expect(rounds.all.isEmpty)
        clock.advance(by: .seconds(1))
        #expect(try await clock.nextSleep() == .seconds(900))
        #expect(rounds.all == [["quarter"]])
        task.cancel()
        await task.value
    }
}
