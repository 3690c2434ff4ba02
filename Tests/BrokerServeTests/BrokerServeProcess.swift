import Foundation

/// `broker serve` as a child process, the way a user starts it: the real binary, flags and
/// environment, its address read from its first stderr line.
final class BrokerServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let stderrPipe = Pipe()

    /// The `broker` binary next to the test bundle.
    static var executable: URL {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDir, bundleDir.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("broker")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return bundleDir.appendingPathComponent("broker")
    }

    /// The repository root.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `broker args…` to completion (for `refresh`).
    static func run(_ args: [String], environment: [String: String]) throws -> Int32 {
        let process = Process()
        process.executableURL = executable
        process.arguments = args
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts `broker serve --port 0 …` and waits for its "listening on" line.
    init(_ args: [String], environment: [String: String]) throws {
        process.executableURL = Self.executable
        process.arguments = ["serve", "--port", "0"] + args
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderrPipe
        try process.run()
        var text = ""
        let handle = stderrPipe.fileHandleForReading
        while !text.contains("\n") {
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: "://127.0.0.1:"),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else {
            process.terminate()
            throw ProcessFailure(message: "broker serve did not start: \(text)")
        }
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Sends SIGTERM and waits; returns the exit status and the rest of stderr.
    func terminate() -> (Int32, String) {
        kill(process.processIdentifier, SIGTERM)
        let rest = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: rest, as: UTF8.self))
    }

    struct ProcessFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
