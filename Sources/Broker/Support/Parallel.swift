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
