import Foundation

/// The cores this process may run on: the affinity mask (`Cpus_allowed` in
/// `/proc/self/status`, which `taskset` and container CPU sets narrow) when it can be read,
/// never more than Foundation's active processor count.
public enum UsableCores {
    /// How many cores this process may use (at least 1).
    public static func count() -> Int {
        let active = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") })
        else { return active }
        let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
        let allowed = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
        return allowed > 0 ? min(active, allowed) : active
    }
}
