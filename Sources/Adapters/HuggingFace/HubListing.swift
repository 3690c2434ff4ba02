import ProviderInterface

/// The Hub model listing, `GET {hub}/api/models`, as pure functions: the first page's URL,
/// the request for any page, and the parse of one page.
///
/// Pagination follows only the `Link: <…>; rel="next"` header, whose URL is requested
/// verbatim (see <https://huggingface.co/docs/hub/api#get-apimodels> and WIRE_FORMATS.md).
enum HubListing {
    /// One model of a page.
    struct Model: Sendable, Hashable {
        /// `org/name`.
        var id: String
        /// The Hub's `pipeline_tag`, when set.
        var pipelineTag: String?
        /// Its provider mappings.
        var mappings: [HubMapping]
    }

    /// One parsed page: its models and the next page's URL.
    struct Page: Sendable, Hashable {
        var models: [Model]
        var next: String?
    }

    /// The first page: every model with a mapping to `options.inferenceProvider`, expanded
    /// to its mappings and pipeline tag only, `options.pageSize` per page. Tasks are filtered
    /// client-side so that models whose Hub `pipeline_tag` differs from their mapping's task
    /// (vision-language chat models) are not lost.
    static func firstPageURL(_ options: HuggingFaceOptions) -> String {
        options.hubURL + "/api/models?inference_provider=" + percentEncode(options.inferenceProvider)
            + "&expand%5B%5D=inferenceProviderMapping&expand%5B%5D=pipeline_tag&limit=\(options.pageSize)"
    }

    /// `GET url`, with `headers` (auth) only when `url` is on the Hub's own origin.
    static func makeRequest(url: String, hubURL: String, headers: [HTTPHeader], timeouts: HTTPTimeouts) -> HTTPRequest {
        var all = [HTTPHeader("Accept", "application/json")]
        if sameOrigin(url, hubURL) { all.append(contentsOf: headers) }
        return HTTPRequest(method: "GET", url: url, headers: all, timeouts: timeouts)
    }

    /// Parses page `number` (1-based), reading the body in place with ``HFJSONScanner``. A
    /// body that is not a JSON array of models with string ids, or a mapping that cannot be
    /// read, is `.malformedResponse` naming the page.
    static func parsePage(
        _ response: HTTPResponse, number: Int, hubURL: String, provider: String?
    ) throws(ProviderError) -> Page {
        let result: Result<[Model], HFJSONScanner.Failure> = response.body.withUnsafeBufferPointer { buffer in
            var scanner = HFJSONScanner(buffer)
            do throws(HFJSONScanner.Failure) {
                return .success(try readModels(&scanner))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let models):
            return Page(models: models, next: nextURL(response, hubURL: hubURL))
        case .failure(let failure):
            throw ProviderError(
                .malformedResponse, provider: provider, status: response.status,
                message: "Hub model listing page \(number): \(failure.description)")
        }
    }

    /// The page's bare array of models.
    static func readModels(_ scanner: inout HFJSONScanner) throws(HFJSONScanner.Failure) -> [Model] {
        typealias Failure = HFJSONScanner.Failure
        guard try scanner.peekKind() == .array else { throw Failure("the body is not a JSON array") }
        var models: [Model] = []
        var i = 0
        var more = try scanner.beginArray()
        while more {
            guard try scanner.peekKind() == .object else { throw Failure("item \(i) is not an object") }
            var id: String?
            var tag: String?
            var mappings: [HubMapping] = []
            var hasMember = try scanner.beginObject()
            while hasMember {
                let key = try scanner.key()
                if scanner.key(key, is: "id"), try scanner.peekKind() == .string {
                    id = try scanner.string()
                } else if scanner.key(key, is: "pipeline_tag"), try scanner.peekKind() == .string {
                    tag = try scanner.string()
                } else if scanner.key(key, is: "inferenceProviderMapping") {
                    do throws(Failure) {
                        mappings = try HubMapping.readAll(&scanner)
                    } catch {
                        throw error.offset == nil ? error.within(id.map { "model \($0)" } ?? "item \(i)") : error
                    }
                } else {
                    try scanner.skipValue()
                }
                hasMember = try scanner.nextMember()
            }
            guard let id, !id.isEmpty else { throw Failure("item \(i) has no id") }
            models.append(Model(id: id, pipelineTag: tag, mappings: mappings))
            i += 1
            more = try scanner.nextElement()
        }
        try scanner.end()
        return models
    }

    /// The next page's URL from the `Link` header, made absolute; `nil` on the last page.
    static func nextURL(_ response: HTTPResponse, hubURL: String) -> String? {
        response.header("link").flatMap(HubLinkHeader.next).map { resolve($0, against: hubURL) }
    }

    /// A `Link` target made absolute: relative paths resolve against the Hub base.
    static func resolve(_ target: String, against hubURL: String) -> String {
        if target.hasPrefix("http://") || target.hasPrefix("https://") { return target }
        return OpenAIChat.joinURL(origin(hubURL), target)
    }

    /// Whether two URLs share scheme, host and port.
    static func sameOrigin(_ a: String, _ b: String) -> Bool { origin(a).lowercased() == origin(b).lowercased() }

    /// `scheme://host[:port]` of a URL.
    static func origin(_ url: String) -> String {
        let utf8 = Array(url.utf8)
        var i = 0
        while i + 2 < utf8.count,
            !(utf8[i] == UInt8(ascii: ":") && utf8[i + 1] == UInt8(ascii: "/") && utf8[i + 2] == UInt8(ascii: "/"))
        {
            i += 1
        }
        guard i + 2 < utf8.count else { return url }
        var end = i + 3
        while end < utf8.count, utf8[end] != UInt8(ascii: "/"), utf8[end] != UInt8(ascii: "?"),
            utf8[end] != UInt8(ascii: "#")
        {
            end += 1
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    /// Percent-encodes a query value (everything but unreserved characters and `,`).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ","):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
