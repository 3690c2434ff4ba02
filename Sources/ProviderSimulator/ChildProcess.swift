import Foundation
import Platform
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for tests (the `broker` binary, Python clients, Chromium, nghttpx), started
/// by Platform's `ProcessSpawn` (`posix_spawn`; see there why not Foundation's `Process`, whose
/// pipe reads also trap on `EINTR`). The child gets only its three standard streams, so a child
/// never holds another test's pipe or socket open.
public final class ChildProcess: @unchecked Sendable {
    /// What a standard stream of the child is connected to: `.pipe` (whose other end the test
    /// holds: ``input``, ``output``, ``errors``) or `.null`.
    public typealias Stream = ProcessSpawn.Stream

    /// How the child ended.
    public enum Termination: Sendable, Hashable {
        /// It exited with this status.
        case exit(Int32)
        /// A signal ended it.
        case signal(Int32)

        /// The exit status, or the signal's number.
        public var code: Int32 {
            switch self {
            case .exit(let code), .signal(let code): code
            }
        }
    }

    /// A child that could not be started.
    public struct SpawnFailure: Error, CustomStringConvertible {
        /// The text printed for this value.
        public var description: String
    }

    /// The child's process id.
    public let pid: pid_t
    /// The write end of the child's standard input, when piped (close it to send end of file).
    public let input: FileHandle?
    /// The read end of the child's standard output, when piped.
    public let output: FileHandle?
    /// The read end of the child's standard error, when piped.
    public let errors: FileHandle?
    private let ended = Mutex<Termination?>(nil)

    /// Starts `executable` with `arguments`, exactly `environment`, in `directory` (the current
    /// one when nil).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String], directory: String? = nil,
        input: Stream = .null, output: Stream = .pipe, errors: Stream = .pipe
    ) throws {
        let spawn = ProcessSpawn(
            executable, arguments: arguments, environment: environment.map { "\($0.key)=\($0.value)" },
            directory: directory, streams: [input, output, errors])
        let child: ProcessSpawn.Child
        switch spawn.spawn() {
        case .success(let started): child = started
        case .failure(let failure): throw SpawnFailure(description: failure.description)
        }
        let handles = child.ends.map { end in end.map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) } }
        self.pid = child.pid
        self.input = handles[0]
        self.output = handles[1]
        self.errors = handles[2]
    }

    /// Waits for the child to end (once; later calls return the same).
    @discardableResult
    public func wait() -> Termination {
        if let known = ended.withLock({ $0 }) { return known }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let termination = Self.decode(status)
        ended.withLock { $0 = termination }
        return termination
    }

    /// Whether the child is still running (reaps it if it has ended).
    public var isRunning: Bool {
        if ended.withLock({ $0 }) != nil { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        ended.withLock { $0 = Self.decode(status) }
        return false
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) { kill(pid, signal) }

    private static func decode(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exit((status >> 8) & 0xff) : .signal(signal)
    }
}

extension ChildProcess {
    /// Everything the child writes to its standard output and error, until it closes them:
    /// both read at once (error on a thread of its own, output on the caller's), so a full
    /// pipe never blocks the child. Not on a Dispatch queue: a test process runs dozens of
    /// children at once, and as many blocked reads would hold Dispatch's shared threads and
    /// stall every other test's queued work until Dispatch grew its pool.
    public func readOutputs() -> (output: Data, errors: Data) {
        nonisolated(unsafe) var errorData = Data()
        let errors = self.errors
        let reader = PlatformThread.start(name: "child-stderr") {
            errorData = errors?.readAllRetryingInterrupts() ?? Data()
        }
        if reader == nil { errorData = errors?.readAllRetryingInterrupts() ?? Data() }
        let outputData = output?.readAllRetryingInterrupts() ?? Data()
        reader?.join()
        return (outputData, errorData)
    }
}

extension FileHandle {
    /// Everything until end of file, read with `read(2)` and retried when a signal interrupts
    /// it (Foundation's `readDataToEndOfFile()` traps on `EINTR` on Linux).
    public func readAllRetryingInterrupts() -> Data {
        var data = Data()
        while true {
            let piece = readSomeRetryingInterrupts()
            if piece.isEmpty { return data }
            data.append(piece)
        }
    }

    /// What one `read(2)` returns (empty at end of file or on an error other than `EINTR`,
    /// which is retried): `availableData` without its trap on `EINTR`.
    public func readSomeRetryingInterrupts() -> Data {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { return Data(buffer[0..<count]) }
            if count == 0 || errno != EINTR { return Data() }
        }
    }

    /// Writes all of `data` with `write(2)`, retried when a signal interrupts it.
    public func writeAllRetryingInterrupts(_ data: Data) {
        var offset = 0
        let bytes = [UInt8](data)
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += count
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
