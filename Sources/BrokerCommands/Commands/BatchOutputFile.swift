#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import ProviderInterface
import Synchronization

/// The results file of `broker batch`: resumable, one complete line per finished input.
///
/// Each result is appended with one `write(2)` on an `O_APPEND` descriptor, so a kill leaves
/// at most one partial last line. On start, lines that are complete and final are kept; a
/// partial line and results of temporary failures are dropped (atomically, by rewriting the
/// file through a rename), so a rerun does exactly the work that has no result yet.
final class BatchOutputFile: @unchecked Sendable {
    private let fd: Int32
    private let lock = Mutex(())
    let path: String
    /// Keys (`id:` + id JSON, or `line:N` for lines without an id) that already have a final result.
    let done: Set<String>

    init(path: String) throws {
        self.path = path
        var kept: [String] = []
        var done = Set<String>()
        var dropped = false
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, line) in lines.enumerated() {
                if line.isEmpty { if i != lines.count - 1 { dropped = true }; continue }
                guard let value = try? JSONParser.parse(Array(line.utf8)), let key = Self.key(value),
                    i != lines.count - 1 || text.hasSuffix("\n")
                else {
                    dropped = true
                    continue
                }
                if value["retryable"]?.boolValue == true || done.contains(key) {
                    dropped = true
                    continue
                }
                done.insert(key)
                kept.append(String(line))
            }
        }
        if dropped {
            let temp = path + ".tmp"
            let body = kept.map { $0 + "\n" }.joined()
            try Data(body.utf8).write(to: URL(fileURLWithPath: temp))
            guard rename(temp, path) == 0 else { throw CommandFailure(ExitCode.failure, "cannot replace \(path)") }
        }
        self.done = done
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CommandFailure(ExitCode.failure, "cannot open \(path) for writing") }
    }

    deinit { close(fd) }

    /// The resume key of a result or input line.
    static func key(_ value: JSONValue) -> String? {
        let id = BatchLine.id(value)
        if !id.isNull { return "id:" + JSONWriter.string(id) }
        if let line = value["line"]?.intValue { return "line:\(line)" }
        return nil
    }

    /// Appends one result line.
    func append(_ object: JSONObject) {
        var bytes = JSONWriter.bytes(.object(object))
        bytes.append(0x0A)
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                guard var base = buffer.baseAddress else { return }
                var left = buffer.count
                while left > 0 {
                    let n = write(fd, base, left)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    left -= n
                    base += n
                }
            }
        }
    }
}
