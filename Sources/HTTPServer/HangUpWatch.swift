#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import Platform
import Synchronization

/// Looks at the clients of requests whose blocking handler is running, or whose streamed body's
/// producer blocks for its next piece (the thread-per-connection and pool models), and fires
/// their ``ClientHangUp`` when a client has gone.
///
/// A handler's thread is busy (it may be inside an upstream call), so another thread looks: a
/// check every ``checkMs`` while some handler runs, none otherwise, and only at requests that
/// have waited that long, so short answers never cost a system call for it. A request's socket
/// is looked at under the lock that its handler's end takes to leave the watch, so it is never
/// a descriptor that libmicrohttpd has closed and reused.
final class HangUpWatch: Sendable {
    private struct Watched {
        var socket: Int32
        var startedMs: Int
        var hangUp: ClientHangUp
    }

    private struct State {
        var watched: [Int: Watched] = [:]
        var nextToken = 0
        var checkScheduled = false
    }

    private let state = Mutex(State())
    /// A request waits this long for its handler before its client is looked at, and clients are
    /// looked at this often (as on event loops, ``LoopDaemon/clientCheckMs``).
    static let checkMs = LoopDaemon.clientCheckMs

    /// Watches the client on `socket` while a handler runs; pass the result to ``forget(_:)``
    /// when the handler returns.
    func watch(socket: Int32, hangUp: ClientHangUp) -> Int {
        let started = MonotonicTime.milliseconds()
        let (token, schedule) = state.withLock { s -> (Int, Bool) in
            s.nextToken &+= 1
            s.watched[s.nextToken] = Watched(socket: socket, startedMs: started, hangUp: hangUp)
            defer { s.checkScheduled = true }
            return (s.nextToken, !s.checkScheduled)
        }
        if schedule { scheduleCheck() }
        return token
    }

    /// The handler has returned: its socket is no longer looked at.
    func forget(_ token: Int) {
        _ = state.withLock { $0.watched.removeValue(forKey: token) }
    }

    private func scheduleCheck() {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Self.checkMs)) { self.check() }
    }

    /// Fires the hang-up of each request that has waited a while and whose client has gone;
    /// schedules the next check while handlers run.
    private func check() {
        let now = MonotonicTime.milliseconds()
        let (gone, again) = state.withLock { s -> ([ClientHangUp], Bool) in
            var gone: [ClientHangUp] = []
            for (token, watched) in s.watched where now - watched.startedMs >= Self.checkMs {
                guard Self.peerHasClosed(watched.socket) else { continue }
                gone.append(watched.hangUp)
                s.watched.removeValue(forKey: token)
            }
            s.checkScheduled = !s.watched.isEmpty
            return (gone, s.checkScheduled)
        }
        for hangUp in gone { hangUp.fire() }
        if again { scheduleCheck() }
    }

    /// Whether the peer of `socket` has closed or reset it: a look at its next byte without
    /// taking it (a pipelined request waiting there is not a close). Over TLS a client's
    /// close_notify reads as data, so only the TCP close is seen.
    static func peerHasClosed(_ socket: Int32) -> Bool {
        guard socket >= 0 else { return false }
        var byte: UInt8 = 0
        let count = recv(socket, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if count == 0 { return true }
        if count < 0 { return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR }
        return false
    }
}
