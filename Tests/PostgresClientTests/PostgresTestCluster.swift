import PostgresClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL the tests run against: `$BROKER_TEST_POSTGRES`, a libpq URI that
/// `scripts/test.sh` (CI) sets after starting a throw-away cluster with
/// `scripts/postgres-test-cluster.sh`. Without it these tests are skipped, saying so, except
/// under CI (`CI=true`), where they run and fail: CI must never pass by skipping them.
enum PostgresTestCluster {
    static let uri: String? = {
        guard let value = getenv("BROKER_TEST_POSTGRES") else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }()

    static let isCI: Bool = getenv("CI").map { String(cString: $0) == "true" } ?? false

    /// For `@Suite(.enabled(if:…))`.
    static let available = uri != nil || isCI

    /// Why the suite is skipped.
    static let skipReason: Comment =
        "BROKER_TEST_POSTGRES is unset: run `eval \"$(scripts/postgres-test-cluster.sh start)\"` first (scripts/test.sh does)"

    /// The URI, failing the test when it is missing (under CI).
    static func requireURI() throws -> String {
        try #require(uri, "BROKER_TEST_POSTGRES must be set under CI (scripts/test.sh starts the cluster)")
    }
}

/// A schema of its own for one test (tests run in parallel on one database), dropped by
/// ``drop()``. Connections from ``connect()`` work in it.
final class PostgresTestSchema {
    let uri: String
    let name: String
    private let admin: PostgresConnection

    init() throws {
        uri = try PostgresTestCluster.requireURI()
        name = "t_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        admin = try PostgresConnection(uri: uri)
        try admin.execute("CREATE SCHEMA \(name)")
    }

    /// A new connection whose unqualified names resolve in this schema.
    func connect() throws -> PostgresConnection {
        let connection = try PostgresConnection(uri: uri)
        try connection.execute("SET search_path TO \(name)")
        return connection
    }

    func drop() {
        try? admin.execute("DROP SCHEMA \(name) CASCADE")
    }
}
