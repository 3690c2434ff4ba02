import Dispatch
import Foundation
import Synchronization

/// Group commit for the usage ledger, on a connection of its own. ``commit(_:)`` (an
/// answered attempt) returns once its row is in a committed transaction; ``enqueue(_:)``
/// (`sent` rows, failed attempts) and ``charge(keyName:pico:)`` ride along with the next
/// commit, or are written by the writer's thread within `delayMs`.
///
/// How a commit is made:
/// - Nobody is committing and either no other request is in flight or the store has been
///   quiet for twice the gathering window: the caller commits at once, on its own thread (an
///   event loop's), with whatever is queued — no thread hop, no wake-up. It does not wait for
///   another process's lock there: a store that is busy hands the batch to the writer's thread.
/// - Otherwise (a busy server): the caller's row is queued and the caller suspends; the
///   writer's thread commits it with the rows of the requests that finish within the gathering
///   window (`gatherMicroseconds`, sooner once no other request is in flight), as one
///   transaction, and resumes all of their callers, each on its own executor. Each answer
///   waits a little longer; the server pays one commit per batch instead of one per answer.
///
/// A `sent` row is written with the first commit after it is due (`delayMs`), unless its
/// attempt's own row comes first: that row would replace it anyway, and is written alone. The writer's connection never checkpoints on commit: a
/// checkpoint (PASSIVE, from another connection, on a thread of its own while commits go on)
/// runs once the store has been idle a moment with a good part of a log to copy, or when the
/// log passes ``forcedCheckpointPages``, so no answer waits for a checkpoint.
///
/// Used by `broker serve`; `flush()` on shutdown writes what is queued. One-shot commands
/// write each attempt directly (nothing is lost if the process is killed right after).
///
/// A commit that fails (the store locked past its busy timeout, a full disk) loses nothing:
/// its attempts and charges go back in the queue and are written again, after 50 ms, then
/// twice as long each time up to 5 s, and ``health`` says so. Only two things are given up,
/// and counted: attempts beyond ``maxQueued`` while the store keeps failing (the oldest first),
/// and a key's charge that would take its spending past 2^63 pico-USD. While a retry waits, an
/// answered attempt's ``commit(_:)`` does not: its row joins the queue and the answer goes out
/// (a store that is away does not hold every answer for seconds); it is written with the retry
/// that succeeds. Until then it lives only in this process (``LedgerHealth/queued``).
public final class LedgerWriter: Sendable {
    private let core: Core
    /// The most attempts kept queued while the store keeps failing.
    public let maxQueued: Int
    /// Log pages past which the writer's thread checkpoints even while the store is busy.
    public static let forcedCheckpointPages = 1_000
    /// Log pages past which it checkpoints once the store has been idle ``idleCheckpointMs``.
    public static let idleCheckpointPages = 200
    /// How long the store must be idle for a checkpoint of ``idleCheckpointPages`` or more.
    public static let idleCheckpointMs = 100

    /// A writer over `store`'s database (on connections of its own, opened with
    /// ``MarketStore/openLedgerConnection(reportingLogTo:)``) that writes queued rows within
    /// `delayMs`, or at once past `maxBatch` of them, gathers a busy server's answered rows for
    /// up to `gatherMicroseconds` into one commit, and keeps up to `maxQueued` attempts while
    /// the store fails.
    public init(
        store: any MarketStore, delayMs: Int = 5, gatherMicroseconds: Int = 2_000, maxBatch: Int = 512,
        maxQueued: Int = 1_000_000
    ) {
        let kept = max(maxBatch, maxQueued)
        self.maxQueued = kept
        core = Core(
            open: { [store] size in try store.openLedgerConnection(reportingLogTo: size) },
            busyTimeoutMs: store.ledgerBusyTimeoutMs, delayNanos: UInt64(max(0, delayMs)) * 1_000_000,
            gatherNanos: UInt64(max(0, gatherMicroseconds)) * 1_000, maxBatch: max(1, maxBatch), maxQueued: kept)
        let core = self.core
        Thread.detachNewThread { core.run() }
    }

    deinit { core.stop() }

    /// Failed commits, what is queued and what was given up: for `/health` and `/metrics`.
    public var health: LedgerHealth {
        core.state.withLock { s in
            var health = s.health
            // Charges wait for the store only while commits fail (otherwise for the next commit).
            health.queuedCharges = s.health.retrying ? Set(s.charges.keys).union(s.committingChargeKeys).count : 0
            return health
        }
    }

