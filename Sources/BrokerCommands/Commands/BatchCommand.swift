#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Broker
import ProviderInterface
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `broker batch`: scripted inference over a JSONL file; resumable.
enum BatchCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["batch"],
        abstract: "Run inference over a JSONL file of requests; resumable.",
        discussion: """
            Each input line is {"id", "model", "task"?, "prompt"? | "messages"? | "input"?, "parameters"?,
            "policy"?, "provider"?, "region"?}; routing flags given here apply to lines that set none.
            Each result is written as it finishes: the input's id, "ok", and either the run fields or
            "error". A bad line gives an ok:false line naming its line number. Rerunning the same command
            after an interruption runs only the lines without a final result (temporary failures are
            retried). Exit 0 when every line succeeded, 65 when any line was bad input, 75 when any
            request failed.
            """,
        options: Options.options,
        arguments: [ArgumentSpec(name: "IN.jsonl", help: "One request per line.")]
    )

    /// `batch`'s options: the input, the output, and the routing and filters lines default to.
    struct Options: OptionGroup {
        static let output = Option<String>.text(
            "--output", "OUT.jsonl", "Where results are written (required; appended to on resume).")
        static let concurrency = Option<Int>.integer(
            "--concurrency", "N", "Requests in flight at once.", range: 1...1024
        )
        .defaulting(to: 8)
        static let options = [output.spec, concurrency.spec] + RoutingOptions.options + OfferFilterOptions.options

        /// IN.jsonl.
        var inputPath: String
        var outputPath: String
        var concurrency: Int
        /// What a line that sets none of them runs with: the filters and routing given here.
        var defaults: RunOptions

        init(parsing arguments: ParsedArguments) throws(UsageError) {
            guard let inputPath = arguments.positionals.first else { throw UsageError("missing argument IN.jsonl") }
            guard let outputPath = try arguments.value(Self.output) else {
                throw UsageError("--output OUT.jsonl is required")
            }
            self.inputPath = inputPath
            self.outputPath = outputPath
            concurrency = try arguments.value(Self.concurrency)
            defaults = RunOptions(
                filters: try OfferFilterOptions(parsing: arguments), routing: try RoutingOptions(parsing: arguments))
        }
    }

    static func run(_ options: Options, context: CLIContext) async throws -> Int32 {
        let outputPath = options.outputPath
        let inputPath = options.inputPath
        let concurrency = options.concurrency
        let registry = try context.loadRegistry()
        guard let data = FileManager.default.contents(atPath: inputPath) else {
            throw CommandFailure(ExitCode.dataError, "cannot read \(inputPath)")
        }
        let lines = BatchInputLines.split(Array(data))
        let output: BatchOutputFile
        do { output = try BatchOutputFile(path: outputPath) } catch {
            throw CommandFailure(ExitCode.failure, "\(error)")
        }
        let store = try context.openStore()
        let session = context.routingService(registry: registry, store: store)

        // Parse every line first: bad lines become results at once; duplicates are bad input.
        var jobs: [BatchJob] = []
        var seen = Set<String>()
        var badLines = 0
        var skipped = 0
        for line in lines {
            let number = line.number
            let text = line.text?.trimmingSpaces
            if text?.isEmpty == true { continue }
            var id: JSONValue = .null
            do throws(UsageError) {
                guard let text else { throw UsageError("not UTF-8 text") }
                let value: JSONValue
                do { value = try JSONParser.parse(Array(text.utf8)) } catch { throw UsageError("not JSON: \(error)") }
                id = BatchLine.id(value)
                let key = BatchOutputFile.key(value) ?? "line:\(number)"
                if output.done.contains(key) {
                    skipped += 1
                    continue
                }
                guard seen.insert(key).inserted else { throw UsageError("duplicate id \(JSONWriter.string(id))") }
                let spec = try BatchLine.spec(value, defaults: options.defaults, registry: registry)
                jobs.append(BatchJob(line: number, id: id, spec: spec))
            } catch {
                let key = id.isNull ? "line:\(number)" : "id:" + JSONWriter.string(id)
                if output.done.contains(key) {
                    skipped += 1
                    continue
                }
                badLines += 1
                output.append(
                    JSONObject([
                        ("id", id), ("line", .integer(number)), ("ok", false), ("kind", "bad_input"),
                        ("error", .string("\(inputPath):\(number): \(error.message)")),
                    ]))
            }
        }
        if skipped > 0 {
            context.err(
                "batch: \(skipped) line(s) already have a result in \(outputPath); running the other \(jobs.count)")
        }

        let queue = jobs
        let progress = BatchProgress(total: jobs.count, showBar: context.stderrIsTerminal, context: context)
        let views = MarketViews(session: session)
        let storeFailure = { @Sendable (error: any Error) in context.storeFailure(error, doing: "read") }
        let next = Locked(0)
        let runner = session.runner(maxAttempts: 4)
        let stop = Locked(false)
        let ledgerError = Locked<String?>(nil)
        let signals = SignalTrap(signals: [SIGINT, SIGTERM]) { stop.withLock { $0 = true } }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(concurrency, max(queue.count, 1)) {
                group.addTask {
                    while !stop.value {
                        let i = next.withLock { n -> Int in
                            defer { n += 1 }
                            return n
                        }
                        guard i < queue.count else { return }
                        let job = queue[i]
                        let view: RoutingService.MarketView
                        do {
                            view = try await views.view(job.spec.route.model, policy: job.spec.route.policy)
                        } catch {
                            // A store that cannot be read is a failed request (retried on rerun), never "no offer".
                            let object = JSONObject([
                                ("id", job.id), ("line", .integer(job.line)), ("ok", false), ("kind", "store_error"),
                                ("error", .string(storeFailure(error).message)), ("retryable", true),
                            ])
                            output.append(object)
                            progress.record(object)
                            continue
                        }
                        let plan = session.plan(job.spec.route, market: view)
                        var oneRunner = runner
                        oneRunner.maxAttempts = job.spec.maxAttempts
                        let object = await BatchJob.result(
                            job, plan: plan, runner: oneRunner, inputPath: inputPath,
                            onLedgerError: { message in ledgerError.withLock { $0 = $0 ?? message } })
                        output.append(object)
                        progress.record(object)
                    }
                }
            }
        }
        signals.cancel()
        progress.finish()
        let summary = progress.summary(badLines: badLines)
        context.err(summary.text)
        if let message = ledgerError.value {
            context.err("batch: \(message); the results in \(outputPath) stand, but some are not in the ledger")
            return ExitCode.temporaryFailure
        }
        if stop.value {
            context.err("batch: interrupted; rerun the same command to finish the remaining lines")
            return ExitCode.temporaryFailure
        }
        if badLines > 0 || summary.badInput > 0 { return ExitCode.dataError }
        if summary.failed > 0 { return ExitCode.temporaryFailure }
        return ExitCode.success
    }
}

