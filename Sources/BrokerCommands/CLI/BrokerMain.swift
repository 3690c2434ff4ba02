import Broker
#if canImport(Glibc)
    import Glibc
#endif

/// Dispatches `broker …` to its command.
public enum BrokerMain {
    static let versionText = "0.1.0"
    /// `broker --version`.
    static let version = Flag("--version", "Print the version.")

    static let commands: [any BrokerCommand.Type] = [
        ProvidersCommand.self,
        ProvidersCheckCommand.self,
        RefreshCommand.self,
        MarketCommand.self,
        GPUsCommand.self,
        QuoteCommand.self,
        RunCommand.self,
        BatchCommand.self,
        UsageCommand.self,
        AuditPricesCommand.self,
        AuditRequestsCommand.self,
        StoreCopyCommand.self,
        ServeCommand.self,
    ]

    static let root = CommandConfiguration(
        path: [],
        abstract: "Find which provider serves a model, where, at what price per token, and run it there.",
        discussion: """
            Exit codes: 0 success; 64 bad usage; 65 bad input data; 69 no offer matches;
            75 every candidate failed (temporary) or a refresh had a failure; 1 anything else.
            """,
        options: [version.spec]
    )

    /// The `--help` text of a command (or of `broker` itself, for ``root``), with the
    /// commands one word below it.
    static func help(for configuration: CommandConfiguration) -> String {
        let children = commands.map { $0.configuration }.filter {
            configuration.path.isEmpty
                || ($0.path.count == configuration.path.count + 1 && $0.path.starts(with: configuration.path))
        }
        return HelpFormatter.help(for: configuration, subcommands: children)
    }

    /// Runs the command line; returns the process exit code.
    ///
    /// Global options (``GlobalOptions``) may come before, between or after the command
    /// words: `broker --store S providers check` and `broker providers --store S check` are
    /// `broker providers check --store S`. Bad usage is one line on stderr.
    public static func run(_ argv: [String], environment: [String: String]) async -> Int32 {
        let args = Array(argv.dropFirst())
        let scan = CommandWords.scan(args)
        let words = scan.words.map(\.word)
        // The longest command path that matches the leading words.
        var selected: (any BrokerCommand.Type)? = nil
        for command in commands {
            let path = command.configuration.path
            if words.starts(with: path), path.count > (selected?.configuration.path.count ?? 0) {
                selected = command
            }
        }
        guard let command = selected else {
            if args.contains(version.spec.name) {
                Console.out("broker \(versionText)\n")
                return ExitCode.success
            }
            let helpSpec = GlobalOptions.help.spec
            if words.isEmpty, args.contains(helpSpec.name) || helpSpec.short.map({ args.contains("-\($0)") }) == true {
                Console.out(help(for: root))
                return ExitCode.success
            }
            let reason =
                if let first = words.first {
                    "unknown command '\(first)'"
                } else if let option = scan.stoppedAt {
                    "unknown option '\(option)' before the command"
                } else {
                    "no command given"
                }
            Console.err("broker: \(reason) (see 'broker --help')\n")
            return ExitCode.usage
        }
        let configuration = command.configuration
        let name = (["broker"] + configuration.path).joined(separator: " ")
        // The command's own words go; every other argument, global options included, is parsed.
        let commandIndices = Set(scan.words.prefix(configuration.path.count).map(\.index))
        let rest = args.indices.filter { !commandIndices.contains($0) }.map { args[$0] }
        do {
            let parsed = try ParsedArguments.parse(
                rest, options: configuration.options, arguments: configuration.arguments)
            if parsed.has(GlobalOptions.help) {
                Console.out(help(for: configuration))
                return ExitCode.success
            }
            let global = try GlobalOptions(parsing: parsed)
            let stdoutTTY = isatty(1) == 1
            let context = CLIContext(
                environment: environment, global: global,
                format: global.format ?? (stdoutTTY ? .table : .json),
                stdoutIsTerminal: stdoutTTY, stderrIsTerminal: isatty(2) == 1,
                terminalWidth: Int(environment["COLUMNS"] ?? "") ?? 100)
            let code = try await command.execute(parsed, context: context)
            return code
        } catch let error as UsageError {
            Console.err("\(name): \(error.message) (see '\(name) --help')\n")
            return ExitCode.usage
        } catch let failure as CommandFailure {
            Console.err("\(name): \(failure.message)\n")
            return failure.exitCode
        } catch let error as any StoreBackendError {
            // A store call a command did not wrap: still a store failure naming the store.
            Console.err("\(name): \(StoreFailure.message(error, doing: "use"))\n")
            return error.isTemporary ? ExitCode.temporaryFailure : ExitCode.failure
        } catch {
            Console.err("\(name): \(error)\n")
            return ExitCode.failure
        }
    }
}
