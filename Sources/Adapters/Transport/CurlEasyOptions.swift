import CCurl

/// The options every hop sets on its (reset) easy handle.
enum CurlEasyOptions {
    /// URL, protocol, timeouts, size limit, encodings and the two callbacks.
    /// `userData` is the unretained ``CurlTransfer``; the loop keeps it alive while curl runs.
    static func configure(_ easy: UnsafeMutableRawPointer, for hop: CurlHop, userData: UnsafeMutableRawPointer) -> Bool
    {
        // Strings go to libcurl (which copies them) through withCString / setString: a String
        // passed straight to a C parameter is first copied into a new array.
        var ok = setString(easy, CURLOPT_URL, hop.url.text)
        ok = ok && setString(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        if hop.url.isLoopback {
            // "" disables any proxy from the environment: loopback is never proxied.
            ok = ok && setString(easy, CURLOPT_PROXY, "")
        }
        ok = ok && setLong(easy, CURLOPT_NOSIGNAL, 1)
        ok = ok && setLong(easy, CURLOPT_FOLLOWLOCATION, 0)
        ok = ok && setLong(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // Waiting for a connection that may multiplex pays only where one can: HTTP/2 is offered
        // over TLS alone, so over cleartext HTTP/1.1 (a local vLLM, Ollama, llama.cpp) a request
        // would wait behind the first one's headers only to open a connection of its own.
        if hop.url.scheme == "https" { ok = ok && setLong(easy, CURLOPT_PIPEWAIT, 1) }
        ok = ok && setLong(easy, CURLOPT_TCP_KEEPALIVE, 1)
        ok = ok && setLong(easy, CURLOPT_CONNECTTIMEOUT_MS, hop.connectMs)
        ok = ok && setLong(easy, CURLOPT_TIMEOUT_MS, hop.totalMs)
        ok = ok && shim_curl_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(hop.maxResponseBytes)) == CURLE_OK
        // "" = every encoding this libcurl was built with (gzip, deflate, br, zstd); decoded on arrival.
        ok = ok && setString(easy, CURLOPT_ACCEPT_ENCODING, "")
        ok = ok && shim_curl_setopt_data_cb(easy, CURLOPT_WRITEFUNCTION, onBody) == CURLE_OK
        ok = ok && shim_curl_setopt_ptr(easy, CURLOPT_WRITEDATA, userData) == CURLE_OK
        ok = ok && shim_curl_setopt_data_cb(easy, CURLOPT_HEADERFUNCTION, onHeader) == CURLE_OK
        ok = ok && shim_curl_setopt_ptr(easy, CURLOPT_HEADERDATA, userData) == CURLE_OK
        if let bundle = hop.caBundlePath {
            // curl copies the path. Certificates are still verified, against this file's authorities.
            ok = ok && setString(easy, CURLOPT_CAINFO, bundle)
        }
        return ok
    }

    /// The request's header fields, plus empty `Expect:` / `Content-Type:` entries that
    /// stop libcurl from adding `Expect: 100-continue` (a round trip) or a form content type.
    /// Freed by the transfer when it ends.
    static func headerList(for hop: CurlHop) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        func append(_ line: String) {
            if let grown = line.withCString({ curl_slist_append(list, $0) }) { list = grown }
        }
        for header in hop.headers {
            // "Name;" is libcurl's spelling of a header sent with an empty value.
            append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        if hop.body != nil {
            if !hop.hasHeader("expect") { append("Expect:") }
            if !hop.hasHeader("content-type") { append("Content-Type:") }
        }
        return list
    }

    /// Sets a string option (libcurl keeps its own copy).
    static func setString(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String) -> Bool {
        value.withCString { shim_curl_setopt_str(easy, option, $0) } == CURLE_OK
    }

    /// Sends `count` bytes at `bytes` (owned by the transfer) with `method`.
    static func setBody(_ easy: UnsafeMutableRawPointer, _ bytes: UnsafeMutableRawPointer?, count: Int, method: String)
        -> Bool
    {
        var ok = setLong(easy, CURLOPT_POST, 1)
        ok = ok && shim_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(count)) == CURLE_OK
        ok = ok && shim_curl_setopt_ptr(easy, CURLOPT_POSTFIELDS, bytes) == CURLE_OK
        if method != "POST" { ok = ok && setString(easy, CURLOPT_CUSTOMREQUEST, method) }
        return ok
    }

    /// Sets a method that carries no body.
    static func setMethodWithoutBody(_ easy: UnsafeMutableRawPointer, _ method: String) -> Bool {
        switch method {
        case "GET": return setLong(easy, CURLOPT_HTTPGET, 1)
        case "HEAD": return setLong(easy, CURLOPT_NOBODY, 1)
        default: return setString(easy, CURLOPT_CUSTOMREQUEST, method)
        }
    }

    private static func setLong(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) -> Bool {
        shim_curl_setopt_long(easy, option, value) == CURLE_OK
    }

    /// `CURLOPT_WRITEFUNCTION`: returning anything but `size * count` aborts the transfer.
    private static let onBody: shim_curl_data_cb = { pointer, size, count, userData in
        guard let userData else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userData).takeUnretainedValue()
        let length = size * count
        return transfer.receiveBody(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
    }

    /// `CURLOPT_HEADERFUNCTION`: one whole header line per call.
    private static let onHeader: shim_curl_data_cb = { pointer, size, count, userData in
        guard let userData else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userData).takeUnretainedValue()
        let length = size * count
        return transfer.receiveHeader(UnsafeRawBufferPointer(start: pointer, count: length)) ? length : 0
    }
}
