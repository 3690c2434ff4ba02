// LedgerBench: usage-ledger rows/s on SQLite (the store's own group commit) and on
// PostgreSQL (the same rows, the same table shape, multi-row INSERT … ON CONFLICT and COPY),
// side by side in one run, at a few group-commit sizes.
//
//     eval "$(scripts/postgres-test-cluster.sh start --durable)"
//     swift run -c release --scratch-path .build-ledger LedgerBench [rows]
//     scripts/postgres-test-cluster.sh stop "$BROKER_TEST_POSTGRES_DIR"
//
// PostgreSQL comes from $BROKER_BENCH_POSTGRES, else $BROKER_TEST_POSTGRES (without one only
// SQLite runs). Use a --durable cluster: the tests' cluster skips fsync. SQLite runs WAL with
// synchronous=NORMAL (a commit is not fsynced); the PostgreSQL rows marked "async commit" set
// synchronous_commit=off, its equivalent; the others wait for the WAL flush of each commit.
// Client CPU is this process only: PostgreSQL's own work is in the server's processes.
import Broker
import Foundation
import PostgresClient
import ProviderInterface

let totalRows = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 50_000
let batchSizes = [64, 1_024]

func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall seconds and client CPU seconds of `body`.
func measure(_ body: () async throws -> Void) async rethrows -> (wall: Double, cpu: Double) {
    let clock = ContinuousClock()
    let cpu = processCPUSeconds()
    let start = clock.now
    try await body()
    let elapsed = start.duration(to: clock.now)
    let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (wall, processCPUSeconds() - cpu)
}

func report(_ name: String, rows: Int, _ time: (wall: Double, cpu: Double)) {
    let rate = Int(Double(rows) / time.wall)
    let cpuPerRow = time.cpu / Double(rows) * 1e6
    print(
        name.padding(toLength: 60, withPad: " ", startingAt: 0)
            + "\(String(rate).leftPadded(9)) rows/s  \(String(format: "%6.2f", cpuPerRow)) µs client CPU/row")
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// Ledger rows like a busy gateway's: one answered attempt per request, a few providers.
func records(_ count: Int, run: String) -> [UsageRecord] {
    let providers = [("hf", "groq"), ("hf", "together"), ("openrouter", "openrouter"), ("deepinfra", "deepinfra")]
    return (0..<count).map { i in
        let (provider, servedBy) = providers[i % providers.count]
        return UsageRecord(
            requestID: "\(run)-\(i)", attempt: 0, at: 1_765_000_000_000 + Int64(i), provider: provider,
            servedBy: servedBy,
            model: "meta-llama/Llama-3.1-8B-Instruct", task: .conversational, inputTokens: Int64(200 + i % 50),
            outputTokens: Int64(100 + i % 30), costPicoUSD: Int64(18_000_000 + i % 1_000),
            latencyMs: Int64(300 + i % 200),
            firstTokenMs: Int64(90 + i % 40), httpStatus: 200)
    }
}

/// The columns the PostgreSQL table takes (the SQLite ledger's, with PostgreSQL types).
let pgColumns: [(String, String)] = [
    ("request_id", "text NOT NULL"), ("attempt", "bigint NOT NULL"), ("at", "bigint NOT NULL"),
    ("provider", "text NOT NULL"),
    ("served_by", "text NOT NULL"), ("model", "text NOT NULL"), ("task", "text NOT NULL"), ("input_tokens", "bigint"),
    ("output_tokens", "bigint"), ("cost_pico", "bigint"), ("latency_ms", "bigint NOT NULL"),
    ("first_token_ms", "bigint"),
    ("outcome", "text NOT NULL"), ("http_status", "bigint"), ("error", "text"), ("upstream", "text"),
    ("tokens_estimated", "boolean NOT NULL"), ("currency", "text NOT NULL"), ("cost_native_pico", "bigint"),
    ("price_basis", "text"), ("region", "text"), ("countries", "text"), ("compliance", "text"),
    ("cheapest_pico", "bigint"),
    ("cheapest_offer", "text"),
]

func pgRow(_ r: UsageRecord) -> [PostgresValue] {
    [
        .text(r.requestID), .int(r.attempt), .integer(r.at), .text(r.provider), .text(r.servedBy), .text(r.model),
        .text(r.task.rawValue), .integer(r.inputTokens), .integer(r.outputTokens), .integer(r.costPicoUSD),
        .integer(r.latencyMs),
        .integer(r.firstTokenMs), .text(r.outcome), .int(r.httpStatus), .text(r.error), .text(r.upstream),
        .bool(r.tokensEstimated),
        .text(r.currency), .integer(r.nativeCostPico), .text(r.priceBasis), .text(r.region?.rawValue),
        .text(r.countries.joined(separator: ",")),
        .text(r.compliance.map(\.rawValue).joined(separator: ",")), .integer(r.cheapestPicoUSD), .text(r.cheapestOffer),
    ]
}

let names = pgColumns.map(\.0)
let upsert =
    "ON CONFLICT (request_id, attempt) DO UPDATE SET "
    + names.dropFirst(2).map { "\($0) = excluded.\($0)" }.joined(separator: ", ") + " WHERE usage.outcome = 'sent'"

func freshPostgresTable(_ db: PostgresConnection, schema: String) throws {
    try db.execute(
        """
        DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema); SET search_path TO \(schema);
        CREATE TABLE usage (id bigserial PRIMARY KEY, \(pgColumns.map { "\($0.0) \($0.1)" }.joined(separator: ", ")),
            UNIQUE (request_id, attempt));
        CREATE INDEX usage_at ON usage(at);
        CREATE INDEX usage_offer ON usage(provider, served_by, model, at);
        """)
}

print(
    "LedgerBench: \(totalRows) ledger rows per case, group commits of \(batchSizes.map(String.init).joined(separator: " and ")) rows"
)
let tmp = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ledger-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: tmp) }

