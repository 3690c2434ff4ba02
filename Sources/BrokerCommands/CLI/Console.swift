#if canImport(Glibc)
    import Glibc
#endif

/// Writes to the standard streams through their file descriptors (no shared C `FILE*`).
enum Console {
    /// Writes all of `text` to stdout.
    static func out(_ text: String) { write(fd: 1, text) }
    /// Writes all of `text` to stderr.
    static func err(_ text: String) { write(fd: 2, text) }

    static func write(fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            guard var base = buffer.baseAddress else { return }
            var left = buffer.count
            while left > 0 {
                let n = Glibc.write(fd, base, left)
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
