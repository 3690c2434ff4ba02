import Synchronization

/// Hands an async handler's response (and its streamed body's hand-off) from its task to the
/// connection thread that drains the task (see ``WaitingThreadExecutor``).
final class ResponseHandoff: Sendable {
    private let value = Mutex<(ServerResponse, BodyPump?)?>(nil)

    /// The task's response; wakes the draining thread if it sleeps.
    func set(_ response: ServerResponse, pump: BodyPump?, poking executor: WaitingThreadExecutor) {
        value.withLock { $0 = (response, pump) }
        executor.poke()
    }

    /// Whether the response is there.
    var isSet: Bool { value.withLock { $0 != nil } }

    /// The response, once.
    func take() -> (ServerResponse, BodyPump?)? { value.withLock { $0.take() } }
}
