/// Bad usage of the command line: exits 64 with one line.
struct UsageError: Error, Sendable, CustomStringConvertible {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A command's failure: the exit code and what to say on stderr.
struct CommandFailure: Error, Sendable, CustomStringConvertible {
    var exitCode: Int32
    var message: String
    init(_ exitCode: Int32, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }
    var description: String { message }
}

/// The exit codes of DESIGN.md.
enum ExitCode {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noOffer: Int32 = 69
    static let temporaryFailure: Int32 = 75
}
