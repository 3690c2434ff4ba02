// ServeBench: the latency `broker serve` adds, measured with wrk from Debian.
//
// Starts the loopback simulator in this process, refreshes a store with the real `broker`
// binary, starts `broker serve` as a child process, then drives the same chat request with wrk
// at the simulator directly (client → simulator) and through the broker (client → broker →
// simulator), at concurrency 1 and 64. Added latency = broker percentile − direct percentile.
// Also reports the broker's resident memory idle and under load.
//
//   swift build -c release --product broker && swift build -c release --product ServeBench
//   .build/release/ServeBench [--broker PATH] [--duration SECONDS] [--hold SECONDS] [--busy-poll US|off]
//                             [--event-loops N|off] [--simulator-threads N] [--rounds N] [--quiet-steal PERCENT]
//                             [--concurrency 1,64] [--stream CHUNKS] [--store URI] [--instances N]
//   (`--store postgresql://…` serves from that store instead of a SQLite file in a temporary folder;
//   `--instances N` starts N `broker serve` processes on the store, and wrk's threads spread their
//   connections over them — at concurrency 64, two threads: one per instance with N = 2; CPU and memory
//   are then the sums over the instances)
//   (`--stream N` asks for `"stream": true` with a user message of N words, which the simulator echoes
//   as N content chunks, and reports the broker's CPU per request and per chunk)
//   ($WRK, $CURL override /usr/bin/wrk, /usr/bin/curl; $BENCH_GLIBC_TUNABLES and $BENCH_LD_PRELOAD become
//   the broker's GLIBC_TUNABLES and LD_PRELOAD)
import Foundation
import HTTPServer
import ProviderSimulator

struct WrkResult {
    var p50: Double, p75: Double, p90: Double, p99: Double, rps: Double, requests: Double, errors: String
}

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func shell(_ path: String, _ args: [String], environment: [String: String]? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let environment { p.environment = environment }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Milliseconds from wrk's "123.45us" / "1.20ms" / "2.00s".
func millis(_ text: Substring) -> Double {
    let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
    for (unit, factor) in units where text.hasSuffix(unit) {
        return (Double(text.dropLast(unit.count)) ?? .nan) * factor
    }
    return Double(text) ?? .nan
}

func wrk(url: String, script: String, connections: Int, seconds: Int, threads spread: Int = 2) throws -> WrkResult {
    let threads = connections == 1 ? 1 : max(2, spread)
    let text = try shell(
        ProcessInfo.processInfo.environment["WRK"] ?? "/usr/bin/wrk",
        ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script, url])
    var r = WrkResult(p50: .nan, p75: .nan, p90: .nan, p99: .nan, rps: .nan, requests: .nan, errors: "")
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2 else { continue }
        switch parts[0] {
        case "50%": r.p50 = millis(parts[1])
        case "75%": r.p75 = millis(parts[1])
        case "90%": r.p90 = millis(parts[1])
        case "99%": r.p99 = millis(parts[1])
        case "Requests/sec:": r.rps = Double(parts[1]) ?? .nan
        case "Non-2xx", "Socket": r.errors += String(line) + "; "
        default: if parts.count >= 3, parts[1] == "requests", parts[2] == "in" { r.requests = Double(parts[0]) ?? .nan }
        }
    }
    return r
}

/// CPU seconds (user + system) the process has used, from /proc/PID/stat.
func cpuSeconds(_ pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = text.lastIndex(of: ")")
    else { return .nan }
    // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The machine's CPU time so far from /proc/stat, in clock ticks: (all, stolen by the host).
func machineTicks() -> (total: Double, steal: Double) {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
    else { return (.nan, .nan) }
    // user nice system idle iowait irq softirq steal …
    let values = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
    guard values.count == 8 else { return (.nan, .nan) }
    return (values.reduce(0, +), values[7])
}

/// The share of the machine's CPU time the host took (steal) between two readings, in percent:
/// on a shared virtual machine, the figure that says whether a run was quiet.
func stealPercent(_ before: (total: Double, steal: Double), _ after: (total: Double, steal: Double)) -> Double {
    let total = after.total - before.total
    return total > 0 ? (after.steal - before.steal) / total * 100 : .nan
}

func rssKiB(_ pid: Int32, field: String = "VmRSS:") -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return -1 }
    let line = text.split(separator: "\n").first { $0.hasPrefix(field) }
    return Int(line?.split(separator: " ").dropFirst().first ?? "") ?? -1
}

