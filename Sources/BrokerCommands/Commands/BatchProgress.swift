import Broker
import ProviderInterface
import Synchronization

/// The batch progress bar (stderr, on a terminal) and the closing summary.
final class BatchProgress: Sendable {
    struct Counts {
        var done = 0
        var ok = 0
        var failed = 0
        var badInput = 0
        var inputTokens: Int64 = 0
        var outputTokens: Int64 = 0
        var costNano: Int64 = 0
        var lastDraw: Int64 = 0
    }

    let total: Int
    let showBar: Bool
    let context: CLIContext
    let started = Timestamp.nowMs()
    let counts = Mutex(Counts())

    init(total: Int, showBar: Bool, context: CLIContext) {
        self.total = total
        self.showBar = showBar
        self.context = context
    }

    func record(_ object: JSONObject) {
        let line: String? = counts.withLock { c in
            c.done += 1
            if object["ok"]?.boolValue == true {
                c.ok += 1
                c.inputTokens += Int64(object["usage"]?["input_tokens"]?.intValue ?? 0)
                c.outputTokens += Int64(object["usage"]?["output_tokens"]?.intValue ?? 0)
                c.costNano += Int64(object["cost_nano_usd"]?.intValue ?? 0)
            } else if object["kind"]?.stringValue == "bad_input" {
                c.badInput += 1
            } else {
                c.failed += 1
            }
            let now = Timestamp.nowMs()
            guard showBar, now - c.lastDraw >= 100 || c.done == total else { return nil }
            c.lastDraw = now
            return bar(c, now: now)
        }
        if let line { Console.err("\r" + line) }
    }

    func bar(_ c: Counts, now: Int64) -> String {
        let elapsed = max(1, now - started)
        let rate = Double(c.done) * 1000 / Double(elapsed)
        let width = 24
        let filled = total == 0 ? width : width * c.done / total
        let eta = rate > 0 ? Int64(Double(total - c.done) / rate) : 0
        let spend = "$" + DecimalText.format(c.costNano, fractionDigits: 9)
        return
            "[\(String(repeating: "=", count: filled))\(String(repeating: " ", count: width - filled))] \(c.done)/\(total) · \(String(format1(rate)))/s · \(c.failed + c.badInput) errors · \(spend) · ETA \(eta)s "
    }

    func format1(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    func finish() {
        if showBar, total > 0 { Console.err("\n") }
    }

    struct Summary {
        var text: String
        var failed: Int
        var badInput: Int
    }

    func summary(badLines: Int) -> Summary {
        counts.withLock { c in
            let spend = "$" + DecimalText.format(c.costNano, fractionDigits: 9)
            let text =
                "batch: \(c.ok) ok, \(c.failed) failed, \(c.badInput + badLines) bad input · \(c.inputTokens) in / \(c.outputTokens) out tokens · \(spend) · \(Timestamp.nowMs() - started) ms"
            return Summary(text: text, failed: c.failed, badInput: c.badInput)
        }
    }
}
