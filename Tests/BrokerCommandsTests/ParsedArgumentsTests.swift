import Broker
import HTTPServer
import ProviderInterface
import Testing

@testable import BrokerCommands

/// The command-line parser, from argv arrays: the typed values each command gets, and the
/// one-line reason (exit 64) it refuses a command line with.
@Suite struct ParsedArgumentsTests {
    /// The options of `command` for `argv` (the arguments after the command words).
    func options<C: BrokerCommand>(_ command: C.Type, _ argv: [String]) throws(UsageError) -> C.Options {
        let configuration = C.configuration
        let parsed = try ParsedArguments.parse(argv, options: configuration.options, arguments: configuration.arguments)
        return try C.Options(parsing: parsed)
    }

    /// The usage error `argv` gets from `command`, or `nil` when it parses.
    func refusal<C: BrokerCommand>(_ command: C.Type, _ argv: [String]) -> String? {
        do {
            _ = try options(command, argv)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("run: every routing and filter option read into its type")
    func runOptions() throws {
        let o = try options(
            RunCommand.self,
            [
                "--model", "m", "--prompt", "hi", "--policy", "fastest", "--provider", "acme:scaleway", "--region",
                "EU",
                "--compliance", "GDPR", "--currency", "eur", "--max-input-price", "0.5", "--max-output-price=2",
                "--max-cost", "0.01", "--param", "max_tokens=64", "--param", "stop=[\"x\"]", "--param", "user=ann",
                "--timeout", "30s", "--max-attempts", "2", "--allow-unpriced", "--include-stale", "--task", "chat",
                "--stream",
            ])
        #expect(o.model == "m")
        #expect(o.prompt == "hi")
        #expect(o.routing.policy == .fastest)
        #expect(o.routing.provider == ProviderPin(key: "acme", servedBy: "scaleway"))
        #expect(o.filters.region == .eu)
        #expect(o.filters.compliance == ComplianceTag("gdpr"))
        #expect(o.filters.currency == "EUR")
        #expect(o.filters.maxInputPrice == PicoUSD(500_000))
        #expect(o.filters.maxOutputPrice == PicoUSD(2_000_000))
        #expect(o.routing.maxCost == PicoUSD(10_000_000_000))
        #expect(
            o.routing.parameters == [
                RunParameter(key: "max_tokens", value: .integer(64)),
                RunParameter(key: "stop", value: .array([.string("x")])),
                RunParameter(key: "user", value: .string("ann")),
            ])
        #expect(o.routing.timeoutMs == 30_000)
        #expect(o.routing.maxAttempts == 2)
        #expect(o.routing.allowUnpriced && o.filters.includeStale && o.stream && !o.explain)
        #expect(o.filters.task == .conversational)
    }

    @Test("defaults come from the declarations when an option is not given")
    func defaults() throws {
        let run = try options(RunCommand.self, [])
        #expect(run.routing.policy == .cheapest)
        #expect(run.routing.maxAttempts == 4)
        #expect(run.routing.provider == nil && run.routing.timeoutMs == nil && run.routing.parameters.isEmpty)
        let usage = try options(UsageCommand.self, [])
        #expect(usage.grouping == .provider && usage.period.lengthMs == nil && !usage.savings)
        let serve = try options(ServeCommand.self, [])
        #expect(serve.host == "127.0.0.1" && serve.port == 8080)
        #expect(serve.refreshIntervalMs == 3_600_000 && serve.graceMs == 10_000 && serve.busyPollMicroseconds == 300)
        #expect(serve.threadModel == nil && serve.initialRefresh && serve.maxAttempts == 4)
        let batch = try options(BatchCommand.self, ["in.jsonl", "--output", "out.jsonl"])
        #expect(batch.inputPath == "in.jsonl" && batch.outputPath == "out.jsonl" && batch.concurrency == 8)
        let audit = try options(AuditPricesCommand.self, [])
        #expect(audit.toleranceBasisPoints == PriceAudit.defaultToleranceBasisPoints)
        let quote = try options(QuoteCommand.self, ["--model", "m", "--tokens-per-day", "1000000"])
        #expect(quote.rentOrCall.precision == "bf16" && quote.rentOrCall.headroomPercent == 20)
        #expect(
            quote.rentOrCall.throughputPerGPU == 1_000 && quote.rentOrCall.utilisationPercent == 50
                && quote.rentOrCall.limit == 5)
    }

