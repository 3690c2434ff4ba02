import PostgresClient

/// Runs the SQL the two backends share (``MarketQuerySQL``, ``ComputeQuerySQL``,
/// ``PriceHistoryColumns``), written with SQLite's `?` parameters, on PostgreSQL.
enum PostgresSQL {
    /// `sql` with each `?` outside quotes numbered `$1`, `$2`, … in order.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 32)
        var n = 0
        var quote: Character?
        for c in sql {
            if let open = quote {
                if c == open { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// `text` with every occurrence of `target` replaced by `replacement`.
    static func replacingAll(_ target: String, with replacement: String, in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    /// SQLite's parameter values as PostgreSQL's.
    static func values(_ values: [SQLiteValue]) -> [PostgresValue] {
        values.map { value in
            switch value {
            case .null: .null
            case .integer(let n): .integer(n)
            case .text(let text): .text(text)
            // bytea's hex form; the shared SQL binds no blobs.
            case .blob(let bytes): .text("\\x" + bytes.map { String($0, radix: 16).leftPadded(2) }.joined())
            }
        }
    }

    /// `ids` as a `bigint[]` literal for `= ANY($1::bigint[])`.
    static func idArray<S: Sequence<Int64>>(_ ids: S) -> PostgresValue {
        .text("{" + ids.map(String.init).joined(separator: ",") + "}")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension EncodedRows {
    /// The encoded rows as PostgreSQL values, row by row (``columns`` values each): the same
    /// encoders (``OfferColumns``, ``UsageColumns``…) feed both backends.
    func postgresRows() -> [[PostgresValue]] {
        var rows: [[PostgresValue]] = []
        rows.reserveCapacity(rowCount)
        var row: [PostgresValue] = []
        row.reserveCapacity(columns)
        for slot in slots {
            switch slot {
            case .null: row.append(.null)
            case .integer(let value): row.append(.integer(value))
            case .text(let start, let count):
                row.append(.text(String(decoding: bytes[Int(start)..<Int(start + count)], as: UTF8.self)))
            }
            if row.count == columns {
                rows.append(row)
                row.removeAll(keepingCapacity: true)
            }
        }
        return rows
    }
}
