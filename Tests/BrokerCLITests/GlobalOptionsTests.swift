import Foundation
import ProviderSimulator
import Testing

/// DESIGN.md's synopsis, `broker [--registry PATH] [--store PATH] [--format F] COMMAND …`:
/// global options work before, between and after the command words, with one meaning.
@Suite("global options anywhere on the command line")
struct GlobalOptionsTests {
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    /// The command line with the global options placed before, between and after the command
    /// words (for a one-word command, "between" is after the word and before its arguments),
    /// and split across all three places.
    static func placements(words: [String], arguments: [String], globals: [[String]]) -> [String: [String]] {
        let flat = globals.flatMap { $0 }
        var result = [
            "before": flat + words + arguments,
            "between": [words[0]] + flat + words.dropFirst() + arguments,
            "after": words + arguments + flat,
        ]
        if globals.count >= 3 {
            result["split"] =
                globals[0] + [words[0]] + globals[1] + words.dropFirst() + arguments + globals[2...].flatMap { $0 }
        }
        return result
    }

    /// Output with the figures that differ from one run to the next (timings, request ids) removed.
    static func normalized(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let data = line.data(using: .utf8), let value = try? JSONSerialization.jsonObject(with: data) else {
                return String(line)
            }
            let cleaned = strip(value)
            guard let out = try? JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys]) else {
                return String(line)
            }
            return String(decoding: out, as: UTF8.self)
        }.joined(separator: "\n")
    }

    /// Diagnostics with their timings (`· 4 ms`) blanked.
    static func withoutTimings(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d+ ms"#, with: "N ms", options: .regularExpression)
    }

    static func strip(_ value: Any) -> Any {
        let volatile: Set<String> = ["latency_ms", "duration_ms", "request_id", "first_token_ms"]
        if let object = value as? [String: Any] {
            return object.filter { !volatile.contains($0.key) }.mapValues(strip)
        }
        if let array = value as? [Any] { return array.map(strip) }
        return value
    }

    /// Runs `words arguments` with the registry, store and format given as options in every
    /// placement, without `$BROKER_REGISTRY`/`$BROKER_STORE`, and expects identical results.
    func expectSameEverywhere(
        _ market: SimulatedMarket, _ words: [String], _ arguments: [String] = [], format: String? = "json",
        registry: URL? = nil, before: (() throws -> Void)? = nil, output: URL? = nil
    ) async throws -> BrokerProcess.Result {
        let globals =
            [["--registry", (registry ?? market.registry).path], ["--store", market.store.path]]
            + (format.map { [["--format", $0]] } ?? [])
        let environment = ["TEST_HF_TOKEN": SimulatedMarket.hfToken, "ACME_KEY": SimulatedMarket.acmeKey]
        var seen: [(String, Int32, String, String)] = []
        for (placement, args) in Self.placements(words: words, arguments: arguments, globals: globals).sorted(by: {
            $0.key < $1.key
        }) {
            try before?()
            let result = try await BrokerProcess.run(args, environment: environment)
            let written = try output.map { try String(contentsOf: $0, encoding: .utf8) } ?? ""
            seen.append(
                (placement, result.code, Self.normalized(result.stdout + written), Self.withoutTimings(result.stderr)))
        }
        let first = try #require(seen.first)
        for other in seen.dropFirst() {
            #expect(other.1 == first.1, "\(words) \(other.0) vs \(first.0): exit code")
            #expect(other.2 == first.2, "\(words) \(other.0) vs \(first.0): stdout\n\(other.2)\n---\n\(first.2)")
            #expect(other.3 == first.3, "\(words) \(other.0) vs \(first.0): stderr\n\(other.3)\n---\n\(first.3)")
        }
        return BrokerProcess.Result(code: first.1, stdout: first.2, stderr: first.3)
    }

    @Test("every command gives the same output with the global options before, between or after its words")
    func everyCommandEveryPlacement() async throws {
        let market = try SimulatedMarket()
        defer { market.stop() }
        // refresh first: the later commands read what it stored.
        let refresh = try await expectSameEverywhere(market, ["refresh"], ["--provider", "hf"])
        #expect(refresh.code == 0, "\(refresh.stderr)")
        #expect(refresh.stdout.contains("\"status\":\"ok\""))

        let providers = try await expectSameEverywhere(market, ["providers"])
        #expect(providers.code == 0, "\(providers.stderr)")
        #expect(providers.stdout.contains("\"hf\""))
        // The `--name=value` spelling works before the command too.
        let inline = try await BrokerProcess.run(
            ["--registry=\(market.registry.path)", "--store=\(market.store.path)", "--format=json", "providers"],
            environment: ["TEST_HF_TOKEN": SimulatedMarket.hfToken, "ACME_KEY": SimulatedMarket.acmeKey])
        #expect(inline.code == 0, "\(inline.stderr)")
        #expect(Self.normalized(inline.stdout) == providers.stdout)
        let check = try await expectSameEverywhere(market, ["providers", "check"])
        #expect(check.code == 0, "\(check.stderr)")
        #expect(check.stdout.contains(market.registry.lastPathComponent))

        let offers = try await expectSameEverywhere(market, ["market"], ["--model", Self.llama8B, "--sort", "price"])
        #expect(offers.code == 0, "\(offers.stderr)")
        #expect(offers.stdout.contains("\"served_by\":\"groq\""))
        let table = try await expectSameEverywhere(market, ["market"], ["--model", Self.llama8B], format: "csv")
        #expect(table.stdout.hasPrefix("provider,"))

        let run = try await expectSameEverywhere(
            market, ["run"], ["--model", Self.llama8B, "--prompt", "hello globals"])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"output\":\"hello globals\""))
        let plain = try await expectSameEverywhere(
            market, ["run"], ["--model", Self.llama8B, "--prompt", "plain"], format: "table")
        #expect(plain.stdout == "plain\n")

        let input = market.dir.appendingPathComponent("in.jsonl")
        let output = market.dir.appendingPathComponent("out.jsonl")
        try #"{"id": "a", "model": "\#(Self.llama8B)", "prompt": "batch line"}"#.appending("\n")
            .write(to: input, atomically: true, encoding: .utf8)
        let batch = try await expectSameEverywhere(
            market, ["batch"], [input.path, "--output", output.path],
            before: { try? FileManager.default.removeItem(at: output) }, output: output)
        #expect(batch.code == 0, "\(batch.stderr)")
        #expect(batch.stdout.contains("\"output\":\"batch line\""))

        // Two runs and one batch line per placement (four placements) are in the ledger.
        let usage = try await expectSameEverywhere(market, ["usage"], ["--by", "provider"])
        #expect(usage.code == 0, "\(usage.stderr)")
        #expect(usage.stdout.contains("\"requests\":12"), "\(usage.stdout)")

        // serve reads the same registry option wherever it is: a missing file is the same error.
        let serve = try await expectSameEverywhere(
            market, ["serve"], ["--port", "0", "--no-initial-refresh"], format: nil,
            registry: market.dir.appendingPathComponent("absent.json"))
        #expect(serve.code == 65, "\(serve.stderr)")
        #expect(serve.stderr.contains("absent.json"))
    }

    @Test("bad usage is exactly one line on stderr, exit 64, nothing on stdout")
    func badUsageIsOneLine() async throws {
        let dir = try BrokerProcess.temporaryDirectory()
        let store = dir.appendingPathComponent("m.sqlite3").path
        let cases: [([String], String)] = [
            ([], "no command given"),
            (["--store", store], "no command given"),
            (["--format", "json", "--registry", "r.json"], "no command given"),
            (["--bogus", "providers"], "unknown option '--bogus'"),
            (["frobnicate"], "unknown command 'frobnicate'"),
            (["--store", store, "frobnicate", "providers"], "unknown command 'frobnicate'"),
            (["providers", "--store"], "--store needs a value"),
            (["--store", store, "market", "--no-such-flag"], "unknown option '--no-such-flag'"),
            (["market", "--format", "xml"], "--format must be table, json or csv"),
            (["providers", "check", "extra"], "unexpected argument 'extra'"),
            // A bad value is bad usage before the registry is read (this one does not exist).
            (
                ["--registry", "/nonexistent/r.json", "market", "--limit", "0"],
                "--limit must be a whole number in 1...1000000"
            ),
            (["usage", "--since=forever"], "--since must be a duration such as 24h or 7d (got 'forever')"),
            (
                ["--store", store, "run", "--model", "m", "--prompt", "hi", "--policy", "slowest"],
                "--policy must be cheapest, fastest or preferred"
            ),
        ]
        for (args, reason) in cases {
            let result = try await BrokerProcess.run(args)
            #expect(result.code == 64, "\(args)")
            #expect(result.stdout.isEmpty, "\(args): \(result.stdout)")
            #expect(
                result.stderr.hasSuffix("\n") && result.stderr.split(separator: "\n").count == 1,
                "\(args): \(result.stderr)")
            #expect(result.stderr.contains(reason), "\(args): \(result.stderr)")
        }
    }

    @Test("--help and --version keep working, before and after the command, on stdout")
    func helpAndVersion() async throws {
        let help = try await BrokerProcess.run(["--help"])
        #expect(help.code == 0)
        #expect(help.stderr.isEmpty)
        #expect(help.stdout.contains("USAGE: broker [--registry PATH] [--store PATH] [--format F] COMMAND …"))
        let version = try await BrokerProcess.run(["--version"])
        #expect(version.code == 0)
        #expect(version.stdout.hasPrefix("broker "))
        let before = try await BrokerProcess.run(["--store", "/tmp/x.sqlite3", "--help", "providers", "check"])
        let after = try await BrokerProcess.run(["providers", "check", "--help"])
        #expect(before.code == 0)
        #expect(before.stdout == after.stdout)
        #expect(after.stdout.contains("USAGE: broker [--registry PATH] [--store PATH] providers check"))
    }
}
