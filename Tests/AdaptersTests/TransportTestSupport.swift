import Dispatch
import ProviderSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import Adapters

/// Helpers shared by the transport test suites.
enum TransportFixture {
    /// A started simulator on an ephemeral loopback port; stop it with `defer`.
    static func simulator() throws -> ProviderSimulator {
        let simulator = ProviderSimulator()
        try simulator.start()
        return simulator
    }

    /// The error an operation throws, or nil if it succeeds (another error type is `.other`).
    static func error<T>(_ operation: () async throws -> T) async -> TransportError? {
        do {
            _ = try await operation()
            return nil
        } catch let error as TransportError {
            return error
        } catch {
            return TransportError(.other, "unexpected error type")
        }
    }

    /// Reads a body to its end; returns the chunks and the error that ended it, if any.
    static func drain(_ body: AsyncThrowingStream<[UInt8], any Error>) async -> (
        chunks: [[UInt8]], error: TransportError?
    ) {
        var chunks: [[UInt8]] = []
        do {
            for try await chunk in body { chunks.append(chunk) }
            return (chunks, nil)
        } catch let error as TransportError {
            return (chunks, error)
        } catch {
            return (chunks, TransportError(.other, "unexpected error type"))
        }
    }

    /// Reads server-sent events to the end; returns them and the error that ended them, if any.
    static func events(_ response: HTTPStreamingResponse) async -> (events: [SSEData], error: TransportError?) {
        var events: [SSEData] = []
        do {
            for try await event in response.dataEvents() { events.append(event) }
            return (events, nil)
        } catch let error as TransportError {
            return (events, error)
        } catch {
            return (events, TransportError(.other, "unexpected error type"))
        }
    }

    /// A loopback port whose listen queue is full, so a new connection never completes
    /// (SYNs are dropped): the way to hit the connect timeout without leaving the machine.
    /// Call `close` on the returned descriptors when done.
    static func unacceptingPort() throws -> (port: Int, descriptors: [Int32]) {
        try #require(LoopbackSocket.unacceptingPort())
    }

    /// `"{"message":"compressed hello, compressed hello, compressed hello"}"`, gzip-compressed.
    static let gzipBody: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0xca, 0x4d, 0x2d, 0x2e, 0x4e, 0x4c,
        0x4f, 0x55, 0xb2, 0x52, 0x4a, 0xce, 0xcf, 0x2d, 0x28, 0x02, 0xf2, 0x52, 0x53, 0x14, 0x32, 0x52, 0x73, 0x72,
        0xf2, 0x75, 0x14, 0x08, 0x8b, 0x28, 0xd5, 0x02, 0x00, 0x54, 0xa4, 0x94, 0x0b, 0x42, 0x00, 0x00, 0x00,
    ]
    static let gzipText = #"{"message":"compressed hello, compressed hello, compressed hello"}"#
}

/// Runs tasks on a private dispatch queue instead of Swift's cooperative pool, so a timing
/// measurement is not skewed when other suites running in parallel keep that pool's few
/// threads busy (`withTaskExecutorPreference(TransportTestExecutor()) { … }`).
final class TransportTestExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "transport-test-executor")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

extension Duration {
    /// This duration in milliseconds.
    var transportTestMs: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }
}
