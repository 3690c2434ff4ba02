import Platform

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the reader of a plugin's stdout wants after one line.
enum PluginLineVerdict: Sendable {
    /// Keep reading.
    case more
    /// The answer is complete: let the plugin exit on its own (briefly), then reap it.
    case finish
    /// The plugin misbehaved: terminate it now.
    case abort
}

/// How a plugin run ended, and the end of what it wrote to stderr.
struct PluginExit: Sendable, Hashable {
    /// Why the run ended.
    enum Reason: Sendable, Hashable {
        /// The plugin exited with this status before the reader stopped.
        case exited(Int32)
        /// The plugin was killed by this signal before the reader stopped.
        case signaled(Int32)
        /// The time bound expired; the plugin was terminated.
        case timedOut
        /// A stream's plugin wrote nothing for longer than its silence bound; it was terminated.
        case fellSilent
        /// The caller cancelled; the plugin was terminated.
        case cancelled
        /// The reader stopped (``PluginLineVerdict/finish`` or ``PluginLineVerdict/abort``).
        case stopped
        /// A stdout line grew past the limit; the plugin was terminated.
        case lineTooLong
    }

    /// Why the run ended.
    var reason: Reason
    /// The last bytes the plugin wrote to stderr.
    var stderrTail: [UInt8]
}

/// A plugin that could not be started (`errno` from `posix_spawn`).
struct PluginSpawnError: Error, Sendable, Hashable {
    /// The `errno` value.
    var code: Int32
    /// What failed.
    var message: String
}

/// Runs one plugin process: spawns it (own process group, exact environment), writes its
/// input, hands each stdout line to a reader, keeps the tail of stderr, and enforces the time
/// bound (SIGTERM to the group, then SIGKILL). Blocking: run it on a thread of its own (`PlatformThread`).
enum PluginProcess {
    /// Bytes of stderr kept.
    static let stderrKept = 4096
    /// How long a plugin that has answered may take to exit before it is terminated.
    static let exitGraceMs = 2000
    /// How long a terminated plugin gets between SIGTERM and SIGKILL.
    static let killGraceMs = 300

