import Broker
import ProviderInterface
import Testing

@Suite("Registry loading")
struct RegistryLoaderTests {
    func load(_ text: String) throws(RegistryError) -> Registry {
        try RegistryLoader().parse(Array(text.utf8), file: "reg.json", directory: "/etc/broker")
    }

    @Test("a full entry becomes a ProviderEntry with every field")
    func fullEntry() throws {
        let registry = try load(
            """
            {"version": 1, "aliases": {"l8": "meta-llama/Llama-3.1-8B-Instruct"},
             "providers": [{"key": "hf", "adapter": "huggingface", "base_url": "https://router.huggingface.co",
               "urls": {"hub": "https://huggingface.co"}, "auth_env": "HF_TOKEN",
               "region": {"region": "unknown"},
               "served_by": {"scaleway": {"region": "eu", "countries": ["FR"]}, "nscale": {"region": "uk"}},
               "refresh_every": "30m", "timeout": "90s",
               "pricing": {"source": "api", "unit": "usd_per_mtok", "zero": "unknown",
                 "models": [{"model": "m", "input": 0.15, "output": "1.69", "context_length": 8192}]}}]}
            """)
        let entry = try #require(registry.entry("hf"))
        #expect(entry.adapter == "huggingface")
        #expect(entry.urls["hub"] == "https://huggingface.co")
        #expect(entry.urls["registry_dir"] == "/etc/broker")
        #expect(entry.authEnv == "HF_TOKEN")
        #expect(entry.refreshIntervalSeconds == 1800)
        #expect(entry.timeoutMs == 90_000)
        #expect(entry.regionRecord(servedBy: "scaleway").complianceTags == [.euResidency, .gdpr])
        #expect(entry.regionRecord(servedBy: "nscale").complianceTags == [.gdpr])
        #expect(entry.regionRecord(servedBy: "together") == .unknown)
        #expect(entry.pricing.zeroIsFree == false)
        let row = try #require(entry.pricing.table.first)
        #expect(row.price.input == .amount(PicoUSD(150_000)))
        #expect(row.price.output == .amount(PicoUSD(1_690_000)))
        #expect(registry.resolveAlias("l8") == "meta-llama/Llama-3.1-8B-Instruct")
    }

    @Test("every problem is reported at once with its path")
    func allProblems() {
        do {
            _ = try load(
                """
                {"providers": [
                  {"key": "a", "adapter": "x", "base_url": "ftp://nope"},
                  {"key": "Bad Key", "adapter": "x", "base_url": "https://ok.example", "refresh_every": "soon"},
                  {"key": "a", "adapter": "x", "base_url": "https://ok.example", "region": {"region": "mars"}, "extra": 1}
                ]}
                """)
            Issue.record("expected an error")
        } catch {
            let paths = error.issues.map(\.path)
            #expect(paths.contains("providers[0].base_url"))
            #expect(paths.contains("providers[1].key"))
            #expect(paths.contains("providers[1].refresh_every"))
            #expect(paths.contains("providers[2].region.region"))
            #expect(paths.contains("providers[2].extra"))
            #expect(paths.contains("providers[2].key"))  // duplicate
        }
    }

    @Test("a literal credential anywhere in an entry is rejected without echoing it")
    func literalCredential() {
        do {
            _ = try load(
                """
                {"providers": [{"key": "a", "adapter": "x", "base_url": "https://ok.example",
                  "options": {"headers": {"Authorization": "Bearer sk-abcdefghijklmnopqrstuvwxyz"}}}]}
                """)
            Issue.record("expected an error")
        } catch {
            #expect(error.issues.map(\.path) == ["providers[0].options.headers.Authorization"])
            #expect(!error.description.contains("sk-abcdefghijklmnopqrstuvwxyz"))
        }
    }

    @Test("http is accepted for loopback hosts only")
    func loopbackHTTP() throws {
        for url in ["http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]:8000"] {
            let registry = try load(#"{"providers": [{"key": "l", "adapter": "x", "base_url": "\#(url)"}]}"#)
            #expect(registry.entries.count == 1)
        }
    }

    @Test("adapter validation issues are prefixed with the entry path")
    func adapterIssues() {
        let loader = RegistryLoader(validateAdapter: { _ in
            [RegistryIssue(path: "options.models_path", message: "must start with /")]
        })
        do {
            _ = try loader.parse(
                Array(#"{"providers": [{"key": "a", "adapter": "x", "base_url": "https://ok.example"}]}"#.utf8),
                file: "r",
                directory: "/")
            Issue.record("expected an error")
        } catch {
            #expect(error.issues.map(\.description) == ["providers[0].options.models_path: must start with /"])
        }
    }

    @Test("durations parse and print")
    func durations() {
        #expect(DurationText.milliseconds("1h") == 3_600_000)
        #expect(DurationText.milliseconds("1h30m") == 5_400_000)
        #expect(DurationText.milliseconds("250ms") == 250)
        #expect(DurationText.milliseconds("45") == 45_000)
        #expect(DurationText.milliseconds("7d") == 604_800_000)
        #expect(DurationText.milliseconds("soon") == nil)
        #expect(DurationText.milliseconds("5x") == nil)
        #expect(DurationText.format(milliseconds: 5_400_000) == "1h30m")
    }
}

@Suite("Registry loading: exec entries")
struct ExecRegistryTests {
    @Test("an exec plugin entry needs no base URL; other kinds still do")
    func execWithoutBaseURL() throws {
        let registry = try RegistryLoader().parse(
            Array(#"{"providers": [{"key": "p", "adapter": "exec", "options": {"command": "plugin.py"}}]}"#.utf8),
            file: "r",
            directory: "/reg")
        #expect(registry.entries.first?.urls["registry_dir"] == "/reg")
        #expect(throws: RegistryError.self) {
            try RegistryLoader().parse(
                Array(#"{"providers": [{"key": "p", "adapter": "openrouter"}]}"#.utf8), file: "r", directory: "/")
        }
    }
}
