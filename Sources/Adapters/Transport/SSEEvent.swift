/// One server-sent event (`text/event-stream`), as dispatched by ``SSEParser``.
public struct SSEEvent: Sendable, Hashable {
    /// The `event:` field, nil when the event had none (the default type, "message").
    public var event: String?
    /// The `data:` lines of the event joined with `\n`.
    public var data: String
    /// The `id:` field of this event, if it had one.
    public var id: String?

    /// An event.
    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }

    /// Whether this is the `data: [DONE]` terminator of OpenAI-style streams.
    public var isDone: Bool { data == "[DONE]" }
}
