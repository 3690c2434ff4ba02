import Platform

/// Runs `body`, which blocks (waiting for a child process, sleeping, reading a pipe), on a
/// thread of its own, and awaits its result without holding a Swift concurrency thread.
///
/// Tests run in one process on a cooperative pool as wide as the machine: on two cores,
/// two tests blocking their threads for the seconds a `broker` child takes would stall
/// every other test, and with them every timeout and timing check being measured.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let run: @Sendable () -> Void = { continuation.resume(with: Result { try body() }) }
        // Without a thread to spare, block this one rather than never answer.
        if !PlatformThread.detach(name: "test-blocking", run) { run() }
    }
}
