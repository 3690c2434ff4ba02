import Broker
import Foundation
import ProviderSimulator
import Testing

/// A store that cannot be read is a store failure naming the store (exit 1), never an empty
/// market, an empty ledger, providers that were never refreshed, or a refresh that seems recorded.
@Suite("store failures through the broker command")
struct StoreFailureEndToEndTests {
    /// Renames `table` in the store at `path`: stands for a damaged store.
    static func lose(_ table: String, in path: String) throws {
        let connection = try SQLiteConnection(path: path, busyTimeoutMs: 1_000)
        try connection.execute("ALTER TABLE \(table) RENAME TO \(table)_lost")
    }

    @Test(
        "market and usage over a store whose offers or ledger cannot be read exit 1 naming the store, with nothing on stdout"
    )
    func unreadableMarketAndLedger() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        // The ledger alone lost: the market's measured figures cannot be read, so no market either.
        try Self.lose("usage", in: market.store.path)
        for args in [["market"], ["usage", "--by", "model"]] {
            let result = try await market.broker(args)
            #expect(result.code == 1, "\(args): \(result.stderr)")
            #expect(result.stderr.contains("the store \(market.store.path)"), "\(args): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(args): \(result.stdout)")
        }
        try Self.lose("offers", in: market.store.path)
        let offers = try await market.broker(["market", "--model", "llama"])
        #expect(offers.code == 1, "\(offers.stderr)")
        #expect(
            offers.stderr.contains("the store \(market.store.path)") && !offers.stderr.contains("no offers match"),
            "\(offers.stderr)")
    }

    @Test(
        "providers over a file that is not a database exits 1 naming it, instead of listing providers as never refreshed"
    )
    func providersOverAFileThatIsNotADatabase() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        try Data(repeating: 0x5a, count: 8_192).write(to: market.store)
        let result = try await market.broker(["providers"])
        #expect(result.code == 1, "\(result.stderr)")
        #expect(result.stderr.contains("the store \(market.store.path)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a refresh whose run cannot be recorded fails (75) naming the store, though the offers were replaced")
    func refreshNotRecorded() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        try Self.lose("refresh_runs", in: market.store.path)
        let (result, json) = try await market.json(["refresh", "--provider", "hf"])
        #expect(result.code == 75, "\(result.stderr)")
        let run = try #require((json as? [[String: Any]])?.first)
        #expect(run["status"] as? String == "failed")
        #expect(
            (run["error"] as? String ?? "").contains(
                "the refresh was not recorded: cannot write the store \(market.store.path)"), "\(run)")
    }
}

extension StoreFailureEndToEndTests {
    @Test(
        "a run whose offers' ledger history cannot be read exits 1 naming the store, instead of routing as if no offer had a history"
    )
    func runOverAnUnreadableLedger() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        try Self.lose("usage", in: market.store.path)
        let run = try await market.broker([
            "run", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--prompt", "hello", "--policy", "fastest",
        ])
        #expect(run.code == 1, "\(run.stderr)")
        #expect(run.stderr.contains("cannot read the store \(market.store.path)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty, "no answer from a market that could not be read: \(run.stdout)")
    }
}

extension StoreFailureEndToEndTests {
    @Test(
        "market and usage while another process holds the store past the busy timeout exit 75 (temporary) naming the store"
    )
    func lockedStoreIsTemporary() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        // In exclusive locking mode a writer keeps its lock after the commit, and WAL readers wait too.
        let holder = try SQLiteConnection(path: market.store.path, busyTimeoutMs: 1_000)
        try holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        try holder.execute("CREATE TABLE held_by_the_test (x)")
        for args in [["market"], ["usage"]] {
            let result = try await market.broker(args)
            #expect(result.code == 75, "\(args): \(result.stderr)")
            #expect(
                result.stderr.contains("the store \(market.store.path) is locked by another process"),
                "\(args): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        withExtendedLifetime(holder) {}
    }
}
