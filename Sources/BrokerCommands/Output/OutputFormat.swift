/// How results are printed.
enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv

    /// Parses `--format`, defaulting to `table` on a terminal and `json` otherwise.
    static func resolve(_ text: String?, isTerminal: Bool) throws(UsageError) -> OutputFormat {
        guard let text else { return isTerminal ? .table : .json }
        guard let format = OutputFormat(rawValue: text.lowercased()) else {
            throw UsageError("--format must be table, json or csv (got '\(text)')")
        }
        return format
    }
}

/// Rows for the table form: column titles and cell text.
struct ResultTable: Sendable {
    var columns: [String]
    var rows: [[String]]
    /// Columns aligned right (numbers).
    var rightAligned: Set<Int> = []
}
