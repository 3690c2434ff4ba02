/// What one hop hands back to the waiting task.
enum CurlHopOutcome: Sendable {
    /// The whole response (buffered mode), redirects included.
    case response(HTTPResponse)
    /// Status and headers are in; the body streams (streaming mode, not a redirect).
    case streaming(HTTPStreamingResponse)
    /// A redirect answered in streaming mode; its body was read and dropped.
    case redirect(status: Int, location: String?)
}
