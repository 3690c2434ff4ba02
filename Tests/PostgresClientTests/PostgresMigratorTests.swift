import Foundation
import PostgresClient
import Testing

@Suite("PostgreSQL migrations", .enabled(if: PostgresTestCluster.available, PostgresTestCluster.skipReason))
struct PostgresMigratorTests {
    struct Boom: Error {}

    @Test("migrations apply once, in order, and not again")
    func appliesOnce() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        let one = PostgresMigration("1-a", sql: "CREATE TABLE a (x bigint)")
        let two = PostgresMigration("2-b", sql: "CREATE TABLE b (x bigint); INSERT INTO b VALUES (1)")
        #expect(try PostgresMigrator([one]).migrate(db) == ["1-a"])
        #expect(try PostgresMigrator([one, two]).migrate(db) == ["2-b"])
        #expect(try PostgresMigrator([one, two]).migrate(db) == [])
        #expect(try PostgresMigrator.appliedMigrations(db) == ["1-a", "2-b"])
        #expect(try db.firstRow("SELECT count(*) FROM b") { try $0.int64(0) } == 1)
    }

    @Test("a failing migration leaves no trace and is applied on the next try")
    func failingMigrationRollsBack() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        let broken = PostgresMigration("1-half") { db in
            try db.execute("CREATE TABLE half (x bigint)")
            throw Boom()
        }
        #expect(throws: Boom.self) { try PostgresMigrator([broken]).migrate(db) }
        #expect(try db.firstRow("SELECT to_regclass('half') IS NULL") { try $0.bool(0) } == true)
        #expect(try PostgresMigrator.appliedMigrations(db).isEmpty)
        let fixed = PostgresMigration("1-half", sql: "CREATE TABLE half (x bigint)")
        #expect(try PostgresMigrator([fixed]).migrate(db) == ["1-half"])
    }

    @Test("instances migrating one database at the same moment apply each migration exactly once")
    func concurrentInstances() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        // Each migration counts its runs: a second run would add a row (or fail to re-create).
        let migrations = (1...5).map { i in
            PostgresMigration(
                "\(i)-step",
                sql: "CREATE TABLE step\(i) (x bigint); INSERT INTO step\(i) VALUES (\(i)); SELECT pg_sleep(0.02)")
        }
        let instances = 4
        let (uri, name) = (schema.uri, schema.name)
        let results = Results()
        let done = DispatchGroup()
        for _ in 0..<instances {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                results.record {
                    let db = try PostgresConnection(uri: uri)
                    try db.execute("SET search_path TO \(name)")
                    return try PostgresMigrator(migrations).migrate(db)
                }
            }
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(results.errors.isEmpty, "\(results.errors)")
        // Every migration applied by exactly one instance, each once.
        #expect(results.applied.flatMap { $0 }.sorted() == migrations.map(\.name).sorted())
        let db = try schema.connect()
        for i in 1...5 { #expect(try db.firstRow("SELECT count(*) FROM step\(i)") { try $0.int64(0) } == 1) }
        #expect(try PostgresMigrator.appliedMigrations(db) == migrations.map(\.name))
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var applied: [[String]] = []
        private(set) var errors: [String] = []
        func record(_ body: () throws -> [String]) {
            do {
                let names = try body()
                lock.withLock { applied.append(names) }
            } catch {
                lock.withLock { errors.append("\(error)") }
            }
        }
    }
}
