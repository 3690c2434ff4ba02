import CCurl

extension TransportError {
    /// The error for a transfer that libcurl ended with `code`.
    ///
    /// - Parameters:
    ///   - context: method and redacted URL (no query, no header values).
    ///   - connected: whether the connection (TCP and TLS) was up: libcurl reports the
    ///     connect and the total timeout both as error 28.
    static func curl(_ code: CURLcode, context: String, connected: Bool) -> TransportError {
        let reason = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT,
            CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return TransportError(.connectFailed, "\(context): \(reason)")
        case CURLE_OPERATION_TIMEDOUT:
            return connected
                ? TransportError(.totalTimeout, "\(context): total timeout")
                : TransportError(.connectTimeout, "\(context): connect timeout")
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_SSL_SHUTDOWN_FAILED:
            return TransportError(.connectionBroken, "\(context): \(reason)")
        case CURLE_FILESIZE_EXCEEDED:
            return TransportError(.tooLarge, "\(context): the response is larger than allowed")
        case CURLE_ABORTED_BY_CALLBACK:
            return TransportError(.cancelled, "\(context): cancelled")
        case CURLE_WEIRD_SERVER_REPLY:
            return TransportError(.badReply, "\(context): the reply is not HTTP (\(reason))")
        case CURLE_UNSUPPORTED_PROTOCOL where connected:
            // A URL's scheme is checked before sending: once connected, this is the server
            // answering without an HTTP status line (an "HTTP/0.9" reply).
            return TransportError(.badReply, "\(context): the reply is not HTTP (\(reason))")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return TransportError(.insecureURL, "\(context): \(reason)")
        default:
            return TransportError(.other, "\(context): \(reason) (curl error \(code.rawValue))")
        }
    }
}
