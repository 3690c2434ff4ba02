import Foundation
import PostgresClient
import ProviderSimulator
import Testing

/// The broker command against a PostgreSQL store (`--store postgresql://…`, `$BROKER_STORE`):
/// the same answers as over the SQLite file, for the same simulated market.
@Suite(
    "broker over a PostgreSQL store",
    .enabled(
        if: ProcessInfo.processInfo.environment["BROKER_TEST_POSTGRES"] != nil
            || ProcessInfo.processInfo.environment["CI"] == "true", "BROKER_TEST_POSTGRES is unset"))
struct PostgresStoreEndToEndTests {

    /// `json` without the fields that hold the wall-clock time of the run.
    static func timeless(_ json: Any?) -> NSArray {
        let rows = (json as? [[String: Any]]) ?? []
        return rows.map { row in row.filter { !$0.key.hasSuffix("_at") && $0.key != "age" } } as NSArray
    }

    @Test("refresh then market, run (with a failover) then usage: the same answers as over SQLite, in the same order")
    func sameAnswersAsSQLite() async throws {
        let schema = try PostgresTestSchema(prefix: "cli_")
        let market = try SimulatedMarket()
        defer { market.stop() }
        let postgres = ["BROKER_STORE": schema.uri]
        for environment in [[:], postgres] {
            let refresh = try await market.broker(["refresh", "--provider", "hf"], environment: environment)
            #expect(refresh.code == 0, "\(refresh.stderr)")
        }
        let (sqliteMarket, sqliteOffers) = try await market.json(["market"])
        let (pgMarket, pgOffers) = try await market.json(["market"], environment: postgres)
        #expect(sqliteMarket.code == 0 && pgMarket.code == 0, "\(pgMarket.stderr)")
        #expect(!Self.timeless(pgOffers).isEqual(to: []))
        #expect(Self.timeless(pgOffers).isEqual(Self.timeless(sqliteOffers)), "\(pgMarket.stdout)")
        let (_, cheap) = try await market.json(
            ["market", "--model", "llama", "--sort", "price", "--limit", "3"], environment: postgres)
        let (_, cheapSQLite) = try await market.json(["market", "--model", "llama", "--sort", "price", "--limit", "3"])
        #expect(Self.timeless(cheap).isEqual(Self.timeless(cheapSQLite)))

        var costs: [Int?] = []
        for environment in [[:], postgres] {
            market.simulator.inject(.serverError(502), pathPrefix: "/v1/chat/completions", count: 1)
            let (run, answer) = try await market.json(
                ["run", "--model", RunEndToEndTests.llama8B, "--prompt", "hi"], environment: environment)
            #expect(run.code == 0, "\(run.stderr)")
            costs.append((answer as? [String: Any])?["cost_nano_usd"] as? Int)
        }
        #expect(costs[0] != nil && costs[0] == costs[1])
        for by in ["provider", "served_by", "model", "day"] {
            let (sqliteUsage, sqliteRows) = try await market.json(["usage", "--by", by])
            let (pgUsage, pgRows) = try await market.json(["usage", "--by", by], environment: postgres)
            #expect(sqliteUsage.code == 0 && pgUsage.code == 0, "\(pgUsage.stderr)")
            #expect(
                (pgRows as? NSArray)?.isEqual(sqliteRows as? NSArray) == true,
                "\(by): \(pgUsage.stdout) vs \(sqliteUsage.stdout)")
        }
        let (_, rows) = try await market.json(["usage", "--by", "provider"], environment: postgres)
        let row = try #require((rows as? [[String: Any]])?.first)
        #expect(row["requests"] as? Int == 1 && row["attempts"] as? Int == 2 && row["errors"] as? Int == 1)
        #expect(row["cost_nano_usd"] as? Int == costs[1])
    }

    @Test("--store postgresql://… with a wrong password exits 1 naming the server and database, never the password")
    func wrongPassword() async throws {
        let schema = try PostgresTestSchema(prefix: "cli_")
        let market = try SimulatedMarket()
        defer { market.stop() }
        let uri = try PostgresURI(schema.base)
        let wrong =
            "postgresql://\(uri.user ?? "broker"):wrong-secret-91c2@\(uri.host ?? "127.0.0.1"):\(uri.port ?? "5432")/\(uri.database ?? "")"
        let result = try await market.broker(["market", "--store", wrong])
        #expect(result.code == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot open the store \(uri.description)"), "\(result.stderr)")
        #expect(!result.stderr.contains("wrong-secret-91c2") && !result.stdout.contains("wrong-secret-91c2"))
    }

    @Test(
        "store copy SQLite → PostgreSQL → SQLite: market, history and usage read the same from all three; a full target is refused"
    )
    func copyRoundTrip() async throws {
        let schema = try PostgresTestSchema(prefix: "cli_")
        let market = try SimulatedMarket()
        defer { market.stop() }
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        market.simulator.inject(.serverError(502), pathPrefix: "/v1/chat/completions", count: 1)
        #expect(try await market.broker(["run", "--model", RunEndToEndTests.llama8B, "--prompt", "hi"]).code == 0)
        let back = market.dir.appendingPathComponent("back.sqlite3").path
        let there = try await market.json(["store", "copy", "--from", market.store.path, "--to", schema.uri])
        #expect(there.0.code == 0, "\(there.0.stderr)")
        let counts = Dictionary(
            uniqueKeysWithValues: ((there.1 as? [[String: Any]]) ?? []).map {
                ($0["table"] as? String ?? "", $0["rows"] as? Int ?? -1)
            })
        #expect((counts["offers"] ?? 0) > 0 && counts["usage"] == 2, "\(counts)")
        let home = try await market.broker(["store", "copy", "--from", schema.uri, "--to", back])
        #expect(home.code == 0, "\(home.stderr)")
        for args in [
            ["market"], ["market", "--model", RunEndToEndTests.llama8B, "--history"], ["usage", "--by", "served_by"],
            ["audit", "requests"],
        ] {
            let (_, original) = try await market.json(args)
            let (_, viaPostgres) = try await market.json(args, environment: ["BROKER_STORE": schema.uri])
            let (_, roundTrip) = try await market.json(args, environment: ["BROKER_STORE": back])
            #expect((original as? NSArray)?.count ?? 0 > 0, "\(args)")
            #expect((viaPostgres as? NSArray)?.isEqual(original as? NSArray) == true, "\(args)")
            #expect((roundTrip as? NSArray)?.isEqual(original as? NSArray) == true, "\(args)")
        }
        let again = try await market.broker(["store", "copy", "--from", market.store.path, "--to", schema.uri])
        #expect(again.code == 1 && again.stderr.contains("already holds rows"), "\(again.stderr)")
        let password = try #require(
            schema.base.split(separator: "@").first?.split(separator: ":").last.map(String.init))
        #expect(!again.stderr.contains(password))
    }
}
