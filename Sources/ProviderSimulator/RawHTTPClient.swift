#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Platform

/// A deliberately small HTTP/1.1 client over a POSIX socket, so the server is tested without
/// libcurl: it sends raw requests and reads responses (Content-Length, chunked, or to close),
/// reporting whether the body ended cleanly.
public final class RawHTTPClient {
    /// One response as read.
    public struct Response {
        /// The status code.
        public var status: Int
        /// Header fields in arrival order.
        public var headers: [(name: String, value: String)]
        /// The body, de-chunked.
        public var body: [UInt8]
        /// The body pieces as received (chunks for chunked bodies), with the milliseconds since
        /// the request was sent.
        public var pieces: [(bytes: [UInt8], atMs: Double)]
        /// Whether the body ended as framed (terminating chunk, or the declared length).
        public var complete: Bool
        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The first value of header `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            HeaderLookup.first(name, in: headers)
        }
    }

    /// A socket call that failed, or a response that could not be read.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0.0
    /// Whether the server closed the connection (seen while reading).
    public private(set) var closedByPeer = false

    /// Connects to 127.0.0.1:`port`; a read waits at most `timeoutSeconds`.
    public init(port: Int, timeoutSeconds: Int = 5) throws {
        guard let fd = LoopbackSocket.connect(port: port) else {
            throw Failure(description: "connect failed: errno \(errno)")
        }
        self.fd = fd
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Milliseconds on the monotonic clock, for timing what a test sees.
    public static func nowMs() -> Double { Double(MonotonicTime.nanoseconds()) / 1_000_000 }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) throws {
        start = Self.nowMs()
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Sends a request with `Host` and, when there is a body, `Content-Length`.
    public func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
        return try readResponse(method: method)
    }

    private func fillBuffer() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[..<n])
            return true
        }
        if n == 0 || errno == ECONNRESET {
            closedByPeer = true
            return false
        }
        throw Failure(description: "recv failed: errno \(errno)")
    }

    private func readLine() throws -> String? {
        while true {
            if let i = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if try !fillBuffer() { return nil }
        }
    }

    /// Reads up to `count` bytes (fewer only when the peer closes).
    private func readBytes(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            if try !fillBuffer() { break }
        }
        let n = min(count, buffer.count)
        defer { buffer.removeFirst(n) }
        return Array(buffer[..<n])
    }

    /// Reads one response.
    public func readResponse(method: String = "GET") throws -> Response {
        guard let statusLine = try readLine() else { throw Failure(description: "connection closed before a response") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw Failure(description: "bad status line \(statusLine)")
        }
        var headers: [(name: String, value: String)] = []
        while let line = try readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            headers.append((String(line[..<colon]), String(value)))
        }
        var response = Response(status: status, headers: headers, body: [], pieces: [], complete: false)
        if method == "HEAD" || status == 204 || status == 304 {
            response.complete = true
            return response
        }
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            while let sizeLine = try readLine() {
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else { break }
                if size == 0 {
                    _ = try readLine()
                    response.complete = true
                    break
                }
                let data = try readBytes(size)
                response.body += data
                response.pieces.append((data, Self.nowMs() - start))
                guard data.count == size, try readLine() != nil else { break }
            }
        } else if let length = response.header("Content-Length").flatMap({ Int($0) }) {
            while response.body.count < length {
                if buffer.isEmpty, try !fillBuffer() { break }
                let n = min(length - response.body.count, buffer.count)
                let data = Array(buffer[..<n])
                buffer.removeFirst(n)
                response.body += data
                response.pieces.append((data, Self.nowMs() - start))
            }
            response.complete = response.body.count == length
        } else {
            while try fillBuffer() {}
            response.body = buffer
            buffer = []
            response.complete = true
        }
        return response
    }

    /// Whether the server closed the connection (end of file or a reset within `timeoutMs`).
    public func waitForClose(timeoutMs: Int32 = 2000) -> Bool {
        if closedByPeer { return true }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, timeoutMs) == 1 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) <= 0
    }
}
