import Foundation
import Platform

extension SQLiteConnection {
    /// `INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows: row `r`'s
    /// parameters start after `r` × `columns.count`. `orIgnore` skips rows that would
    /// break a uniqueness constraint.
    static func insertSQL(table: String, columns: [String], rows: Int, orIgnore: Bool = false) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT \(orIgnore ? "OR IGNORE " : "")INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// Rows per multi-row INSERT: 32 offers bind 800 parameters, well under SQLite's limit.
    static let insertBatchRows = 32

    /// Rows encoded per hand-over between the encoding thread and this one.
    static let insertChunkRows = 32 * 32

    /// Inserts `count` rows, up to ``insertBatchRows`` per multi-row INSERT (one statement
    /// step per batch instead of per row), with the rows encoded on a second thread while
    /// this one binds and inserts the ones before: a first refresh's 100,000 offers cost
    /// SQLite's time plus little more, rather than SQLite's plus Swift's.
    ///
    /// - Parameters:
    ///   - columns: the parameters of one row.
    ///   - sql: the INSERT of a given number of rows.
    ///   - encode: appends the parameters of rows `range` (positions in `0..<count`) to
    ///     the given rows. It runs on another thread, before this call returns; whatever it
    ///     reads must not change meanwhile.
    /// - Returns: the rows inserted (fewer than `count` when `INSERT OR IGNORE` skipped some).
    @discardableResult
    func insertPipelined(
        count: Int, columns: Int, sql: (Int) -> String,
        encode: @escaping @Sendable (Range<Int>, inout EncodedRows) -> Void
    ) throws -> Int {
        guard count > 0 else { return 0 }
        let chunk = Self.insertChunkRows
        guard count > chunk else {
            var rows = EncodedRows(columns: columns, rowCapacity: count)
            encode(0..<count, &rows)
            return try insert(rows, sql: sql)
        }
        let pipeline = RowPipeline(columns: columns, chunkRows: chunk, count: count)
        // The encoder gets a thread of its own (see BackgroundWork): this one blocks on it.
        guard PlatformThread.detach(name: "broker-encode", { pipeline.produce(encode) }) else {
            // No thread to be had: encode it all here, then insert.
            var rows = EncodedRows(columns: columns, rowCapacity: count)
            encode(0..<count, &rows)
            return try insert(rows, sql: sql)
        }
        // The encoder reads the caller's values: it must be done before this returns.
        defer { pipeline.cancelAndWait() }
        var inserted = 0
        while let (slot, rows) = pipeline.nextReady() {
            inserted += try insert(rows, sql: sql)
            pipeline.recycle(slot)
        }
        return inserted
    }

    /// Inserts every row of `rows`, ``insertBatchRows`` per statement; returns the rows inserted.
    private func insert(_ rows: EncodedRows, sql: (Int) -> String) throws -> Int {
        let batch = Self.insertBatchRows
        var inserted = 0
        let full = rows.rowCount >= batch ? try cachedStatement(sql(batch)) : nil
        var start = 0
        while start < rows.rowCount {
            let n = min(batch, rows.rowCount - start)
            let statement: Statement
            if n == batch, let full {
                statement = full
            } else {
                statement = try cachedStatement(sql(n))
            }
            try rows.execute(rows: start, count: n, statement: statement)
            inserted += changes
            start += n
        }
        return inserted
    }
}

/// The hand-over of encoded rows between the thread that encodes them and the thread
/// that inserts them: a few buffers going round, so neither allocates after the first lap.
private final class RowPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffers: [EncodedRows]
    private var free: [Int]
    private var ready: [Int] = []
    private var producing = true
    private var cancelled = false
    private var delivered = 0
    private let chunks: Int
    private let chunkRows: Int
    private let count: Int

    init(columns: Int, chunkRows: Int, count: Int) {
        self.chunkRows = chunkRows
        self.count = count
        chunks = (count + chunkRows - 1) / chunkRows
        let depth = min(4, chunks)
        buffers = (0..<depth).map { _ in EncodedRows(columns: columns, rowCapacity: chunkRows) }
        free = Array(0..<depth)
    }

    /// The encoding thread: fills free buffers with consecutive chunks until done or cancelled.
    func produce(_ encode: (Range<Int>, inout EncodedRows) -> Void) {
        for chunk in 0..<chunks {
            condition.lock()
            while free.isEmpty && !cancelled { condition.wait() }
            if cancelled {
                producing = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let slot = free.removeFirst()
            var rows = buffers[slot]
            buffers[slot] = EncodedRows(columns: rows.columns, rowCapacity: 0)
            condition.unlock()

            rows.removeAll()
            encode((chunk * chunkRows)..<min(count, (chunk + 1) * chunkRows), &rows)

            condition.lock()
            buffers[slot] = rows
            ready.append(slot)
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        producing = false
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk in order, or nil when every chunk was delivered.
    func nextReady() -> (Int, EncodedRows)? {
        condition.lock()
        defer { condition.unlock() }
        guard delivered < chunks else { return nil }
        while ready.isEmpty && producing { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let slot = ready.removeFirst()
        delivered += 1
        let rows = buffers[slot]
        buffers[slot] = EncodedRows(columns: rows.columns, rowCapacity: 0)
        return (slot, rows)
    }

    /// Hands a delivered buffer back for reuse.
    func recycle(_ slot: Int) {
        condition.lock()
        free.append(slot)
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the encoder (if still running) and waits until it has returned.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while producing { condition.wait() }
        condition.unlock()
    }
}
