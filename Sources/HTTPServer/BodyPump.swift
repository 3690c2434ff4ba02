import Synchronization

/// Hands a ``ResponseBody``'s chunks from the task that iterates its sequence to the
/// connection that sends them (libmicrohttpd's fill callback, which cannot await).
///
/// One piece of bytes is held for the connection: chunks handed over before the connection has
/// taken the previous ones are joined to them, so that what was produced meanwhile goes out in
/// one write (as the body's pieces always have, whatever arrived since the last write), and the
/// connection is not parked and resumed once per chunk of a burst. Past ``joinLimit`` bytes the
/// task waits (suspended, holding no thread) until the connection has taken them, so a slow
/// client holds back its producer rather than filling memory. When a chunk or the end arrives, the connection is told:
/// on an event loop through the waker it registered when it found nothing (it resumes the parked
/// connection), on a connection thread by a poke of the executor whose jobs that thread drains.
final class BodyPump: Sendable {
    /// What the connection takes.
    enum Take {
        case data([UInt8])
        /// The sequence ended: complete the body.
        case end
        /// The sequence threw, or the body was abandoned: drop the connection.
        case failed
        /// Nothing yet (the waker, if given, is called when something comes).
        case empty
    }

    private struct State {
        /// What the connection has not taken yet.
        var chunk: [UInt8]?
        /// nil while the sequence runs; then whether it ended cleanly.
        var ended: Bool?
        var abandoned = false
        var waker: (@Sendable () -> Void)?
        /// The task, waiting for the connection to take ``chunk``.
        var producer: UnsafeContinuation<Bool, Never>?
    }

    /// The most bytes held for the connection before the task waits for it to take them.
    static let joinLimit = 64 << 10

    private let state = Mutex(State())
    /// Connection threads: the executor the connection's thread drains while it waits.
    private let drainer: WaitingThreadExecutor?

    /// A hand-off; `drainer` is the executor a connection thread drains while it waits (nil on
    /// event loops).
    init(drainer: WaitingThreadExecutor? = nil) { self.drainer = drainer }

    // MARK: The task's side

    /// Hands over `chunk`, joined to what the connection has not taken yet, or once it has when
    /// that is ``joinLimit`` bytes already. Returns false when the body was abandoned (the task
    /// should stop iterating).
    func deliver(_ chunk: [UInt8]) async -> Bool {
        guard !chunk.isEmpty else { return !state.withLock { $0.abandoned } }
        let placed = state.withLock { s -> (Bool, (@Sendable () -> Void)?)? in
            if s.abandoned { return (false, nil) }
            if s.chunk == nil {
                s.chunk = chunk
            } else if let held = s.chunk?.count, held < Self.joinLimit {
                s.chunk?.append(contentsOf: chunk)
            } else {
                return nil
            }
            return (true, s.waker.take())
        }
        if let placed {
            placed.1?()
            drainer?.poke()
            return placed.0
        }
        // The connection holds back: wait until it has taken what is held.
        let taken = await withUnsafeContinuation { (producer: UnsafeContinuation<Bool, Never>) in
            let now = state.withLock { s -> Bool? in
                if s.abandoned { return false }
                if (s.chunk?.count ?? 0) < Self.joinLimit { return true }
                s.producer = producer
                return nil
            }
            if let now { producer.resume(returning: now) }
        }
        return taken ? await deliver(chunk) : false
    }

    /// The sequence is over: `clean` when it ended, false when it threw.
    func finish(clean: Bool) {
        let waker = state.withLock { s -> (@Sendable () -> Void)? in
            if s.ended == nil { s.ended = clean }
            return s.waker.take()
        }
        waker?()
        drainer?.poke()
    }

    // MARK: The connection's side

    /// The next chunk, the end, or nothing yet (then `waker` is called once something comes).
    func take(orWake waker: (@Sendable () -> Void)? = nil) -> Take {
        let (take, producer) = state.withLock { s -> (Take, UnsafeContinuation<Bool, Never>?) in
            if s.abandoned { return (.failed, nil) }
            if let chunk = s.chunk.take() { return (.data(chunk), s.producer.take()) }
            if let ended = s.ended { return (ended ? .end : .failed, nil) }
            if let waker { s.waker = waker }
            return (.empty, nil)
        }
        producer?.resume(returning: true)
        return take
    }

    /// Whether ``take(orWake:)`` would give something other than ``Take/empty``.
    var isReady: Bool { state.withLock { $0.abandoned || $0.chunk != nil || $0.ended != nil } }

    /// The connection is done with the body (sent, dropped, or never sent): the task's next
    /// ``deliver(_:)`` returns false, and a waiting connection is woken.
    func abandon() {
        let (producer, waker) = state.withLock { s -> (UnsafeContinuation<Bool, Never>?, (@Sendable () -> Void)?) in
            s.abandoned = true
            s.chunk = nil
            return (s.producer.take(), s.waker.take())
        }
        producer?.resume(returning: false)
        waker?()
        drainer?.poke()
    }
}
