#if canImport(Glibc)
    import Glibc
#endif
import Broker
import ProviderInterface

/// Everything a command needs from its surroundings, read once.
struct CLIContext: Sendable {
    var environment: [String: String]
    /// `--registry`, `--store`, `--format`, `--help`.
    var global: GlobalOptions
    var format: OutputFormat
    var stdoutIsTerminal: Bool
    var stderrIsTerminal: Bool
    var terminalWidth: Int

    /// `--registry`, else `$BROKER_REGISTRY`, else `./provider_registry.json`.
    var registryPath: String {
        global.registry ?? environment["BROKER_REGISTRY"] ?? "provider_registry.json"
    }

    /// `--store`, else `$BROKER_STORE`, else `${XDG_DATA_HOME:-~/.local/share}/broker/market.sqlite3`.
    var storePath: String {
        if let path = global.store ?? environment["BROKER_STORE"] { return path }
        let dataHome =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? ".") + "/.local/share")
        return dataHome + "/broker/market.sqlite3"
    }

    /// The store as messages name it: ``storePath``, a PostgreSQL URI without its password.
    var storeName: String { StoreLocation.displayName(storePath) }

    /// Writes results to stdout.
    func out(_ text: String) {
        Console.out(text)
    }

    /// Writes a diagnostic line to stderr.
    func err(_ text: String) {
        Console.err(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// Prints results in the chosen format: a JSON array, CSV, or an aligned table.
    func emit(_ objects: [JSONObject], table: ResultTable, emptyNote: String? = nil) {
        switch format {
        case .json:
            out(JSONWriter.string(.array(objects.map(JSONValue.object))) + "\n")
        case .csv:
            out(CSVRenderer.render(objects))
        case .table:
            if objects.isEmpty, let emptyNote { err(emptyNote) }
            out(TableRenderer.render(table, width: terminalWidth))
        }
    }
}
