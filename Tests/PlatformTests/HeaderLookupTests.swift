import Platform
import Testing

/// The one header look-up: field names match whatever their letters' case, and nothing else.
@Suite("HeaderLookup")
struct HeaderLookupTests {
    @Test func firstFieldOfTheNameWinsWhateverItsCase() {
        let fields: [(name: String, value: String)] = [
            ("X-Other", "1"), ("content-TYPE", "text/plain"), ("Content-Type", "late"),
        ]
        #expect(HeaderLookup.first("Content-Type", in: fields) == "text/plain")
        #expect(HeaderLookup.first("content-length", in: fields) == nil)
    }

    @Test(arguments: [("Retry-After", "retry-after"), ("ETAG", "etag"), ("x-api-key", "X-API-KEY")])
    func sameNames(a: String, b: String) {
        #expect(HeaderLookup.namesMatch(a, b))
    }

    /// Only ASCII letters fold: `@` and `` ` ``, `-` and `_`, or a longer name are other names.
    @Test(arguments: [("x-a", "x_a"), ("a@", "a`"), ("host", "hostx"), ("ﬁ", "FI")])
    func otherNames(a: String, b: String) {
        #expect(!HeaderLookup.namesMatch(a, b))
    }
}
