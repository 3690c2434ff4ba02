/// Splits a batch input file into numbered lines, byte by byte.
///
/// Lines end at LF; a CR before it (Windows line endings) is dropped, and a UTF-8 byte-order mark
/// at the start of the file is ignored, so every line is read whatever editor wrote the file.
/// Splitting bytes rather than `Character`s matters: Swift reads "\r\n" as one character, which
/// a split on "\n" never matches, silently joining each CRLF line to the next. A line that is not
/// valid UTF-8 keeps its place and its number, so it still gets its own result line.
enum BatchInputLines {
    /// One line of the file: its 1-based number and its text, or `nil` when it is not UTF-8.
    struct Line: Sendable {
        var number: Int
        var text: String?
    }

    /// The lines of `data`, numbered from 1; a final line without LF counts, a trailing empty one does not.
    static func split(_ data: [UInt8]) -> [Line] {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var lines: [Line] = []
        var number = 0
        while !bytes.isEmpty {
            number += 1
            let end = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[bytes.startIndex..<end]
            if line.last == 0x0D { line = line.dropLast() }
            lines.append(Line(number: number, text: String(validating: line, as: UTF8.self)))
            bytes = end == bytes.endIndex ? bytes[end...] : bytes[(end + 1)...]
        }
        return lines
    }
}
