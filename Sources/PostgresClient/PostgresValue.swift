/// A value to bind to a statement parameter (`$1`, `$2`, …).
///
/// Sent in PostgreSQL's text format. Integers go as `int8` and booleans as `bool`; text goes
/// with no declared type, so the server reads it as whatever the parameter's place needs
/// (`text`, `jsonb`, `timestamptz`, …). A parameter whose type the statement alone cannot tell
/// (`SELECT $1`) needs a cast in the SQL: `SELECT $1::text`.
public enum PostgresValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit integer (money is integer pico-units: never a float).
    case integer(Int64)
    /// UTF-8 text. PostgreSQL text cannot hold a NUL character: binding one is an error.
    case text(String)
    /// A boolean.
    case bool(Bool)

    /// `.integer`, or `.null` for `nil`.
    public static func integer(_ value: Int64?) -> PostgresValue { value.map { .integer($0) } ?? .null }
    /// `.integer` from an `Int`, or `.null` for `nil`.
    public static func int(_ value: Int?) -> PostgresValue { value.map { .integer(Int64($0)) } ?? .null }
    /// `.text`, or `.null` for `nil`.
    public static func text(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }
    /// `.bool`, or `.null` for `nil`.
    public static func bool(_ value: Bool?) -> PostgresValue { value.map { .bool($0) } ?? .null }

    /// The parameter's type as sent: `int8` (20), `bool` (16), or 0 (let the server infer).
    var typeOID: UInt32 {
        switch self {
        case .integer: 20
        case .bool: 16
        case .null, .text: 0
        }
    }

    /// The value in PostgreSQL's text format, `nil` for NULL.
    var textFormat: String? {
        switch self {
        case .null: nil
        case .integer(let value): String(value)
        case .text(let value): value
        case .bool(let value): value ? "t" : "f"
        }
    }
}
