import Foundation
import ProviderSimulator
import Testing

@Suite("broker batch")
struct BatchEndToEndTests {
    static let llama8B = "meta-llama/Llama-3.1-8B-Instruct"

    func refreshed() async throws -> SimulatedMarket {
        let market = try SimulatedMarket()
        #expect(try await market.broker(["refresh", "--provider", "hf"]).code == 0)
        return market
    }

    func input(_ market: SimulatedMarket, _ lines: [String]) throws -> URL {
        let url = market.dir.appendingPathComponent("in.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func results(_ url: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("each line gets one result; bad lines name their line number and the exit code is 65")
    func badLines() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        var lines = (1...6).map { #"{"id": "r\#($0)", "model": "\#(Self.llama8B)", "prompt": "hello \#($0)"}"# }
        lines.append("{not json")
        lines.append(#"{"model": "\#(Self.llama8B)", "prompt": "no id"}"#)
        lines.append(#"{"id": "r1", "model": "\#(Self.llama8B)", "prompt": "duplicate"}"#)
        lines.append(#"{"id": "m", "messages": [{"role": "user", "content": "x"}]}"#)
        let inURL = try input(market, lines)
        let outURL = market.dir.appendingPathComponent("out.jsonl")
        let result = try await market.broker(["batch", inURL.path, "--output", outURL.path, "--concurrency", "3"])
        #expect(result.code == 65, "\(result.stderr)")
        let rows = try results(outURL)
        #expect(rows.count == 10)
        let ok = rows.filter { $0["ok"] as? Bool == true }
        #expect(ok.count == 6)
        let r3 = try #require(ok.first { $0["id"] as? String == "r3" })
        #expect(r3["output"] as? String == "hello 3")
        #expect(r3["provider"] as? String == "hf")
        #expect(r3["cost_nano_usd"] is Int)
        #expect((r3["attempts"] as? [[String: Any]])?.map { $0["status"] as? Int } == [200])
        let bad = rows.filter { $0["ok"] as? Bool == false }
        #expect(bad.count == 4)
        #expect(bad.contains { ($0["error"] as? String)?.contains("in.jsonl:7: not JSON") == true })
        #expect(bad.contains { ($0["error"] as? String)?.contains("in.jsonl:8: \"id\" is required") == true })
        #expect(bad.contains { ($0["error"] as? String)?.contains("in.jsonl:9: duplicate id") == true })
        #expect(bad.contains { ($0["error"] as? String)?.contains("in.jsonl:10: model is required") == true })
        #expect(result.stderr.contains("6 ok"))
    }

    @Test("temporary failures exit 75 and are retried by a rerun, leaving exactly one result per id")
    func rerunRetriesFailures() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        let inURL = try input(
            market, (1...8).map { #"{"id": \#($0), "model": "\#(Self.llama8B)", "prompt": "p\#($0)"}"# })
        let outURL = market.dir.appendingPathComponent("out.jsonl")
        market.simulator.inject(.serverError(500), pathPrefix: "/v1/chat/completions", count: 12)
        let first = try await market.broker(["batch", inURL.path, "--output", outURL.path, "--concurrency", "1"])
        #expect(first.code == 75)
        let failedFirst = try results(outURL).filter { $0["ok"] as? Bool == false }.count
        #expect(failedFirst > 0)
        market.simulator.clearFaults()
        let second = try await market.broker(["batch", inURL.path, "--output", outURL.path])
        #expect(second.code == 0, "\(second.stderr)")
        let rows = try results(outURL)
        #expect(rows.count == 8)
        #expect(Set(rows.compactMap { $0["id"] as? Int }) == Set(1...8))
        #expect(rows.allSatisfy { $0["ok"] as? Bool == true })
    }

    @Test("a batch killed with SIGKILL and rerun ends with exactly one result per id")
    func sigkillResume() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        let count = 40
        let inURL = try input(
            market, (1...count).map { #"{"id": "k\#($0)", "model": "\#(Self.llama8B)", "prompt": "p\#($0)"}"# })
        let outURL = market.dir.appendingPathComponent("out.jsonl")
        // Slow enough that the whole batch (20 rounds of two) outlasts a test task delayed by a busy suite.
        market.simulator.inject(.slowFirstByte(ms: 250), pathPrefix: "/v1/chat/completions", count: 10_000)
        for _ in 0..<2 {
            let child = try ChildProcess(
                BrokerProcess.executable.path, ["batch", inURL.path, "--output", outURL.path, "--concurrency", "2"],
                environment: market.environment.merging(["PATH": "/usr/bin:/bin", "HOME": market.dir.path]) { a, _ in a
                },
                output: .null, errors: .null)
            // Kill it part-way: once some results are written, before all are.
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                let done = (try? results(outURL).count) ?? 0
                if done >= 4 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            child.send(SIGKILL)
            let ended = try await onOwnThread { child.wait() }
            #expect(ended == .signal(SIGKILL))
        }
        let partial = try results(outURL).count
        #expect(partial < count)
        market.simulator.clearFaults()
        let final = try await market.broker(["batch", inURL.path, "--output", outURL.path, "--concurrency", "4"])
        #expect(final.code == 0, "\(final.stderr)")
        let rows = try results(outURL)
        let ids = rows.compactMap { $0["id"] as? String }
        #expect(ids.count == count)
        #expect(Set(ids).count == count)
        #expect(rows.allSatisfy { $0["ok"] as? Bool == true })
        // Every line of the file is complete JSON: no partial line survived the kills.
        let text = try String(contentsOf: outURL, encoding: .utf8)
        #expect(text.split(separator: "\n").count == count)
    }

    @Test(
        "CRLF line endings and a UTF-8 BOM: every line runs, an unreadable line gets its own numbered result, no_offer names file:line"
    )
    func crlfAndBOM() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        let good = (1...6).map { #"{"id": "c\#($0)", "model": "\#(Self.llama8B)", "prompt": "crlf \#($0)"}"# }
        for line in good.prefix(3) { bytes += Array(line.utf8) + [0x0D, 0x0A] }
        bytes += Array(#"{"id": "latin1", "prompt": "caf"#.utf8) + [0xE9] + Array(#""}"#.utf8) + [0x0D, 0x0A]  // line 4
        bytes += Array(#"{"id": "nowhere", "model": "no/such-model", "prompt": "x"}"#.utf8) + [0x0D, 0x0A]  // line 5
        for line in good.suffix(3) { bytes += Array(line.utf8) + [0x0D, 0x0A] }
        let inURL = market.dir.appendingPathComponent("in.jsonl")
        try Data(bytes).write(to: inURL)
        let outURL = market.dir.appendingPathComponent("out.jsonl")
        let result = try await market.broker(["batch", inURL.path, "--output", outURL.path, "--concurrency", "2"])
        let rows = try results(outURL)
        #expect(rows.count == 8, "\(result.stderr)")
        let ok = rows.filter { $0["ok"] as? Bool == true }
        #expect(Set(ok.compactMap { $0["id"] as? String }) == Set((1...6).map { "c\($0)" }))
        #expect(ok.first { $0["id"] as? String == "c1" }?["output"] as? String == "crlf 1")
        let unreadable = try #require(rows.first { $0["line"] as? Int == 4 })
        #expect(unreadable["ok"] as? Bool == false)
        #expect((unreadable["error"] as? String)?.contains("in.jsonl:4: not UTF-8") == true)
        let noOffer = try #require(rows.first { $0["id"] as? String == "nowhere" })
        #expect(noOffer["line"] as? Int == 5)
        #expect(noOffer["kind"] as? String == "no_offer")
        #expect((noOffer["error"] as? String)?.contains("in.jsonl:5: no offer") == true)
    }

    @Test(
        "six concurrent requests to a plain-HTTP upstream with a 2 s first byte finish together, not one behind another"
    )
    func plainHTTPRunsConcurrently() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        let inURL = try input(
            market, (1...6).map { #"{"id": "h\#($0)", "model": "\#(Self.llama8B)", "prompt": "p\#($0)"}"# })
        let outURL = market.dir.appendingPathComponent("out.jsonl")
        market.simulator.inject(.slowFirstByte(ms: 2_000), pathPrefix: "/v1/chat/completions", count: 6)
        let batch = Task {
            try await market.broker(["batch", inURL.path, "--output", outURL.path, "--concurrency", "6"])
        }
        // When the provider receives them, timed from the first (the broker's own start-up, slow
        // on a busy machine, is not counted).
        var first: Date? = nil
        var spread: Double? = nil
        let deadline = Date().addingTimeInterval(30)
        while spread == nil, Date() < deadline {
            let arrived = market.simulator.requests.filter { $0.path == "/v1/chat/completions" }.count
            if arrived >= 1, first == nil { first = Date() }
            if arrived >= 6, let first { spread = Date().timeIntervalSince(first) }
            try await Task.sleep(for: .milliseconds(10))
        }
        let result = try await batch.value
        #expect(result.code == 0, "\(result.stderr)")
        #expect(try results(outURL).filter { $0["ok"] as? Bool == true }.count == 6)
        // Together. Behind the first one's headers, the other five were sent 2 s later.
        let seconds = try #require(spread)
        #expect(seconds < 1.0, "the six requests reached the provider over \(seconds) s")
    }

    @Test("calls made by a batch killed with SIGKILL show in usage as unknown outcomes, not nowhere")
    func killedCallsAreUnknownOutcomes() async throws {
        let market = try await refreshed()
        defer { market.stop() }
        let inURL = try input(
            market, (1...4).map { #"{"id": "u\#($0)", "model": "\#(Self.llama8B)", "prompt": "p\#($0)"}"# })
        let outURL = market.dir.appendingPathComponent("out.jsonl")
        market.simulator.inject(.slowFirstByte(ms: 5_000), pathPrefix: "/v1/chat/completions", count: 100)
        let child = try ChildProcess(
            BrokerProcess.executable.path, ["batch", inURL.path, "--output", outURL.path, "--concurrency", "2"],
            environment: market.environment.merging(["PATH": "/usr/bin:/bin", "HOME": market.dir.path]) { a, _ in a },
            output: .null, errors: .null)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, market.simulator.requests.filter({ $0.path == "/v1/chat/completions" }).count < 2 {
            try await Task.sleep(for: .milliseconds(20))
        }
        child.send(SIGKILL)
        #expect(try await onOwnThread { child.wait() } == .signal(SIGKILL))
        let calls = market.simulator.requests.filter { $0.path == "/v1/chat/completions" }.count
        #expect(calls == 2)
        market.simulator.clearFaults()
        let usage = try await market.broker(["usage", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(usage.stdout.utf8)) as? [[String: Any]])
        #expect(rows.reduce(0) { $0 + ($1["unknown_outcome"] as? Int ?? 0) } == calls, "\(rows)")
        #expect(usage.stderr.contains("unknown outcome"))
        // The table shows them too, in a column of their own on the provider's row.
        let table = try await market.broker(["usage", "--format", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first)
        #expect(header.contains("UNKNOWN OUTCOME"), "\(table.stdout)")
        let columns = header.split(separator: "  ", omittingEmptySubsequences: true).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let hf = try #require(lines.first { $0.hasPrefix("hf ") }).split(separator: " ").map(String.init)
        let index = try #require(columns.firstIndex(of: "UNKNOWN OUTCOME"))
        // Every column up to it is filled (AS USD, last, is blank for a dollar row).
        #expect(hf.count > index && hf[index] == String(calls), "\(table.stdout)")
    }
}
