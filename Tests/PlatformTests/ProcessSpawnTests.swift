#if canImport(Glibc)
    import Glibc
#endif
import Platform
import Testing

/// The one process spawn: what a plugin or a test child gets, and what a failure says.
@Suite("ProcessSpawn")
struct ProcessSpawnTests {
    /// Everything the child writes to its standard output, and its wait status.
    private static func run(_ spawn: ProcessSpawn) throws -> (output: String, status: Int32) {
        let child = try spawn.spawn().get()
        let out = try #require(child.ends[1])
        defer { close(out) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(out, $0.baseAddress, $0.count) }
            if count > 0 { bytes += buffer[0..<count] } else if count == 0 || errno != EINTR { break }
        }
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0, errno == EINTR {}
        return (String(decoding: bytes, as: UTF8.self), status)
    }

    @Test func childGetsExactlyItsEnvironmentDirectoryAndStandardStreams() throws {
        // A descriptor the parent leaves open across exec (dup's copy is not close-on-exec): the
        // child must not inherit it. A fresh number from dup, never a fixed one: in a test process
        // running suites in parallel a fixed number may be another test's descriptor, which dup2
        // would silently close and the defer close again.
        let leaked = dup(STDERR_FILENO)
        try #require(leaked >= 0)
        defer { close(leaked) }
        #expect(fcntl(leaked, F_GETFD) & FD_CLOEXEC == 0)
        let spawn = ProcessSpawn(
            "/bin/sh", arguments: ["-c", "echo \"$ONLY:$(pwd)\"; ls /proc/self/fd"], environment: ["ONLY=yes"],
            directory: "/tmp", streams: [.null, .pipe, .null])
        let (output, status) = try Self.run(spawn)
        #expect(status == 0)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "yes:/tmp")
        #expect(lines.contains("1"), "the child listed no descriptors: \(lines)")
        #expect(!lines.contains(String(leaked)), "\(lines)")
    }

    @Test func aProgramThatCannotStartIsNamedWithTheReason() {
        let result = ProcessSpawn("/no/such/program", arguments: [], environment: [], directory: "/tmp").spawn()
        guard case .failure(let failure) = result else {
            Issue.record("started a program that does not exist")
            return
        }
        #expect(failure.code == ENOENT)
        #expect(failure.description.hasPrefix("cannot start /no/such/program in directory /tmp: "))
    }
}