/// The broker's own view from /metrics: cumulative bucket counts of its added-latency and upstream histograms.
func histograms(port: Int) throws -> [String: [(Double, Double)]] {
    let curl = ProcessInfo.processInfo.environment["CURL"] ?? "/usr/bin/curl"
    guard FileManager.default.isExecutableFile(atPath: curl) else { return [:] }
    let metrics = try shell(curl, ["-s", "http://127.0.0.1:\(port)/metrics"])
    var result: [String: [(Double, Double)]] = [:]
    for name in ["broker_added_latency_seconds", "broker_upstream_latency_seconds", "broker_handler_seconds"] {
        for line in metrics.split(separator: "\n") where line.hasPrefix(name + "_bucket{le=\"") {
            let le = line.split(separator: "\"")[1]
            guard let bound = Double(le), let count = Double(line.split(separator: " ").last ?? "") else { continue }
            result[name, default: []].append((bound, count))
        }
    }
    return result
}

/// Bucket-bound quantiles of the requests between two snapshots.
func report(_ before: [String: [(Double, Double)]], _ after: [String: [(Double, Double)]], label: String) {
    for (name, buckets) in after.sorted(by: { $0.key < $1.key }) {
        let previous = before[name] ?? []
        let diff = buckets.enumerated().map { i, b in (b.0, b.1 - (i < previous.count ? previous[i].1 : 0)) }
        guard let total = diff.last?.1, total > 0 else { continue }
        func q(_ x: Double) -> Double { diff.first { $0.1 >= x * total }.map { $0.0 * 1000 } ?? .infinity }
        print(
            "  \(label) \(name) (inside the broker, bucket bounds): p50 ≤ \(q(0.5)) ms, p90 ≤ \(q(0.9)) ms, p99 ≤ \(q(0.99)) ms"
        )
    }
}

let duration = Int(argument("--duration") ?? "") ?? 10
let brokerPath =
    argument("--broker")
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("broker").path
// `--simulator-threads N` serves the simulator from N epoll threads instead of a thread per
// connection: a cheaper stand-in for a remote provider, leaving more of the 2 cores to what is measured.
let simulatorThreads = Int(argument("--simulator-threads") ?? "")
let simulatorModel: HTTPServerConfiguration.ThreadModel =
    simulatorThreads.map { .pool(threads: $0) } ?? .threadPerConnection
