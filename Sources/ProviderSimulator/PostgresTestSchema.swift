import Foundation
import PostgresClient

/// A schema of its own on the test PostgreSQL cluster (`$BROKER_TEST_POSTGRES`, which
/// `scripts/test.sh` sets), and the store URI whose `search_path` is that schema, so tests run in
/// parallel on one cluster. The schema is dropped when the value goes.
public final class PostgresTestSchema: Sendable {
    /// The cluster's URI, as the environment gives it.
    public let base: String
    /// The schema's name.
    public let name: String
    /// The URI of a store in that schema.
    public let uri: String

    /// The variable is missing (it must be set under CI).
    public struct Unavailable: Error, CustomStringConvertible {
        /// What to do about it.
        public var description: String {
            "BROKER_TEST_POSTGRES must be set under CI (scripts/test.sh starts the cluster)"
        }
    }

    /// Creates a fresh schema, named `prefix` and a random suffix.
    public init(prefix: String = "test_") throws {
        guard let base = ProcessInfo.processInfo.environment["BROKER_TEST_POSTGRES"], !base.isEmpty else {
            throw Unavailable()
        }
        self.base = base
        name = prefix + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        try PostgresConnection(uri: base).execute("CREATE SCHEMA \(name)")
        uri = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + name
    }

    deinit { try? PostgresConnection(uri: base).execute("DROP SCHEMA \(name) CASCADE") }
}
