/// A Prometheus histogram of seconds with fixed buckets.
struct Histogram: Sendable {
    /// Upper bounds in seconds, from 25 µs to 30 s (fine below a millisecond, where the
    /// broker's own share of a request lies).
    static let bounds: [Double] = [
        0.000025, 0.00005, 0.000075, 0.0001, 0.00015, 0.0002, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.0025, 0.005,
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]

    private(set) var counts = [Int](repeating: 0, count: Histogram.bounds.count)
    private(set) var sum: Double = 0
    private(set) var count = 0

    mutating func observe(_ seconds: Double) {
        for (i, bound) in Self.bounds.enumerated() where seconds <= bound {
            counts[i] += 1
            break
        }
        sum += seconds
        count += 1
    }

    /// The sum of two histograms (of shards of one series).
    func merged(with other: Histogram) -> Histogram {
        var out = self
        for i in out.counts.indices { out.counts[i] += other.counts[i] }
        out.sum += other.sum
        out.count += other.count
        return out
    }

    /// The exposition lines for metric `name` with extra `labels` (`route="chat"` or empty).
    func lines(_ name: String, labels: String) -> [String] {
        var out: [String] = []
        var cumulative = 0
        let prefix = labels.isEmpty ? "" : labels + ","
        for (i, bound) in Self.bounds.enumerated() {
            cumulative += counts[i]
            out.append("\(name)_bucket{\(prefix)le=\"\(bound)\"} \(cumulative)")
        }
        out.append("\(name)_bucket{\(prefix)le=\"+Inf\"} \(count)")
        let braces = labels.isEmpty ? "" : "{\(labels)}"
        out.append("\(name)_sum\(braces) \(sum)")
        out.append("\(name)_count\(braces) \(count)")
        return out
    }
}
