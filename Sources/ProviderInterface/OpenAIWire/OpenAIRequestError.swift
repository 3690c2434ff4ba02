/// A request the wire layer cannot translate: what is wrong, and the request member at fault
/// (a gateway answers it as a 400 naming `param`).
public struct OpenAIRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for the client.
    public var message: String
    /// The request member at fault (`input[2]`, `tools`, …).
    public var param: String?

    /// An error.
    public init(_ message: String, param: String? = nil) {
        self.message = message
        self.param = param
    }

    /// What was refused, for a person to read.
    public var description: String { message }
}
