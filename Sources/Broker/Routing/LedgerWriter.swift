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
    private struct Queued {
        var records: [UsageRecord] = []
        /// Client keys' spending, pico-USD by key name.
        var charges: [String: Int64] = [:]
    }

    private final class Inbox: Sendable {
        let queued = Mutex(Queued())
    }

    private nonisolated let inboxes: [Inbox] = (0..<16).map { _ in Inbox() }
    /// A task is on its way to take the inboxes.
    private nonisolated let takeScheduled = Atomic<Bool>(false)
    private let store: MarketplaceStore
    private let delayMs: Int
    private let maxBatch: Int
    private var pending: [UsageRecord] = []
    private var pendingCharges: [String: Int64] = [:]
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
        let inbox = currentInbox()
        let full = inbox.queued.withLock { queued -> Bool in
            queued.records.append(record)
            return queued.records.count >= maxBatch / inboxes.count
        }
        scheduleTake(full: full)
    }

    /// Adds `pico` to what the client key named `name` has spent, written with the next
    /// batch of attempts, in the same transaction. From any context, without waiting.
    public nonisolated func charge(keyName name: String, pico: Int64) {
        guard pico != 0 else { return }
        currentInbox().queued.withLock { $0.charges[name, default: 0] += pico }
        scheduleTake(full: false)
    }

    /// The inbox of the calling thread.
    private nonisolated func currentInbox() -> Inbox {
        let id = UInt64(UInt(bitPattern: Int(bitPattern: UInt(pthread_self()))))
        return inboxes[Int(truncatingIfNeeded: (id &* 0x9E37_79B9_7F4A_7C15) >> 40) & (inboxes.count - 1)]
    }

    /// Makes sure a take of the inboxes is on its way: at once when an inbox is full.
    private nonisolated func scheduleTake(full: Bool) {
        // Queued before the flag is looked at: a take that clears the flag afterwards sees it.
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
            let queued = inbox.queued.withLock { queued -> Queued in
                defer {
                    queued.records.removeAll(keepingCapacity: true)
                    queued.charges.removeAll()
                }
                return queued
            }
            pending += queued.records
            pendingCharges.merge(queued.charges, uniquingKeysWith: +)
        }
        startWrite()
    }

    /// Writes everything queued and waits until it is in the store.
    public func flush() async {
        takeInbox()
        while !pending.isEmpty || !pendingCharges.isEmpty || writing != nil {
            if let writing {
                await writing.value
            } else {
                startWrite()
            }
        }
    }

    private func startWrite() {
        scheduled = false
        guard writing == nil, !pending.isEmpty || !pendingCharges.isEmpty else { return }
        let batch = pending
        let charges = pendingCharges
        pending.removeAll(keepingCapacity: true)
        pendingCharges.removeAll()
        let store = self.store
        writing = Task {
            _ = try? await store.recordUsage(batch: batch, charges: charges)
            self.finishedWrite()
        }
    }

    private func finishedWrite() {
        writing = nil
        if !pending.isEmpty || !pendingCharges.isEmpty { startWrite() }
    }
}

extension MarketplaceStore {
    /// Records many attempts, and what client keys spent (pico-USD by key name), in one
    /// transaction; attempts already recorded are skipped. Returns the attempts written.
    @discardableResult
    public func recordUsage(batch: [UsageRecord], charges: [String: Int64] = [:]) throws -> Int {
        guard !batch.isEmpty || !charges.isEmpty else { return 0 }
        return try db.inTransaction(.immediate) {
            try addKeySpendingRows(charges, nowMs: Timestamp.nowMs())
            return try insertUsageRows(batch)
        }
    }
}
