import Platform
import ProviderInterface
import Synchronization

/// Counts requests in flight (streamed bodies until they end) and turns new requests away
/// once a shutdown has begun. Atomics, not a lock: every request passes here twice.
final class Lifecycle: Sendable {
    private let count = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)
    /// Told of each request, so that it spins only while the server is lightly loaded.
    private let busyPoll: BusyPoll

    init(busyPoll: BusyPoll) { self.busyPoll = busyPoll }

    /// Admits a request; `false` once draining.
    func enter() -> Bool {
        // Count first, then check: a request counted before draining began is waited for by
        // the shutdown; one that sees draining takes itself back out.
        count.add(1, ordering: .sequentiallyConsistent)
        guard !draining.load(ordering: .sequentiallyConsistent) else {
            count.subtract(1, ordering: .sequentiallyConsistent)
            return false
        }
        busyPoll.requestStarted()
        return true
    }

    /// A request (or its streamed body) is done.
    func leave() {
        busyPoll.requestEnded()
        count.subtract(1, ordering: .sequentiallyConsistent)
    }

    /// Stops admitting requests.
    func beginDraining() { draining.store(true, ordering: .sequentiallyConsistent) }

    /// Requests in flight.
    var inFlight: Int { count.load(ordering: .sequentiallyConsistent) }

    /// Whether a shutdown has begun.
    var isDraining: Bool { draining.load(ordering: .sequentiallyConsistent) }
}
