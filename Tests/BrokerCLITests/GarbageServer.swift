import Foundation
import Platform
import ProviderSimulator

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback TCP server that answers every connection with bytes that are not HTTP (an SSH
/// banner) and hangs up: a provider URL that points at the wrong service.
final class GarbageServer: @unchecked Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        guard let listening = LoopbackSocket.listen(backlog: 16) else { throw CocoaError(.fileWriteUnknown) }
        let fd = listening.fd
        socket = fd
        port = listening.port
        let started = PlatformThread.detach(name: "garbage-server") { [fd] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                var request = [UInt8](repeating: 0, count: 4096)
                _ = read(client, &request, request.count)
                let banner = Array("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".utf8)
                _ = banner.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                close(client)
            }
        }
        guard started else { throw CocoaError(.fileWriteUnknown) }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting (the accept loop ends).
    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }
}
