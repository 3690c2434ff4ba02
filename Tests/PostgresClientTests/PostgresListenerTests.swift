import Foundation
import PostgresClient
import Testing

@Suite(
    "PostgreSQL listener that reconnects", .enabled(if: PostgresTestCluster.available, PostgresTestCluster.skipReason))
struct PostgresListenerTests {
    /// The events a listener reported, waited for by condition.
    final class Events: @unchecked Sendable {
        private let lock = NSCondition()
        private var events: [PostgresListener.Event] = []

        func append(_ event: PostgresListener.Event) {
            lock.withLock {
                events.append(event)
                lock.broadcast()
            }
        }

        var all: [PostgresListener.Event] { lock.withLock { events } }

        /// Waits up to `seconds` for an event `matching`; returns it.
        func first(within seconds: Double, _ matching: (PostgresListener.Event) -> Bool) -> PostgresListener.Event? {
            let deadline = Date(timeIntervalSinceNow: seconds)
            return lock.withLock {
                while true {
                    if let event = events.first(where: matching) { return event }
                    guard lock.wait(until: deadline) else { return events.first(where: matching) }
                }
            }
        }
    }

    static func payload(_ text: String) -> (PostgresListener.Event) -> Bool {
        { if case .notification(let n) = $0 { n.payload == text } else { false } }
    }

    @Test("notifications arrive, and keep arriving after the server terminated the listener's connection")
    func reconnects() throws {
        let uri = try PostgresURI(try PostgresTestCluster.requireURI())
        let channel = "catalog_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let events = Events()
        let listener = PostgresListener(uri: uri, channels: [channel], retryDelay: .milliseconds(100)) {
            events.append($0)
        }
        defer { listener.stop() }
        let connected = events.first(within: 5) { if case .connected = $0 { true } else { false } }
        guard case .connected(let pid, let reconnected) = connected else {
            Issue.record("never connected: \(events.all)")
            return
        }
        #expect(!reconnected)

        let sender = try PostgresConnection(uri: uri)
        let clock = ContinuousClock()
        let sent = clock.now
        try sender.notify(channel, payload: "openrouter refreshed")
        #expect(events.first(within: 5, Self.payload("openrouter refreshed")) != nil, "\(events.all)")
        #expect(sent.duration(to: clock.now) < .seconds(5))

        // The server ends the listener's session: it says so, reconnects, and listens again.
        try sender.run("SELECT pg_terminate_backend($1::int)", [.integer(Int64(pid))])
        let lost = events.first(within: 5) { if case .disconnected = $0 { true } else { false } }
        if case .disconnected(let error) = lost {
            #expect(error.code == .connectionLost)
        } else {
            Issue.record("no disconnection reported: \(events.all)")
        }
        let again = events.first(within: 5) { if case .connected(_, true) = $0 { true } else { false } }
        #expect(again != nil, "\(events.all)")
        try sender.notify(channel, payload: "huggingface refreshed")
        #expect(events.first(within: 5, Self.payload("huggingface refreshed")) != nil, "\(events.all)")
    }

    @Test("a listener whose server is not there reports why, without the password, and stops promptly")
    func unreachableThenStopped() throws {
        let uri = try PostgresURI("postgresql://broker:Listener-Secret-1@127.0.0.1:1/market?connect_timeout=2")
        let events = Events()
        let listener = PostgresListener(uri: uri, channels: ["x"], retryDelay: .milliseconds(50)) { events.append($0) }
        let failed = events.first(within: 5) { if case .disconnected = $0 { true } else { false } }
        guard case .disconnected(let error) = failed else {
            Issue.record("no failure reported: \(events.all)")
            listener.stop()
            return
        }
        #expect(error.code == .connectionFailed)
        #expect(!"\(error)".contains("Listener-Secret-1"))
        let clock = ContinuousClock()
        let asked = clock.now
        listener.stop()
        #expect(asked.duration(to: clock.now) < .seconds(1))
        let count = events.all.count
        Thread.sleep(forTimeInterval: 0.2)
        #expect(events.all.count == count, "events after stop()")
    }
}
