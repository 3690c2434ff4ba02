import ProviderInterface

/// Renders a ``ResultTable`` as aligned columns that fit a terminal width.
enum TableRenderer {
    static func render(_ table: ResultTable, width: Int = 100) -> String {
        guard !table.rows.isEmpty else { return "" }
        var widths = table.columns.map(\.count)
        for row in table.rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        // Shrink the widest columns until the table fits.
        let gap = 2
        var total = widths.reduce(0, +) + gap * (widths.count - 1)
        while total > width, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 8 {
            widths[widest] -= 1
            total -= 1
        }
        var lines: [String] = []
        lines.append(line(table.columns, widths: widths, right: table.rightAligned))
        for row in table.rows { lines.append(line(row, widths: widths, right: table.rightAligned)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func line(_ cells: [String], widths: [Int], right: Set<Int>) -> String {
        var parts: [String] = []
        for (i, width) in widths.enumerated() {
            var cell = i < cells.count ? cells[i] : ""
            if cell.count > width { cell = String(cell.prefix(width - 1)) + "…" }
            let pad = String(repeating: " ", count: width - cell.count)
            parts.append(right.contains(i) ? pad + cell : cell + pad)
        }
        var text = parts.joined(separator: "  ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}

/// Renders JSON objects as CSV (RFC 4180): the keys of the first object are the header;
/// arrays are joined with `;`, null is empty.
enum CSVRenderer {
    static func render(_ objects: [JSONObjectRow]) -> String {
        guard let first = objects.first else { return "" }
        let keys = first.keys
        var out = keys.map(escape).joined(separator: ",") + "\n"
        for object in objects {
            out += keys.map { escape(object.cell($0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }
}
