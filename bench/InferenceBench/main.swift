// InferenceBench: the inference figures of issue #6.
//
// 1. `broker run` as a whole process, one chat request to the loopback simulator: median
//    over 30 runs, side by side with a one-shot Python script using the `openai` package
//    against the same simulator (when `python3 -c 'import openai'` works), and the ratio.
// 2. `broker batch` of 10,000 requests at concurrency 64 against a simulator that answers
//    after 20 ms: requests/s and the broker's own CPU time per request.
//
//   swift build -c release --product broker --static-swift-stdlib && swift run -c release InferenceBench [batchSize]
//   (set PYTHON=/path/to/python with openai installed to include the comparison)

import Foundation
import ProviderSimulator

let batchSize = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 10_000
let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let broker = ProcessInfo.processInfo.environment["BROKER_BIN"] ?? here.appendingPathComponent("broker").path
guard FileManager.default.isExecutableFile(atPath: broker) else {
    print("build broker first: swift build -c release --product broker")
    exit(1)
}
let clock = ContinuousClock()
func ms(_ d: Duration) -> Double {
    let (s, a) = d.components
    return Double(s) * 1000 + Double(a) / 1e15
}
func f1(_ x: Double) -> String { String(format: "%.1f", x) }

let simulator = ProviderSimulator()
try simulator.start()
defer { simulator.stop() }
let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("inferencebench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
let registry = dir.appendingPathComponent("provider_registry.json").path
let store = dir.appendingPathComponent("market.sqlite3").path
try """
{"providers": [{"key": "acme", "adapter": "openai-compatible", "base_url": "\(simulator.baseURL)/together/v1",
  "auth_env": "ACME_KEY", "region": {"region": "eu"}, "pricing": {"source": "api", "unit": "usd_per_mtok", "zero": "unknown"},
  "options": {"list_envelope": "array", "price_input_field": "pricing.input", "price_output_field": "pricing.output"}}]}
""".write(toFile: registry, atomically: true, encoding: .utf8)
let environment = [
    "ACME_KEY": "sk-bench", "BROKER_REGISTRY": registry, "BROKER_STORE": store, "PATH": "/usr/bin:/bin",
    "HOME": dir.path,
]
let model = "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"

@discardableResult
func run(_ path: String, _ args: [String], env: [String: String] = environment) throws -> (Int32, Double) {
    var status: Int32 = 0
    let d = clock.measure { status = spawnAndWait(path, args, env: env) }
    return (status, ms(d))
}

let (refreshStatus, _) = try run(broker, ["refresh"])
guard refreshStatus == 0 else { print("refresh failed"); exit(1) }

var brokerTimes: [Double] = []
for _ in 0..<30 {
    let (status, t) = try run(broker, ["run", "--model", model, "--prompt", "hello", "--format", "json"])
    if status != 0 { print("broker run failed with \(status)"); exit(1) }
    brokerTimes.append(t)
}
brokerTimes.sort()
let brokerMedian = brokerTimes[15]
print("broker run (whole process, one chat request): median \(f1(brokerMedian)) ms · p90 \(f1(brokerTimes[27])) ms")

let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "/usr/bin/python3"
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("openai_oneshot.py")
    .path
if (try? run(python, ["-c", "import openai"]).0) == 0 {
    var pyTimes: [Double] = []
    for _ in 0..<10 {
        let (status, t) = try run(python, [script, simulator.baseURL + "/together/v1", model])
        if status != 0 { print("python openai script failed with \(status)"); break }
        pyTimes.append(t)
    }
    if pyTimes.count == 10 {
        pyTimes.sort()
        print(
            "python + openai one-shot (same request): median \(f1(pyTimes[5])) ms → broker is \(f1(pyTimes[5] / brokerMedian))× faster"
        )
    }
} else {
    print(
        "python comparison skipped: no `openai` package for \(python) (set PYTHON to a venv's python with openai installed)"
    )
}

// Batch: 10,000 requests, concurrency 64, simulator answering after 20 ms.
let input = dir.appendingPathComponent("in.jsonl")
let lines = (0..<batchSize).map { #"{"id": \#($0), "model": "\#(model)", "prompt": "request \#($0)"}"# }
try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
simulator.inject(.slowFirstByte(ms: 20), pathPrefix: "/together/v1/chat/completions", count: batchSize * 2)
var before = rusage()
getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &before)
let (batchStatus, batchMs) = try run(
    broker,
    [
        "batch", input.path, "--output", dir.appendingPathComponent("out.jsonl").path,
        "--concurrency", "64",
    ])
var after = rusage()
getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &after)
func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
let cpu = (seconds(after.ru_utime) - seconds(before.ru_utime)) + (seconds(after.ru_stime) - seconds(before.ru_stime))
print(
    "broker batch \(batchSize) requests, concurrency 64, 20 ms upstream: exit \(batchStatus) · \(f1(batchMs)) ms · \(Int(Double(batchSize) / (batchMs / 1000))) requests/s · broker CPU \(String(format: "%.3f", cpu * 1000 / Double(batchSize))) ms per request"
)
try? FileManager.default.removeItem(at: dir)
