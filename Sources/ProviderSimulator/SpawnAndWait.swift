/// Runs a program (output discarded) and waits for it, for benchmarks: a ``ChildProcess``
/// (`posix_spawn`), since Foundation's `Process` adds tens of milliseconds of its own on Linux,
/// which would swamp the figure being measured. Returns the exit status, or -1 when the program
/// could not be started or a signal ended it.
public func spawnAndWait(_ path: String, _ args: [String], env: [String: String]) -> Int32 {
    guard let child = try? ChildProcess(path, args, environment: env, output: .null, errors: .null) else { return -1 }
    guard case .exit(let code) = child.wait() else { return -1 }
    return code
}
