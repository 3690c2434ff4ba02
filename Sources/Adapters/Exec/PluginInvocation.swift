#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How to start one plugin process: the resolved executable, its arguments, the exact
/// environment it sees, its working directory, the bytes for its stdin and its time bound.
struct PluginInvocation: Sendable, Hashable {
    /// The executable's path.
    var executable: String
    /// Arguments after the executable.
    var arguments: [String]
    /// The complete environment (`NAME=value`), nothing inherited.
    var environment: [String]
    /// The working directory (the registry's directory), when known.
    var directory: String?
    /// Written to the plugin's stdin, which is then closed.
    var input: [UInt8]
    /// Bound on the whole run, in milliseconds.
    var timeoutMs: Int
    /// For a streamed answer, the longest silence allowed on stdout (before the first line and
    /// between lines), in milliseconds: a stream is bounded by silence, not by length, and
    /// ``timeoutMs`` is then only its `max_duration`. `nil`: no bound but ``timeoutMs``.
    var silenceMs: Int? = nil
    /// The longest stdout line accepted, in bytes.
    var maxLineBytes: Int = 32 << 20

    /// The path of `command`: absolute as is; with a `/`, relative to `directory`; a bare
    /// name is looked up in `directory`, then in the plugin's `PATH`. `nil` when not found.
    static func resolve(command: String, directory: String?, path: String) -> String? {
        if command.hasPrefix("/") { return command }
        if command.contains("/") {
            guard let directory else { return command }
            return directory + "/" + command
        }
        let candidates = (directory.map { [$0] } ?? []) + path.split(separator: ":").map(String.init)
        for dir in candidates where !dir.isEmpty {
            let full = dir + "/" + command
            if access(full, X_OK) == 0 { return full }
        }
        return nil
    }
}