    @Test("durations, enums, 'off' and the inline --name=value form")
    func typedValues() throws {
        let usage = try options(UsageCommand.self, ["--since=7d", "--by", "served_by", "--savings"])
        let week: Int64 = 7 * 86_400_000
        #expect(usage.period.lengthMs == week)
        #expect(usage.period.start(nowMs: 10 * 86_400_000) == 3 * 86_400_000)
        #expect(usage.grouping == .servedBy && usage.savings)
        let serve = try options(
            ServeCommand.self,
            ["--refresh-every", "off", "--event-loops", "off", "--busy-poll", "50us", "--host", "localhost"])
        #expect(serve.refreshIntervalMs == nil)
        #expect(serve.threadModel == .threadPerConnection)
        #expect(serve.busyPollMicroseconds == 50)
        #expect(serve.host == "127.0.0.1")
        let refresh = try options(
            RefreshCommand.self, ["--provider", "a", "--provider", "b", "--every", "30m", "--force"])
        #expect(refresh.providers == ["a", "b"] && refresh.intervalMs == 1_800_000 && refresh.force)
    }

    @Test("market and gpus fill the filters the HTTP API shares")
    func filters() throws {
        let market = try options(
            MarketCommand.self,
            ["--provider", "a", "--supports", "tools, vision", "--sort", "context", "--limit", "3", "--history"])
        #expect(market.listing.providers == ["a"] && market.listing.limit == 3)
        #expect(market.supports == [.tools, .vision] && market.sort == .context && market.history)
        let gpus = try options(
            GPUsCommand.self,
            ["--region", "de", "--pricing", "any", "--currency", "eur", "--max-hourly", "2.5", "--min-gpus", "8"])
        #expect(gpus.filters.region == .country("DE"))
        #expect(gpus.filters.pricing == nil)
        #expect(gpus.filters.currency == "EUR")
        #expect(gpus.filters.maxHourly == 2_500_000_000_000)
        #expect(gpus.filters.minGPUs == 8)
        let spot = try options(GPUsCommand.self, ["--pricing", "spot", "--region", "eu"])
        #expect(spot.filters.pricing == .spot && spot.filters.region == .region(.eu))
        let quote = try options(
            QuoteCommand.self, ["--model", "m", "--input-tokens", "100", "--output-tokens", "20", "--region", "uk"])
        #expect(
            quote.filters.inputTokens == 100 && quote.filters.outputTokens == 20 && quote.filters.market.region == .uk)
    }

    @Test("a bad value is one line naming the option and what it takes")
    func badValues() {
        let cases: [(String?, String)] = [
            (
                refusal(RunCommand.self, ["--policy", "slowest"]),
                "--policy must be cheapest, fastest or preferred (got 'slowest')"
            ),
            (
                refusal(RunCommand.self, ["--max-attempts", "0"]),
                "--max-attempts must be a whole number in 1...20 (got '0')"
            ),
            (refusal(RunCommand.self, ["--timeout", "soon"]), "--timeout must be a duration such as 30s (got 'soon')"),
            (
                refusal(RunCommand.self, ["--max-input-price", "cheap"]),
                "--max-input-price must be a price per million tokens (USD, or --currency) such as 0.5 (got 'cheap')"
            ),
            (
                refusal(RunCommand.self, ["--region", "mars"]),
                "--region must be one of eu, uk, ch, us, apac, global, local, unknown (got 'mars')"
            ),
            (refusal(RunCommand.self, ["--param", "=1"]), "--param must be KEY=VALUE (got '=1')"),
            (
                refusal(RunCommand.self, ["--max-cost", "-1"]),
                "--max-cost must be an amount in USD such as 0.01 (got '-1')"
            ),
            (
                refusal(RunCommand.self, ["--currency", "euro"]),
                "--currency must be an ISO 4217 code such as USD or EUR (got 'euro')"
            ),
            (
                refusal(UsageCommand.self, ["--since", "forever"]),
                "--since must be a duration such as 24h or 7d (got 'forever')"
            ),
            (
                refusal(UsageCommand.self, ["--by", "week"]),
                "--by must be provider, model, day, served_by or region (got 'week')"
            ),
            (
                refusal(RefreshCommand.self, ["--every", "0s"]),
                "--every must be a duration of at least 1s such as 30m or 1h (got '0s')"
            ),
            (
                refusal(ServeCommand.self, ["--port", "70000"]),
                "--port must be a whole number in 0...65535 (got '70000')"
            ),
            (refusal(GPUsCommand.self, ["--currency", "GBP"]), "--currency must be USD or EUR (got 'GBP')"),
            (
                refusal(GPUsCommand.self, ["--region", "europe"]),
                "--region must be one of eu, uk, ch, us, apac or a country code such as DE (got 'europe')"
            ),
            (refusal(MarketCommand.self, ["--limit", "0"]), "--limit must be a whole number in 1...1000000 (got '0')"),
            (refusal(MarketCommand.self, ["--sort", "age"]), "--sort must be price, context or model (got 'age')"),
            (
                refusal(MarketCommand.self, ["--supports", "tools,telepathy"]),
                "--supports takes a comma list of tools, json-schema, vision (got 'telepathy')"
            ),
            (
                refusal(QuoteCommand.self, ["--headroom", "30"]),
                "--headroom needs --tokens-per-day (the rent-or-call quote)"
            ),
            (
                refusal(QuoteCommand.self, ["--tokens-per-day", "1", "--precision", "fp4"]),
                "--precision must be one of bf16, fp16, fp32, fp8, int4, int8 (got 'fp4')"
            ),
            (
                refusal(QuoteCommand.self, ["--input-tokens", "many"]),
                "--input-tokens must be a whole number of tokens in 0...1000000000 (got 'many')"
            ),
            (
                refusal(AuditPricesCommand.self, ["--tolerance", "lots"]),
                "--tolerance must be a percentage such as 5 or 2.5 (got 'lots')"
            ),
        ]
        for (got, expected) in cases {
            #expect(got == expected)
        }
        #expect(refusal(RunCommand.self, ["--input", "{"])?.hasPrefix("--input is not valid JSON: ") == true)
    }

    @Test("unknown options, missing values, repeats and stray arguments are refused")
    func badCommandLines() {
        #expect(refusal(MarketCommand.self, ["--bogus"]) == "unknown option '--bogus'")
        #expect(refusal(MarketCommand.self, ["--lim", "3"]) == "unknown option '--lim' (did you mean '--limit'?)")
        #expect(refusal(MarketCommand.self, ["--limit"]) == "--limit needs a value (N)")
        #expect(refusal(MarketCommand.self, ["--limit", "1", "--limit", "2"]) == "--limit may be given only once")
        #expect(refusal(MarketCommand.self, ["--include-stale=yes"]) == "--include-stale takes no value")
        #expect(refusal(ProvidersCheckCommand.self, ["extra"]) == "unexpected argument 'extra'")
        #expect(refusal(BatchCommand.self, ["--output", "o.jsonl"]) == "missing argument IN.jsonl")
        #expect(refusal(BatchCommand.self, ["in.jsonl"]) == "--output OUT.jsonl is required")
        // An option of another command is unknown here, though it has the same spelling elsewhere.
        #expect(refusal(UsageCommand.self, ["--model", "m"]) == "unknown option '--model'")
    }

    @Test("global options parse into their own group, --format twice keeps the last")
    func globalOptions() throws {
        let parsed = try ParsedArguments.parse(
            ["--store", "s.db", "--registry=r.json", "--format", "csv", "--format", "json"], options: [], arguments: [])
        let global = try GlobalOptions(parsing: parsed)
        #expect(global.store == "s.db" && global.registry == "r.json" && global.format == .json && !global.help)
        let bad = try ParsedArguments.parse(["--format", "xml"], options: [], arguments: [])
        #expect(throws: UsageError.self) { try GlobalOptions(parsing: bad) }
        #expect(try GlobalOptions(parsing: ParsedArguments.parse(["-h"], options: [], arguments: [])).help)
    }
}
