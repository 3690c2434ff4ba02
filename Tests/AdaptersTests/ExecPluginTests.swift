import Foundation
import ProviderInterface
import Testing

@testable import Adapters

@Suite("Exec plugin: the example plugin")
struct ExecPluginExampleTests {
    func adapter() throws -> ExecPluginAdapter {
        let entry = ProviderEntry(
            key: "example", adapter: "exec", baseURL: "", urls: ["registry_dir": ExecPluginTest.examplesDirectory],
            options: JSONObject([("command", .string("plugin_example.py"))]))
        return try ExecPluginTest.adapter(entry)
    }

    @Test func listsItsCatalog() async throws {
        let catalog = try await adapter().listModels()
        #expect(catalog.models.map(\.id) == ["echo-small", "echo-large", "echo-preview"])
        #expect(catalog.models[0].hfID == "example-org/Echo-Small")
        #expect(catalog.models[0].contextLength == 8192)
        #expect(catalog.models[2].hfID == nil)
        #expect(catalog.models.allSatisfy { $0.task == .conversational })
    }

    @Test func pricesExactlyWithUnknownKeptUnknown() async throws {
        let quotes = try await adapter().getPricing()
        let byModel = Dictionary(uniqueKeysWithValues: quotes.map { ($0.model, $0.price) })
        #expect(byModel["echo-small"]?.input == .amount(PicoUSD(100_000)))
        #expect(byModel["echo-small"]?.output == .amount(PicoUSD(200_000)))
        #expect(byModel["echo-large"]?.input == .amount(PicoUSD(880_000)))
        #expect(byModel["echo-large"]?.output == .amount(PicoUSD(1_200_000)))
        #expect(byModel["echo-preview"]?.state == .unknown)
    }

    @Test func runsAPlainRequest() async throws {
        let response = try await adapter().runInference(ExecPluginTest.chat("echo-small", "hello plugin world"))
        #expect(response.output == .text("HELLO PLUGIN WORLD"))
        #expect(response.usage == TokenUsage(inputTokens: 3, outputTokens: 3))
        #expect(response.finishReason == "stop")
    }

    @Test func streamsDeltasThenUsageThenFinish() async throws {
        let stream = try await adapter().streamInference(ExecPluginTest.chat("echo-large", "stream me please"))
        var events: [InferenceEvent] = []
        for try await event in stream { events.append(event) }
        #expect(
            events == [
                .delta("STREAM "), .delta("ME "), .delta("PLEASE"), .usage(TokenUsage(inputTokens: 3, outputTokens: 3)),
                .finished(reason: "stop"),
            ])
    }

    @Test func pluginErrorKeepsItsCode() async throws {
        let adapter = try adapter()
        let error = await ExecPluginTest.error { () async throws(ProviderError) in
            try await adapter.runInference(ExecPluginTest.chat("nope", "hi"))
        }
        #expect(error?.code == .notServed)
        #expect(error?.message.contains("'nope' is not served") == true)
        #expect(error?.isRetryable == true)
    }

    @Test func factoryBuildsTheExecKind() throws {
        let entry = ProviderEntry(
            key: "example", adapter: "exec", baseURL: "",
            options: JSONObject([("command", .string(ExecPluginTest.examplePlugin))]))
        #expect(AdapterFactory.standard.validate(entry).isEmpty)
        let provider = try AdapterFactory.standard.make(
            entry, context: AdapterContext(environment: [:], transport: ExecPluginNoTransport()))
        #expect(provider.key == "example")
    }
}

