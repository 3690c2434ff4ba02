import Platform
import ProviderInterface
import ProviderSimulator
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Adapters

/// `CurlTransport` called from a task on an ``EventLoop`` (as `broker serve`'s requests are):
/// the transfer runs on that loop's own multi handle, and timeouts, cancellation and the loop's
/// end behave as on the transport's thread.
@Suite struct TransportEventLoopTests {
    /// Runs `body` as a task on a fresh loop, then stops the loop.
    static func onLoop<T: Sendable>(_ body: @escaping @Sendable (EventLoop) async throws -> T) async throws -> T {
        let loop = try #require(EventLoop())
        #expect(loop.start(name: "test-loop"))
        defer {
            loop.stop()
            loop.join()
        }
        return try await Task(executorPreference: loop) { try await body(loop) }.value
    }

    @Test func burstsRunOnTheLoopAndKeepTheirConnectionsForTheNext() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/item") { request in
            usleep(20_000)  // so a burst's requests overlap and each needs a connection of its own
            return .json("\"\(request.query)\"")
        }
        let transport = CurlTransport()
        let (rounds, stayedOnLoop, pooled) = try await Self.onLoop { loop in
            var rounds: [[Int: String]] = []
            var stayed = true
            for _ in 0..<2 {
                let answers = try await withThrowingTaskGroup(of: (Int, String, Bool).self) { group in
                    for index in 0..<12 {
                        group.addTask {
                            let text = try await transport.send(HTTPRequest(url: sim.url("/item?i=\(index)"))).text
                            return (index, text, EventLoop.current === loop)
                        }
                    }
                    return try await group.reduce(into: [Int: (String, Bool)]()) { $0[$1.0] = ($1.1, $1.2) }
                }
                stayed = stayed && answers.values.allSatisfy(\.1)
                rounds.append(answers.mapValues(\.0))
            }
            return (rounds, stayed, CurlLoopDriver.forCurrentLoop()?.idleHandles ?? 0)
        }
        for round in rounds {
            #expect(round.count == 12)
            #expect(round.allSatisfy { $0.value == "\"i=\($0.key)\"" })
        }
        #expect(stayedOnLoop, "every request resumed on the loop")
        #expect(pooled > 0, "the loop's own multi handle ran the transfers")
        let connections = sim.requests.map(\.connectionID)
        let first = Set(connections.prefix(12))
        let second = Set(connections.dropFirst(12))
        #expect(first.count > 1, "the burst ran concurrently")
        #expect(
            first.union(second).count <= 12,
            "never more connections than requests at once: the first burst's were reused")
    }

    @Test func anUpstreamThatSendsNothingTimesOutOnTheLoop() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/silent") { _ in
            usleep(1_500_000)
            return .json("{}")
        }
        let transport = CurlTransport()
        let (error, elapsedMs) = try await Self.onLoop { _ in
            let begin = MonotonicTime.nanoseconds()
            let error = await TransportFixture.error {
                try await transport.send(
                    HTTPRequest(
                        url: sim.url("/silent"),
                        timeouts: HTTPTimeouts(connectMs: 1_000, firstByteMs: 200, totalMs: 5_000)))
            }
            return (error, (MonotonicTime.nanoseconds() - begin) / 1_000_000)
        }
        #expect(error?.code == .firstByteTimeout)
        #expect(elapsedMs < 1_000)
    }

    @Test func cancellingTheTaskOrStoppingTheLoopEndsTheTransfer() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        // Far slower than the bounds below, so a loaded CI machine's scheduling delays (up to 2 s
        // seen with the whole suite in parallel, and 5 s between the request's arrival and the
        // stop) cannot let the answer come first or pass for waiting on it.
        let arrived = ArrivalCount()
        sim.route("GET", "/slow") { _ in
            arrived.count.add(1, ordering: .relaxed)
            usleep(12_000_000)
            return .json("{}")
        }
        let transport = CurlTransport()
        let cancelled = try await Self.onLoop { _ in
            let task = Task {
                await TransportFixture.error { try await transport.send(HTTPRequest(url: sim.url("/slow"))) }
            }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            return await task.value
        }
        #expect(cancelled?.code == .cancelled)

        // A loop that stops (a server shutting down) ends what its transfers were waiting for.
        let loop = try #require(EventLoop())
        #expect(loop.start(name: "test-loop"))
        // The cancelled request above may or may not have reached the provider before it was cut.
        let before = arrived.count.load(ordering: .relaxed)
        let pending = Task(executorPreference: loop) {
            await TransportFixture.error { try await transport.send(HTTPRequest(url: sim.url("/slow"))) }
        }
        // The loop stops once its transfer is under way (the provider has the request), however
        // slowly a loaded machine got it there.
        let waitUntil = MonotonicTime.nanoseconds() + 10_000_000_000
        while arrived.count.load(ordering: .relaxed) == before, MonotonicTime.nanoseconds() < waitUntil {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(arrived.count.load(ordering: .relaxed) == before + 1)
        let stoppedAt = MonotonicTime.nanoseconds()
        loop.stop()
        loop.join()
        let joinedMs = (MonotonicTime.nanoseconds() - stoppedAt) / 1_000_000
        let stopped = await pending.value
        #expect(stopped?.code == .cancelled)
        let endedMs = (MonotonicTime.nanoseconds() - stoppedAt) / 1_000_000
        #expect(
            endedMs < 3_500,
            "the loop joined \(joinedMs) ms and the transfer ended \(endedMs) ms after it")
    }

    @Test func aTransferStartedWhileTheLoopWindsDownGoesToTheTransportsOwnThread() async throws {
        let sim = try TransportFixture.simulator()
        defer { sim.stop() }
        sim.route("GET", "/late") { _ in .json(#""late""#) }
        let transport = CurlTransport()
        let loop = try #require(EventLoop())
        let answer = LateAnswer()
        // A request task whose first step runs after the loop's stop hooks (a server stopping with
        // requests in flight): no driver of the loop would ever send it.
        loop.onStop {
            Task(executorPreference: loop) {
                let text = (try? await transport.send(HTTPRequest(url: sim.url("/late"))).text) ?? "failed"
                answer.text.withLock { $0 = text }
            }
        }
        #expect(loop.start(name: "test-loop"))
        loop.stop()
        loop.join()
        for _ in 0..<500 where answer.text.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(answer.text.withLock { $0 } == #""late""#)
    }
}

/// What a task started from a stop hook got back.
private final class LateAnswer: Sendable {
    let text = Mutex<String?>(nil)
}

/// How many requests reached a simulator route.
private final class ArrivalCount: Sendable {
    let count = Atomic<Int>(0)
}
