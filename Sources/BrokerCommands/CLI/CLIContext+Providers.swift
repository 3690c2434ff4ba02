import Adapters
import Broker
import ProviderInterface

extension CLIContext {
    /// Builds providers from registry entries with the shipped adapters over libcurl.
    var providerFactory: ProviderFactory { providerFactory(over: CurlTransport.shared) }

    /// Builds providers from registry entries with the shipped adapters over `transport`.
    func providerFactory(over transport: any HTTPTransport) -> ProviderFactory {
        let context = AdapterContext(environment: environment, transport: transport)
        return { entry throws(ProviderError) in try AdapterFactory.standard.make(entry, context: context) }
    }

    /// Opens the marketplace store (creating it on first use): PostgreSQL for a
    /// `postgresql://` URI, else the SQLite file (mode 0600) — ``StoreLocation``.
    func openStore() throws(CommandFailure) -> any MarketStore {
        do {
            return try StoreLocation.open(storePath)
        } catch {
            throw storeFailure(error, doing: "open")
        }
    }

    /// The failure for a store that could not be opened or read (`doing`: `open`, `read`):
    /// temporary (75) while another process holds it, else 1; the store named either way.
    func storeFailure(_ error: any Error, doing: String) -> CommandFailure {
        // Another process holds the store (a migration needs its write lock): temporary.
        let code = StoreFailure.isTemporary(error) ? ExitCode.temporaryFailure : ExitCode.failure
        return CommandFailure(code, StoreFailure.message(error, path: storeName, doing: doing))
    }

    /// Redacts every credential the registry names from text about to be shown.
    func redactor(_ registry: Registry) -> Redactor {
        Redactor(secrets: registry.entries.compactMap { $0.authEnv.flatMap { environment[$0] } })
    }
}
