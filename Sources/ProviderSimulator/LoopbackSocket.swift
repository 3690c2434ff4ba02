#if canImport(Glibc)
    import Glibc
#endif

/// Raw TCP sockets on 127.0.0.1 for tests and benchmarks that must go below libcurl and the
/// server (a client that hangs up, a port that never accepts, a server that is not HTTP): the
/// one place they are opened, bound and connected by hand. Every descriptor returned is the
/// caller's to close.
public enum LoopbackSocket {
    /// A blocking TCP socket connected to 127.0.0.1:`port`, with `TCP_NODELAY`; nil when the
    /// connection is refused.
    public static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// A TCP socket bound to an ephemeral port of 127.0.0.1 and listening with `backlog`, and
    /// that port; nil when the system refuses.
    public static func listen(backlog: Int32 = 16) -> (fd: Int32, port: Int)? {
        guard let socket = bound() else { return nil }
        guard Glibc.listen(socket.fd, backlog) == 0 else {
            close(socket.fd)
            return nil
        }
        return socket
    }

    /// A port of 127.0.0.1 that nobody listens on now (bound for a moment, then let go).
    public static func freePort() -> Int? {
        guard let socket = bound() else { return nil }
        close(socket.fd)
        return socket.port
    }

    /// Whether something accepts connections on 127.0.0.1:`port`.
    public static func accepts(_ port: Int) -> Bool {
        guard let fd = connect(port: port) else { return false }
        close(fd)
        return true
    }

    /// A port of 127.0.0.1 whose listen queue is full, so a new connection never completes
    /// (SYNs are dropped): the way to hit a connect timeout without leaving the machine. Close
    /// the returned descriptors when done.
    public static func unacceptingPort() -> (port: Int, descriptors: [Int32])? {
        guard let listener = listen(backlog: 0) else { return nil }
        var descriptors = [listener.fd]
        var address = Self.address(port: listener.port)
        for _ in 0..<4 {  // fill the accept queue; they stay pending, never accepted
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            descriptors.append(filler)
        }
        usleep(20_000)
        return (listener.port, descriptors)
    }

    private static func bound() -> (fd: Int32, port: Int)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = Self.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            return nil
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
