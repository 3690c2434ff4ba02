import CSQLite

/// Rows of statement parameters encoded ahead of binding: each value a slot (NULL, an
/// integer, or text in one shared byte buffer), `columns` slots per row, in parameter order.
///
/// Encoding reads the Swift values (offers and their strings) and copies their text, which
/// costs about as much as SQLite's own work on a bulk insert; encoded rows can be filled on
/// one thread while another binds and inserts the previous ones
/// (``SQLiteConnection/insertPipelined(count:columns:sql:encode:)``). Binding is then a
/// run of plain `sqlite3_bind_*` calls with text bound in place (`SQLITE_STATIC`).
struct EncodedRows {
    enum Slot {
        case null
        case integer(Int64)
        case text(start: Int32, count: Int32)
    }

    /// Parameters per row.
    let columns: Int
    private(set) var slots: [Slot] = []
    private(set) var bytes: [UInt8] = []

    init(columns: Int, rowCapacity: Int = 32) {
        self.columns = columns
        slots.reserveCapacity(columns * rowCapacity)
        bytes.reserveCapacity(64 * columns * rowCapacity)
        removeAll()
    }

    /// The rows encoded so far.
    var rowCount: Int { slots.count / columns }

    /// Empties the rows, keeping the buffers' capacity.
    mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        // Byte 0 is never text: it keeps the buffer's address non-NULL, which SQLite
        // needs to bind an empty string as "" rather than NULL.
        bytes.append(0)
    }

    /// Appends the next parameter: an integer, or NULL for `nil`.
    mutating func integer(_ value: Int64?) {
        slots.append(value.map(Slot.integer) ?? .null)
    }

    /// Appends the next parameter: text, or NULL for `nil`.
    mutating func text(_ value: String?) {
        guard let value else { return slots.append(.null) }
        let start = bytes.count
        bytes.append(contentsOf: value.utf8)
        slots.append(.text(start: Int32(start), count: Int32(bytes.count - start)))
    }

    /// Appends the next parameter: `parts` joined by `separator`, optionally with the
    /// separator around the whole (`",a,b,"`), without building the joined string. An
    /// empty wrapped list is the separator alone (`","`).
    mutating func joined<Parts: Sequence<String>>(_ parts: Parts, separator: UInt8, wrapped: Bool) {
        let start = bytes.count
        var first = true
        if wrapped { bytes.append(separator) }
        for part in parts {
            if !first { bytes.append(separator) }
            first = false
            bytes.append(contentsOf: part.utf8)
        }
        if wrapped && !first { bytes.append(separator) }
        slots.append(.text(start: Int32(start), count: Int32(bytes.count - start)))
    }

    /// Binds `rowCount` rows starting at row `first` to `statement` (row `r`'s parameters
    /// after `r` × ``columns``), runs it to completion, then resets it and clears every
    /// binding, so no binding outlives the text it points into.
    func execute(rows first: Int, count rowCount: Int, statement: Statement) throws {
        let handle = statement.handle
        try bytes.withUnsafeBufferPointer { buffer in
            defer {
                sqlite3_reset(handle)
                sqlite3_clear_bindings(handle)
            }
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return }
                try slots.withUnsafeBufferPointer { slots in
                    let start = first * columns
                    for i in 0..<(rowCount * columns) {
                        let rc: Int32
                        switch slots[start + i] {
                        case .null: continue
                        case .integer(let value): rc = sqlite3_bind_int64(handle, Int32(i + 1), value)
                        case .text(let offset, let count):
                            rc = shim_sqlite3_bind_text_static(handle, Int32(i + 1), base + Int(offset), count)
                        }
                        guard rc == SQLITE_OK else {
                            throw SQLiteError(resultCode: rc, db: sqlite3_db_handle(handle), sql: statement.sql)
                        }
                    }
                }
                _ = try statement.step()
            }
        }
    }
}
