/// An RFC 4180 CSV document read by its header: quoted fields with doubled quotes and
/// embedded commas or newlines, `\r\n` or `\n` line ends. Rows keep their line number.
struct CSVTable {
    /// The header's column names.
    var header: [String]
    /// Each data row's fields and the line it starts on (1-based; the header is line 1).
    var rows: [(line: Int, fields: [String])]

    /// Parses `bytes`; an unterminated quote is an error naming its line.
    init(_ bytes: [UInt8]) throws(CSVError) {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = 0
        var quoted = false
        var fieldStarted = false
        let n = bytes.count
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
        }
        while i < n {
            let c = bytes[i]
            if quoted {
                if c == 0x22 {
                    if i + 1 < n, bytes[i + 1] == 0x22 {
                        field.append(0x22)
                        i += 2
                        continue
                    }
                    quoted = false
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case 0x22 where !fieldStarted && field.isEmpty:
                quoted = true
                fieldStarted = true
            case 0x2C:
                endField()
            case 0x0D where i + 1 < n && bytes[i + 1] == 0x0A:
                break
            case 0x0A:
                endField()
                if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
                fields.removeAll(keepingCapacity: true)
                line += 1
                recordLine = line
            default:
                field.append(c)
                fieldStarted = true
            }
            i += 1
        }
        if quoted { throw CSVError(message: "a quote opened on line \(recordLine) is never closed") }
        if fieldStarted || !field.isEmpty || !fields.isEmpty {
            endField()
            records.append((recordLine, fields))
        }
        header = records.first?.1 ?? []
        rows = records.dropFirst().map { (line: $0.0, fields: $0.1) }
    }
}

/// A CSV document that cannot be read.
struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    var message: String
    var description: String { "CSV: \(message)" }
}
