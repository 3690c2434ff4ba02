import CSQLite

/// A prepared SQLite statement, owned by one ``SQLiteConnection``.
///
/// Not `Sendable`: it lives inside its connection's owner (the ``MarketplaceStore``
/// actor). Get one from ``SQLiteConnection/cachedStatement(_:)``; it is reset and its
/// bindings cleared before each reuse. Parameters and columns are numbered as in SQLite
/// (parameters from 1, columns from 0).
public final class Statement {
    /// The statement handle, finalized in `deinit`.
    let handle: OpaquePointer
    /// The SQL text, for errors.
    public let sql: String

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    private var db: OpaquePointer? { sqlite3_db_handle(handle) }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw SQLiteError(resultCode: rc, db: db, sql: sql) }
    }

    /// Resets the statement and clears every binding, ready for new arguments.
    public func reset() {
        // The step error (if any) was already reported; reset only repeats it.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Binding

    /// Binds an integer, or NULL for `nil`.
    public func bind(_ value: Int64?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds text (copied, so the string may go away), or NULL for `nil`.
    public func bind(_ value: String?, at index: Int32) throws {
        guard var value else { return try bindNull(at: index) }
        let rc = value.withUTF8 { buffer -> Int32 in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return shim_sqlite3_bind_text_transient(handle, index, "", 0)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                shim_sqlite3_bind_text_transient(handle, index, $0, Int32(buffer.count))
            }
        }
        try check(rc)
    }

    /// Binds bytes (copied), or NULL for `nil`.
    public func bind(_ value: [UInt8]?, at index: Int32) throws {
        guard let value else { return try bindNull(at: index) }
        let rc = value.withUnsafeBytes { raw -> Int32 in
            // A zero-length blob needs a non-NULL pointer, or SQLite binds NULL.
            guard let base = raw.baseAddress, raw.count > 0 else {
                return sqlite3_bind_zeroblob(handle, index, 0)
            }
            return shim_sqlite3_bind_blob_transient(handle, index, base, Int32(raw.count))
        }
        try check(rc)
    }

    /// Binds NULL.
    public func bindNull(at index: Int32) throws {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Binds one value.
    public func bind(_ value: SQLiteValue, at index: Int32) throws {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        }
    }

    /// Resets the statement, then binds `values` to parameters 1, 2, ….
    public func bind(_ values: [SQLiteValue]) throws {
        reset()
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    // MARK: Stepping

    /// Advances to the next row: `true` when a row is available, `false` when done.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(resultCode: rc, db: db, sql: sql)
        }
    }

    /// Runs the statement to completion, ignoring any rows, then resets it.
    public func execute() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Binds `values`, runs the statement and returns each row mapped by `row`.
    public func rows<T>(_ values: [SQLiteValue] = [], _ row: (Statement) throws -> T) throws -> [T] {
        try bind(values)
        defer { sqlite3_reset(handle) }
        var result: [T] = []
        while try step() { result.append(try row(self)) }
        return result
    }

    // MARK: Columns

    /// Whether column `index` of the current row is NULL.
    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    /// Column `index` as an integer (0 for NULL).
    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// Column `index` as an integer, or `nil` for NULL.
    public func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }

    /// Column `index` as an `Int`, or `nil` for NULL.
    public func optionalInt(_ index: Int32) -> Int? { optionalInt64(index).map { Int($0) } }

    /// Column `index` as a boolean (non-zero), or `nil` for NULL.
    public func optionalBool(_ index: Int32) -> Bool? { optionalInt64(index).map { $0 != 0 } }

    /// Column `index` as text (empty for NULL).
    public func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Column `index` as text, or `nil` for NULL.
    public func optionalText(_ index: Int32) -> String? { isNull(index) ? nil : text(index) }

    /// Calls `body` with column `index`'s UTF-8 bytes in place (empty for NULL), without
    /// making a string; the bytes are valid only inside `body`.
    func withTextBytes<R>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard let bytes = sqlite3_column_text(handle, index) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))))
    }
}

@available(*, unavailable, message: "A statement belongs to one connection's owner")
extension Statement: Sendable {}