let simulator = ProviderSimulator(threadModel: simulatorModel)
try simulator.start()
simulator.isRecording = false
let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("serve-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
let base = simulator.baseURL
let registry = dir.appendingPathComponent("provider_registry.json")
try """
{"version": 1, "providers": [
  {"key": "hf", "adapter": "huggingface", "base_url": "\(base)", "urls": {"hub": "\(base)"},
   "auth_env": "BENCH_HF_TOKEN", "timeout": "10s", "served_by": {"groq": {"region": "unknown"}}}]}
""".write(to: registry, atomically: true, encoding: .utf8)
var environment = [
    "PATH": "/usr/bin:/bin", "HOME": dir.path, "BENCH_HF_TOKEN": "hf_benchTOKEN0123456789",
    "BROKER_REGISTRY": registry.path,
    "BROKER_STORE": argument("--store") ?? dir.appendingPathComponent("market.sqlite3").path,
]
let instances = max(1, Int(argument("--instances") ?? "") ?? 1)
let storeKind = argument("--store").map { $0.hasPrefix("postgres") ? "postgresql" : "sqlite" } ?? "sqlite"
// `BENCH_GLIBC_TUNABLES` becomes the broker's GLIBC_TUNABLES (not the simulator's): for trying allocator settings.
if let tunables = ProcessInfo.processInfo.environment["BENCH_GLIBC_TUNABLES"] {
    environment["GLIBC_TUNABLES"] = tunables
}
// `BENCH_LD_PRELOAD` becomes the broker's LD_PRELOAD: for trying another allocator (jemalloc, tcmalloc).
if let preload = ProcessInfo.processInfo.environment["BENCH_LD_PRELOAD"] { environment["LD_PRELOAD"] = preload }
_ = try shell(brokerPath, ["refresh"], environment: environment)

/// Starts one `broker serve` and reads its port from its first stderr line.
func startServe(environment: [String: String]) -> (Process, Int) {
    let serve = Process()
    serve.executableURL = URL(fileURLWithPath: brokerPath)
    serve.arguments =
        ["serve", "--port", "0", "--no-initial-refresh", "--refresh-every", "off"]
        + (argument("--busy-poll").map { ["--busy-poll", $0] } ?? [])
        + (argument("--event-loops").map { ["--event-loops", $0] } ?? [])
    serve.environment = environment
    let errPipe = Pipe()
    serve.standardError = errPipe
    serve.standardOutput = FileHandle.nullDevice
    var banner = ""
    do { try serve.run() } catch { banner = "\(error)\n" }
    while !banner.contains("\n") {
        let data = errPipe.fileHandleForReading.availableData
        if data.isEmpty { break }
        banner += String(decoding: data, as: UTF8.self)
    }
    guard let range = banner.range(of: "http://127.0.0.1:"),
        let port = Int(banner[range.upperBound...].prefix { $0.isNumber })
    else {
        print("broker serve did not start: \(banner)")
        exit(1)
    }
    return (serve, port)
}
let serves = (0..<instances).map { _ in startServe(environment: environment) }
let serve = serves[0].0
let port = serves[0].1
let pids = serves.map { $0.0.processIdentifier }
let brokerURL = "http://127.0.0.1:\(port)/v1/chat/completions"
let directURL = simulator.url("/v1/chat/completions")
let script = dir.appendingPathComponent("chat.lua").path
// `--stream N`: the same request streamed; the simulator echoes the last user message one word per
// chunk, so a message of N words comes back as N content chunks (plus the role, finish and usage chunks).
let streamChunks = argument("--stream").flatMap { Int($0) }.map { max(1, $0) }
let requestBody =
    streamChunks.map { n in
        let words = (1...n).map { "w\($0)" }.joined(separator: " ")
        return #"{"model":"meta-llama/Llama-3.1-8B-Instruct:groq","messages":[{"role":"user","content":""#
            + words + #""}],"max_tokens":\#(n),"stream":true,"stream_options":{"include_usage":true}}"#
    }
    ?? #"{"model":"meta-llama/Llama-3.1-8B-Instruct:groq","messages":[{"role":"user","content":"hi"}],"max_tokens":16}"#
try """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '\(requestBody)'
""".write(toFile: script, atomically: true, encoding: .utf8)
// Through the broker: the same request, each wrk thread connecting to the next instance in turn.
let brokerScript = dir.appendingPathComponent("chat-broker.lua").path
try
    (try String(contentsOfFile: script, encoding: .utf8)
        + """

        local addrs = {}
        local threads = 0
        function setup(thread)
          if #addrs == 0 then
            for _, port in ipairs({\(serves.map { String($0.1) }.joined(separator: ", "))}) do
              table.insert(addrs, wrk.lookup("127.0.0.1", tostring(port))[1])
            end
          end
          thread.addr = addrs[(threads % #addrs) + 1]
          threads = threads + 1
        end
        """).write(toFile: brokerScript, atomically: true, encoding: .utf8)

// Warm both paths (connections, caches, the JIT-free but lazy Swift runtime).
_ = try wrk(url: directURL, script: script, connections: 4, seconds: 2)
_ = try wrk(url: brokerURL, script: brokerScript, connections: 4, seconds: 2, threads: instances)
let idle = pids.map { rssKiB($0) }.reduce(0, +)

// `--hold SECONDS`: keep both servers up with no load, for profiling them by hand
// (perf, strace, wrk with other options), then go on with the runs.
if let hold = Int(argument("--hold") ?? "") {
    print(
        "holding \(hold) s: broker pid \(serve.processIdentifier) at \(brokerURL), simulator at \(directURL), wrk script \(script)"
    )
    FileHandle.standardOutput.synchronizeFile()
    sleep(UInt32(hold))
}

// `--rounds N` runs direct and broker N times each, alternately, at each concurrency, and
// reports every round and the median of each column: one 5-second p99 moves by a third between
// runs on this shared 2-core machine, and a slow phase of the host lands in one round, not in all.
let rounds = max(1, Int(argument("--rounds") ?? "") ?? 1)
// `--quiet-steal PERCENT` (default 3): the medians count only rounds in which the host took at
// most this share of the machine in both phases; every round is still printed, the noisy ones
// marked. A busy neighbour during the direct phase makes "added" look small, during the broker
// phase large: either way the round measures the host.
let quietSteal = Double(argument("--quiet-steal") ?? "") ?? 3
let concurrencies = (argument("--concurrency") ?? "1,64").split(separator: ",").compactMap { Int($0) }

func median(_ values: [Double]) -> Double {
    let sorted = values.filter { !$0.isNaN }.sorted()
    guard !sorted.isEmpty else { return .nan }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

func printRow(_ connections: Int, _ name: String, _ r: WrkResult, steal: Double) {
    print(
        String(
            format: "%4d  %-7@ %8.3f %8.3f %8.3f %8.3f %10.0f  %6.1f  %@", connections, name as NSString, r.p50, r.p75,
            r.p90, r.p99,
            r.rps, steal, r.errors as NSString))
}

func printAdded(_ connections: Int, _ label: String, broker: WrkResult, direct: WrkResult) {
    print(
        String(
            format: "%4d  %-7@ %8.3f %8.3f %8.3f %8.3f", connections, label as NSString, broker.p50 - direct.p50,
            broker.p75 - direct.p75, broker.p90 - direct.p90, broker.p99 - direct.p99))
}

func medianResult(_ results: [WrkResult]) -> WrkResult {
    WrkResult(
        p50: median(results.map(\.p50)), p75: median(results.map(\.p75)), p90: median(results.map(\.p90)),
        p99: median(results.map(\.p99)), rps: median(results.map(\.rps)),
        requests: results.map(\.requests).reduce(0, +), errors: "")
}

print(
    "ServeBench: wrk, \(duration) s per run, \(rounds) round(s), \(streamChunks.map { "streamed chat (\($0) content chunks)" } ?? "chat") via the HF router path of the simulator "
        + "(\(simulatorThreads.map { "simulator on \($0) epoll threads" } ?? "simulator on a thread per connection")), "
        + "\(instances) broker instance(s) on \(storeKind), pid(s) \(pids.map(String.init).joined(separator: ","))"
)
print("conc  path      p50 ms   p75 ms   p90 ms   p99 ms      req/s  steal%  errors")
var peak = idle
/// Each instance's histograms, summed bucket by bucket.
func allHistograms() throws -> [String: [(Double, Double)]] {
    var sum: [String: [(Double, Double)]] = [:]
    for (_, port) in serves {
        for (name, buckets) in try histograms(port: port) {
            let before = sum[name] ?? []
            sum[name] = buckets.enumerated().map { i, b in (b.0, b.1 + (i < before.count ? before[i].1 : 0)) }
        }
    }
    return sum
}
var snapshot = try allHistograms()
for connections in concurrencies {
    var directs: [WrkResult] = [], brokers: [WrkResult] = [], quiet: [Bool] = []
    var cpuUsed = 0.0
    for round in 1...rounds {
        let directTicks = machineTicks()
        let direct = try wrk(url: directURL, script: script, connections: connections, seconds: duration)
        let brokerTicks = machineTicks()
        let sampler = Task.detached { () -> Int in
            var high = 0
            while !Task.isCancelled {
                high = max(high, pids.map { rssKiB($0) }.reduce(0, +))
                try? await Task.sleep(for: .milliseconds(100))
            }
            return high
        }
        let cpuBefore = pids.map(cpuSeconds).reduce(0, +)
        let broker = try wrk(
            url: brokerURL, script: brokerScript, connections: connections, seconds: duration, threads: instances)
        cpuUsed += pids.map(cpuSeconds).reduce(0, +) - cpuBefore
        let endTicks = machineTicks()
        sampler.cancel()
        peak = max(peak, await sampler.value)
        let directSteal = stealPercent(directTicks, brokerTicks), brokerSteal = stealPercent(brokerTicks, endTicks)
        let isQuiet = directSteal <= quietSteal && brokerSteal <= quietSteal
        let tag = rounds > 1 ? "#\(round)" + (isQuiet ? "" : "*") : ""
        printRow(connections, "direct" + tag, direct, steal: directSteal)
        printRow(connections, "broker" + tag, broker, steal: brokerSteal)
        printAdded(connections, "added" + tag, broker: broker, direct: direct)
        directs.append(direct)
        brokers.append(broker)
        quiet.append(isQuiet)
        FileHandle.standardOutput.synchronizeFile()
    }
    if rounds > 1 {
        // Medians over the quiet rounds (all rounds when none was quiet, said so).
        let counted = quiet.contains(true) ? quiet : quiet.map { _ in true }
        let quietDirects = zip(directs, counted).filter(\.1).map(\.0)
        let quietBrokers = zip(brokers, counted).filter(\.1).map(\.0)
        let direct = medianResult(quietDirects), broker = medianResult(quietBrokers)
        print(
            "      medians of \(quietBrokers.count) of \(rounds) rounds "
                + (quiet.contains(true)
                    ? "(steal ≤ \(quietSteal)% in both phases; * marks the others)" : "(none was quiet: all of them)"))
        printRow(connections, "direct~", direct, steal: .nan)
        printRow(connections, "broker~", broker, steal: .nan)
        printAdded(connections, "added~", broker: broker, direct: direct)
        let added = zip(quietBrokers, quietDirects).map { $0.p99 - $1.p99 }
        print(
            String(
                format: "%4d  added p99 per counted round: %@ (median %.3f ms)", connections,
                added.map { String(format: "%.2f", $0) }.joined(separator: " ") as NSString, median(added)))
    }
    let requests = brokers.map(\.requests).reduce(0, +)
    print(
        String(
            format: "%4d  broker CPU: %.1f µs per request (%.2f s over %.0f requests)", connections,
            cpuUsed / requests * 1e6, cpuUsed, requests))
    if let streamChunks {
        print(
            String(
                format: "%4d  broker CPU: %.2f µs per streamed content chunk (%d per request)", connections,
                cpuUsed / requests / Double(streamChunks) * 1e6, streamChunks))
    }
    let now = try allHistograms()
    report(snapshot, now, label: "c\(connections)")
    snapshot = now
}
print(
    "broker RSS\(instances > 1 ? " (sum over \(instances) instances)" : ""): idle \(idle / 1024) MiB, peak under load \(peak / 1024) MiB (VmHWM \(pids.map { rssKiB($0, field: "VmHWM:") }.reduce(0, +) / 1024) MiB)"
)
if instances > 1 {
    // How wrk's threads spread the requests: each instance's own count of chat requests answered.
    let curl = ProcessInfo.processInfo.environment["CURL"] ?? "/usr/bin/curl"
    let counts = serves.map { _, port -> String in
        let metrics = (try? shell(curl, ["-s", "http://127.0.0.1:\(port)/metrics"])) ?? ""
        let ok = metrics.split(separator: "\n").filter {
            $0.hasPrefix("broker_requests_total{route=\"chat\"") && $0.contains("outcome=\"ok\"")
        }.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        return String(format: "%.0f", ok)
    }
    print("chat requests answered per instance: \(counts.joined(separator: ", "))")
}
for (process, _) in serves {
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
}
simulator.stop()
try? FileManager.default.removeItem(at: dir)
