import PostgresClient
import Testing

@Suite("PostgreSQL transactions", .enabled(if: PostgresTestCluster.available, PostgresTestCluster.skipReason))
struct PostgresTransactionTests {
    struct Boom: Error, Equatable {}

    private func count(_ db: PostgresConnection) throws -> Int64? {
        try db.firstRow("SELECT count(*) FROM ledger") { try $0.int64(0) }
    }

    @Test("a committed transaction is seen by another connection; nothing shows before the commit")
    func commitVisible() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let writer = try schema.connect()
        let reader = try schema.connect()
        try writer.execute("CREATE TABLE ledger (pico bigint NOT NULL)")
        let total = try writer.inTransaction {
            try writer.run("INSERT INTO ledger VALUES ($1), ($2)", [.integer(5_000_000), .integer(7)])
            #expect(try count(reader) == 0, "another connection sees an uncommitted row")
            return try writer.firstRow("SELECT sum(pico) FROM ledger") { try $0.int64(0) }
        }
        #expect(total == 5_000_007)
        #expect(try count(reader) == 2)
        #expect(!writer.isInTransaction)
    }

    @Test("a throwing body rolls back and its error is the one thrown")
    func rollbackOnThrow() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try db.execute("CREATE TABLE ledger (pico bigint NOT NULL)")
        #expect(throws: Boom()) {
            try db.inTransaction {
                try db.run("INSERT INTO ledger VALUES ($1)", [.integer(1)])
                throw Boom()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try count(db) == 0)
        // The connection goes on working.
        _ = try db.inTransaction(.serializable) { try db.run("INSERT INTO ledger VALUES (2)") }
        #expect(try count(db) == 1)
    }

    @Test("a transaction a failed statement aborted is reported, not passed off as committed")
    func abortedTransactionNotCommitted() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try db.execute("CREATE TABLE ledger (pico bigint NOT NULL)")
        let error = #expect(throws: PostgresError.self) {
            try db.inTransaction {
                try db.run("INSERT INTO ledger VALUES (1)")
                // The body swallows a failure and carries on: PostgreSQL has aborted the transaction.
                _ = try? db.run("INSERT INTO ledger VALUES (NULL)")
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(error?.message.contains("rolled back") == true)
        #expect(!db.isInTransaction)
        #expect(try count(db) == 0)
    }

    @Test("a serialization conflict is retryable")
    func serializationFailureRetryable() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let a = try schema.connect()
        let b = try schema.connect()
        try a.execute(
            "CREATE TABLE budget (key text PRIMARY KEY, spent bigint NOT NULL); INSERT INTO budget VALUES ('k', 0)")
        // Both read the same snapshot, then both write the row: the second to commit must fail.
        try a.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        _ = try a.firstRow("SELECT spent FROM budget WHERE key = 'k'") { try $0.int64(0) }
        let error = #expect(throws: PostgresError.self) {
            try b.inTransaction(.serializable) {
                _ = try b.firstRow("SELECT spent FROM budget WHERE key = 'k'") { try $0.int64(0) }
                try a.run("UPDATE budget SET spent = spent + 10 WHERE key = 'k'")
                try a.execute("COMMIT")
                try b.run("UPDATE budget SET spent = spent + 20 WHERE key = 'k'")
            }
        }
        #expect(error?.sqlState == "40001")
        #expect(error?.isRetryable == true)
        #expect(try b.firstRow("SELECT spent FROM budget WHERE key = 'k'") { try $0.int64(0) } == 10)
    }
}
