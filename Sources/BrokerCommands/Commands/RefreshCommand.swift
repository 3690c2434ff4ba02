import Broker
import Dispatch
import ProviderInterface

#if canImport(Glibc)
    import Glibc
#endif

/// `broker refresh`: lists models and prices into the store, once or on an interval.
enum RefreshCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["refresh"],
        abstract: "List models and prices from each enabled provider into the store.",
        discussion: """
            Providers refresh concurrently, each in one transaction. A provider that fails, or whose
            new catalog is empty or shrank by more than half, keeps its last good offers (status
            failed or kept). Exit 0 when every provider is ok or kept, 75 when any failed.
            With --every, a line per round goes to stderr until SIGINT or SIGTERM.
            """,
        options: Options.options
    )

    /// `refresh`'s options.
    struct Options: OptionGroup {
        static let provider = Option<String>.text(
            "--provider", "KEY", "Only this provider (may name a disabled one).", repeatable: true,
            default: "every enabled one")
        static let every = Option<Int64>.duration(
            "--every", "Keep refreshing on this interval until stopped.", example: "30m or 1h", minimumMs: 1000,
            default: "once")
        static let force = Flag("--force", "Accept a catalog that is empty or shrank by more than half.")
        static let options = [provider.spec, every.spec, force.spec]

        /// The providers to refresh; empty for every enabled one.
        var providers: [String]
        /// The interval with `--every`; `nil` to refresh once.
        var intervalMs: Int64?
        var force: Bool

        init(parsing arguments: ParsedArguments) throws(UsageError) {
            providers = try arguments.values(Self.provider)
            intervalMs = try arguments.value(Self.every)
            force = arguments.has(Self.force)
        }
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        let registry = try context.loadRegistry()
        let keys = options.providers
        for key in keys where registry.entry(key) == nil {
            throw UsageError("unknown provider '\(key)'; known: \(registry.entries.map(\.key).joined(separator: ", "))")
        }
        let interval = options.intervalMs
        let store = try context.openStore()
        let refresher = PricingRefresher(
            store: store, registry: registry, factory: context.providerFactory, force: options.force,
            owner: "pid-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let redactor = context.redactor(registry)
        let showProgress = context.stderrIsTerminal

        let scheduled = keys.isEmpty ? registry.enabled : registry.entries.filter { keys.contains($0.key) }
        let progress = { @Sendable (result: RefreshResult) in
            if showProgress { context.err(progressLine(result, redactor: redactor)) }
        }
        let printable = { (results: [RefreshResult]) in
            results.map { r in
                var copy = r
                copy.run.error = r.run.error.map(redactor.redact)
                return copy
            }
        }
        let work = Task { () -> Int32 in
            guard let interval else {
                let results = await refresher.refreshOnce(keys: keys, progress: progress)
                if Task.isCancelled && results.allSatisfy({ $0.run.status == .failed }) {
                    context.err("refresh: stopped")
                    return ExitCode.success
                }
                let shown = printable(results)
                printResults(shown, context: context, compact: false)
                reportFailures(shown, context: context)
                return shown.contains { $0.run.status == .failed } ? ExitCode.temporaryFailure : ExitCode.success
            }
            var round = 0
            var lastCode = ExitCode.success
            // Each round takes the providers that are due (see RefreshSchedule), on the loop `serve` runs too.
            await refresher.run(
                schedule: RefreshSchedule(intervalMs: interval, entries: scheduled), clock: ContinuousClock(),
                progress: progress
            ) { results, started in
                round += 1
                let shown = printable(results)
                printResults(shown, context: context, compact: true)
                lastCode = shown.contains { $0.run.status == .failed } ? ExitCode.temporaryFailure : ExitCode.success
                context.err(roundLine(round: round, results: shown, durationMs: Timestamp.nowMs() - started))
            }
            context.err("refresh: stopped")
            return lastCode
        }
        let signals = SignalTrap(signals: [SIGINT, SIGTERM]) { work.cancel() }
        let code = await work.value
        signals.cancel()
        return code
    }

    static func printResults(_ results: [RefreshResult], context: CLIContext, compact: Bool) {
        let objects = results.map(OfferJSON.refresh)
        let rows = results.map { r in
            [
                r.run.provider, r.run.status.rawValue, String(r.run.models), String(r.run.offers),
                r.refreshedElsewhere
                    ? "fresh: refreshed by another process"
                    : r.changes.map(changeText) ?? r.computeChanges.map(changeText) ?? "", "\(r.run.durationMs) ms",
                r.run.error ?? "",
            ]
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: ["PROVIDER", "STATUS", "MODELS", "OFFERS", "WRITTEN", "TIME", "ERROR"], rows: rows,
                rightAligned: [2, 3, 5]))
    }

    /// What a replace wrote: `3 new, 12 changed, 1 gone`, or `unchanged`.
    static func changeText(_ c: ReplaceOutcome) -> String {
        c.inserted + c.rewritten + c.deleted == 0
            ? "unchanged" : "\(c.inserted) new, \(c.rewritten) changed, \(c.deleted) gone"
    }

    /// What a compute source's replace wrote, in the same words.
    static func changeText(_ c: ComputeReplaceOutcome) -> String {
        c.inserted + c.rewritten + c.removed == 0
            ? "unchanged" : "\(c.inserted) new, \(c.rewritten) changed, \(c.removed) gone"
    }

    static func reportFailures(_ results: [RefreshResult], context: CLIContext) {
        let failed = results.filter { $0.run.status == .failed }
        guard !failed.isEmpty else { return }
        for r in failed { context.err("refresh: \(r.run.provider) failed: \(r.run.error ?? "unknown error")") }
        let network = failed.filter {
            ($0.run.error ?? "").contains("transport") || ($0.run.error ?? "").contains("timeout")
        }
        if !network.isEmpty, network.count == failed.count {
            context.err(
                "refresh: \(network.count) provider(s) could not be reached — is this machine offline? Earlier offers of theirs, if any, are kept."
            )
        }
    }

    static func progressLine(_ r: RefreshResult, redactor: Redactor) -> String {
        let status = r.run.status.rawValue.padding(6)
        let detail = r.run.error.map { " — " + redactor.redact($0) } ?? ""
        return
            "  \(r.run.provider.padding(12)) \(status) \(String(r.run.offers).leftPadding(7)) offers \(String(r.run.durationMs).leftPadding(6)) ms\(detail)"
    }

    static func roundLine(round: Int, results: [RefreshResult], durationMs: Int64) -> String {
        var counts: [String: Int] = [:]
        for r in results { counts[r.run.status.rawValue, default: 0] += 1 }
        let summary = ["ok", "kept", "failed"].compactMap { k in counts[k].map { "\($0) \(k)" } }.joined(
            separator: ", ")
        let written = results.compactMap(\.changes).reduce(into: (0, 0, 0)) { sum, c in
            sum.0 += c.inserted
            sum.1 += c.rewritten
            sum.2 += c.deleted
        }
        return "\(Timestamp.iso8601(ms: Timestamp.nowMs())) refresh round \(round): \(summary); offers "
            + "\(written.0) new, \(written.1) changed, \(written.2) gone (\(durationMs) ms)"
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
