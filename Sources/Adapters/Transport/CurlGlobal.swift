import CCurl

/// libcurl's process-wide state, initialised once before any other curl call.
enum CurlGlobal {
    /// Whether `curl_global_init` succeeded; evaluated once, on first use, thread-safely.
    static let isReady: Bool = curl_global_init(shim_curl_global_default()) == CURLE_OK
}
