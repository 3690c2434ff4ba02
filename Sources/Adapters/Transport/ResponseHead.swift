import Platform

/// The status and header fields of a response as libcurl hands them over, one line per
/// call: interim (1xx) blocks are dropped, trailers after the final block are ignored.
struct ResponseHead {
    /// Header fields of the current block.
    private(set) var headers: [HTTPHeader] = []
    /// Whether the final (non-1xx) header block has ended.
    private(set) var isComplete = false

    /// Takes one raw header line (with its line ending). Returns true when this line
    /// ended a header block; the caller then reads the status and calls ``endBlock(status:)``.
    mutating func take(_ line: UnsafeRawBufferPointer) -> Bool {
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        if end == 0 { return !isComplete }
        guard !isComplete else { return false }  // a trailer
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<end])
        if bytes.starts(with: "HTTP/".utf8) {
            headers.removeAll(keepingCapacity: true)
            return false
        }
        if bytes[0] == 0x20 || bytes[0] == 0x09 {  // obsolete line folding
            if !headers.isEmpty { headers[headers.count - 1].value += " " + Self.trimmed(bytes) }
            return false
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<colon]), as: UTF8.self)
        let value = Self.trimmed(UnsafeRawBufferPointer(rebasing: bytes[(colon + 1)...]))
        headers.append(HTTPHeader(name, value))
        return false
    }

    /// Ends a header block with its status: a 1xx block is discarded, any other is final.
    mutating func endBlock(status: Int) {
        if status >= 100 && status < 200 {
            headers.removeAll(keepingCapacity: true)
        } else {
            isComplete = true
        }
    }

    /// The first value of a header, by case-insensitive name.
    func value(_ name: String) -> String? { HeaderLookup.first(name, in: headers) }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> String {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
