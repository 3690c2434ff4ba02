import Foundation
import PostgresClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(
    "PostgreSQL advisory locks and notifications",
    .enabled(if: PostgresTestCluster.available, PostgresTestCluster.skipReason))
struct PostgresLockAndNotifyTests {
    /// A key no other test (or test run sharing the database) uses.
    private func freshKey() -> Int64 {
        PostgresConnection.advisoryKey(for: "test:\(UInt64.random(in: 0...UInt64.max))")
    }

    @Test("advisory-lock keys are FNV-1a: the same in every process")
    func stableKeys() {
        #expect(PostgresConnection.advisoryKey(for: "") == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
        #expect(PostgresConnection.advisoryKey(for: "a") == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
        #expect(
            PostgresConnection.advisoryKey(for: "refresh:openrouter")
                != PostgresConnection.advisoryKey(for: "refresh:huggingface"))
    }

    @Test("one session at a time holds an advisory lock; closing the holder frees it")
    func lockExclusive() throws {
        let text = try PostgresTestCluster.requireURI()
        let key = freshKey()
        var first: PostgresConnection? = try PostgresConnection(uri: text)
        let second = try PostgresConnection(uri: text)
        #expect(try first?.tryAdvisoryLock(key) == true)
        #expect(try second.tryAdvisoryLock(key) == false)
        // Re-entrant for its holder, released as often as taken.
        #expect(try first?.tryAdvisoryLock(key) == true)
        #expect(try first?.advisoryUnlock(key) == true)
        #expect(try second.tryAdvisoryLock(key) == false)
        #expect(try first?.advisoryUnlock(key) == true)
        #expect(try second.tryAdvisoryLock(key) == true)
        #expect(try first?.tryAdvisoryLock(key) == false)
        // A holder that goes away (a crashed instance) frees its locks.
        #expect(try second.advisoryUnlock(key) == true)
        #expect(try first?.tryAdvisoryLock(key) == true)
        first = nil
        #expect(try eventually { try second.tryAdvisoryLock(key) })
    }

    @Test("a transaction-level advisory lock lasts until the transaction ends")
    func transactionLock() throws {
        let text = try PostgresTestCluster.requireURI()
        let key = freshKey()
        let a = try PostgresConnection(uri: text)
        let b = try PostgresConnection(uri: text)
        try a.inTransaction { () throws -> Void in
            #expect(try a.tryAdvisoryTransactionLock(key))
            #expect(try b.tryAdvisoryLock(key) == false)
        }
        #expect(try b.tryAdvisoryLock(key))
    }

    @Test("a NOTIFY reaches a listener when its transaction commits, and never when it rolls back")
    func notifyOnCommit() throws {
        let text = try PostgresTestCluster.requireURI()
        let channel = "offers_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let listener = try PostgresConnection(uri: text)
        let sender = try PostgresConnection(uri: text)
        try listener.listen(channel)
        struct Undo: Error {}
        _ = try? sender.inTransaction {
            try sender.notify(channel, payload: "rolled back")
            throw Undo()
        }
        try sender.inTransaction {
            try sender.notify(channel, payload: "openrouter 3")
            #expect(
                try listener.waitForNotifications(timeout: .milliseconds(200)).isEmpty, "delivered before the commit")
        }
        let received = try listener.waitForNotifications(timeout: .seconds(5))
        #expect(
            received == [PostgresNotification(channel: channel, payload: "openrouter 3", senderPID: sender.backendPID)])
        try listener.unlisten(channel)
        try sender.notify(channel, payload: "after unlisten")
        #expect(try listener.waitForNotifications(timeout: .milliseconds(200)).isEmpty)
    }

    @Test("a listener waiting for notifications wakes as soon as one is sent, within the 5 s the gateway allows")
    func listenerWakes() throws {
        let text = try PostgresTestCluster.requireURI()
        let channel = "refresh_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let listener = try PostgresConnection(uri: text)
        try listener.listen(channel)
        // The sender runs on a thread of its own: the listener blocks this one while it waits.
        let sent = SenderOutcome()
        Thread.detachNewThread {
            usleep(300_000)
            sent.finish {
                let connection = try PostgresConnection(uri: text)
                try connection.notify(channel, payload: "huggingface")
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let received = try listener.waitForNotifications(timeout: .seconds(10))
        let waited = clock.now - started
        #expect(received.map(\.payload) == ["huggingface"])
        #expect(waited < .seconds(5), "waited \(waited)")
        #expect(sent.error() == nil)
    }

    /// What the sender thread ended with.
    final class SenderOutcome: @unchecked Sendable {
        private let lock = NSLock()
        private var failure: (any Error)?
        func finish(_ body: () throws -> Void) {
            do { try body() } catch { lock.withLock { failure = error } }
        }
        func error() -> (any Error)? { lock.withLock { failure } }
    }

    @Test("a listener whose connection is terminated gets a retryable connection-lost error, not silence")
    func listenerLost() throws {
        let text = try PostgresTestCluster.requireURI()
        let listener = try PostgresConnection(uri: text)
        try listener.listen("lost_channel")
        let admin = try PostgresConnection(uri: text)
        try admin.run("SELECT pg_terminate_backend($1::int)", [.integer(Int64(listener.backendPID))])
        let error = #expect(throws: PostgresError.self) { try listener.waitForNotifications(timeout: .seconds(5)) }
        #expect(error?.code == .connectionLost)
        #expect(error?.isRetryable == true)
    }

    /// Polls `condition` for up to 5 s: a closed connection's locks are freed when its
    /// backend notices, a moment after the client hangs up.
    private func eventually(_ condition: () throws -> Bool) throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while clock.now < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return false
    }
}
