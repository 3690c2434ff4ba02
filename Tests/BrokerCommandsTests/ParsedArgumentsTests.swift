import Testing

@testable import BrokerCommands

/// The command-line parser, from argv arrays: what it accepts, and the one-line reason it refuses.
@Suite struct ParsedArgumentsTests {
    static let options: [OptionSpec] = [
        .value("--provider", "KEY", "A provider.", repeatable: true),
        .value("--limit", "N", "At most N."),
        .flag("--include-stale", "Stale too."),
    ]

    func parse(_ argv: [String]) throws(UsageError) -> ParsedArguments {
        try ParsedArguments.parse(argv, options: Self.options, arguments: [])
    }

    func reason(_ argv: [String]) -> String? {
        do {
            _ = try parse(argv)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("values, repeated values, inline values and flags")
    func values() throws {
        let parsed = try parse(["--provider", "a", "--provider=b", "--include-stale", "--limit", "3", "--store=s.db"])
        #expect(parsed.all("--provider") == ["a", "b"])
        #expect(parsed.value("--limit") == "3")
        #expect(parsed.has("--include-stale"))
        #expect(parsed.value("--store") == "s.db")
    }

    @Test("unknown options, missing values and repeated single options are one-line usage errors")
    func errors() {
        #expect(reason(["--bogus"]) == "unknown option '--bogus'")
        #expect(reason(["--lim", "3"]) == "unknown option '--lim' (did you mean '--limit'?)")
        #expect(reason(["--limit"]) == "--limit needs a value (N)")
        #expect(reason(["--limit", "1", "--limit", "2"]) == "--limit may be given only once")
        #expect(reason(["--include-stale=yes"]) == "--include-stale takes no value")
        #expect(reason(["extra"]) == "unexpected argument 'extra'")
    }
}
