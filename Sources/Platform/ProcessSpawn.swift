#if canImport(Glibc)
    import Glibc
    import CSpawn
#endif

/// The one way the broker starts a program (an exec plugin; in tests, the `broker` binary and
/// other clients): `posix_spawn`, never `fork`, and never Foundation's `Process` (which on Linux
/// over-reads `/proc/self/fd` and now and then crashes a process with many descriptors open,
/// swift-corelibs-foundation #5472).
///
/// The child gets exactly the given environment, no signal blocked and every handler at its
/// default (as from a shell), and no descriptor of the parent's but its three standard streams
/// (glibc's `posix_spawn_file_actions_addclosefrom_np`, declared by the `CSpawn` shim, so a child
/// never holds another transfer's socket or another test's pipe open).
public struct ProcessSpawn: Sendable {
    /// What one of the child's standard streams is connected to.
    public enum Stream: Sendable, Hashable {
        /// `/dev/null`.
        case null
        /// A pipe whose other end the parent gets (``Child/ends``).
        case pipe
        /// A Unix stream socket pair whose other end the parent gets (``Child/ends``).
        case socket
    }

    /// A started child.
    public struct Child: Sendable {
        /// The child's process id.
        public var pid: pid_t
        /// The parent's ends of standard input, output and error (in that order; close-on-exec),
        /// nil where the stream is ``Stream/null``.
        public var ends: [Int32?]
    }

    /// A child that could not be started: the `errno` value and what failed.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The `errno` value.
        public var code: Int32
        /// What failed, with the system's text for `code`.
        public var description: String
    }

    /// The program's path.
    public var executable: String
    /// The arguments after the program's name.
    public var arguments: [String]
    /// The whole environment, as `NAME=value` entries.
    public var environment: [String]
    /// The working directory; nil keeps the parent's.
    public var directory: String?
    /// Whether the child leads a process group of its own (so that the whole group can be signalled).
    public var ownProcessGroup: Bool
    /// Standard input, output and error.
    public var streams: [Stream]

    /// A program to start; nothing runs until ``spawn()``.
    public init(
        _ executable: String, arguments: [String], environment: [String], directory: String? = nil,
        ownProcessGroup: Bool = false, streams: [Stream] = [.null, .pipe, .pipe]
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.ownProcessGroup = ownProcessGroup
        self.streams = streams
    }

    /// Starts the program. `ETXTBSY` (a script just written is still open for writing in a
    /// process forked meanwhile, until that one execs) is retried briefly.
    public func spawn() -> Result<Child, Failure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32?] = []
        var childEnds: [Int32] = []
        defer { for fd in childEnds { close(fd) } }
        func closeParentEnds() { for case let fd? in parentEnds { close(fd) } }
        for (number, stream) in streams.prefix(3).enumerated() {
            var fds: [Int32] = [-1, -1]
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, Int32(number), "/dev/null", O_RDWR, 0)
                parentEnds.append(nil)
                continue
            case .pipe:
                guard pipe2(&fds, O_CLOEXEC) == 0 else {
                    closeParentEnds()
                    return .failure(Self.failure(errno, "cannot create pipes"))
                }
            case .socket:
                guard socketpair(AF_UNIX, Self.socketType, 0, &fds) == 0 else {
                    closeParentEnds()
                    return .failure(Self.failure(errno, "cannot create pipes"))
                }
            }
            // A pipe reads at [0]: the child reads its standard input and writes the others.
            let (childEnd, parentEnd) = number == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
            posix_spawn_file_actions_adddup2(&actions, childEnd, Int32(number))
            childEnds.append(childEnd)
            parentEnds.append(parentEnd)
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        for attempt in 1...5 where rc == ETXTBSY {
            usleep(UInt32(attempt) * 10_000)
            rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        guard rc == 0 else {
            closeParentEnds()
            let place = directory.map { " in directory \($0)" } ?? ""
            return .failure(Self.failure(rc, "cannot start \(executable)\(place)"))
        }
        return .success(Child(pid: pid, ends: parentEnds))
    }

    private static let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)

    private static func failure(_ code: Int32, _ what: String) -> Failure {
        let text = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
        return Failure(code: code, description: "\(what): \(text)")
    }
}
