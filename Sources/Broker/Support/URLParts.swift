import Platform

/// The scheme, host and port of an absolute URL, parsed without Foundation.
public struct URLParts: Sendable, Hashable {
    /// `http` or `https`, lower case.
    public var scheme: String
    /// The host, lower case, without brackets for IPv6.
    public var host: String
    /// The port, when given.
    public var port: Int?

    /// Parses `url`; `nil` unless it is an absolute http(s) URL with a host.
    public init?(_ url: String) {
        guard let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return nil }
        let scheme = url[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = url[url.index(colon, offsetBy: 3)...]
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var host = Substring(rest)
        var port: Int? = nil
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    /// Whether the host is this machine, by the transport's own rule (``Loopback``): what
    /// `providers check` accepts as plain `http` is what the transport will contact.
    public var isLoopback: Bool { Loopback.isLoopbackHost(host) }
}
