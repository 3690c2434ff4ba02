#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The broker's ends of a plugin's stdin, stdout and stderr (Unix socket pairs, so writes
/// use `MSG_NOSIGNAL` and a plugin that exits early cannot raise SIGPIPE in the broker).
/// A closed end is `-1`.
struct PluginPipes {
    var input: Int32
    var output: Int32
    var errors: Int32

    /// The `poll` set of the ends still open.
    func pollSet() -> [pollfd] {
        var fds: [pollfd] = []
        if input >= 0 { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
        if output >= 0 { fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
        if errors >= 0 { fds.append(pollfd(fd: errors, events: Int16(POLLIN), revents: 0)) }
        return fds
    }

    /// Writes what it can of `bytes[offset...]` without blocking; the count written. A plugin
    /// that closed its stdin ends the writing (the rest is dropped).
    mutating func write(_ bytes: [UInt8], from offset: Int) -> Int {
        guard input >= 0, offset < bytes.count else { return 0 }
        let rc = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return send(input, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
        if rc >= 0 { return rc }
        if errno != EAGAIN, errno != EINTR, errno != EWOULDBLOCK { closeInput() }
        return 0
    }

    /// Reads what is available without blocking; `open` is `false` at end of file or on error.
    func read(_ fd: Int32) -> (bytes: [UInt8], open: Bool) {
        guard fd >= 0 else { return ([], false) }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        let rc = buffer.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT)) }
        if rc > 0 { return (Array(buffer[0..<rc]), true) }
        if rc < 0, errno == EAGAIN || errno == EINTR || errno == EWOULDBLOCK { return ([], true) }
        return ([], false)
    }

    /// Everything readable now (up to 64 KiB), without blocking.
    func drain(_ fd: Int32) -> [UInt8] {
        var all: [UInt8] = []
        while all.count < 64 << 10 {
            let (bytes, open) = read(fd)
            all.append(contentsOf: bytes)
            if bytes.isEmpty || !open { break }
        }
        return all
    }

    /// Closes stdin: the plugin sees end of file.
    mutating func closeInput() {
        if input >= 0 {
            shutdown(input, Int32(SHUT_WR))
            close(input)
            input = -1
        }
    }

    mutating func closeOutput() {
        if output >= 0 { close(output) }
        output = -1
    }

    mutating func closeErrors() {
        if errors >= 0 { close(errors) }
        errors = -1
    }
}
