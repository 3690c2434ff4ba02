import Synchronization

/// Counts requests in flight (streamed bodies until they end) and turns new requests away
/// once a shutdown has begun.
final class Lifecycle: Sendable {
    private struct State {
        var inFlight = 0
        var draining = false
    }

    private let state = Mutex(State())

    /// Admits a request; `false` once draining.
    func enter() -> Bool {
        state.withLock { s in
            guard !s.draining else { return false }
            s.inFlight += 1
            return true
        }
    }

    /// A request (or its streamed body) is done.
    func leave() { state.withLock { $0.inFlight -= 1 } }

    /// Stops admitting requests.
    func beginDraining() { state.withLock { $0.draining = true } }

    /// Requests in flight.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Whether a shutdown has begun.
    var isDraining: Bool { state.withLock { $0.draining } }
}
