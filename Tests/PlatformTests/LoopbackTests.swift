import Platform
import Testing

/// The one loopback rule: what `providers check` accepts as plain `http`, the transport contacts,
/// and `broker serve` binds without keys.
@Suite("Loopback")
struct LoopbackTests {
    @Test(arguments: [
        "localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.1.2.3", "127.255.255.255", "::1", "[::1]",
    ])
    func thisMachine(host: String) {
        #expect(Loopback.isLoopbackHost(host))
    }

    @Test(arguments: [
        "127.example.com", "127.0.0.1.example.com", "127.0.0.256", "127.0.0", "127.0.0.1.", "127.+1.0.1", "128.0.0.1",
        "a.localhost", "localhost.example.com", "example.com", "0.0.0.0", "::", "::2", "",
    ])
    func anotherMachine(host: String) {
        #expect(!Loopback.isLoopbackHost(host))
    }
}
