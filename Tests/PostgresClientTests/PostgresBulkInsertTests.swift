import PostgresClient
import Testing

@Suite(
    "PostgreSQL bulk inserts (the ledger's group commits)",
    .enabled(if: PostgresTestCluster.available, PostgresTestCluster.skipReason))
struct PostgresBulkInsertTests {
    static let columns = ["request_id", "attempt", "pico", "note"]

    /// Ledger-like rows; every 7th has no price (unknown is NULL, never zero).
    static func rows(_ count: Int, prefix: String = "r") -> [[PostgresValue]] {
        (0..<count).map { (i: Int) -> [PostgresValue] in
            let pico: Int64? = i % 7 == 0 ? nil : Int64(i) * 1_000_003
            let note = i % 5 == 0 ? "tab\tnew\nline\\ \u{1F680} \r end" : "ok"
            return [.text("\(prefix)-\(i)"), .integer(Int64(i % 3)), .integer(pico), .text(note)]
        }
    }

    private func makeTable(_ db: PostgresConnection) throws {
        try db.execute(
            "CREATE TABLE ledger (request_id text NOT NULL, attempt bigint NOT NULL, pico bigint, note text NOT NULL, PRIMARY KEY (request_id, attempt))"
        )
    }

    private func readBack(_ db: PostgresConnection) throws -> [[PostgresValue]] {
        try db.rows("SELECT request_id, attempt, pico, note FROM ledger ORDER BY attempt, request_id COLLATE \"C\"") {
            [
                .text(try $0.text(0)), .integer(try $0.int64(1)), .integer(try $0.optionalInt64(2)),
                .text(try $0.text(3)),
            ]
        }
    }

    private func sorted(_ rows: [[PostgresValue]]) -> [[PostgresValue]] {
        rows.sorted {
            guard case .integer(let a) = $0[1], case .integer(let b) = $1[1], case .text(let x) = $0[0],
                case .text(let y) = $1[0]
            else { return false }
            return a != b ? a < b : Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        }
    }

    @Test("COPY writes every row exactly, NULLs and control characters included")
    func copyRoundTrip() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try makeTable(db)
        let rows = Self.rows(20_000)
        #expect(try db.copyRows(into: "ledger", columns: Self.columns, rows) == 20_000)
        #expect(try readBack(db) == sorted(rows))
        #expect(try db.copyRows(into: "ledger", columns: Self.columns, []) == 0)
    }

    @Test("a COPY with one bad row inserts nothing and leaves the connection usable")
    func copyAllOrNothing() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try makeTable(db)
        var rows = Self.rows(1_000)
        rows.append(rows[10])  // a duplicate primary key
        let error = #expect(throws: PostgresError.self) { try db.copyRows(into: "ledger", columns: Self.columns, rows) }
        #expect(error?.isUniqueViolation == true)
        #expect(try db.firstRow("SELECT count(*) FROM ledger") { try $0.int64(0) } == 0)
        #expect(try db.copyRows(into: "ledger", columns: Self.columns, Array(rows.dropLast())) == 1_000)
    }

    @Test("multi-row INSERT chunks past the 65,535-parameter limit and can skip duplicates")
    func insertRowsChunksAndSkips() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try makeTable(db)
        // 20,000 rows × 4 columns = 80,000 parameters: more than one statement can bind.
        let rows = Self.rows(20_000)
        let inserted = try db.inTransaction {
            try db.insertRows(into: "ledger", columns: Self.columns, rows, rowsPerStatement: 50_000)
        }
        #expect(inserted == 20_000)
        #expect(try readBack(db) == sorted(rows))
        // A retried group commit: the rows already written are skipped, the new ones land.
        let retried = Array(rows[19_990...]) + Self.rows(5, prefix: "new")
        let second = try db.insertRows(
            into: "ledger", columns: Self.columns, retried, suffix: "ON CONFLICT (request_id, attempt) DO NOTHING")
        #expect(second == 5)
        #expect(try db.firstRow("SELECT count(*) FROM ledger") { try $0.int64(0) } == 20_005)
    }

    @Test("rows of the wrong width, or text with NUL, are refused before anything is sent")
    func shapeChecked() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try makeTable(db)
        var rows = Self.rows(3)
        rows[1].removeLast()
        let width = #expect(throws: PostgresError.self) { try db.copyRows(into: "ledger", columns: Self.columns, rows) }
        #expect(width?.code == .invalidArgument)
        #expect(width?.message.contains("row 1") == true)
        let nul = #expect(throws: PostgresError.self) {
            try db.insertRows(
                into: "ledger", columns: Self.columns, [[.text("a\u{0}"), .integer(0), .null, .text("")]])
        }
        #expect(nul?.code == .invalidArgument)
        #expect(try db.firstRow("SELECT count(*) FROM ledger") { try $0.int64(0) } == 0)
    }
}
