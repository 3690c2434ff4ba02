import CLibPQ

/// One row of a result, read by column index (0-based) while the mapping closure runs.
///
/// Values arrive in text format and are parsed exactly: an integer column that does not fit
/// `Int64`, or text where a number is asked for, is a ``PostgresError/Code-swift.struct/decoding``
/// error, never a wrapped or zero value. `SUM` of a `bigint` column is `numeric`: it reads as
/// `Int64` while the sum fits.
public struct PostgresRow {
    let result: OpaquePointer
    let index: Int32
    let sql: String

    /// Columns in the row.
    public var columnCount: Int32 { PQnfields(result) }

    /// Whether the value at `column` is NULL.
    public func isNull(_ column: Int32) -> Bool { PQgetisnull(result, index, column) != 0 }

    /// The integer at `column`. Throws for NULL, text or a value past `Int64`.
    public func int64(_ column: Int32) throws -> Int64 {
        let raw = try value(column, as: "an integer")
        guard let value = Int64(raw) else { throw decoding(column, "an integer", found: raw) }
        return value
    }

    /// The integer at `column`, `nil` for NULL.
    public func optionalInt64(_ column: Int32) throws -> Int64? { isNull(column) ? nil : try int64(column) }

    /// The integer at `column` as an `Int`.
    public func int(_ column: Int32) throws -> Int { Int(try int64(column)) }

    /// The integer at `column` as an `Int`, `nil` for NULL.
    public func optionalInt(_ column: Int32) throws -> Int? { try optionalInt64(column).map { Int($0) } }

    /// The text at `column` (any type, in PostgreSQL's text format). Throws for NULL.
    public func text(_ column: Int32) throws -> String { try value(column, as: "text") }

    /// The text at `column`, `nil` for NULL.
    public func optionalText(_ column: Int32) throws -> String? { isNull(column) ? nil : try text(column) }

    /// The boolean at `column` (`t`/`f`). Throws for NULL or any other value.
    public func bool(_ column: Int32) throws -> Bool {
        switch try value(column, as: "a boolean") {
        case "t": return true
        case "f": return false
        case let other: throw decoding(column, "a boolean", found: other)
        }
    }

    /// The boolean at `column`, `nil` for NULL.
    public func optionalBool(_ column: Int32) throws -> Bool? { isNull(column) ? nil : try bool(column) }

    private func value(_ column: Int32, as expected: String) throws -> String {
        guard column >= 0, column < columnCount else {
            throw PostgresError(
                code: .decoding,
                message: "column \(column) asked for \(expected), but the row has \(columnCount) columns",
                context: "reading the rows of `\(sql)`")
        }
        guard !isNull(column), let text = PQgetvalue(result, index, column) else {
            throw PostgresError(
                code: .decoding, message: "column \(columnName(column)) is NULL, not \(expected)",
                context: "reading the rows of `\(sql)`")
        }
        return String(cString: text)
    }

    private func columnName(_ column: Int32) -> String {
        PQfname(result, column).map { "\"\(String(cString: $0))\"" } ?? "\(column)"
    }

    /// A decoding error. The value itself is left out when long: rows may hold prompts.
    private func decoding(_ column: Int32, _ expected: String, found: String) -> PostgresError {
        let shown = found.count <= 32 ? "`\(found)`" : "\(found.utf8.count) bytes of text"
        return PostgresError(
            code: .decoding, message: "column \(columnName(column)) holds \(shown), not \(expected)",
            context: "reading the rows of `\(sql)`")
    }
}
