#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Platform
import Testing

/// The busy-poll policy: spin only when on, lightly loaded and with a free slot, and report
/// whether the socket became readable.
@Suite("BusyPoll")
struct BusyPollTests {
    /// A connected pair of stream sockets, closed by the caller.
    static func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw POSIXError(.EMFILE) }
        return (fds[0], fds[1])
    }

    @Test("off by default: it does not even look at a socket that has data")
    func offByDefault() throws {
        let (a, b) = try Self.socketPair()
        defer { close(a); close(b) }
        _ = write(b, "x", 1)
        let policy = BusyPoll()
        #expect(policy.windowMicroseconds == 0)
        #expect(!policy.spin(fd: a, maxInFlight: 1))
    }

    @Test("on a single core it never spins: the other side needs that core to answer")
    func singleCore() throws {
        let (a, b) = try Self.socketPair()
        defer { close(a); close(b) }
        _ = write(b, "x", 1)
        let policy = BusyPoll()
        policy.windowMicroseconds = 1_000
        policy.useCores(2)
        #expect(policy.spin(fd: a, maxInFlight: 0))
        policy.useCores(1)
        #expect(!policy.spin(fd: a, maxInFlight: 0))
    }

    @Test("sees data already waiting and data that arrives within the window; gives up when none comes")
    func seesData() async throws {
        let (a, b) = try Self.socketPair()
        defer { close(a); close(b) }
        let policy = BusyPoll()
        policy.windowMicroseconds = 2_000
        #expect(!policy.spin(fd: a, maxInFlight: 0), "nothing was written: the window passes")
        _ = write(b, "x", 1)
        #expect(policy.spin(fd: a, maxInFlight: 0))
        var byte: UInt8 = 0
        _ = read(a, &byte, 1)

        policy.windowMicroseconds = 10_000_000
        let writer = Thread {
            usleep(5_000)
            _ = write(b, "y", 1)
        }
        writer.start()
        #expect(policy.spin(fd: a, maxInFlight: 0), "the byte written 5 ms later is seen within the 10 s window")
    }

    @Test("under load it does not spin, and it stops spinning when another request comes in")
    func yieldsToLoad() throws {
        let (a, b) = try Self.socketPair()
        defer { close(a); close(b) }
        let policy = BusyPoll()
        policy.windowMicroseconds = 10_000_000
        _ = write(b, "x", 1)
        policy.requestStarted()
        policy.requestStarted()
        #expect(!policy.spin(fd: a, maxInFlight: 1), "two requests in flight: no spinning, even with data ready")
        policy.requestEnded()
        #expect(policy.spin(fd: a, maxInFlight: 1))
        var byte: UInt8 = 0
        _ = read(a, &byte, 1)

        let arrival = Thread {
            usleep(5_000)
            policy.requestStarted()
        }
        arrival.start()
        let start = Date()
        #expect(!policy.spin(fd: a, maxInFlight: 1), "a second request arrives: the spin ends without data")
        #expect(Date().timeIntervalSince(start) < 5, "it ended when the request came, not at the 10 s window")
    }
}
