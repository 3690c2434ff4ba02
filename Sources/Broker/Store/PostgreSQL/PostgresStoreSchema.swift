import PostgresClient

/// The marketplace store's schema on PostgreSQL: the SQLite migrations (``StoreSchema``),
/// each under its own name and in the same order, translated to PostgreSQL's dialect, after
/// one PostgreSQL-only migration that defines what the shared SQL needs.
///
/// The translation is mechanical, so the two schemas cannot drift apart:
/// - `INTEGER PRIMARY KEY` (SQLite's rowid) is `bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`;
///   ids grow in insert order as rowids do, so "ORDER BY …, id" ties break the same way.
/// - `INTEGER` is `bigint`: every integer (money in pico-units included) is 64 bits, as in SQLite.
/// - `TEXT` is `text COLLATE "C"`: text compares and sorts by bytes, as SQLite's BINARY
///   collation does, whatever the database's locale (`ORDER BY model`, prefix ranges on GPU names).
/// - Booleans stay 0/1 integers, so the market query's SQL (``MarketQuerySQL``) runs unchanged.
/// - Partial indexes, `ON CONFLICT`, `RENAME COLUMN` and `ADD COLUMN` are the same in both.
enum PostgresStoreSchema {
    static let migrations: [PostgresMigration] =
        [
            PostgresMigration(
                "pg-0-functions",
                sql: """
                    -- SQLite's instr(haystack, needle): the 1-based position, 0 when absent. The shared
                    -- market and compute queries match ",tag," lists with it.
                    CREATE FUNCTION instr(text, text) RETURNS integer
                        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT strpos($1, $2)';
                    """)
        ] + StoreSchema.migrations.map { PostgresMigration($0.name, sql: translate($0.sql ?? "")) }

    /// `sql` (SQLite DDL from ``StoreSchema``) in PostgreSQL's dialect.
    static func translate(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 256)
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingPrefix(while: { $0 == " " }).hasPrefix("--") {
                out += line + "\n"
                continue
            }
            var text = String(line)
            text = replacingWord(
                "INTEGER PRIMARY KEY", with: "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", in: text)
            text = replacingWord("INTEGER", with: "bigint", in: text)
            text = replacingWord("TEXT", with: "text COLLATE \"C\"", in: text)
            out += text + "\n"
        }
        return out
    }

    /// `text` with every whole-word `word` replaced.
    private static func replacingWord(_ word: String, with replacement: String, in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: word) {
            let before = rest[..<range.lowerBound].last
            let after = rest[range.upperBound...].first
            let isWord = !(before.map(isIdentifier) ?? false) && !(after.map(isIdentifier) ?? false)
            out += rest[..<range.lowerBound]
            out += isWord ? replacement : word
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    private static func isIdentifier(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
}
