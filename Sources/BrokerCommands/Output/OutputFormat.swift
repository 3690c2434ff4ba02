/// How results are printed.
enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv
}

/// Rows for the table form: column titles and cell text.
struct ResultTable: Sendable {
    var columns: [String]
    var rows: [[String]]
    /// Columns aligned right (numbers).
    var rightAligned: Set<Int> = []
}
