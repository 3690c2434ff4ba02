import PostgresClient
import Testing

/// URIs are parsed by libpq and described without their password; no server needed.
@Suite("PostgreSQL connection URIs")
struct PostgresURITests {
    @Test("a URI is described as user, host, port and database, never with its password")
    func describedWithoutPassword() throws {
        let uri = try PostgresURI("postgresql://broker:s3cr%40t-pw@db.example:5433/market?sslmode=require")
        #expect(uri.user == "broker")
        #expect(uri.host == "db.example")
        #expect(uri.port == "5433")
        #expect(uri.database == "market")
        #expect(uri.description == "postgresql://broker@db.example:5433/market")
        // Nor do its debug forms.
        var dumped = ""
        dump(uri, to: &dumped)
        for text in [String(reflecting: uri), dumped, "\(uri)"] {
            #expect(!text.contains("s3cr"), "\(text)")
        }
        // Both the written and the decoded password are removed from any text.
        #expect(uri.redact("failed for s3cr%40t-pw and s3cr@t-pw") == "failed for *** and ***")
    }

    @Test("a socket directory given as ?host= is kept in the description")
    func socketDirectory() throws {
        let uri = try PostgresURI("postgresql://broker@/market?host=/run/postgresql&password=hunter2x")
        #expect(uri.host == "/run/postgresql")
        #expect(uri.description == "postgresql://broker@/market?host=/run/postgresql")
        #expect(uri.redact("x hunter2x y") == "x *** y")
    }

    @Test("a store that is not a postgresql:// URI is refused as such")
    func notAURI() {
        #expect(PostgresURI.isPostgresURI("postgres://h/db"))
        #expect(!PostgresURI.isPostgresURI("/var/lib/broker/market.sqlite3"))
        let error = #expect(throws: PostgresError.self) { try PostgresURI("/var/lib/broker/market.sqlite3") }
        #expect(error?.code == .invalidURI)
        #expect(error?.description.contains("postgresql://") == true)
    }

    @Test("a URI libpq cannot parse is an invalid-URI error naming why, without the password")
    func malformedURIKeepsSecret() {
        // libpq's own message quotes the malformed token: here, the password.
        let badPassword = #expect(throws: PostgresError.self) {
            try PostgresURI("postgresql://broker:TopSecret%ZZ99@db.example:5432/market")
        }
        #expect(badPassword?.code == .invalidURI)
        let text = badPassword.map { "\($0)" } ?? ""
        #expect(text.contains("percent-encoded"), "\(text)")
        #expect(!text.contains("TopSecret"), "the description leaks the password: \(text)")

        let badOption = #expect(throws: PostgresError.self) {
            try PostgresURI("postgresql://broker:TopSecret99@db.example/market?password=TopSecret99&bogus_option=1")
        }
        #expect(badOption?.code == .invalidURI)
        #expect(badOption?.message.contains("bogus_option") == true)
        #expect(badOption.map { "\($0)".contains("TopSecret99") } == false)
    }
}
