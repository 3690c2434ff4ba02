#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Group commit for the usage ledger: attempts are queued and written a batch per
/// transaction, a few milliseconds apart, so a busy server answers without waiting for a
/// SQLite commit per request.
///
/// Used by `broker serve`; `flush()` on shutdown writes what is queued. One-shot commands
/// write each attempt directly (nothing is lost if the process is killed right after).
///
/// ``enqueue(_:)`` queues without entering the actor, into one of several inboxes chosen by
/// the calling thread, so a busy server's connection threads neither wait for the actor nor
/// queue on one lock.
public actor LedgerWriter {
    private final class Inbox: Sendable {
        let records = Mutex<[UsageRecord]>([])
    }

    private nonisolated let inboxes: [Inbox] = (0..<16).map { _ in Inbox() }
    /// A task is on its way to take the inboxes.
    private nonisolated let takeScheduled = Atomic<Bool>(false)
    private let store: MarketplaceStore
    private let delayMs: Int
    private let maxBatch: Int
    private var pending: [UsageRecord] = []
    private var scheduled = false
    private var writing: Task<Void, Never>? = nil

    /// A writer over `store` that commits at most every `delayMs`, or at once past `maxBatch` rows.
    public init(store: MarketplaceStore, delayMs: Int = 5, maxBatch: Int = 512) {
        self.store = store
        self.delayMs = delayMs
        self.maxBatch = maxBatch
    }

    /// Queues one attempt.
    public func record(_ record: UsageRecord) {
        pending.append(record)
        if pending.count >= maxBatch {
            startWrite()
        } else if !scheduled {
            scheduled = true
            Task {
                try? await Task.sleep(for: .milliseconds(delayMs))
                self.startWrite()
            }
        }
    }

    /// Queues one attempt from any context, without waiting for the actor.
    public nonisolated func enqueue(_ record: UsageRecord) {
        let id = UInt64(UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))))
        let inbox = inboxes[Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> 40) & (inboxes.count - 1)]
        let full = inbox.records.withLock { records -> Bool in
            records.append(record)
            return records.count >= maxBatch / inboxes.count
        }
        // Appended before the flag is looked at: a take that clears the flag afterwards sees the record.
        guard !takeScheduled.exchange(true, ordering: .sequentiallyConsistent) || full else { return }
        let delayMs = full ? 0 : self.delayMs
        Task.detached {
            if delayMs > 0 { try? await Task.sleep(for: .milliseconds(delayMs)) }
            await self.takeInbox()
        }
    }

    /// Moves what ``enqueue(_:)`` queued into the actor and starts writing it.
    private func takeInbox() {
        takeScheduled.store(false, ordering: .sequentiallyConsistent)
        for inbox in inboxes {
            let records = inbox.records.withLock { records -> [UsageRecord] in
                defer { records.removeAll(keepingCapacity: true) }
                return records
            }
            pending += records
        }
        startWrite()
    }

    /// Writes everything queued and waits until it is in the store.
    public func flush() async {
        takeInbox()
        while !pending.isEmpty || writing != nil {
            if let writing {
                await writing.value
            } else {
                startWrite()
            }
        }
    }

    private func startWrite() {
        scheduled = false
        guard writing == nil, !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        let store = self.store
        writing = Task {
            _ = try? await store.recordUsage(batch: batch)
            self.finishedWrite()
        }
    }

    private func finishedWrite() {
        writing = nil
        if !pending.isEmpty { startWrite() }
    }
}

extension MarketplaceStore {
    /// Records many attempts in one transaction; rows already recorded are skipped.
    @discardableResult
    public func recordUsage(batch: [UsageRecord]) throws -> Int {
        guard !batch.isEmpty else { return 0 }
        return try db.inTransaction(.immediate) { try insertUsageRows(batch) }
    }
}
