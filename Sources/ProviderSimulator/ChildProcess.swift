import CSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests (the `broker` binary, Python clients, Chromium, nghttpx), started
/// with `posix_spawn`.
///
/// Not Foundation's `Process`: on Linux its `run()` over-reads the entries of `/proc/self/fd`
/// and now and then crashes a process with many descriptors open (swift-corelibs-foundation
/// #5472), as a test process full of servers and event loops is; and its pipe reads trap on
/// `EINTR`. The child gets only its three standard streams (every other descriptor is closed),
/// so a child never holds another test's pipe or socket open.
public final class ChildProcess: @unchecked Sendable {
    /// What a standard stream of the child is connected to.
    public enum Stream: Sendable {
        /// A pipe whose other end the test holds (``input``, ``output``, ``errors``).
        case pipe
        /// `/dev/null`.
        case null
    }

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
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [FileHandle?] = []
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        for (number, stream) in [input, output, errors].enumerated() {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, Int32(number), "/dev/null", O_RDWR, 0)
                parentEnds.append(nil)
            case .pipe:
                var fds: [Int32] = [-1, -1]
                guard pipe2(&fds, O_CLOEXEC) == 0 else {
                    for case let handle? in parentEnds { try? handle.close() }
                    throw SpawnFailure(description: "pipe: errno \(errno)")
                }
                let (childEnd, parentEnd) = number == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
                posix_spawn_file_actions_adddup2(&actions, childEnd, Int32(number))
                childEnds.append(childEnd)
                parentEnds.append(FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true))
            }
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        // The child starts with no signal blocked and every handler at its default, as from a shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            for case let handle? in parentEnds { try? handle.close() }
            throw SpawnFailure(description: "cannot start \(executable): errno \(rc)")
        }
        self.pid = pid
        self.input = parentEnds[0]
        self.output = parentEnds[1]
        self.errors = parentEnds[2]
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
