/// One `NOTIFY` received by a connection that listens on its channel.
public struct PostgresNotification: Sendable, Hashable {
    /// The channel it was sent on.
    public var channel: String
    /// The payload (empty when the sender gave none).
    public var payload: String
    /// The server process id of the sending session (the listener's own id when it notified itself).
    public var senderPID: Int32

    /// A notification from its parts.
    public init(channel: String, payload: String, senderPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderPID = senderPID
    }
}
