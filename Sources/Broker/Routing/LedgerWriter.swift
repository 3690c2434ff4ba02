import Synchronization

/// Group commit for the usage ledger: attempts are queued and written a batch per
/// transaction, a few milliseconds apart, so a busy server answers without waiting for a
/// SQLite commit per request.
///
/// Used by `broker serve`; `flush()` on shutdown writes what is queued. One-shot commands
/// write each attempt directly (nothing is lost if the process is killed right after).
///
/// ``enqueue(_:)`` queues without entering the actor, so a request thread never waits for
/// (or convoys behind) the actor while a batch is being handed over.
public actor LedgerWriter {
    private struct Inbox {
        var records: [UsageRecord] = []
        var scheduled = false
    }

    private nonisolated let inbox = Mutex(Inbox())
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
        let maxBatch = self.maxBatch
        let (schedule, full) = inbox.withLock { inbox -> (Bool, Bool) in
            inbox.records.append(record)
            let full = inbox.records.count >= maxBatch
            guard !inbox.scheduled else { return (false, full) }
            inbox.scheduled = true
            return (true, full)
        }
        guard schedule || full else { return }
        let delayMs = full ? 0 : self.delayMs
        Task.detached {
            if delayMs > 0 { try? await Task.sleep(for: .milliseconds(delayMs)) }
            await self.takeInbox()
        }
    }

    /// Moves what ``enqueue(_:)`` queued into the actor and starts writing it.
    private func takeInbox() {
        let records = inbox.withLock { inbox -> [UsageRecord] in
            inbox.scheduled = false
            defer { inbox.records.removeAll(keepingCapacity: true) }
            return inbox.records
        }
        guard !records.isEmpty else { return }
        pending += records
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
        var written = 0
        try db.inTransaction(.immediate) {
            for record in batch where try insertUsageRow(record) { written += 1 }
        }
        return written
    }
}
