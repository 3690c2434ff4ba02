import Broker

/// `--since`: the ledger window of `usage` and `audit requests`.
struct PeriodOptions: OptionGroup {
    static let since = Option<Int64>.duration(
        "--since", "Only the last DURATION.", example: "24h or 7d", default: "everything")
    static let options = [since.spec]

    /// The window's length in milliseconds; `nil` for everything.
    var lengthMs: Int64?

    init(lengthMs: Int64? = nil) { self.lengthMs = lengthMs }

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        lengthMs = try arguments.value(Self.since)
    }

    /// The earliest time in the window at `nowMs` (0 for everything).
    func start(nowMs: Int64) -> Int64 {
        lengthMs.map { nowMs - $0 } ?? 0
    }
}
