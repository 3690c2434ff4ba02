#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Group commit for the usage ledger: attempts are queued and written a batch per
/// transaction. ``commit(_:)`` (an answered attempt) waits until its row is in a committed
/// transaction; an idle writer commits at once, and whatever queues meanwhile goes in the
/// next one, so a busy server pays one commit per batch, not per request. ``enqueue(_:)``
/// (`sent` rows, failed attempts) rides along with the next commit, or the next scheduled write.
///
/// Used by `broker serve`; `flush()` on shutdown writes what is queued. One-shot commands
/// write each attempt directly (nothing is lost if the process is killed right after).
///
/// ``enqueue(_:)`` queues without entering the actor, into one of several inboxes chosen by
/// the calling thread, so a busy server's connection threads neither wait for the actor nor
/// queue on one lock.
///
/// A commit that fails (the store locked past its busy timeout, a full disk) loses nothing:
/// its attempts and charges go back in the queue and are written again, after 50 ms, then
/// twice as long each time up to 5 s, and ``health`` says so. Only two things are given up,
/// and counted: attempts beyond ``maxQueued`` while the store keeps failing (the oldest first),
/// and a key's charge that would take its spending past 2^63 pico-USD.
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
    private let store: any MarketStore
    private let delayMs: Int
    private let maxBatch: Int
    private var pending: [UsageRecord] = []
    private var pendingCharges: [String: Int64] = [:]
    private var scheduled = false
    private var writing: Task<Void, Never>? = nil
    /// ``commit(_:)`` callers waiting for their row: resumed when a write that holds it ends.
    private var waiters: [(ticket: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextTicket = 0
    /// The tickets whose rows the running write holds.
    private var writingTickets: [Int] = []
    /// A failed commit's retry is waiting out its back-off.
    private var backingOff = false
    private var consecutiveFailures = 0
    private nonisolated let state = Mutex(LedgerHealth())
    /// The most attempts kept queued while the store keeps failing.
    public nonisolated let maxQueued: Int

    /// A writer over `store` that commits at most every `delayMs`, or at once past `maxBatch`
    /// rows, and keeps up to `maxQueued` attempts while the store fails.
    public init(store: any MarketStore, delayMs: Int = 5, maxBatch: Int = 512, maxQueued: Int = 1_000_000) {
        self.store = store
        self.delayMs = delayMs
        self.maxBatch = maxBatch
        self.maxQueued = max(maxBatch, maxQueued)
    }

    /// Failed commits, what is queued and what was given up: for `/health` and `/metrics`.
    public nonisolated var health: LedgerHealth { state.withLock { $0 } }

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

    /// Writes one attempt and returns once it is committed (or its commit failed: it then stays
    /// queued and is retried, and the result is `false`). What an answered request waits for
    /// before its answer is sent, so answered means recorded.
    ///
    /// Group commit without a tick: a store that is idle commits at once, so one request at a
    /// time pays one commit; under load, the rows that arrive while a commit runs go together
    /// in the next.
    @discardableResult
    public func commit(_ record: UsageRecord) async -> Bool {
        pending.append(record)
        let ticket = nextTicket
        nextTicket += 1
        return await withCheckedContinuation { continuation in
            waiters.append((ticket, continuation))
            startWrite()
        }
    }

    /// Queues one attempt from any context, without waiting for the actor.
    public nonisolated func enqueue(_ record: UsageRecord) {
        let inbox = currentInbox()
        // An inbox holds up to a whole batch: with a few busy threads (event loops) each fills
        // its own, and a smaller share made commits of a few dozen rows at a time.
        let full = inbox.queued.withLock { queued -> Bool in
            queued.records.append(record)
            return queued.records.count >= maxBatch
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

    /// Moves what ``enqueue(_:)`` queued into the actor and (unless `start` is false) starts writing it.
    ///
    /// `start` false is a write taking the inboxes along: it leaves the scheduled take's flag
    /// alone, so the take already on its way stays the only one (clearing it made every
    /// request's `sent` row schedule a take of its own, a timer and two thread wake-ups each).
    private func takeInbox(start: Bool = true) {
        if start { takeScheduled.store(false, ordering: .sequentiallyConsistent) }
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
        if start { startWrite() }
    }

    /// Writes everything queued and waits until it is in the store, or until `attempts`
    /// commits have failed (what is left stays queued and is retried later).
    /// - Returns: whether nothing is left queued.
    @discardableResult
    public func flush(attempts: Int = 3) async -> Bool {
        takeInbox()
        let failedBefore = state.withLock { $0.failedCommits }
        while true {
            if let writing {
                await writing.value
                continue
            }
            if pending.isEmpty && pendingCharges.isEmpty { return true }
            if state.withLock({ $0.failedCommits }) - failedBefore >= attempts { return false }
            backingOff = false
            startWrite()
        }
    }

    private func startWrite() {
        scheduled = false
        guard writing == nil, !backingOff else { return }
        // What ``enqueue(_:)`` queued (`sent` rows, charges) rides along with this commit
        // instead of waiting for a commit of its own.
        takeInbox(start: false)
        guard !pending.isEmpty || !pendingCharges.isEmpty else { return }
        let batch = pending
        let charges = pendingCharges
        // Every waiter queued so far has its row in this batch (or in one that failed and went
        // back in front of the queue).
        writingTickets = waiters.map(\.ticket)
        pending.removeAll(keepingCapacity: true)
        pendingCharges.removeAll()
        let store = self.store
        writing = Task {
            var failure: (any Error)? = nil
            do {
                try await store.recordUsage(batch: batch, charges: charges)
            } catch {
                failure = error
            }
            // A charge that cannot be added is given up rather than failing every commit after.
            var keep = charges
            if let storeError = failure as? StoreError, storeError.code == .overflow,
                let spent = try? await store.keySpending()
            {
                keep = charges.filter { !(spent[$0.key] ?? 0).addingReportingOverflow($0.value).overflow }
            }
            await self.finishedWrite(batch: batch, charges: keep, given: charges.count - keep.count, failure: failure)
        }
    }

    private func finishedWrite(batch: [UsageRecord], charges: [String: Int64], given: Int, failure: (any Error)?) {
        writing = nil
        let done = Set(writingTickets)
        writingTickets = []
        if !done.isEmpty {
            let ok = failure == nil
            for waiter in waiters where done.contains(waiter.ticket) { waiter.continuation.resume(returning: ok) }
            waiters.removeAll { done.contains($0.ticket) }
        }
        guard let failure else {
            consecutiveFailures = 0
            state.withLock {
                $0.queued = pending.count
                $0.retrying = false
            }
            // Whatever queued meanwhile (commits, or `sent` rows in the inboxes) goes now, together.
            startWrite()
            return
        }
        // Nothing of the batch was written (one transaction): queue it again, in front.
        consecutiveFailures += 1
        pending = batch + pending
        var dropped = 0
        if pending.count > maxQueued {
            dropped = pending.count - maxQueued
            pending.removeFirst(dropped)
        }
        var overflowed = given
        for (name, amount) in charges {
            let (sum, overflow) = pendingCharges[name, default: 0].addingReportingOverflow(amount)
            if overflow { overflowed += 1 } else { pendingCharges[name] = sum }
        }
        let queued = pending.count
        state.withLock {
            $0.failedCommits += 1
            $0.lastFailure = String(describing: failure)
            $0.queued = queued
            $0.retrying = true
            $0.droppedAttempts += dropped
            $0.droppedCharges += overflowed
        }
        backingOff = true
        let waitMs = min(5_000, 50 << min(consecutiveFailures - 1, 7))
        Task {
            try? await Task.sleep(for: .milliseconds(waitMs))
            await self.retry()
        }
    }

    private func retry() {
        backingOff = false
        startWrite()
    }
}
