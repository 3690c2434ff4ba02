/// Splits a `text/event-stream` body into the `data` payloads of its events.
///
/// Feed it the body's chunks as they arrive, in any sizes; it returns each event's data
/// (several `data:` lines joined with `\n`) once the blank line that ends the event is in.
/// Accepts `data:` with or without the space, CRLF or LF line ends, and ignores comments
/// (`: keep-alive`) and the other fields (`event`, `id`, `retry`).
public struct OpenAIChatSSEParser: Sendable {
    private var pending: [UInt8] = []
    private var dataLines: [String] = []

    /// An empty parser.
    public init() {}

    /// Adds a chunk of the body; returns the data of every event it completed, in order.
    public mutating func feed(_ bytes: [UInt8]) -> [String] {
        pending.append(contentsOf: bytes)
        var events: [String] = []
        var lineStart = 0
        var index = 0
        let count = pending.count
        while index < count {
            if pending[index] == 0x0A {
                var lineEnd = index
                if lineEnd > lineStart, pending[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                handleLine(pending[lineStart..<lineEnd], into: &events)
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart > 0 { pending.removeFirst(lineStart) }
        return events
    }

    /// Ends the body: returns the data of a last event that had no closing blank line.
    public mutating func finish() -> [String] {
        var events: [String] = []
        if !pending.isEmpty {
            var line = pending[...]
            if line.last == 0x0D { line = line.dropLast() }
            handleLine(line, into: &events)
            pending.removeAll()
        }
        if !dataLines.isEmpty {
            events.append(dataLines.joined(separator: "\n"))
            dataLines.removeAll()
        }
        return events
    }

    private mutating func handleLine(_ line: ArraySlice<UInt8>, into events: inout [String]) {
        if line.isEmpty {
            if !dataLines.isEmpty {
                events.append(dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n"))
                dataLines.removeAll(keepingCapacity: true)
            }
            return
        }
        guard line.count >= 4, line.prefix(4).elementsEqual("data".utf8) else { return }
        var value = line.dropFirst(4)
        if value.isEmpty {
            dataLines.append("")
            return
        }
        guard value.first == UInt8(ascii: ":") else { return }  // "dataX:" is another field
        value = value.dropFirst()
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        dataLines.append(String(decoding: value, as: UTF8.self))
    }
}