for batch in batchSizes {
    let store = try MarketplaceStore(path: tmp.appendingPathComponent("ledger-\(batch).sqlite3").path)
    let rows = records(totalRows, run: "sqlite\(batch)")
    let time = try await measure {
        var start = 0
        while start < rows.count {
            _ = try await store.recordUsage(batch: Array(rows[start..<min(start + batch, rows.count)]))
            start += batch
        }
    }
    report("SQLite, store recordUsage(batch:), \(batch)/commit", rows: totalRows, time)
}

let environment = ProcessInfo.processInfo.environment
if let uri = environment["BROKER_BENCH_POSTGRES"] ?? environment["BROKER_TEST_POSTGRES"] {
    let db = try PostgresConnection(uri: uri)
    let settings = try db.firstRow("SELECT current_setting('fsync'), current_setting('synchronous_commit'), version()")
    {
        (try $0.text(0), try $0.text(1), try $0.text(2))
    }
    if let settings {
        print(
            "PostgreSQL at \(db.uri): fsync=\(settings.0), synchronous_commit=\(settings.1); \(settings.2.prefix(while: { $0 != "," }))"
        )
    }
    for asyncCommit in [false, true] {
        try db.execute("SET synchronous_commit = \(asyncCommit ? "off" : "on")")
        let mode = asyncCommit ? ", async commit" : ""
        for batch in batchSizes {
            try freshPostgresTable(db, schema: "ledger_bench")
            let rows = records(totalRows, run: "pg\(batch)").map(pgRow)
            let insert = try await measure {
                var start = 0
                while start < rows.count {
                    let chunk = Array(rows[start..<min(start + batch, rows.count)])
                    _ = try db.inTransaction { try db.insertRows(into: "usage", columns: names, chunk, suffix: upsert) }
                    start += batch
                }
            }
            report("PostgreSQL, INSERT … ON CONFLICT, \(batch)/commit\(mode)", rows: totalRows, insert)
            try freshPostgresTable(db, schema: "ledger_bench")
            let copy = try await measure {
                var start = 0
                while start < rows.count {
                    let chunk = Array(rows[start..<min(start + batch, rows.count)])
                    _ = try db.copyRows(into: "usage", columns: names, chunk)
                    start += batch
                }
            }
            report("PostgreSQL, COPY, \(batch)/commit\(mode)", rows: totalRows, copy)
        }
    }
    try db.execute("DROP SCHEMA ledger_bench CASCADE")
} else {
    print("PostgreSQL: skipped (set BROKER_BENCH_POSTGRES or BROKER_TEST_POSTGRES)")
}
