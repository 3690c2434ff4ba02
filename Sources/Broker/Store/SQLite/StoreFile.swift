#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the store lives, and making sure it exists privately before SQLite opens it.
enum StoreFile {
    /// `$BROKER_STORE`, else `${XDG_DATA_HOME:-~/.local/share}/broker/market.sqlite3`.
    static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment["BROKER_STORE"], !explicit.isEmpty { return explicit }
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            // The XDG spec says relative values are invalid and must be ignored.
            dataHome = xdg
        } else {
            dataHome = homeDirectory(environment) + "/.local/share"
        }
        return dataHome + "/broker/market.sqlite3"
    }

    private static func homeDirectory(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { return String(cString: dir) }
        return "."
    }

    /// Creates the parent directories (mode 0700) and the file (mode 0600) when missing.
    ///
    /// SQLite would create the file with the process umask (often 0644); the ledger and
    /// market are private, and SQLite gives its `-wal`/`-shm` files the same mode as the
    /// database, so the mode is fixed here, before the first open.
    static func prepare(_ path: String) throws {
        // In-memory and URI databases have no file of ours to prepare.
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            // The umask may have narrowed the mode further; 0600 is what we promise.
            fchmod(fd, 0o600)
            close(fd)
        } else if errno != EEXIST {
            throw StoreError(.path, "cannot create the store file \(path)", errno: errno)
        }
    }

    /// `mkdir -p` with mode 0700 for the directories it creates.
    private static func makeDirectories(_ directory: String) throws {
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + component
            if mkdir(current, 0o700) != 0, errno != EEXIST {
                throw StoreError(.path, "cannot create the store directory \(current)", errno: errno)
            }
        }
    }
}
