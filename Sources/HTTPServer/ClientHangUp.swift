import Synchronization

/// Tells a blocking handler that its client has gone (closed or reset its connection) while
/// the handler was still working, so that it can stop work nobody will read.
///
/// The thread-per-connection and pool models give one to each request (``ServerRequest/hangUp``)
/// and look at the client of every request whose handler has run for a while (see
/// ``HangUpWatch``). On event loops the server cancels the async handler's task instead.
public final class ClientHangUp: Sendable {
    private struct State {
        var hungUp = false
        var action: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// A hang-up that has not happened.
    public init() {}

    /// Whether the client has gone.
    public var hasHungUp: Bool { state.withLock { $0.hungUp } }

    /// Runs `action` (once, on the server's watching thread) when the client hangs up, or at
    /// once when it already has. A later call replaces an action not yet run.
    public func onHangUp(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { s -> Bool in
            if s.hungUp { return true }
            s.action = action
            return false
        }
        if now { action() }
    }

    /// The client has gone: runs the action, if any (first call only).
    public func fire() {
        let action = state.withLock { s -> (@Sendable () -> Void)? in
            guard !s.hungUp else { return nil }
            s.hungUp = true
            return s.action.take()
        }
        action?()
    }
}
