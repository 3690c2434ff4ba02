import CCurl
import Platform

/// A URL split by libcurl's own parser — the parser that will connect — so the host
/// checked for loopback and for redirects is the host actually contacted.
struct TransportURL: Sendable, Hashable {
    /// The whole URL, normalised by libcurl (what is handed to `CURLOPT_URL`).
    var text: String
    /// `http` or `https` (lower case).
    var scheme: String
    /// The host name or address as libcurl sees it (IPv6 in brackets), lower case.
    var host: String
    /// The port, the scheme's default when none is written.
    var port: Int
    /// The path, without query or fragment.
    var path: String
    /// Whether the host is a loopback address (Platform's `Loopback` rule), worked out once.
    var isLoopback: Bool

    /// Parses an absolute URL; only `https`, or `http` to a loopback host, is accepted.
    init(_ text: String) throws(TransportError) {
        guard let handle = curl_url() else { throw TransportError(.other, "out of memory parsing a URL") }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, text, 0) == CURLUE_OK else {
            throw TransportError(.insecureURL, "the URL cannot be parsed")
        }
        try self.init(handle: handle)
    }

    /// ``init(_:)``, remembered per thread: a broker sends most requests to a handful of URLs,
    /// and parsing one with libcurl costs a dozen allocations. Per thread, because a lock
    /// shared by 64 connection threads costs more than the parse. Failures are not remembered.
    static func parsed(_ text: String) throws(TransportError) -> TransportURL {
        let cache = recent.value(orMake: RecentURLs.init)
        if let known = cache?.urls[text] { return known }
        let url = try TransportURL(text)
        if let cache {
            if cache.urls.count >= 64 { cache.urls.removeAll(keepingCapacity: true) }
            cache.urls[text] = url
        }
        return url
    }

    /// One thread's parsed URLs, by their text.
    private final class RecentURLs {
        var urls: [String: TransportURL] = [:]
    }

    private static let recent = ThreadLocal<RecentURLs>()

    /// Resolves a `Location` header value (absolute or relative) against this URL.
    func resolving(_ location: String) throws(TransportError) -> TransportURL {
        guard let handle = curl_url() else { throw TransportError(.other, "out of memory parsing a URL") }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, text, 0) == CURLUE_OK,
            curl_url_set(handle, CURLUPART_URL, location, 0) == CURLUE_OK
        else {
            throw TransportError(.badRedirect, "the redirect from \(redacted) has an unusable Location")
        }
        return try TransportURL(handle: handle)
    }

    private init(handle: OpaquePointer) throws(TransportError) {
        guard let text = Self.part(handle, CURLUPART_URL, 0),
            let scheme = Self.part(handle, CURLUPART_SCHEME, 0)?.lowercased(),
            let host = Self.part(handle, CURLUPART_HOST, 0)?.lowercased(),
            let portText = Self.part(handle, CURLUPART_PORT, UInt32(CURLU_DEFAULT_PORT)),
            let port = Int(portText)
        else { throw TransportError(.insecureURL, "the URL cannot be parsed") }
        self.text = text
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = Self.part(handle, CURLUPART_PATH, 0) ?? "/"
        self.isLoopback = Loopback.isLoopbackHost(host)
        guard scheme == "https" || (scheme == "http" && isLoopback) else {
            throw TransportError(.insecureURL, "\(redacted) is not https and not a loopback address")
        }
    }

    /// Scheme, host and port: two URLs with the same origin may share credentials.
    var origin: String { "\(scheme)://\(host):\(port)" }

    /// The URL without user info, query or fragment: safe for error messages.
    var redacted: String {
        let defaultPort = scheme == "https" ? 443 : 80
        return port == defaultPort ? "\(scheme)://\(host)\(path)" : "\(scheme)://\(host):\(port)\(path)"
    }

    private static func part(_ handle: OpaquePointer, _ what: CURLUPart, _ flags: UInt32) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, what, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