@Suite("Exec plugin: misbehaving plugins")
struct ExecPluginFailureTests {
    @Test func crashingPluginIsAProviderErrorWithRedactedStderr() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script(
            "crash.sh",
            """
            #!/bin/sh
            echo "loading weights with token $CRASH_TOKEN" >&2
            echo "fatal: out of GPU memory" >&2
            exit 3
            """)
        let adapter = try ExecPluginTest.adapter(
            sandbox.entry(command: "crash.sh", authEnv: "CRASH_TOKEN"),
            environment: ["CRASH_TOKEN": "sk-secret-crash-123"])
        let error = await ExecPluginTest.error { () async throws(ProviderError) in try await adapter.listModels() }
        let e = try #require(error)
        #expect(e.code == .providerError)
        #expect(e.message.contains("exited with status 3"))
        #expect(e.message.contains("fatal: out of GPU memory"))
        #expect(e.message.contains("[REDACTED]"))
        #expect(!e.description.contains("sk-secret-crash-123"))
    }

    @Test func pluginKilledBySignalNamesTheSignal() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script("segv.sh", "#!/bin/sh\necho 'about to crash' >&2\nkill -SEGV $$\n")
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "segv.sh"))
        let error = await ExecPluginTest.error { () async throws(ProviderError) in try await adapter.getPricing() }
        #expect(error?.code == .providerError)
        #expect(error?.message.contains("signal 11 (SIGSEGV)") == true)
        #expect(error?.message.contains("about to crash") == true)
    }

    @Test func hangingPluginTimesOutAndIsKilled() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script(
            "hang.sh",
            """
            #!/bin/sh
            echo $$ > "$PWD/pid"
            echo "warming up the model" >&2
            sleep 30
            """)
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "hang.sh", timeoutMs: 300))
        let start = ContinuousClock.now
        let error = await ExecPluginTest.error { () async throws(ProviderError) in
            try await adapter.runInference(ExecPluginTest.chat("m", "hi"))
        }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("within 0.3 s") == true)
        #expect(error?.message.contains("warming up the model") == true)
        // the plugin would sleep 30 s; generous for a loaded machine (14 s seen with the whole suite on 2 busy cores)
        #expect(elapsed < .seconds(25))
        let pid = try #require(
            Int32(
                String(contentsOfFile: sandbox.directory + "/pid", encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        #expect(!ExecPluginTest.isAlive(pid))
    }

    @Test func requestTimeoutOverridesTheEntryTimeout() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script("slow.sh", "#!/bin/sh\nsleep 30\n")
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "slow.sh", timeoutMs: 60_000))
        let error = await ExecPluginTest.error { () async throws(ProviderError) in
            try await adapter.runInference(ExecPluginTest.chat("m", "hi", timeoutMs: 200))
        }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("(stderr empty)") == true)
    }

    @Test func garbageOnStdoutIsAMalformedResponse() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script(
            "garbage.sh",
            """
            #!/bin/sh
            echo "DeprecationWarning: something" >&2
            echo "Hello, I am not JSON"
            sleep 30
            """)
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "garbage.sh"))
        let start = ContinuousClock.now
        let error = await ExecPluginTest.error { () async throws(ProviderError) in try await adapter.listModels() }
        #expect(error?.code == .malformedResponse)
        #expect(error?.message.contains("not JSON: Hello, I am not JSON") == true)
        #expect(error?.message.contains("DeprecationWarning: something") == true)
        // not the 30 s the plugin sleeps (14 s seen on 2 busy cores)
        #expect(ContinuousClock.now - start < .seconds(25))
    }

    @Test func answerForAnotherIdIsMalformed() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script("wrongid.sh", "#!/bin/sh\necho '{\"id\":-5,\"ok\":true,\"result\":{\"models\":[]}}'\n")
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "wrongid.sh"))
        let error = await ExecPluginTest.error { () async throws(ProviderError) in try await adapter.listModels() }
        #expect(error?.code == .malformedResponse)
        #expect(error?.message.contains("answered id -5") == true)
    }

    @Test func pluginThatExitsWithoutAnsweringIsMalformed() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script("silent.sh", "#!/bin/sh\nexit 0\n")
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "silent.sh"))
        let error = await ExecPluginTest.error { () async throws(ProviderError) in try await adapter.listModels() }
        #expect(error?.code == .malformedResponse)
        #expect(error?.message.contains("exited without answering") == true)
    }

    @Test func missingCommandIsReportedWithItsName() async throws {
        let sandbox = try ExecPluginSandbox()
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "no_such_plugin"))
        let error = await ExecPluginTest.error { () async throws(ProviderError) in try await adapter.listModels() }
        #expect(error?.code == .providerError)
        #expect(error?.message.contains("'no_such_plugin' not found") == true)
    }

    @Test func pricesWithoutAUnitAreRejected() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script(
            "nounit.py",
            """
            #!/usr/bin/env python3
            import json, sys
            req = json.loads(sys.stdin.readline())
            print(json.dumps({"id": req["id"], "ok": True, "result": {"prices": [{"model": "m", "input": "1", "output": "2"}]}}))
            """)
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "nounit.py"))
        let error = await ExecPluginTest.error { () async throws(ProviderError) in try await adapter.getPricing() }
        #expect(error?.code == .malformedResponse)
        #expect(error?.message.contains("prices[0].unit") == true)
    }
}

