@testable import Broker
import ProviderInterface
import Testing

/// Bulk inserts encode rows on a second thread while SQLite inserts the ones before: every
/// row must land exactly once, in full, and a failure must stop both threads cleanly.
@Suite("Pipelined bulk insert")
struct PipelinedInsertTests {
    @Test("a catalog of thousands of offers, over many hand-overs, is stored exactly, and again unchanged")
    func largeCatalogExact() async throws {
        let dir = try StoreTempDirectory()
        let store = try MarketplaceStore(path: dir.file())
        // Nine chunks, a last batch that is not a multiple of 32, and enough offers for the
        // digests to be computed in parts.
        let count = 9 * SQLiteConnection.insertChunkRows + 77
        let offers = (0..<count).map { i in
            var o = offer(
                "p", "org/model-\(i)", servedBy: ["scaleway", "together", "nscale"][i % 3],
                price: i % 10 == 0 ? .unknown : tokenPrice("0.\(i % 9 + 1)", "\(i % 5 + 1)"),
                region: [euFR, usOnly, ukGB][i % 3], context: i % 4 == 0 ? nil : 8192 + i)
            o.compliance = i % 2 == 0 ? [.gdpr, ComplianceTag(rawValue: "eu-residency")] : []
            o.servedModelID = "served/model-\(i)"
            o.priceTaken = i % 7 == 0 ? "2025-06-01" : nil
            return o
        }
        let outcome = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow)
        #expect(outcome.inserted == count)
        let stored = try await store.queryOffers(MarketQuery(nowMs: testNow, sort: .model))
        let expected = offers.map { o -> Offer in
            var o = o
            o.refreshedAt = testNow
            return o
        }
        #expect(stored.count == count)
        #expect(stored.sorted { $0.model < $1.model } == expected.sorted { $0.model < $1.model })
        // The same catalog again matches every row by its digests and writes none.
        let again = try await store.replaceOffers(provider: "p", offers: offers, nowMs: testNow + 1)
        #expect(again.unchanged == count && again.inserted == 0 && again.rewritten == 0)
    }

    @Test("an insert that fails part-way throws, stops its encoder and, rolled back, leaves nothing")
    func failureStopsTheEncoder() throws {
        let dir = try StoreTempDirectory()
        let db = try SQLiteConnection(path: dir.file())
        try db.execute("CREATE TABLE t (a INTEGER UNIQUE, b TEXT)")
        let count = 5 * SQLiteConnection.insertChunkRows
        // Row 1,500 repeats row 0's key: the second chunk's insert fails.
        #expect(throws: SQLiteError.self) {
            try db.inTransaction {
                try db.insertPipelined(
                    count: count, columns: 2,
                    sql: { SQLiteConnection.insertSQL(table: "t", columns: ["a", "b"], rows: $0) }
                ) { range, rows in
                    for i in range {
                        rows.integer(Int64(i == 1_500 ? 0 : i))
                        rows.text("row \(i)")
                    }
                }
            }
        }
        #expect(try db.firstRow("SELECT count(*) FROM t") { $0.int64(0) } == 0)
        // The connection is usable afterwards, and a good insert stores every row.
        let inserted = try db.inTransaction {
            try db.insertPipelined(
                count: count, columns: 2,
                sql: { SQLiteConnection.insertSQL(table: "t", columns: ["a", "b"], rows: $0) }
            ) { range, rows in
                for i in range {
                    rows.integer(Int64(i))
                    rows.text("row \(i)")
                }
            }
        }
        #expect(inserted == count)
        #expect(
            try db.firstRow("SELECT count(*), sum(a), max(b) FROM t WHERE b = 'row ' || a") {
                [$0.int64(0), $0.int64(1)]
            }
                == [Int64(count), Int64(count * (count - 1) / 2)])
    }
}
