/// Splits a `text/event-stream` body into events, following the WHATWG
/// server-sent-events rules. A pure value: feed it the body's chunks in order, in any
/// sizes (an event may span chunks, a chunk may hold several events), and take back the
/// events each chunk completed.
///
/// - Lines end with LF, CRLF or CR (a CRLF split across two chunks counts once).
/// - `data:` with or without the space after the colon; several `data` lines are joined
///   with `\n`. `event:` and `id:` are kept; comments (`:` lines), `retry:` and unknown
///   fields are ignored; a leading UTF-8 byte-order mark is skipped.
/// - An event is dispatched at the blank line that ends it, and only if it had a `data` line.
/// - `data: [DONE]` ends the stream: that event is returned (``SSEEvent/isDone``) and
///   everything after it is ignored (``isDone`` becomes true).
public struct SSEParser: Sendable {
    private var partialLine: [UInt8] = []
    private var lastChunkEndedWithCR = false
    private var sawFirstLine = false
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    private var eventID: String?

    /// Whether the `[DONE]` terminator has been seen.
    public private(set) var isDone = false

    /// An empty parser.
    public init() {}

    /// Adds the next chunk of the body; returns the events it completed, in order.
    public mutating func feed(_ chunk: [UInt8]) -> [SSEEvent] {
        chunk.withUnsafeBytes { feed($0) }
    }

    /// Adds the next chunk of the body; returns the events it completed, in order.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer) -> [SSEEvent] {
        var events: [SSEEvent] = []
        guard !isDone, !chunk.isEmpty else { return events }
        var index = 0
        if lastChunkEndedWithCR, chunk.first == Self.lf { index = 1 }
        lastChunkEndedWithCR = false
        var lineStart = index
        while index < chunk.count {
            let byte = chunk[index]
            guard byte == Self.lf || byte == Self.cr else {
                index += 1
                continue
            }
            let piece = UnsafeRawBufferPointer(rebasing: chunk[lineStart..<index])
            if partialLine.isEmpty {
                take(line: piece, into: &events)
            } else {
                partialLine.append(contentsOf: piece)
                let line = partialLine
                partialLine.removeAll(keepingCapacity: true)
                line.withUnsafeBytes { take(line: $0, into: &events) }
            }
            if isDone { return events }
            if byte == Self.cr {
                if index + 1 < chunk.count {
                    if chunk[index + 1] == Self.lf { index += 1 }
                } else {
                    lastChunkEndedWithCR = true
                }
            }
            index += 1
            lineStart = index
        }
        partialLine.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[lineStart...]))
        return events
    }

    /// The body ended. An unfinished last line is dropped (it was cut off); complete
    /// `data` lines still waiting for their blank line are dispatched as a last event.
    public mutating func finish() -> [SSEEvent] {
        partialLine.removeAll()
        var events: [SSEEvent] = []
        if !isDone { dispatch(into: &events) }
        return events
    }

    private mutating func take(line rawLine: UnsafeRawBufferPointer, into events: inout [SSEEvent]) {
        var line = rawLine
        if !sawFirstLine {
            sawFirstLine = true
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = UnsafeRawBufferPointer(rebasing: line[3...]) }
        }
        guard let first = line.first else {
            dispatch(into: &events)
            return
        }
        if first == Self.colon { return }
        let colon = line.firstIndex(of: Self.colon) ?? line.count
        let field = UnsafeRawBufferPointer(rebasing: line[0..<colon])
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count, line[valueStart] == Self.space { valueStart += 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[valueStart...])
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(Self.lf) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: value, as: UTF8.self)
        } else if field.elementsEqual("id".utf8), !value.contains(0) {
            eventID = String(decoding: value, as: UTF8.self)
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventName = nil
            eventID = nil
        }
        guard hasData else { return }
        let event = SSEEvent(event: eventName, data: String(decoding: data, as: UTF8.self), id: eventID)
        events.append(event)
        if event.isDone { isDone = true }
    }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let colon = UInt8(ascii: ":")
    private static let space = UInt8(ascii: " ")
}
