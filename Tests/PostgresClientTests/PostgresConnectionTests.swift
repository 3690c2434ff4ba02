import PostgresClient
import Testing

@Suite("PostgreSQL connection", .enabled(if: PostgresTestCluster.available, PostgresTestCluster.skipReason))
struct PostgresConnectionTests {
    @Test("connects with the URI's user to its database")
    func connects() throws {
        let text = try PostgresTestCluster.requireURI()
        let db = try PostgresConnection(uri: text)
        #expect(db.isConnected)
        #expect(db.backendPID > 0)
        let (user, database) = try #require(
            try db.firstRow("SELECT current_user, current_database()") { (try $0.text(0), try $0.text(1)) })
        #expect(user == db.uri.user)
        #expect(database == db.uri.database)
    }

    @Test("parameters round-trip exactly: 64-bit money, NULL, unicode, control characters, booleans")
    func parametersRoundTrip() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try db.execute("CREATE TABLE v (id bigint PRIMARY KEY, pico bigint, note text, flag boolean)")
        let notes: [String?] = [
            "Grüße, 世界 🚀 e\u{0301}", "tab\there\nnewline\\back'quote\"", "", nil,
            String(repeating: "x", count: 100_000),
        ]
        let picos: [Int64?] = [Int64.max, Int64.min, -1, nil, 0]
        let flags: [Bool?] = [true, false, nil, true, false]
        for i in 0..<notes.count {
            let changed = try db.run(
                "INSERT INTO v (id, pico, note, flag) VALUES ($1, $2, $3, $4)",
                [.integer(Int64(i)), .integer(picos[i]), .text(notes[i]), .bool(flags[i])])
            #expect(changed == 1)
        }
        let rows = try db.rows("SELECT id, pico, note, flag FROM v ORDER BY id") {
            (try $0.int64(0), try $0.optionalInt64(1), try $0.optionalText(2), try $0.optionalBool(3))
        }
        #expect(rows.map(\.0) == [0, 1, 2, 3, 4])
        #expect(rows.map(\.1) == picos)
        #expect(rows.map(\.2) == notes)
        #expect(rows.map(\.3) == flags)
        // An empty string is not NULL.
        #expect(try db.firstRow("SELECT count(*) FROM v WHERE note = $1", [.text("")]) { try $0.int64(0) } == 1)
        // A sum of bigints is numeric: it reads exactly while it fits in Int64 …
        #expect(try db.firstRow("SELECT sum(pico) FROM v WHERE id IN (0, 2)") { try $0.int64(0) } == Int64.max - 1)
        // … and is an error, never a wrapped number, once it does not.
        try db.run("INSERT INTO v (id, pico) VALUES (5, $1)", [.integer(Int64.max)])
        let overflow = #expect(throws: PostgresError.self) {
            try db.firstRow("SELECT sum(pico) FROM v WHERE id IN (0, 5)") { try $0.int64(0) }
        }
        #expect(overflow?.code == .decoding)
    }

    @Test("reading a column as the wrong type, or NULL as a value, is a decoding error naming the column")
    func decodingErrors() throws {
        let db = try PostgresConnection(uri: try PostgresTestCluster.requireURI())
        let text = #expect(throws: PostgresError.self) {
            try db.firstRow("SELECT 'abc'::text AS model") { try $0.int64(0) }
        }
        #expect(text?.code == .decoding)
        #expect(text?.message.contains("\"model\"") == true)
        let null = #expect(throws: PostgresError.self) {
            try db.firstRow("SELECT NULL::bigint AS price") { try $0.int64(0) }
        }
        #expect(null?.code == .decoding)
        #expect(null?.message.contains("NULL") == true)
        let bool = #expect(throws: PostgresError.self) { try db.firstRow("SELECT 1 AS x") { try $0.bool(0) } }
        #expect(bool?.code == .decoding)
        let missing = #expect(throws: PostgresError.self) { try db.firstRow("SELECT 1") { try $0.int64(3) } }
        #expect(missing?.code == .decoding)
    }

    @Test("text with a NUL character is refused before it reaches the server")
    func nulRefused() throws {
        let db = try PostgresConnection(uri: try PostgresTestCluster.requireURI())
        let error = #expect(throws: PostgresError.self) {
            try db.firstRow("SELECT $1::text", [.text("a\u{0}b")]) { try $0.text(0) }
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("$1") == true)
    }

    @Test("a server error carries its SQLSTATE and the SQL with placeholders, not the values")
    func serverErrorShape() throws {
        let schema = try PostgresTestSchema()
        defer { schema.drop() }
        let db = try schema.connect()
        try db.execute("CREATE TABLE k (request_id text PRIMARY KEY)")
        try db.run("INSERT INTO k VALUES ($1)", [.text("req-secretish-42")])
        let error = #expect(throws: PostgresError.self) {
            try db.run("INSERT INTO k VALUES ($1)", [.text("req-secretish-42")])
        }
        #expect(error?.code == .server)
        #expect(error?.sqlState == "23505")
        #expect(error?.isUniqueViolation == true)
        #expect(error?.isRetryable == false)
        let description = error.map { "\($0)" } ?? ""
        #expect(description.contains("INSERT INTO k VALUES ($1)"))
        #expect(!description.contains("req-secretish-42"))
        // The connection stays usable after a statement fails outside a transaction.
        #expect(try db.firstRow("SELECT count(*) FROM k") { try $0.int64(0) } == 1)
    }

    @Test("a wrong password is a connection error that names the cause and neither password")
    func wrongPassword() throws {
        let good = try PostgresURI(try PostgresTestCluster.requireURI())
        let host = try #require(good.host)
        let port = try #require(good.port)
        let wrong =
            "postgresql://\(good.user ?? "broker"):WrongHorseBattery9@\(host):\(port)/\(good.database ?? "postgres")"
        let error = #expect(throws: PostgresError.self) { try PostgresConnection(uri: wrong) }
        #expect(error?.code == .connectionFailed)
        let description = error.map { "\($0)" } ?? ""
        #expect(description.contains("password authentication failed"), "\(description)")
        #expect(description.contains("\(host):\(port)"))
        #expect(!description.contains("WrongHorseBattery9"))
    }

    @Test("a server that is not there is a connection error without the password")
    func refusedConnection() throws {
        // Port 1 on loopback: nothing listens there.
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(uri: "postgresql://broker:Hidden-Pass-77@127.0.0.1:1/market?connect_timeout=3")
        }
        #expect(error?.code == .connectionFailed)
        let description = error.map { "\($0)" } ?? ""
        #expect(description.contains("127.0.0.1"))
        #expect(!description.contains("Hidden-Pass-77"))
        #expect(description.contains("postgresql://broker@127.0.0.1:1/market"))
    }

    @Test("a connection terminated by the server is a distinct, retryable error, and reconnect() recovers")
    func connectionLost() throws {
        let text = try PostgresTestCluster.requireURI()
        let victim = try PostgresConnection(uri: text)
        let admin = try PostgresConnection(uri: text)
        #expect(
            try admin.firstRow("SELECT pg_terminate_backend($1::int)", [.integer(Int64(victim.backendPID))]) {
                try $0.bool(0)
            } == true)
        let error = #expect(throws: PostgresError.self) { try victim.firstRow("SELECT 1") { try $0.int64(0) } }
        #expect(error?.code == .connectionLost)
        #expect(error?.isRetryable == true)
        #expect(!victim.isConnected)
        // Still lost on the next call, not "no rows".
        let again = #expect(throws: PostgresError.self) { try victim.run("SELECT 1") }
        #expect(again?.code == .connectionLost)
        try victim.reconnect()
        #expect(victim.isConnected)
        #expect(try victim.firstRow("SELECT 41 + 1") { try $0.int64(0) } == 42)
    }
}
