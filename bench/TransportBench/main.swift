// TransportBench: measures CurlTransport against the loopback ProviderSimulator.
//   (a) sequential small requests over one kept-alive connection (target ≥ 5,000 req/s);
//   (b) the delay the transport adds to the first SSE chunk, against a raw-socket client
//       doing the same exchange on its own kept-alive connection (target < 1 ms).
//
//   swift run -c release --scratch-path .build-transport TransportBench [requests] [streams]

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let requestCount = arguments.count > 0 ? arguments[0] : 20_000
let streamCount = arguments.count > 1 ? arguments[1] : 2_000
try await TransportBench.run(requests: requestCount, streams: streamCount)
