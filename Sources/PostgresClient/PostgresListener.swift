import Foundation
import Synchronization

/// Listens on PostgreSQL channels on a connection and a thread of its own, and stays
/// listening: when the connection breaks it reconnects (every `retryDelay`) and listens again.
///
/// Notifications sent while the connection was down are lost (PostgreSQL keeps none for a
/// session that is gone), so a consumer treats ``Event/connected(backendPID:reconnected:)``
/// with `reconnected: true` as "re-read what you watch". That, and a notification, is how an
/// instance learns of another's refresh commit within a second, without polling.
///
/// Events arrive on the listener's thread, in order; the handler should hand work off rather
/// than block it (and must not call ``stop()``, which waits for that thread). ``stop()`` ends the
/// thread within about a quarter of a second; so does releasing the listener.
public final class PostgresListener: Sendable {
    /// What the listener reports.
    public enum Event: Sendable, Equatable {
        /// Connected and listening on every channel; `reconnected` after a lost connection.
        case connected(backendPID: Int32, reconnected: Bool)
        /// A notification on one of the channels.
        case notification(PostgresNotification)
        /// The connection broke or could not be made; the listener tries again after its delay.
        case disconnected(PostgresError)
    }

    /// Set by ``stop()``, read by the thread.
    private final class StopFlag: Sendable {
        private let value = Mutex(false)
        var isSet: Bool { value.withLock { $0 } }
        /// Sets the flag; whether this call was the one that set it.
        func set() -> Bool {
            value.withLock { wasSet in
                defer { wasSet = true }
                return !wasSet
            }
        }
    }

    private let stopped = StopFlag()
    private let finished = DispatchSemaphore(value: 0)

    /// Starts listening on `channels` at `uri`, reporting to `onEvent` from a new thread.
    ///
    /// - Parameter retryDelay: the wait between connection attempts while the server is away.
    public init(
        uri: PostgresURI, channels: [String], retryDelay: Duration = .seconds(1),
        onEvent: @escaping @Sendable (Event) -> Void
    ) {
        let thread = Thread { [stopped, finished] in
            Self.run(uri: uri, channels: channels, retryDelay: retryDelay, stopped: stopped, onEvent: onEvent)
            finished.signal()
        }
        thread.name = "postgres-listener"
        thread.start()
    }

    /// Stops listening and waits for the thread to end; no event follows. Idempotent.
    public func stop() {
        if stopped.set() { finished.wait() }
    }

    deinit { stop() }

    /// How long one wait for notifications lasts before the stop flag is looked at again.
    private static let pollInterval = Duration.milliseconds(250)

    private static func run(
        uri: PostgresURI, channels: [String], retryDelay: Duration, stopped: StopFlag,
        onEvent: @Sendable (Event) -> Void
    ) {
        var everConnected = false
        while !stopped.isSet {
            let connection: PostgresConnection
            do {
                connection = try PostgresConnection(uri: uri)
                for channel in channels { try connection.listen(channel) }
            } catch {
                guard !stopped.isSet else { return }
                onEvent(.disconnected(Self.postgresError(error)))
                Self.sleep(retryDelay, unless: stopped)
                continue
            }
            guard !stopped.isSet else { return }
            onEvent(.connected(backendPID: connection.backendPID, reconnected: everConnected))
            everConnected = true
            do {
                while !stopped.isSet {
                    for notification in try connection.waitForNotifications(timeout: pollInterval) {
                        guard !stopped.isSet else { return }
                        onEvent(.notification(notification))
                    }
                }
            } catch {
                guard !stopped.isSet else { return }
                onEvent(.disconnected(Self.postgresError(error)))
            }
        }
    }

    private static func postgresError(_ error: any Error) -> PostgresError {
        error as? PostgresError ?? PostgresError(code: .connectionFailed, message: "\(error)", context: "listening")
    }

    /// Sleeps `duration` in short steps, returning early once stopped.
    private static func sleep(_ duration: Duration, unless stopped: StopFlag) {
        let clock = ContinuousClock()
        let deadline = clock.now + duration
        while clock.now < deadline, !stopped.isSet {
            Thread.sleep(forTimeInterval: min(0.05, max(0, Self.seconds(clock.now.duration(to: deadline)))))
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
