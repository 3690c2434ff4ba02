import CLibPQ

extension PostgresConnection {
    /// Starts listening on `channel`: its notifications queue on this connection until
    /// ``waitForNotifications(timeout:)`` takes them. Lasts for the session (not after
    /// ``reconnect()``).
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(try quotedIdentifier(channel))")
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(try quotedIdentifier(channel))")
    }

    /// Sends `payload` on `channel` (`pg_notify`). Inside a transaction it is delivered when
    /// the transaction commits, and not at all when it rolls back: listeners learn of a change
    /// only once it is visible to them.
    public func notify(_ channel: String, payload: String = "") throws {
        try run("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// The notifications received on listened channels, waiting up to `timeout` for the first
    /// when none has arrived yet (`.zero`: only what is already here). Blocks the calling thread
    /// while it waits; ``socketDescriptor`` lets an event loop wait instead.
    ///
    /// - Throws: ``PostgresError/Code-swift.struct/connectionLost`` when the connection broke:
    ///   notifications sent while it was down are lost, so a listener reconnects, listens again
    ///   and re-reads what it watches.
    public func waitForNotifications(timeout: Duration) throws -> [PostgresNotification] {
        var received = try drainNotifications()
        guard received.isEmpty, timeout > .zero else { return received }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while received.isEmpty {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { break }
            let (seconds, attoseconds) = left.components
            let milliseconds = Int32(clamping: seconds * 1_000 + attoseconds / 1_000_000_000_000_000 + 1)
            let ready = shim_pq_wait_readable(PQsocket(handle), milliseconds)
            if ready < 0 {
                // EINTR: wait again for what is left of the timeout.
                continue
            }
            if ready == 0 { break }
            received = try drainNotifications()
        }
        return received
    }

    /// The connection's socket, for an event loop that waits for it to become readable and
    /// then calls ``waitForNotifications(timeout:)`` with `.zero`. -1 when the connection is down.
    public var socketDescriptor: Int32 { PQsocket(handle) }

    /// Reads what the server has sent and takes every queued notification.
    private func drainNotifications() throws -> [PostgresNotification] {
        guard PQconsumeInput(handle) == 1 else { throw failure(context: "waiting for notifications") }
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            received.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname), payload: String(cString: notify.pointee.extra),
                    senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        // The server may have closed the connection after the last notification.
        if PQstatus(handle) == CONNECTION_BAD, received.isEmpty { throw failure(context: "waiting for notifications") }
        return received
    }

    /// `name` as a quoted SQL identifier (libpq's escaping, for the connection's encoding).
    func quotedIdentifier(_ name: String) throws -> String {
        guard !name.isEmpty, !name.utf8.contains(0) else {
            throw PostgresError(
                code: .invalidArgument, message: "an identifier must be non-empty text without NUL",
                context: "quoting an identifier")
        }
        guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw PostgresError(code: .invalidArgument, message: connectionMessage(), context: "quoting an identifier")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }
}