@Suite("Exec plugin: environment and options")
struct ExecPluginEnvironmentTests {
    @Test func pluginSeesOnlyTheVariablesItsEntryNames() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script(
            "env.py",
            """
            #!/usr/bin/env python3
            import json, os, sys
            req = json.loads(sys.stdin.readline())
            print(json.dumps({"id": req["id"], "ok": True, "result": {"output": dict(os.environ)}}), flush=True)
            """)
        let adapter = try ExecPluginTest.adapter(
            sandbox.entry(command: "env.py", env: ["PLUGIN_REGION"], authEnv: "PLUGIN_TOKEN"),
            environment: ["PLUGIN_TOKEN": "tok-123456", "PLUGIN_REGION": "eu-west", "OTHER_SECRET": "must-not-leak"])
        let response = try await adapter.runInference(ExecPluginTest.chat("m", "hi"))
        guard case .json(let env) = response.output else {
            Issue.record("expected JSON output, got \(response.output)")
            return
        }
        #expect(env["PLUGIN_TOKEN"]?.stringValue == "tok-123456")
        #expect(env["PLUGIN_REGION"]?.stringValue == "eu-west")
        #expect(env["PATH"] != nil)
        #expect(env["OTHER_SECRET"] == nil)
        #expect(env["HOME"]?.stringValue == ExecPluginTest.baseEnvironment["HOME"])
    }

    @Test func argsArePassedAndRelativeCommandsResolveAgainstTheRegistry() async throws {
        let sandbox = try ExecPluginSandbox()
        try FileManager.default.createDirectory(
            atPath: sandbox.directory + "/plugins", withIntermediateDirectories: true)
        try sandbox.script(
            "plugins/args.py",
            """
            #!/usr/bin/env python3
            import json, os, sys
            req = json.loads(sys.stdin.readline())
            print(json.dumps({"id": req["id"], "ok": True, "result": {"output": " ".join(sys.argv[1:]) + "|" + os.getcwd()}}))
            """)
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "plugins/args.py", args: ["--mode", "fast"]))
        let response = try await adapter.runInference(ExecPluginTest.chat("m", "hi"))
        let realDirectory = URL(fileURLWithPath: sandbox.directory).resolvingSymlinksInPath().path
        #expect(response.output == .text("--mode fast|\(realDirectory)"))
    }

    @Test func validationNamesEveryBadOption() {
        let entry = ProviderEntry(
            key: "p", adapter: "exec", baseURL: "",
            options: JSONObject([("args", .string("--x")), ("env", ["OK_NAME", "bad-name"]), ("comand", "typo")]))
        let issues = ExecPluginOptions.validate(entry).map(\.path)
        #expect(issues.contains("options.command"))
        #expect(issues.contains("options.args"))
        #expect(issues.contains("options.env[1]"))
        #expect(issues.contains("options.comand"))
    }

    @Test func droppingAStreamStopsThePlugin() async throws {
        let sandbox = try ExecPluginSandbox()
        try sandbox.script(
            "endless.py",
            """
            #!/usr/bin/env python3
            import json, os, sys, time
            req = json.loads(sys.stdin.readline())
            open(os.path.join(os.getcwd(), "pid"), "w").write(str(os.getpid()))
            while True:
                print(json.dumps({"id": req["id"], "event": {"delta": "x"}}), flush=True)
                time.sleep(0.01)
            """)
        let adapter = try ExecPluginTest.adapter(sandbox.entry(command: "endless.py", timeoutMs: 20_000))
        // A consumer that reads three deltas, then drops the stream.
        func readThree() async throws -> Int {
            let stream = try await adapter.streamInference(ExecPluginTest.chat("m", "hi"))
            var count = 0
            for try await event in stream {
                if case .delta = event { count += 1 }
                if count == 3 { break }
            }
            return count
        }
        #expect(try await readThree() == 3)
        let pidText = try String(contentsOfFile: sandbox.directory + "/pid", encoding: .utf8)
        let pid = try #require(Int32(pidText))
        var alive = true
        for _ in 0..<200 where alive {
            try await Task.sleep(for: .milliseconds(10))
            alive = ExecPluginTest.isAlive(pid)
        }
        #expect(!alive)
    }
}
