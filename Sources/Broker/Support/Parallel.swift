import Dispatch
import Foundation

/// Splitting pure CPU work over the machine's cores, for the refresh's passes over
/// 100,000 offers.
enum Parallel {
    /// How many parts `count` items are worth splitting into: one per core (at most 8),
    /// and none for small inputs, where a thread hop costs more than it saves.
    static func parts(for count: Int, minimumPerPart: Int = 4_096) -> Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, count / minimumPerPart))
    }

    /// Runs `body` once per part of `0..<count`, the parts at once on as many threads,
    /// and returns when all are done. Each part is a contiguous range, in order.
    static func forEachPart(of count: Int, parts: Int, _ body: (Int, Range<Int>) -> Void) {
        guard parts > 1 else { return body(0, 0..<count) }
        let size = (count + parts - 1) / parts
        // concurrentPerform returns only after every iteration: body does not escape.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(part, min(count, part * size)..<min(count, (part + 1) * size))
        }
    }
}

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
        Thread.detachNewThread {
            self.value = work()
            self.done.leave()
        }
    }

    /// Waits for the work and returns its value (again on later calls).
    func wait() -> Value? {
        done.wait()
        return value
    }
}
