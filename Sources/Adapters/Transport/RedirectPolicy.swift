import ProviderInterface

/// How a redirect is followed: pure, so the credential rule is tested without a socket.
enum RedirectPolicy {
    /// The statuses that are followed.
    static func isRedirect(_ status: Int) -> Bool {
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308
    }

    /// The hop that follows `hop` answered with a redirect `status` and `location`.
    ///
    /// - Same scheme, host and port: resent with every header.
    /// - Another origin: resent without the `sensitive` headers (and without `Host`),
    ///   and the next hops derive from this one, so a credential once dropped never returns.
    /// - 303, and 301/302 after a POST, become a GET without body.
    static func nextHop(
        after hop: CurlHop, status: Int, location: String?, sensitive: Set<String>
    ) throws(TransportError) -> CurlHop {
        guard let location = location?.trimmingSpaces, !location.isEmpty else {
            throw TransportError(.badRedirect, "\(hop.context) answered \(status) without a Location")
        }
        var next = hop
        next.url = try hop.url.resolving(location)
        if next.url.origin != hop.url.origin {
            next.headers.removeAll { header in
                let name = header.name.lowercased()
                return sensitive.contains(name) || name == "host"
            }
        }
        let becomesGet =
            (status == 303 && hop.method != "HEAD") || ((status == 301 || status == 302) && hop.method == "POST")
        if becomesGet {
            next.method = "GET"
            next.body = nil
            let bodyHeaders: Set<String> = ["content-type", "content-length", "content-encoding", "transfer-encoding"]
            next.headers.removeAll { bodyHeaders.contains($0.name.lowercased()) }
        }
        return next
    }
}
