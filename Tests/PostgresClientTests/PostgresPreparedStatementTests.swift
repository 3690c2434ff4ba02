import PostgresClient
import Testing

@Suite("PostgreSQL prepared statements", .enabled(if: PostgresTestCluster.available, PostgresTestCluster.skipReason))
struct PostgresPreparedStatementTests {
    private func preparedCount(_ db: PostgresConnection, _ sql: String) throws -> Int64? {
        try db.firstRow("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [.text(sql)]) {
            try $0.int64(0)
        }
    }

    @Test("a statement run again is prepared once and reused, with new parameters each time")
    func reused() throws {
        let db = try PostgresConnection(uri: try PostgresTestCluster.requireURI())
        let sql = "SELECT $1::bigint * 2"
        for n: Int64 in [1, 21, 4_000_000_000_000] {
            #expect(try db.firstRow(sql, [.integer(n)]) { try $0.int64(0) } == n * 2)
        }
        #expect(try preparedCount(db, sql) == 1)
    }

    @Test("the statements kept per connection are bounded")
    func bounded() throws {
        let db = try PostgresConnection(uri: try PostgresTestCluster.requireURI())
        for i in 0..<(PostgresConnection.preparedStatementLimit * 2 + 10) {
            #expect(try db.firstRow("SELECT \(i) + $1::bigint", [.integer(1)]) { try $0.int64(0) } == Int64(i) + 1)
        }
        let kept = try #require(try db.firstRow("SELECT count(*) FROM pg_prepared_statements") { try $0.int64(0) })
        #expect(kept <= Int64(PostgresConnection.preparedStatementLimit) + 1)
    }

    @Test("a NULL first does not fix a parameter's type too small for a later Int64")
    func nullThenBigInteger() throws {
        let db = try PostgresConnection(uri: try PostgresTestCluster.requireURI())
        let sql = "SELECT COALESCE($1, 0)"
        #expect(try db.firstRow(sql, [.null]) { try $0.int64(0) } == 0)
        #expect(try db.firstRow(sql, [.integer(Int64.max)]) { try $0.int64(0) } == Int64.max)
    }

    @Test("a table changed under a prepared SELECT *, or statements discarded, still answers")
    func schemaChangeAndDiscard() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try db.execute("CREATE TABLE t (a bigint); INSERT INTO t VALUES (1)")
        #expect(try db.firstRow("SELECT * FROM t") { $0.columnCount } == 1)
        // Another instance migrates.
        let other = try schema.connect()
        try other.execute("ALTER TABLE t ADD COLUMN b text DEFAULT 'x'")
        #expect(try db.firstRow("SELECT * FROM t") { $0.columnCount } == 2)
        // Inside a transaction the change aborts it; the transaction tried again succeeds.
        try other.execute("ALTER TABLE t ADD COLUMN c bigint DEFAULT 7")
        let aborted = #expect(throws: PostgresError.self) {
            try db.inTransaction { try db.firstRow("SELECT * FROM t") { $0.columnCount } }
        }
        #expect(aborted?.sqlState == "0A000")
        #expect(try db.inTransaction { try db.firstRow("SELECT * FROM t") { $0.columnCount } } == 3)
        try db.execute("DISCARD ALL")
        try db.execute("SET search_path TO \(schema.name)")
        #expect(try db.firstRow("SELECT * FROM t") { try $0.text(1) } == "x")
    }

    @Test("after a reconnect the same statements are prepared again")
    func afterReconnect() throws {
        let text = try PostgresTestCluster.requireURI()
        let db = try PostgresConnection(uri: text)
        let sql = "SELECT $1::text || '!'"
        #expect(try db.firstRow(sql, [.text("a")]) { try $0.text(0) } == "a!")
        let admin = try PostgresConnection(uri: text)
        try admin.run("SELECT pg_terminate_backend($1::int)", [.integer(Int64(db.backendPID))])
        #expect(throws: PostgresError.self) { try db.firstRow(sql, [.text("b")]) { try $0.text(0) } }
        try db.reconnect()
        #expect(try db.firstRow(sql, [.text("c")]) { try $0.text(0) } == "c!")
    }
}
