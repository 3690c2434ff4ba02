import Testing

@testable import Adapters

/// The SSE parser: events must come out the same however the body is cut into chunks.
@Suite struct SSEParserTests {
    /// A stream using every feature: LF, CRLF and CR endings, comments, `data:` with and
    /// without the space, multi-line data, `event:`/`id:`, an event without data, `[DONE]`.
    static let sample = Array(
        (": keep-alive comment\n"
            + "data: {\"a\":1}\n\n"
            + "data:{\"b\":2}\r\n\r\n"
            + "event: delta\r\nid: 7\r\ndata: line one\r\ndata: line two\r\n\r\n"
            + "retry: 100\nevent: ping\n\n"
            + "data: cr only\r\r"
            + "data:\n\n"
            + "data: [DONE]\n\n"
            + "data: after done\n\n").utf8)

    static let expected = [
        SSEEvent(data: "{\"a\":1}"),
        SSEEvent(data: "{\"b\":2}"),
        SSEEvent(event: "delta", data: "line one\nline two", id: "7"),
        SSEEvent(data: "cr only"),
        SSEEvent(data: ""),
        SSEEvent(data: "[DONE]"),
    ]

    static func parse(_ chunks: [ArraySlice<UInt8>]) -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for chunk in chunks { events += parser.feed(Array(chunk)) }
        return events + parser.finish()
    }

    @Test func wholeStreamGivesEveryEventAndStopsAtDone() {
        var parser = SSEParser()
        #expect(parser.feed(Self.sample) == Self.expected)
        #expect(parser.isDone)
        #expect(parser.feed(Array("data: more\n\n".utf8)).isEmpty)
        #expect(parser.finish().isEmpty)
    }

    @Test func everySingleSplitPointGivesTheSameEvents() {
        for cut in 0...Self.sample.count {
            let events = Self.parse([Self.sample[..<cut], Self.sample[cut...]])
            #expect(events == Self.expected, "split at \(cut)")
        }
    }

    /// A shorter stream with the same features, small enough to try every pair of cuts
    /// (including empty middle chunks, which must not lose a pending CR).
    static let compact = Array("data: a\r\n\r\nevent: e\r\nid: 1\rdata: b\rdata:c\r\r: note\ndata: d\n\ndata: [DONE]\n\n".utf8)
    static let compactExpected = [
        SSEEvent(data: "a"), SSEEvent(event: "e", data: "b\nc", id: "1"), SSEEvent(data: "d"), SSEEvent(data: "[DONE]"),
    ]

    @Test func everyPairOfSplitPointsGivesTheSameEvents() {
        let bytes = Self.compact
        #expect(Self.parse([bytes[...]]) == Self.compactExpected)
        var failures: [(Int, Int)] = []
        for first in 0...bytes.count {
            for second in first...bytes.count
            where Self.parse([bytes[..<first], bytes[first..<second], bytes[second...]]) != Self.compactExpected {
                failures.append((first, second))
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failing splits, first: \(String(describing: failures.first))")
    }

    @Test func byteAtATimeGivesTheSameEvents() {
        #expect(Self.parse(Self.sample.map { [$0][...] }) == Self.expected)
    }

    @Test func chunkWithSeveralEventsReturnsThemInOrder() {
        var parser = SSEParser()
        let first = parser.feed(Array("data: 1\n\ndata: 2\n\ndata: 3".utf8))
        #expect(first.map(\.data) == ["1", "2"])
        #expect(parser.feed(Array("\n\n".utf8)).map(\.data) == ["3"])
    }

    @Test func crlfSplitBetweenChunksIsOneLineEnd() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: x\r".utf8)).isEmpty)
        // Had the LF counted as a second (blank) line, the event would come out here.
        #expect(parser.feed(Array("\ndata: y\r".utf8)).isEmpty)
        #expect(parser.feed(Array("\n\r\n".utf8)) == [SSEEvent(data: "x\ny")])
    }

    @Test func onlyOneSpaceAfterTheColonIsRemoved() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data:  two spaces\n\n".utf8)) == [SSEEvent(data: " two spaces")])
    }

    @Test func eventWithoutDataIsNotDispatchedAndFieldsDoNotLeak() {
        var parser = SSEParser()
        let events = parser.feed(Array("event: ping\nid: 1\n\ndata: next\n\n".utf8))
        #expect(events == [SSEEvent(data: "next")])
    }

    @Test func byteOrderMarkAtTheStartIsSkipped() {
        var parser = SSEParser()
        #expect(parser.feed([0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8)) == [SSEEvent(data: "x")])
    }

    @Test func finishDispatchesCompleteDataButDropsACutLine() {
        var complete = SSEParser()
        #expect(complete.feed(Array("data: whole\n".utf8)).isEmpty)
        #expect(complete.finish() == [SSEEvent(data: "whole")])

        var cut = SSEParser()
        #expect(cut.feed(Array("data: {\"par".utf8)).isEmpty)
        #expect(cut.finish().isEmpty)
    }

    @Test func eventStreamHelperYieldsEventsAcrossChunksAndEndsAtDone() async throws {
        let (body, input) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        for byte in Self.sample { input.yield([byte]) }
        input.finish()
        let response = HTTPStreamingResponse(status: 200, headers: [], body: body)
        var events: [SSEEvent] = []
        for try await event in response.serverSentEvents() { events.append(event) }
        #expect(events == Self.expected)
    }

    @Test func eventStreamHelperThrowsTheTransportFailure() async {
        let (body, input) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        input.yield(Array("data: 1\n\ndata: cut".utf8))
        input.finish(throwing: TransportError(.connectionBroken, "reset"))
        var events: [SSEEvent] = []
        await #expect(throws: TransportError(.connectionBroken, "reset")) {
            for try await event in SSEParser.events(from: body) { events.append(event) }
        }
        #expect(events == [SSEEvent(data: "1")])
    }
}
