import Adapters
import Platform
import ProviderSimulator

/// The measurements; a non-isolated type so the simulator's route closures are not
/// main-actor-isolated (they run on the server's threads).
enum TransportBench {
    static func run(requests: Int, streams: Int) async throws {
        let simulator = ProviderSimulator()
        try simulator.start()
        defer { simulator.stop() }
        simulator.route("GET", "/bench/small") { _ in .json(#"{"ok":true}"#) }
        simulator.route("GET", "/bench/sse") { _ in .sse([#"{"choices":[{"delta":{"content":"hi"}}]}"#]) }
        let transport = CurlTransport()

        try await sequentialRate(transport, simulator, count: requests)
        try await firstChunkDelay(transport, simulator, count: streams)
    }

    /// (a) Sequential small GETs on one kept-alive connection.
    static func sequentialRate(_ transport: CurlTransport, _ simulator: ProviderSimulator, count: Int) async throws {
        let request = HTTPRequest(url: simulator.url("/bench/small"))
        for _ in 0..<500 { _ = try await transport.send(request) }
        simulator.clearRequests()
        var latencies: [UInt64] = []
        latencies.reserveCapacity(count)
        let started = MonotonicTime.nanoseconds()
        for _ in 0..<count {
            let before = MonotonicTime.nanoseconds()
            let response = try await transport.send(request)
            latencies.append(MonotonicTime.nanoseconds() - before)
            guard response.status == 200 else { throw BenchError("status \(response.status)") }
        }
        let seconds = Double(MonotonicTime.nanoseconds() - started) / 1e9
        let connections = Set(simulator.requests.map(\.connectionID)).count
        print(
            "(a) sequential small requests: \(count) in \(fixed(seconds, 3)) s = \(Int(Double(count) / seconds)) req/s "
                + "(p50 \(micros(percentile(latencies, 0.5))) µs, p99 \(micros(percentile(latencies, 0.99))) µs, "
                + "\(connections) connection\(connections == 1 ? "" : "s"); target ≥ 5000 req/s)")
    }

    /// (b) Time from starting a request to holding its first SSE chunk, transport vs raw socket.
    static func firstChunkDelay(_ transport: CurlTransport, _ simulator: ProviderSimulator, count: Int) async throws {
        let request = HTTPRequest(url: simulator.url("/bench/sse"))
        let raw = try RawHTTPClient(port: simulator.port)
        var viaTransport: [UInt64] = []
        var viaEvents: [UInt64] = []
        var viaRaw: [UInt64] = []
        for round in 0..<(count + 200) {
            // Interleaved so both see the same machine load; the first 200 rounds warm up.
            let rawNs = try raw.firstBodyByteNanoseconds(path: "/bench/sse")
            let (chunkNs, eventNs) = try await transportFirstChunk(transport, request)
            if round >= 200 {
                viaRaw.append(rawNs)
                viaTransport.append(chunkNs)
                viaEvents.append(eventNs)
            }
        }
        let rawMedian = percentile(viaRaw, 0.5)
        let chunkMedian = percentile(viaTransport, 0.5)
        let eventMedian = percentile(viaEvents, 0.5)
        print(
            "(b) request → first SSE chunk, median over \(count): raw socket \(micros(rawMedian)) µs, "
                + "CurlTransport.stream body \(micros(chunkMedian)) µs, first parsed event \(micros(eventMedian)) µs")
        print(
            "    p99: raw \(micros(percentile(viaRaw, 0.99))) µs, transport \(micros(percentile(viaTransport, 0.99))) µs"
        )
        let added = Double(Int64(chunkMedian) - Int64(rawMedian)) / 1e6
        print("    delay added by the transport to the first chunk: \(fixed(added, 3)) ms (target < 1 ms)")
    }

    /// Nanoseconds to the first body chunk and to the first parsed event of one stream.
    static func transportFirstChunk(_ transport: CurlTransport, _ request: HTTPRequest) async throws -> (UInt64, UInt64)
    {
        let started = MonotonicTime.nanoseconds()
        let response = try await transport.stream(request)
        var parser = OpenAIChatSSEParser()
        var chunkAt: UInt64?
        var eventAt: UInt64?
        for try await chunk in response.body {
            if chunkAt == nil { chunkAt = MonotonicTime.nanoseconds() }
            if eventAt == nil, !parser.feed(chunk).isEmpty { eventAt = MonotonicTime.nanoseconds() }
        }
        guard let chunkAt, let eventAt else { throw BenchError("empty stream") }
        return (chunkAt - started, eventAt - started)
    }

    static func percentile(_ values: [UInt64], _ fraction: Double) -> UInt64 {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction))]
    }

    static func micros(_ nanoseconds: UInt64) -> String { fixed(Double(nanoseconds) / 1_000, 1) }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let sign = scaled < 0 ? "-" : ""
        let magnitude = abs(scaled)
        let whole = magnitude / Int(scale)
        var fraction = String(magnitude % Int(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}