/// Market views per model, read once per batch.
actor MarketViews {
    let session: RoutingService
    var cache: [String: RoutingService.MarketView] = [:]
    init(session: RoutingService) { self.session = session }

    func view(_ model: String, policy: RoutePolicy) async throws -> RoutingService.MarketView {
        if let v = cache[model] { return v }
        let v = try await session.readMarketView(model)
        cache[model] = v
        return v
    }
}

/// One runnable batch line.
struct BatchJob: Sendable {
    var line: Int
    var id: JSONValue
    var spec: RunSpec

    static func result(
        _ job: BatchJob, plan: RoutePlan, runner: InferenceRunner, inputPath: String,
        onLedgerError: @Sendable (String) -> Void = { _ in }
    ) async -> JSONObject {
        var head = JSONObject([("id", job.id), ("line", .integer(job.line))])
        guard !plan.candidates.isEmpty else {
            head["ok"] = false
            if let invalid = job.spec.outputLimitError(plan) {
                head["kind"] = "bad_input"
                head["error"] = .string("\(inputPath):\(job.line): " + BatchLine.fieldNames(invalid.message))
                return head
            }
            head["kind"] = "no_offer"
            head["error"] = .string("\(inputPath):\(job.line): " + RunOutput.noOfferMessage(job.spec.route, plan))
            return head
        }
        let result = await runner.run(job.spec.request, plan: plan, requestID: RequestIDs.shared.next())
        switch result {
        case .success(let done): if let message = done.ledgerError { onLedgerError(message) }
        case .failure(let failure): if let message = failure.ledgerError { onLedgerError(message) }
        }
        switch result {
        case .success(let done):
            head["ok"] = true
            var output: JSONValue
            switch done.response.output {
            case .text(let t): output = .string(t)
            case .json(let v): output = v
            case .binary(let b, let type):
                output = .object(
                    JSONObject([("content_type", .string(type)), ("base64", .string(Data(b).base64EncodedString()))]))
            }
            for member in RunOutput.resultObject(done, output: output) { head[member.key] = member.value }
        case .failure(let failure):
            head["ok"] = false
            head["kind"] = .string(failure.kind.rawValue)
            head["error"] = .string(failure.message)
            head["retryable"] = .bool(failure.kind == .allFailed)
            head["attempts"] = .array(failure.attempts.map { .object(RunOutput.attemptObject($0)) })
        }
        return head
    }
}