    /// Queues one attempt (as ``enqueue(_:)``).
    public func record(_ record: UsageRecord) async {
        enqueue(record)
    }

    /// Writes one attempt and returns once it is committed (or its commit failed: it then stays
    /// queued and is retried, and the result is `false`). What an answered request waits for
    /// before its answer is sent, so answered means recorded. While an earlier commit's retry
    /// waits out its back-off (the store is away), it returns `false` at once: the row is
    /// queued for that retry, as the rows of a failed commit are.
    @discardableResult
    public func commit(_ record: UsageRecord) async -> Bool {
        await withUnsafeContinuation { continuation in core.commit(record, continuation) }
    }

    /// Queues one attempt from any context, without waiting.
    public func enqueue(_ record: UsageRecord) {
        core.enqueue(record)
    }

    /// Adds `pico` to what the client key named `name` has spent, written with the next
    /// batch of attempts, in the same transaction. From any context, without waiting.
    public func charge(keyName name: String, pico: Int64) {
        guard pico != 0 else { return }
        core.charge(name, pico)
    }

    /// Writes everything queued and waits until it is in the store, or until `attempts`
    /// commits have failed (what is left stays queued and is retried later).
    /// - Returns: whether nothing is left queued.
    @discardableResult
    public func flush(attempts: Int = 3) async -> Bool {
        await withUnsafeContinuation { continuation in core.flush(max(1, attempts), continuation) }
    }
}

extension LedgerWriter {
    /// What is queued, who commits, and the writer thread's timers; guarded by ``Core/state``.
    fileprivate struct State {
        /// Attempts' own rows (and anything else but `sent` rows), in order.
        var pending: [UsageRecord] = []
        /// `sent` rows not written yet: dropped when their attempt's own row comes first.
        var sent: [AttemptKey: UsageRecord] = [:]
        /// Attempts that have a `sent` row and no row of their own yet: requests in flight.
        var inFlight = Set<AttemptKey>()
        /// Client keys' spending, pico-USD by key name.
        var charges: [String: Int64] = [:]
        /// The keys whose charges a retried commit is writing.
        var committingChargeKeys: [String] = []
        /// ``commit(_:)`` callers whose rows are in `pending`.
        var waiters: [UnsafeContinuation<Bool, Never>] = []
        /// ``flush(attempts:)`` callers: the attempts they allow, and the failures seen so far.
        var flushers: [Flusher] = []
        /// A commit is running (on a caller's thread or the writer's): the connection is taken.
        var committing = false
        /// When the queued rows that nobody waits for are due (monotonic nanoseconds).
        var dueNanos: UInt64? = nil
        /// When the waiters' rows gathered for the writer's thread are committed (monotonic nanoseconds).
        var gatherUntil: UInt64? = nil
        /// After a failed commit: when it is tried again (monotonic nanoseconds).
        var retryNanos: UInt64? = nil
        var consecutiveFailures = 0
        /// The writer's thread is asleep on ``Core/wakeup`` (set by it, cleared by whoever wakes
        /// it), until `sleepUntil` at the latest (monotonic nanoseconds; `.max`: until woken).
        var sleeping = false
        var sleepUntil: UInt64 = .max
        /// When a row or charge was last queued without a waiter: while they keep coming, the
        /// thread wakes every `delayMs` by itself rather than being woken for each.
        var lastQueuedNanos: UInt64 = 0
        /// The writer is gone: write what is queued, then end the thread.
        var stopping = false
        /// Log pages after the last commit, and past how many the next forced checkpoint runs.
        var walPages = 0
        var nextForcedCheckpoint = LedgerWriter.forcedCheckpointPages
        /// Log pages at the last checkpoint (an idle one runs only when more have come since).
        var checkpointedPages = 0
        /// A checkpoint is running (on a thread of its own).
        var checkpointing = false
        /// When the last commit ended (monotonic nanoseconds).
        var lastCommitNanos: UInt64 = 0
        var health = LedgerHealth()
    }

    /// A ``LedgerWriter/flush(attempts:)`` caller: the failed commits it allows, and those seen so far.
    fileprivate struct Flusher {
        let continuation: UnsafeContinuation<Bool, Never>
        let attempts: Int
        var failures = 0
    }

