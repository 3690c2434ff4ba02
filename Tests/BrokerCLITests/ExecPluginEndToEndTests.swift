import Foundation
import ProviderSimulator
import Testing

@Suite("exec plugins through the broker command")
struct ExecPluginEndToEndTests {
    static var examplePlugin: String {
        BrokerProcess.repositoryRoot.appendingPathComponent("examples/plugin_example.py").path
    }

    func writeScript(_ dir: URL, _ name: String, _ body: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try body.write(to: url, atomically: true, encoding: .utf8)
        chmod(url.path, 0o755)
        return url.path
    }

    @Test("the example plugin lists, prices and runs through the CLI, plain and streamed")
    func examplePluginEndToEnd() async throws {
        let dir = try BrokerProcess.temporaryDirectory()
        let registry = dir.appendingPathComponent("reg.json")
        try """
        {"providers": [{"key": "example", "adapter": "exec", "region": {"region": "eu", "countries": ["DE"]},
          "timeout": "20s", "options": {"command": "\(Self.examplePlugin)"}}]}
        """.write(to: registry, atomically: true, encoding: .utf8)
        let env = ["BROKER_REGISTRY": registry.path, "BROKER_STORE": dir.appendingPathComponent("m.sqlite3").path]
        let check = try await BrokerProcess.run(["providers", "check"], environment: env)
        #expect(check.code == 0, "\(check.stderr)")
        let refresh = try await BrokerProcess.run(["refresh", "--format", "json"], environment: env)
        #expect(refresh.code == 0, "\(refresh.stderr)")
        let market = try await BrokerProcess.run(["market", "--format", "json", "--sort", "model"], environment: env)
        let offers = try #require(try JSONSerialization.jsonObject(with: Data(market.stdout.utf8)) as? [[String: Any]])
        #expect(offers.count == 3)
        let large = try #require(offers.first { $0["model"] as? String == "echo-large" })
        #expect((large["input_usd_per_mtok"] as? NSNumber)?.stringValue == "0.88")
        #expect(large["region"] as? String == "eu")
        #expect(offers.first { $0["model"] as? String == "echo-preview" }?["price_state"] as? String == "unknown")

        let run = try await BrokerProcess.run(
            ["run", "--model", "echo-small", "--prompt", "hello plugin", "--format", "json"], environment: env)
        #expect(run.code == 0, "\(run.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(result["output"] as? String == "HELLO PLUGIN")
        // 2 input and 2 output tokens at $0.10 / $0.20 per million: 600,000 pico = 600 nano-USD.
        #expect(result["cost_nano_usd"] as? Int == 600)
        // A plugin answers over stdout, not HTTP: its attempt has no status to report.
        #expect((result["attempts"] as? [[String: Any]])?.first?["status"] is NSNull)
        let stream = try await BrokerProcess.run(
            ["run", "--model", "example-org/Echo-Small", "--prompt", "two words", "--stream", "--format", "table"],
            environment: env)
        #expect(stream.stdout == "TWO WORDS\n")
    }

    @Test(
        "crashing, hanging and garbage-writing plugins are reported with their stderr; the other providers still refresh"
    )
    func brokenPlugins() async throws {
        let market = try SimulatedMarket(extraProviders: "")
        defer { market.stop() }
        let crash = try writeScript(
            market.dir, "crash.sh", "#!/bin/sh\necho 'plugin exploded: missing config' >&2\nexit 3\n")
        let hang = try writeScript(market.dir, "hang.sh", "#!/bin/sh\necho 'waiting forever' >&2\nsleep 300\n")
        let garbage = try writeScript(market.dir, "garbage.sh", "#!/bin/sh\nread line\necho 'this is not json'\n")
        var text = try String(contentsOf: market.registry, encoding: .utf8)
        let extra = [("crashy", crash, "10s"), ("hangy", hang, "1s"), ("noisy", garbage, "10s")].map {
            key, path, timeout in
            #", {"key": "\#(key)", "adapter": "exec", "timeout": "\#(timeout)", "options": {"command": "\#(path)"}}"#
        }.joined()
        text = text.replacingOccurrences(of: "\n]}", with: extra + "\n]}")
        try text.write(to: market.registry, atomically: true, encoding: .utf8)

        let started = Date()
        let (refresh, json) = try await market.json(["refresh"])
        #expect(refresh.code == 75)
        // The hanging plugin is given up after its 1 s timeout, not waited for (300 s); the
        // bound is wide because a full test run on two busy cores makes every child slow.
        #expect(Date().timeIntervalSince(started) < 90)
        let runs = try #require(json as? [[String: Any]])
        func run(_ key: String) -> [String: Any]? { runs.first { $0["provider"] as? String == key } }
        #expect(run("acme")?["status"] as? String == "ok")
        #expect(run("hf")?["status"] as? String == "ok")
        #expect(run("crashy")?["status"] as? String == "failed")
        #expect((run("crashy")?["error"] as? String)?.contains("plugin exploded: missing config") == true)
        #expect(run("hangy")?["status"] as? String == "failed")
        #expect((run("hangy")?["error"] as? String)?.contains("timeout") == true)
        #expect(run("noisy")?["status"] as? String == "failed")
        #expect((run("noisy")?["error"] as? String)?.contains("malformed") == true)
    }
}
