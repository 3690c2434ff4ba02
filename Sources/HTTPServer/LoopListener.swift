#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CEpoll
import CMicroHTTPD
import Platform

/// The listening socket of a server on event loops. Every loop watches it; each connection
/// accepted goes to the loop serving the fewest connections at that moment, and is handed to
/// that loop's daemon with `MHD_add_connection`.
///
/// Why not one listening socket per loop with `SO_REUSEPORT`: the kernel then spreads
/// connections by a hash of their addresses, so 64 persistent connections over 2 loops land 37
/// and 27 as often as 32 and 32, and every client of the busier loop waits longer for as long as
/// its connection lives. Choosing the least-loaded loop keeps them within one of each other.
final class LoopListener: @unchecked Sendable {
    /// The listening socket (non-blocking).
    let fd: Int32
    /// The bound port.
    let port: Int
    /// The daemons connections are shared among; set once, before the loops start.
    private var daemons: [LoopDaemon] = []

    private init(fd: Int32, port: Int) {
        self.fd = fd
        self.port = port
    }

    /// Binds and listens on `address`. Returns nil when the address cannot be bound (in use,
    /// not local, no permission). Like libmicrohttpd: `SO_REUSEADDR` (connections in TIME_WAIT do
    /// not keep a restarted server off its port), and an IPv6 address serves IPv6 only.
    static func listen(on address: UnsafePointer<sockaddr>, length: socklen_t, ipv6: Bool) -> LoopListener? {
        let fd = socket(
            ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if ipv6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size)) }
        var bound = sockaddr_storage()
        var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let port: Int? = withUnsafeMutablePointer(to: &bound) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int? in
                guard bind(fd, address, length) == 0, Glibc.listen(fd, SOMAXCONN) == 0,
                    getsockname(fd, pointer, &boundLength) == 0
                else { return nil }
                let port =
                    ipv6
                    ? UnsafeRawPointer(pointer).load(as: sockaddr_in6.self).sin6_port
                    : UnsafeRawPointer(pointer).load(as: sockaddr_in.self).sin_port
                return Int(UInt16(bigEndian: port))
            }
        }
        guard let port else {
            Glibc.close(fd)
            return nil
        }
        return LoopListener(fd: fd, port: port)
    }

    /// Has every daemon's loop watch the socket (before the loops start) and stop watching it
    /// when the loop stops.
    func serve(_ daemons: [LoopDaemon]) {
        self.daemons = daemons
        for daemon in daemons {
            daemon.loop.watch(fd, events: EventLoop.readable) { [unowned self] _ in self.acceptPending(on: daemon) }
            daemon.loop.onStop { [fd] in daemon.loop.unwatch(fd) }
        }
    }

    /// Closes the socket: after the loops have stopped, or when a start failed.
    func close() { _ = Glibc.close(fd) }

    /// Accepts what is waiting (a bounded number, so that one loop does not spend a long turn on
    /// a burst of connections) and hands each to the least-loaded daemon. Runs on the loop of
    /// `here`, which another loop may have beaten to the connection (nothing to accept then).
    private func acceptPending(on here: LoopDaemon) {
        for _ in 0..<32 {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &address) { storage in
                storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    shim_accept_nonblocking(fd, $0, &length)
                }
            }
            if client < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: the connection stays queued; this loop stops
                    // accepting for a moment rather than spin on the error.
                    here.pauseAccepting(fd) { [unowned self] _ in self.acceptPending(on: here) }
                    return
                default: return  // EAGAIN: nothing (left) to accept
                }
            }
            let target = leastLoaded() ?? here
            target.handOver(AcceptedConnection(fd: client, address: address, length: length))
        }
    }

    /// The daemon with the fewest connections, counting those on their way to it.
    private func leastLoaded() -> LoopDaemon? {
        guard var best = daemons.first else { return nil }
        var bestLoad = best.load
        for daemon in daemons.dropFirst() {
            let load = daemon.load
            if load < bestLoad {
                best = daemon
                bestLoad = load
            }
        }
        return best
    }
}

/// A connection accepted for a loop's daemon, with its peer's address.
struct AcceptedConnection: @unchecked Sendable {
    var fd: Int32
    var address: sockaddr_storage
    var length: socklen_t
}
