#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a plugin with `posix_spawn`: in its own process group (so a timeout can end the
/// whole group), with default signal dispositions, an empty signal mask, exactly the given
/// environment, and no file descriptor of the broker's but its three standard ones.
enum PluginSpawn {
    /// A started plugin and the broker's ends of its standard streams.
    struct Child {
        var pid: pid_t
        var stdin: Int32
        var stdout: Int32
        var stderr: Int32
    }

    static func spawn(_ invocation: PluginInvocation) -> Result<Child, PluginSpawnError> {
        var pairs: [[Int32]] = []
        func closeAll() { for pair in pairs { close(pair[0]); close(pair[1]) } }
        for _ in 0..<3 {
            var pair: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, socketType, 0, &pair) == 0 else {
                let code = errno
                closeAll()
                return .failure(PluginSpawnError(code: code, message: "cannot create pipes: \(describe(code))"))
            }
            pairs.append(pair)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, pair) in pairs.enumerated() { posix_spawn_file_actions_adddup2(&actions, pair[1], Int32(stream)) }
        GNUSpawnActions.closeFrom(&actions, 3)
        if let directory = invocation.directory { GNUSpawnActions.chdir(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([invocation.executable] + invocation.arguments).map { strdup($0) } + [nil]
        let envp = invocation.environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        var rc = posix_spawn(&pid, invocation.executable, &actions, &attributes, argv, envp)
        // ETXTBSY: a script that was just written is still open for writing in some process
        // forked meanwhile (any thread's fork inherits the descriptor until it execs). Brief.
        for attempt in 1...5 where rc == ETXTBSY {
            usleep(UInt32(attempt) * 10_000)
            rc = posix_spawn(&pid, invocation.executable, &actions, &attributes, argv, envp)
        }
        for pair in pairs { close(pair[1]) }
        guard rc == 0 else {
            for pair in pairs { close(pair[0]) }
            let place = invocation.directory.map { " in directory \($0)" } ?? ""
            return .failure(PluginSpawnError(code: rc, message: "cannot start \(invocation.executable)\(place): \(describe(rc))"))
        }
        return .success(Child(pid: pid, stdin: pairs[0][0], stdout: pairs[1][0], stderr: pairs[2][0]))
    }

    #if canImport(Glibc)
    private static let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #else
    private static let socketType = SOCK_STREAM
    #endif

    /// `strerror` text for an `errno` value.
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` and `…_addchdir_np`, which Swift's
/// Glibc module does not import (they need `_GNU_SOURCE`); looked up once with `dlsym`.
/// Where missing, the actions are skipped: descriptors are close-on-exec anyway, and the
/// plugin then runs in the broker's working directory.
enum GNUSpawnActions {
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    private static let closeFromFunction: CloseFrom? = lookup("posix_spawn_file_actions_addclosefrom_np")
    private static let chdirFunction: ChangeDirectory? = lookup("posix_spawn_file_actions_addchdir_np")

    private static func lookup<F>(_ name: String) -> F? {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }

    static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32) {
        _ = closeFromFunction?(&actions, fd)
    }

    static func chdir(_ actions: inout posix_spawn_file_actions_t, _ path: String) {
        _ = chdirFunction?(&actions, path)
    }
}
