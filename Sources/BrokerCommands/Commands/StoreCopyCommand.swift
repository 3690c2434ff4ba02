import Broker
import ProviderInterface

/// `broker store copy --from S --to S`: moves a whole store between backends (SQLite file ⇄ PostgreSQL).
enum StoreCopyCommand: BrokerCommand {
    static let configuration = CommandConfiguration(
        path: ["store", "copy"],
        abstract: "Copy a whole store into an empty one: SQLite file to PostgreSQL and back.",
        discussion: """
            Copies offers (with their refresh times), price history, refresh runs, compute offers and
            their history, exchange rates, the usage ledger and what API keys spent, exactly, in one
            transaction on the target. The target is created or migrated when needed and must hold no
            data. A store is a file path or a postgresql:// URI (its password is never printed).
            Prints the rows copied per table.
            """,
        options: StoreCopyOptions.options
    )

    static func run(_ options: StoreCopyOptions, context: CLIContext) async throws -> Int32 {
        let source = try open(options.from, context: context)
        let target = try open(options.to, context: context)
        let copied: [String: Int]
        do {
            copied = try await StoreCopy.copy(from: source, to: target)
        } catch {
            // Temporary (75) when waiting may help, else 1; the store the error names, never a password.
            let code = StoreFailure.isTemporary(error) ? ExitCode.temporaryFailure : ExitCode.failure
            throw CommandFailure(
                code,
                "cannot copy \(StoreLocation.displayName(options.from)) into \(StoreLocation.displayName(options.to)): \(error)"
            )
        }
        let objects = StoreTable.all.map { table in
            JSONObject([("table", .string(table.name)), ("rows", .integer(copied[table.name] ?? 0))])
        }
        context.emit(
            objects,
            table: ResultTable(
                columns: ["TABLE", "ROWS"], rows: StoreTable.all.map { [$0.name, String(copied[$0.name] ?? 0)] }))
        return ExitCode.success
    }

    /// Opens one end of the copy, naming it (without a password) when it cannot be opened.
    private static func open(_ location: String, context: CLIContext) throws(CommandFailure) -> any CopyableStore {
        do {
            guard let store = try StoreLocation.open(location) as? any CopyableStore else {
                throw CommandFailure(
                    ExitCode.failure, "the store \(StoreLocation.displayName(location)) cannot be copied")
            }
            return store
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            let code = StoreFailure.isTemporary(error) ? ExitCode.temporaryFailure : ExitCode.failure
            throw CommandFailure(
                code, StoreFailure.message(error, path: StoreLocation.displayName(location), doing: "open"))
        }
    }
}
