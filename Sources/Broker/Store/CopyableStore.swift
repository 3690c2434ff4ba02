/// A store whose tables can be read and written whole: what `broker store copy` moves
/// between backends (``StoreCopy``). Values are integers, text or NULL, exactly as stored.
public protocol CopyableStore: MarketStore {
    /// Every row of `table`, in its order, as values of its columns.
    func exportRows(_ table: StoreTable) throws -> [[SQLiteValue]]
    /// Writes `tables` into this store in one transaction; throws ``StoreError/Code/notEmpty``
    /// (writing nothing) when any of them already holds a row.
    func importRows(_ tables: [StoreTableRows]) throws
}

/// The rows of one table, as ``CopyableStore/exportRows(_:)`` reads them.
public struct StoreTableRows: Sendable {
    /// The table.
    public var table: StoreTable
    /// Its rows, each one value per column of ``StoreTable/columns``.
    public var rows: [[SQLiteValue]]

    /// Rows of `table`.
    public init(table: StoreTable, rows: [[SQLiteValue]]) {
        self.table = table
        self.rows = rows
    }
}
