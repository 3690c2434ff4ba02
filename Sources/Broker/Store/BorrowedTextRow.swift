import CSQLite

/// The text parameters of one bulk-insert statement (one row, or a batch of rows),
/// gathered in one reusable byte buffer and bound without copying.
///
/// ``Statement``'s own `bind(_:at:)` copies text (`SQLITE_TRANSIENT`): one allocation
/// and one copy per string. A refresh inserts 100,000 offers of a dozen strings each,
/// so its insert gathers them here and binds them with `SQLITE_STATIC`. That is safe
/// because ``execute(_:)`` binds, steps to completion, then resets the statement and
/// clears every binding before the buffer can move or change.
struct BorrowedTextRow {
    private var bytes: [UInt8] = []
    private var slots: [(parameter: Int32, start: Int, count: Int)] = []

    init() {
        bytes.reserveCapacity(1024)
        slots.reserveCapacity(16)
        removeAll()
    }

    /// Starts a new row, keeping the buffers' capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        // Byte 0 is never text: it keeps the buffer's address non-NULL, which SQLite
        // needs to bind an empty string as "" rather than NULL.
        bytes.append(0)
    }

    /// Sets parameter `parameter` to `value`; `nil` leaves it NULL.
    mutating func text(_ value: String?, at parameter: Int32) {
        guard let value else { return }
        let start = bytes.count
        bytes.append(contentsOf: value.utf8)
        slots.append((parameter, start, bytes.count - start))
    }

    /// Sets parameter `parameter` to `parts` joined by `separator`, optionally with the
    /// separator around the whole (`",a,b,"`), without building the joined string.
    /// An empty wrapped list is the separator alone (`","`).
    mutating func joined<Parts: Sequence<String>>(_ parts: Parts, separator: UInt8, wrapped: Bool, at parameter: Int32) {
        let start = bytes.count
        var first = true
        if wrapped { bytes.append(separator) }
        for part in parts {
            if !first { bytes.append(separator) }
            first = false
            bytes.append(contentsOf: part.utf8)
        }
        if wrapped && !first { bytes.append(separator) }
        slots.append((parameter, start, bytes.count - start))
    }

    /// Binds the gathered text to `statement` (whose other parameters are already bound),
    /// runs it to completion, then resets it and clears every binding.
    func execute(_ statement: Statement) throws {
        let handle = statement.handle
        try bytes.withUnsafeBufferPointer { buffer in
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return }
                for slot in slots {
                    let rc = shim_sqlite3_bind_text_static(handle, slot.parameter, base + slot.start, Int32(slot.count))
                    guard rc == SQLITE_OK else {
                        throw SQLiteError(resultCode: rc, db: sqlite3_db_handle(handle), sql: statement.sql)
                    }
                }
                _ = try statement.step()
            }
        }
    }
}