    /// What one commit writes, and whom it answers.
    fileprivate struct Batch {
        var records: [UsageRecord] = []
        var charges: [String: Int64] = [:]
        var waiters: [UnsafeContinuation<Bool, Never>] = []
        /// Flushes answered by this commit: it writes everything queued before them.
        var flushers: [Flusher] = []
    }

    /// What the writer's thread does next.
    fileprivate enum Step {
        case commit(Batch)
        case checkpoint
        case sleep(untilNanos: UInt64?)
        case exit
    }

    /// The connections, used by one committer at a time (``State/committing``) and by one
    /// checkpoint at a time (``State/checkpointing``).
    fileprivate final class Connections: @unchecked Sendable {
        // @unchecked: `writer` is only touched by whoever set ``State/committing``, and
        // `checkpointer` only by the checkpoint that set ``State/checkpointing``.
        var writer: (any LedgerConnection)?
        var checkpointer: (any LedgerConnection)?
    }

    /// The writer's state and its thread's work, apart from the writer so that the thread ends
    /// when the writer goes.
    fileprivate final class Core: Sendable {
        let state = Mutex(State())
        private let wakeup = DispatchSemaphore(value: 0)
        private let connections = Connections()
        private let walSize = LedgerLogSize()
        private let open: @Sendable (LedgerLogSize) throws -> any LedgerConnection
        private let busyTimeoutMs: Int32
        private let delayNanos: UInt64
        private let gatherNanos: UInt64
        private let maxBatch: Int
        private let maxQueued: Int

        init(
            open: @escaping @Sendable (LedgerLogSize) throws -> any LedgerConnection, busyTimeoutMs: Int32,
            delayNanos: UInt64,
            gatherNanos: UInt64, maxBatch: Int, maxQueued: Int
        ) {
            self.open = open
            self.busyTimeoutMs = busyTimeoutMs
            self.delayNanos = delayNanos
            self.gatherNanos = gatherNanos
            self.maxBatch = maxBatch
            self.maxQueued = maxQueued
        }

        static func nowNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

        // MARK: Callers

        func enqueue(_ record: UsageRecord) {
            let wake = state.withLock { s -> Bool in
                if record.outcome == UsageRecord.sentOutcome {
                    let key = AttemptKey(record)
                    s.sent[key] = record
                    s.inFlight.insert(key)
                } else {
                    ended(&s, record)
                    s.pending.append(record)
                }
                return due(&s)
            }
            if wake { wakeup.signal() }
        }

        /// An attempt's own row came: its `sent` row, unless written already, is not written.
        private func ended(_ s: inout State, _ record: UsageRecord) {
            let key = AttemptKey(record)
            s.sent.removeValue(forKey: key)
            s.inFlight.remove(key)
        }

        func charge(_ name: String, _ pico: Int64) {
            let wake = state.withLock { s -> Bool in
                s.charges[name, default: 0] += pico
                return due(&s)
            }
            if wake { wakeup.signal() }
        }

        /// After something was queued without a waiter: makes it due within the delay (at once
        /// past a batch); whether the sleeping thread must be woken to see it.
        private func due(_ s: inout State) -> Bool {
            let full = s.pending.count + s.sent.count >= maxBatch
            let now = Self.nowNanos()
            s.lastQueuedNanos = now
            guard s.dueNanos == nil || full else { return false }
            let due = full ? 0 : now + delayNanos
            s.dueNanos = due
            // A thread that wakes within the delay anyway is left asleep (a caller that commits
            // before then takes the rows along).
            guard s.sleeping, !s.committing, full || s.sleepUntil > due + delayNanos else { return false }
            s.sleeping = false
            return true
        }

        func commit(_ record: UsageRecord, _ continuation: UnsafeContinuation<Bool, Never>) {
            let now = Self.nowNanos()
            let (batch, wake, queued) = state.withLock { s -> (Batch?, Bool, Bool) in
                ended(&s, record)
                s.pending.append(record)
                // A failed commit waits out its back-off (the store is away): the row is queued
                // for that retry, and the answer does not wait up to 5 s for it.
                if s.retryNanos != nil {
                    s.health.queued = s.pending.count + s.sent.count
                    return (nil, false, true)
                }
                s.waiters.append(continuation)
                // Nobody commits, no failed commit waits out its back-off, and either no other
                // request is in flight or the store has been quiet: commit now, here.
                if !s.committing, s.retryNanos == nil, !s.stopping,
                    s.inFlight.isEmpty || s.waiters.count >= maxBatch || now &- s.lastCommitNanos > 2 * gatherNanos
                {
                    return (take(&s, now: now), false, false)
                }
                // Otherwise the rows of the requests finishing meanwhile join it, for up to
                // the gathering window, and the writer's thread commits them together.
                guard s.gatherUntil == nil else { return (nil, false, false) }
                let until = now + gatherNanos
                s.gatherUntil = until
                guard s.sleeping, !s.committing, s.sleepUntil > until else { return (nil, false, false) }
                s.sleeping = false
                return (nil, true, false)
            }
            if queued { continuation.resume(returning: false) }
            if wake { wakeup.signal() }
            guard let batch else { return }
            // On this thread; a store another process holds is left to the writer's thread,
            // which waits out the busy timeout.
            if write(batch, busyTimeoutMs: 0) == nil {
                finished(batch, failure: nil)
            } else {
                handOver(batch)
            }
        }

        func flush(_ attempts: Int, _ continuation: UnsafeContinuation<Bool, Never>) {
            let (done, wake) = state.withLock { s -> (Bool, Bool) in
                if !s.committing, s.pending.isEmpty, s.sent.isEmpty, s.charges.isEmpty { return (true, false) }
                s.flushers.append(Flusher(continuation: continuation, attempts: attempts))
                guard s.sleeping, !s.committing else { return (false, false) }
                s.sleeping = false
                return (false, true)
            }
            if done { continuation.resume(returning: true) }
            if wake { wakeup.signal() }
        }

        func stop() {
            let wake = state.withLock { s -> Bool in
                s.stopping = true
                defer { s.sleeping = false }
                return s.sleeping
            }
            if wake { wakeup.signal() }
        }

        // MARK: Commits

        /// Takes what is queued for one commit, and the connection with it: the `sent` rows of
        /// attempts still in flight only once they are due (or with `everything`), since the
        /// attempt's own row, which usually comes first, takes their place.
        private func take(_ s: inout State, now: UInt64, everything: Bool = false) -> Batch {
            var batch = Batch()
            swap(&batch.records, &s.pending)
            swap(&batch.charges, &s.charges)
            swap(&batch.waiters, &s.waiters)
            s.committing = true
            s.gatherUntil = nil
            // A retry's charges still wait for the store while it is tried (for ``health``).
            if s.health.retrying { s.committingChargeKeys = Array(batch.charges.keys) }
            if everything || (s.dueNanos.map { $0 <= now } ?? true) {
                batch.records += s.sent.values
                s.sent.removeAll()
            }
            // Everything queued goes in: the flushes waiting so far are answered by this commit
            // (those that come meanwhile wait for the next, so a busy server cannot starve one).
            if everything { swap(&batch.flushers, &s.flushers) }
            if s.sent.isEmpty { s.dueNanos = nil }
            return batch
        }

        /// Writes `batch` in one transaction; the error, if it failed.
        private func write(_ batch: Batch, busyTimeoutMs: Int32) -> (any Error)? {
            do {
                let db: any LedgerConnection
                if let opened = connections.writer {
                    db = opened
                } else {
                    db = try open(walSize)
                    connections.writer = db
                }
                try db.writeLedger(
                    batch.records, charges: batch.charges, nowMs: Timestamp.nowMs(), busyTimeoutMs: busyTimeoutMs)
                return nil
            } catch {
                return error
            }
        }

        /// A caller's commit that did not go through (another process holds the store): its
        /// batch goes back in front of the queue, for the writer's thread.
        private func handOver(_ batch: Batch) {
            let wake = state.withLock { s -> Bool in
                s.pending = batch.records + s.pending
                s.waiters = batch.waiters + s.waiters
                s.flushers = batch.flushers + s.flushers
                s.charges.merge(batch.charges, uniquingKeysWith: +)
                s.committing = false
                s.committingChargeKeys = []
                s.dueNanos = 0
                s.gatherUntil = 0
                defer { s.sleeping = false }
                return s.sleeping
            }
            if wake { wakeup.signal() }
        }

        /// Ends a commit: answers its callers, and on failure queues the batch again in front.
        private func finished(
            _ batch: Batch, failure: (any Error)?, overflowed: Int = 0, charges kept: [String: Int64]? = nil
        ) {
            var resume: [(UnsafeContinuation<Bool, Never>, Bool)] = batch.waiters.map { ($0, failure == nil) }
            let now = Self.nowNanos()
            let walPages = walSize.pages.load(ordering: .relaxed)
            let wake = state.withLock { s -> Bool in
                s.committing = false
                s.committingChargeKeys = []
                s.lastCommitNanos = now
                if walPages < s.walPages {
                    s.nextForcedCheckpoint = min(s.nextForcedCheckpoint, LedgerWriter.forcedCheckpointPages)
                }
                if walPages < s.checkpointedPages { s.checkpointedPages = 0 }
                s.walPages = walPages
                if let failure {
                    requeue(
                        &s, batch, failure: failure, overflowed: overflowed, charges: kept ?? batch.charges, now: now)
                    var again: [Flusher] = []
                    for var flusher in batch.flushers {
                        flusher.failures += 1
                        if flusher.failures >= flusher.attempts {
                            resume.append((flusher.continuation, false))
                        } else {
                            again.append(flusher)
                        }
                    }
                    s.flushers = again + s.flushers
                } else {
                    s.consecutiveFailures = 0
                    s.retryNanos = nil
                    s.health.queued = s.pending.count + s.sent.count
                    s.health.retrying = false
                    resume += batch.flushers.map { ($0.continuation, true) }
                    if s.pending.isEmpty, s.sent.isEmpty, s.charges.isEmpty {
                        resume += s.flushers.map { ($0.continuation, true) }
                        s.flushers.removeAll()
                    }
                }
                // Whatever queued meanwhile is for the writer's thread, as are a retry and a
                // checkpoint that is due: woken when it would not wake in time by itself.
                var needBy = [s.retryNanos, s.dueNanos.map { $0 + delayNanos }].compactMap { $0 }.min() ?? .max
                if !s.waiters.isEmpty { needBy = min(needBy, s.gatherUntil ?? 0) }
                if !s.flushers.isEmpty || (!s.checkpointing && s.walPages >= s.nextForcedCheckpoint) { needBy = 0 }
                guard s.sleeping, needBy < s.sleepUntil else { return false }
                s.sleeping = false
                return true
            }
            if wake { wakeup.signal() }
            for (continuation, ok) in resume { continuation.resume(returning: ok) }
        }

        /// Queues a failed batch again, in front, within ``maxQueued``, and schedules the retry.
        private func requeue(
            _ s: inout State, _ batch: Batch, failure: any Error, overflowed given: Int, charges: [String: Int64],
            now: UInt64
        ) {
            s.consecutiveFailures += 1
            s.pending = batch.records + s.pending
            var dropped = 0
            if s.pending.count > maxQueued {
                dropped = s.pending.count - maxQueued
                s.pending.removeFirst(dropped)
            }
            var overflowed = given
            for (name, amount) in charges {
                let (sum, overflow) = s.charges[name, default: 0].addingReportingOverflow(amount)
                if overflow { overflowed += 1 } else { s.charges[name] = sum }
            }
            s.health.failedCommits += 1
            s.health.lastFailure = String(describing: failure)
            s.health.queued = s.pending.count + s.sent.count
            s.health.retrying = true
            s.health.droppedAttempts += dropped
            s.health.droppedCharges += overflowed
            let waitMs = min(5_000, 50 << min(s.consecutiveFailures - 1, 7))
            s.retryNanos = now + UInt64(waitMs) * 1_000_000
        }

        // MARK: The writer's thread

        /// Commits what callers left to it, writes queued rows when due, retries failed
        /// commits and checkpoints; until the writer goes and nothing is left to write.
        func run() {
            while true {
                let now = Self.nowNanos()
                let step = state.withLock { s -> Step in next(&s, now: now) }
                switch step {
                case .commit(let batch):
                    commitOnThread(batch)
                case .checkpoint:
                    Thread.detachNewThread { [self] in checkpoint() }
                case .sleep(let until):
                    if let until {
                        _ = wakeup.wait(timeout: DispatchTime(uptimeNanoseconds: until))
                    } else {
                        wakeup.wait()
                    }
                    state.withLock { $0.sleeping = false }
                case .exit:
                    return
                }
            }
        }

        private func next(_ s: inout State, now: UInt64) -> Step {
            // A caller is committing: it wakes this thread when it ends, if there is work.
            // Rows keep being queued: wake every delay, so that queueing one never has to.
            let tick = now &- s.lastQueuedNanos < 1_000_000_000 ? now + max(delayNanos, 1_000_000) : nil
            if s.committing {
                s.sleeping = true
                s.sleepUntil = tick ?? .max
                return .sleep(untilNanos: tick)
            }
            let queued = !s.pending.isEmpty || !s.sent.isEmpty || !s.charges.isEmpty
            let backingOff = s.retryNanos.map { now < $0 } ?? false
            if queued {
                if s.stopping && s.consecutiveFailures > 0 && backingOff {
                    return .exit  // the writer is gone and the store keeps failing
                }
                let everything = !s.flushers.isEmpty || s.stopping || (!backingOff && s.retryNanos != nil)
                let gathered =
                    !s.waiters.isEmpty
                    && ((s.gatherUntil ?? 0) <= now || s.inFlight.isEmpty || s.waiters.count >= maxBatch)
                if everything || (!backingOff && (gathered || (s.dueNanos.map { $0 <= now } ?? false))) {
                    return .commit(take(&s, now: now, everything: everything))
                }
            } else {
                // Nothing left to retry (a failed batch of charges only, all given up).
                if s.retryNanos != nil {
                    s.retryNanos = nil
                    s.health.retrying = false
                }
                for flusher in s.flushers { flusher.continuation.resume(returning: true) }
                s.flushers.removeAll()
            }
            if s.stopping && !queued { return .exit }
            let idleFor = now &- s.lastCommitNanos
            let idleMs = UInt64(LedgerWriter.idleCheckpointMs)
            if !s.checkpointing,
                s.walPages >= s.nextForcedCheckpoint
                    || (s.walPages - s.checkpointedPages >= LedgerWriter.idleCheckpointPages
                        && idleFor >= idleMs * 1_000_000)
            {
                s.nextForcedCheckpoint = s.walPages + LedgerWriter.forcedCheckpointPages
                s.checkpointedPages = s.walPages
                s.checkpointing = true
                return .checkpoint
            }
            // While a failed commit waits out its back-off, only the retry's time counts.
            var times =
                backingOff
                ? [s.retryNanos] : [s.retryNanos, queued ? s.dueNanos : nil, s.waiters.isEmpty ? nil : s.gatherUntil]
            if !s.checkpointing, s.walPages - s.checkpointedPages >= LedgerWriter.idleCheckpointPages {
                times.append(s.lastCommitNanos + idleMs * 1_000_000)
            }
            times.append(tick)
            let until = times.compactMap { $0 }.min()
            s.sleeping = true
            s.sleepUntil = until ?? .max
            return .sleep(untilNanos: until)
        }

        private func commitOnThread(_ batch: Batch) {
            guard let failure = write(batch, busyTimeoutMs: busyTimeoutMs) else {
                finished(batch, failure: nil)
                return
            }
            // A charge that cannot be added is given up rather than failing every commit after.
            var kept = batch.charges
            if let storeError = failure as? StoreError, storeError.code == .overflow,
                let spent = try? connections.writer?.keySpending()
            {
                kept = batch.charges.filter { !(spent[$0.key] ?? 0).addingReportingOverflow($0.value).overflow }
            }
            finished(batch, failure: failure, overflowed: batch.charges.count - kept.count, charges: kept)
        }

        /// Copies the log into the database from a connection of its own: commits go on meanwhile.
        private func checkpoint() {
            do {
                if connections.checkpointer == nil {
                    connections.checkpointer = try open(LedgerLogSize())
                }
                try connections.checkpointer?.maintain()
            } catch {
                // Nothing is lost: the log is copied by the next checkpoint (or the next process's).
            }
            state.withLock { $0.checkpointing = false }
        }
    }

    /// One attempt of one request: what a `sent` row and the attempt's own row share.
    fileprivate struct AttemptKey: Hashable {
        let requestID: String
        let attempt: Int

        init(_ record: UsageRecord) {
            requestID = record.requestID
            attempt = record.attempt
        }
    }
}
