#if canImport(Glibc)
    import Glibc
#endif
import Platform
import ProviderSimulator

/// A minimal blocking HTTP/1.1 client on one kept-alive socket: the baseline the transport
/// is compared with (no parsing beyond finding the first body byte and the chunked end).
final class RawHTTPClient {
    private let socketFD: Int32
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)

    /// Connects to 127.0.0.1:`port` with TCP_NODELAY.
    init(port: Int) throws {
        guard let fd = LoopbackSocket.connect(port: port) else { throw BenchError("connect failed") }
        socketFD = fd
    }

    deinit { close(socketFD) }

    /// Sends a GET for `path` whose answer is chunked; returns nanoseconds from just before
    /// the request is written until the first body byte is read, then reads to the end.
    func firstBodyByteNanoseconds(path: String) throws -> UInt64 {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n".utf8)
        let started = MonotonicTime.nanoseconds()
        guard request.withUnsafeBytes({ send(socketFD, $0.baseAddress, $0.count, 0) }) == request.count else {
            throw BenchError("send failed")
        }
        var received: [UInt8] = []
        var firstBodyAt: UInt64?
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw BenchError("connection closed") }
            received.append(contentsOf: buffer[0..<count])
            if firstBodyAt == nil, let end = Self.headerEnd(received), received.count > end {
                firstBodyAt = MonotonicTime.nanoseconds()
            }
            if let firstBodyAt, received.count >= 5, received.suffix(5).elementsEqual("0\r\n\r\n".utf8) {
                return firstBodyAt - started
            }
        }
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count
        where bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A && bytes[index - 3] == 0x0D {
            return index + 1
        }
        return nil
    }
}

/// A bench failure.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
