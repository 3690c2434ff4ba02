/// URL helpers for configured endpoints: joining a base URL and a path, and comparing
/// hosts so credentials go only to the provider's own host. Pure, no Foundation.
enum EndpointURL {
    /// `base` joined with `path`; an absolute `path` (`https://…`) is returned as is.
    static func join(_ base: String, _ path: String) -> String {
        if isAbsolute(path) { return path }
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return path.hasPrefix("/") ? trimmed + path : trimmed + "/" + path
    }

    /// Whether `text` starts with `http://` or `https://`.
    static func isAbsolute(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://")
    }

    /// The scheme and authority (`https://api.example.com:8443`), lower-cased; `nil` when
    /// `url` is not an absolute http(s) URL. Userinfo (`user@`) is dropped.
    static func origin(_ url: String) -> String? {
        guard isAbsolute(url), let schemeEnd = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard !authority.isEmpty else { return nil }
        var host = authority.lowercased()
        if scheme == "https", host.hasSuffix(":443") { host.removeLast(4) }
        if scheme == "http", host.hasSuffix(":80") { host.removeLast(3) }
        return scheme + "://" + host
    }

    /// Whether `url` is on the same scheme, host and port as `base`.
    static func sameOrigin(_ url: String, _ base: String) -> Bool {
        guard let a = origin(url), let b = origin(base) else { return false }
        return a == b
    }
}
