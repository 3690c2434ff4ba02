import CCurl
import Platform
import Testing

@testable import Adapters

/// URL and redirect rules, checked without a socket.
@Suite struct TransportPolicyTests {
    @Test(arguments: [
        "http://example.com/v1/models", "ftp://127.0.0.1/x", "http://127.0.0.1.evil.example/",
        "http://127.0.0.1@evil.example/", "not a url", "http://128.0.0.1/", "http://localhost.evil.example/",
    ])
    func nonHTTPSToARemoteHostIsRejected(url: String) {
        #expect(throws: TransportError.self) { try TransportURL(url) }
        do {
            _ = try TransportURL(url)
        } catch {
            #expect(error.code == .insecureURL)
        }
    }

    @Test(arguments: [
        "https://example.com/v1", "http://127.0.0.1:8080/x", "http://127.10.0.3/", "http://localhost:1/",
        "http://[::1]:9/p", "http://LOCALHOST/",
    ])
    func httpsOrLoopbackIsAccepted(url: String) throws {
        _ = try TransportURL(url)
    }

    @Test func insecureURLIsRejectedBeforeAnythingIsSent() async {
        let transport = CurlTransport()
        let request = HTTPRequest(
            url: "http://example.com/v1/models?key=secret123", headers: [HTTPHeader("Authorization", "Bearer sk-abc")])
        do {
            _ = try await transport.send(request)
            Issue.record("an http URL to a remote host was sent")
        } catch {
            #expect(error.code == .insecureURL)
            #expect(!error.message.contains("secret123"))
            #expect(!error.message.contains("sk-abc"))
        }
    }

    @Test func headerValueWithALineBreakIsRefusedWithoutEchoingIt() async {
        let request = HTTPRequest(url: "https://example.com/", headers: [HTTPHeader("X-Api-Key", "k\r\nEvil: 1")])
        do {
            _ = try await CurlTransport().send(request)
            Issue.record("a header with a line break was accepted")
        } catch {
            #expect(!error.message.contains("Evil"))
        }
    }

    @Test(arguments: ["Bad Name", "Bad:Name", "X-Ünicode", "", "Name\u{7F}", "(comment)"])
    func headerNameThatIsNotATokenIsRefused(name: String) {
        #expect(throws: TransportError.self) {
            try CurlHop(HTTPRequest(url: "https://example.com/", headers: [HTTPHeader(name, "v")]))
        }
    }

    @Test func everyTokenCharacterIsAcceptedInAHeaderName() throws {
        // RFC 9110 tchar: letters, digits and !#$%&'*+-.^_`|~
        let name = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        let hop = try CurlHop(
            HTTPRequest(method: "m-1.x", url: "https://example.com/", headers: [HTTPHeader(name, "v")]))
        #expect(hop.headers.map(\.name) == [name])
        #expect(hop.method == "M-1.X")
    }

    @Test func theCallersOwnContentTypeAndExpectAreKeptWhateverTheirCase() throws {
        func lines(_ headers: [HTTPHeader]) throws -> [String] {
            let hop = try CurlHop(
                HTTPRequest(method: "POST", url: "https://example.com/", headers: headers, body: Array("x".utf8)))
            var result: [String] = []
            var node = CurlEasyOptions.headerList(for: hop)
            let head = node
            while let current = node {
                result.append(String(cString: current.pointee.data))
                node = current.pointee.next
            }
            curl_slist_free_all(head)
            return result
        }
        // libcurl would add a form content type and "Expect: 100-continue": blanked unless given.
        #expect(try lines([HTTPHeader("Accept", "*/*")]) == ["Accept: */*", "Expect:", "Content-Type:"])
        #expect(
            try lines([HTTPHeader("CONTENT-type", "text/csv"), HTTPHeader("expect", "")]) == [
                "CONTENT-type: text/csv", "expect;",
            ])
        #expect(try lines([HTTPHeader("Content-Typo", "x")]) == ["Content-Typo: x", "Expect:", "Content-Type:"])
    }

    static func hop(method: String = "POST", url: String = "https://api.example.com/v1/chat?x=1") throws(TransportError)
        -> CurlHop
    {
        try CurlHop(
            HTTPRequest(
                method: method, url: url,
                headers: [
                    HTTPHeader("Authorization", "Bearer t"), HTTPHeader("Content-Type", "application/json"),
                    HTTPHeader("Accept", "*/*"),
                ],
                body: Array("{}".utf8)))
    }

    static let sensitive: Set<String> = ["authorization", "x-api-key"]

    @Test func sameOriginRedirectKeepsEveryHeaderAndResolvesRelativeLocation() throws {
        let next = try RedirectPolicy.nextHop(
            after: Self.hop(), status: 307, location: "/v2/chat", sensitive: Self.sensitive)
        #expect(next.url.text == "https://api.example.com/v2/chat")
        #expect(next.method == "POST")
        #expect(next.body == Array("{}".utf8))
        #expect(next.headers.map(\.name) == ["Authorization", "Content-Type", "Accept"])
    }

    @Test(arguments: ["https://other.example.com/v1", "https://api.example.com:8443/v1", "http://127.0.0.1/v1"])
    func redirectToAnotherOriginDropsCredentials(location: String) throws {
        let next = try RedirectPolicy.nextHop(
            after: Self.hop(), status: 308, location: location, sensitive: Self.sensitive)
        #expect(next.headers.map(\.name) == ["Content-Type", "Accept"])
        // A later redirect back to the first host does not bring them back.
        let back = try RedirectPolicy.nextHop(
            after: next, status: 308, location: "https://api.example.com/v1", sensitive: Self.sensitive)
        #expect(back.header("authorization") == nil)
    }

    @Test func redirectFromHTTPSToPlainHTTPOnARemoteHostIsRefused() throws {
        #expect(throws: TransportError.self) {
            try RedirectPolicy.nextHop(
                after: Self.hop(), status: 302, location: "http://api.example.com/", sensitive: Self.sensitive)
        }
    }

    @Test(arguments: [(303, "POST"), (302, "POST"), (301, "POST"), (303, "PUT")])
    func seeOtherAndPostRedirectsBecomeGetWithoutBody(status: Int, method: String) throws {
        let next = try RedirectPolicy.nextHop(
            after: Self.hop(method: method), status: status, location: "/done", sensitive: Self.sensitive)
        #expect(next.method == "GET")
        #expect(next.body == nil)
        #expect(next.header("content-type") == nil)
    }

    @Test func temporaryRedirectOfAPutKeepsMethod() throws {
        let next = try RedirectPolicy.nextHop(
            after: Self.hop(method: "PUT"), status: 302, location: "/x", sensitive: Self.sensitive)
        #expect(next.method == "PUT")
    }

    @Test func redirectWithoutLocationIsABadRedirect() throws {
        do {
            _ = try RedirectPolicy.nextHop(after: Self.hop(), status: 301, location: nil, sensitive: Self.sensitive)
            Issue.record("followed a redirect without Location")
        } catch {
            #expect(error.code == .badRedirect)
        }
    }
}

extension CurlHop {
    fileprivate func header(_ name: String) -> String? {
        HeaderLookup.first(name, in: headers)
    }
}
