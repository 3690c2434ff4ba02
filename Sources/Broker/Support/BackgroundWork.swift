import Dispatch
import Platform

/// A value computed on another thread while the caller goes on with other work.
///
/// Whatever `work` reads must stay unchanged until ``wait()`` returns; callers that may
/// leave early wait in a `defer`.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var value: Value?

    init(_ work: @escaping @Sendable () -> Value) {
        done.enter()
        // A thread of its own, not a dispatch queue: the caller may be a pool thread that
        // blocks in wait(), and a pool with every thread blocked would start the work late.
        let started = PlatformThread.detach(name: "broker-work") {
            self.value = work()
            self.done.leave()
        }
        // No thread to be had: the work is done here, before the caller goes on.
        if !started {
            value = work()
            done.leave()
        }
    }

    /// Waits for the work and returns its value (again on later calls).
    func wait() -> Value? {
        done.wait()
        return value
    }
}
