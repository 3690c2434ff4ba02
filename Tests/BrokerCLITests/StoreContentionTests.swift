import Broker
import Foundation
import ProviderSimulator
import Synchronization
import Testing

/// Set once to end a held lock.
final class ReleaseFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}

/// Another process holding the store does not make a run fail: it routes from a read and waits
/// out the lock for its ledger row; a store that stays unwritable is a temporary failure (75)
/// naming the store.
@Suite("store contention")
struct StoreContentionTests {
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    /// Holds an exclusive write lock on `path` for `seconds`, or until the flag is set.
    static func holdLock(_ path: String, seconds: Double, until released: ReleaseFlag = ReleaseFlag()) throws
        -> Task<Void, any Error>
    {
        let connection = try SQLiteConnection(path: path, busyTimeoutMs: 1_000)
        try connection.execute("BEGIN EXCLUSIVE")
        nonisolated(unsafe) let held = connection
        return Task.detached {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end, !released.isSet { try await Task.sleep(for: .milliseconds(50)) }
            try held.execute("COMMIT")
        }
    }

    @Test("a run while another process holds the store for 8 s answers, and its attempt is in the ledger")
    func runWaitsOutALock() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        let started = Date()
        let release = try Self.holdLock(market.store.path, seconds: 8)
        let (result, json) = try await market.json(["run", "--model", Self.llama8B, "--prompt", "locked out"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect((json as? [String: Any])?["output"] as? String == "locked out")
        try await release.value
        #expect(Date().timeIntervalSince(started) >= 7.5, "the ledger row waited for the lock")
        let (_, rows) = try await market.json(["usage", "--by", "model"])
        let row = try #require((rows as? [[String: Any]])?.first)
        #expect(row["requests"] as? Int == 1)
    }

    @Test("a store that stays locked exits 75 naming the store, after the answer was shown")
    func storeThatStaysLocked() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        let released = ReleaseFlag()
        let release = try Self.holdLock(market.store.path, seconds: 60, until: released)
        let result = try await market.broker([
            "run", "--model", Self.llama8B, "--prompt", "never recorded", "--format", "table",
        ])
        released.set()
        try await release.value
        #expect(result.code == 75, "\(result.stderr)")
        #expect(result.stdout == "never recorded\n")
        #expect(result.stderr.contains(market.store.path), "\(result.stderr)")
    }

    @Test(
        "a store whose offers cannot be read is a store failure naming the store, not 'no offer' (run exits 1, a batch line fails and is retried on rerun)"
    )
    func unreadableOffers() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        // Stands for a damaged store: the offers can no longer be read.
        let connection = try SQLiteConnection(path: market.store.path, busyTimeoutMs: 1_000)
        try connection.execute("ALTER TABLE offers RENAME TO offers_lost")
        let run = try await market.broker(["run", "--model", Self.llama8B, "--prompt", "hello"])
        #expect(run.code == 1, "\(run.stderr)")
        #expect(run.stderr.contains("cannot read the store \(market.store.path)"), "\(run.stderr)")
        #expect(!run.stderr.contains("no offer"), "\(run.stderr)")

        let input = market.dir.appendingPathComponent("in.jsonl")
        try #"{"id": "a", "model": "\#(Self.llama8B)", "prompt": "hello"}"#.write(
            to: input, atomically: true, encoding: .utf8)
        let output = market.dir.appendingPathComponent("out.jsonl")
        let batch = try await market.broker(["batch", input.path, "--output", output.path])
        #expect(batch.code == 75, "\(batch.stderr)")
        let line = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        #expect(
            line["ok"] as? Bool == false && line["kind"] as? String == "store_error"
                && line["retryable"] as? Bool == true)
        #expect((line["error"] as? String ?? "").contains(market.store.path))
    }
}