    /// Runs `invocation`, calling `onLine` with each non-empty stdout line (without its
    /// line break) until it returns `.finish` or `.abort`, stdout ends, or time runs out.
    static func run(
        _ invocation: PluginInvocation, cancellation: PluginCancellation,
        onLine: (ArraySlice<UInt8>) -> PluginLineVerdict
    ) -> Result<PluginExit, PluginSpawnError> {
        // Its own process group, so that a timeout ends the whole group; socket pairs for its
        // standard streams.
        let spawn = ProcessSpawn(
            invocation.executable, arguments: invocation.arguments, environment: invocation.environment,
            directory: invocation.directory, ownProcessGroup: true, streams: [.socket, .socket, .socket])
        let child: ProcessSpawn.Child
        switch spawn.spawn() {
        case .success(let c): child = c
        case .failure(let failure): return .failure(PluginSpawnError(code: failure.code, message: failure.description))
        }
        let started = MonotonicTime.milliseconds()
        var deadline = started &+ invocation.timeoutMs
        var silentFrom = started
        /// The earlier of the run's deadline and, for a stream, the end of the allowed silence.
        func nextDeadline() -> (at: Int, silence: Bool) {
            guard let silence = invocation.silenceMs, silentFrom &+ silence < deadline else { return (deadline, false) }
            return (silentFrom &+ silence, true)
        }
        var pipes = PluginPipes(input: child.ends[0] ?? -1, output: child.ends[1] ?? -1, errors: child.ends[2] ?? -1)
        var written = 0
        if invocation.input.isEmpty { pipes.closeInput() }
        var line: [UInt8] = []
        var tail = StderrTail(limit: stderrKept)
        var reason: PluginExit.Reason?
        var graceful = false

        loop: while true {
            if cancellation.isCancelled { reason = .cancelled; break }
            let next = nextDeadline()
            let remaining = next.at - MonotonicTime.milliseconds()
            if remaining <= 0 { reason = next.silence ? .fellSilent : .timedOut; break }
            var fds = pipes.pollSet()
            if fds.isEmpty { break }
            if poll(&fds, nfds_t(fds.count), Int32(min(remaining, 100))) <= 0 { continue }
            for pfd in fds where pfd.revents != 0 {
                if pfd.fd == pipes.input {
                    written += pipes.write(invocation.input, from: written)
                    if written >= invocation.input.count { pipes.closeInput() }
                } else if pfd.fd == pipes.output {
                    let (bytes, open) = pipes.read(pipes.output)
                    if !bytes.isEmpty { silentFrom = MonotonicTime.milliseconds() }
                    line.append(contentsOf: bytes)
                    if !open {
                        pipes.closeOutput()
                        line.append(UInt8(ascii: "\n"))  // a last line without a break still counts
                    }
                    var start = 0
                    while let newline = line[start...].firstIndex(of: UInt8(ascii: "\n")) {
                        var end = newline
                        if end > start, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                        let text = line[start..<end]
                        start = newline + 1
                        guard text.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
                        switch onLine(text) {
                        case .more: continue
                        case .finish: graceful = true; reason = .stopped; break loop
                        case .abort: reason = .stopped; break loop
                        }
                    }
                    line.removeFirst(start)
                    if line.count > invocation.maxLineBytes { reason = .lineTooLong; break loop }
                } else if pfd.fd == pipes.errors {
                    let (bytes, open) = pipes.read(pipes.errors)
                    tail.append(bytes)
                    if !open { pipes.closeErrors() }
                }
            }
        }
        pipes.closeInput()
        pipes.closeOutput()
        var status: Int32?
        switch reason {
        case nil:  // stdout ended: the plugin should exit now
            let next = nextDeadline()
            status = wait(
                child.pid, withinMs: max(0, next.at - MonotonicTime.milliseconds()), draining: &pipes, into: &tail)
            if status == nil { reason = next.silence ? .fellSilent : .timedOut }
        case .stopped? where graceful:
            deadline = nextDeadline().at
            status = wait(
                child.pid, withinMs: min(exitGraceMs, max(0, deadline - MonotonicTime.milliseconds())),
                draining: &pipes, into: &tail)
        default: break
        }
        if status == nil { status = terminate(child.pid, draining: &pipes, into: &tail) }
        tail.append(pipes.drain(pipes.errors))
        pipes.closeErrors()
        if reason == nil, let status {
            reason = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
        }
        return .success(PluginExit(reason: reason ?? .stopped, stderrTail: tail.bytes))
    }

    /// Waits up to `ms` for `pid` to exit, reading stderr meanwhile; its wait status, or `nil`.
    static func wait(_ pid: pid_t, withinMs ms: Int, draining pipes: inout PluginPipes, into tail: inout StderrTail)
        -> Int32?
    {
        let until = MonotonicTime.milliseconds() + ms
        var status: Int32 = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return status }
            if rc < 0, errno != EINTR { return 0 }
            tail.append(pipes.drain(pipes.errors))
            if MonotonicTime.milliseconds() >= until { return nil }
            usleep(2000)
        }
    }

    /// SIGTERM to the plugin's process group, SIGKILL after a short grace; returns the wait status.
    static func terminate(_ pid: pid_t, draining pipes: inout PluginPipes, into tail: inout StderrTail) -> Int32 {
        kill(-pid, SIGTERM)
        // SIGTERM reached the whole group, so a shell's children got it too.
        if let status = wait(pid, withinMs: killGraceMs, draining: &pipes, into: &tail) { return status }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return status
    }
}

/// The last bytes of a stream, up to a limit.
struct StderrTail: Sendable {
    var limit: Int
    private(set) var bytes: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    mutating func append(_ more: [UInt8]) {
        guard !more.isEmpty else { return }
        bytes.append(contentsOf: more)
        if bytes.count > limit { bytes.removeFirst(bytes.count - limit) }
    }
}
