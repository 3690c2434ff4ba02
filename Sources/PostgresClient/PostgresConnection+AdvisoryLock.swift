extension PostgresConnection {
    /// Takes the session-level advisory lock `key` if no other session holds it
    /// (`pg_try_advisory_lock`), without waiting. A session may take a lock it holds again
    /// (and must then unlock it as often). The lock lasts until ``advisoryUnlock(_:)`` or
    /// until the session ends: a crashed holder's connection closes and frees it, which makes
    /// these locks fit to elect one refresher among several instances.
    ///
    /// - Returns: whether this session now holds the lock.
    public func tryAdvisoryLock(_ key: Int64) throws -> Bool {
        try firstRow("SELECT pg_try_advisory_lock($1)", [.integer(key)]) { try $0.bool(0) } ?? false
    }

    /// Releases one hold of the session-level advisory lock `key`.
    ///
    /// - Returns: whether this session held it.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws -> Bool {
        try firstRow("SELECT pg_advisory_unlock($1)", [.integer(key)]) { try $0.bool(0) } ?? false
    }

    /// Takes the transaction-level advisory lock `key` if free (`pg_try_advisory_xact_lock`),
    /// released when the current transaction ends. Inside ``inTransaction(_:_:)``: work fenced
    /// by it commits only while the lock is held.
    ///
    /// - Returns: whether this transaction now holds the lock.
    public func tryAdvisoryTransactionLock(_ key: Int64) throws -> Bool {
        try firstRow("SELECT pg_try_advisory_xact_lock($1)", [.integer(key)]) { try $0.bool(0) } ?? false
    }

    /// A stable 64-bit advisory-lock key for `name` (FNV-1a over its UTF-8 bytes): the same in
    /// every process and build, unlike Swift's seeded `Hasher`. Instances agree on the key
    /// for, say, `refresh:openrouter` without a table of numbers.
    public static func advisoryKey(for name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
