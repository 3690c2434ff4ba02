import Adapters
import Broker
import ProviderInterface

extension CLIContext {
    /// The registry loader with the shipped adapters' own validation.
    static let registryLoader = RegistryLoader(validateAdapter: { entry in
        AdapterFactory.standard.validate(entry).map { RegistryIssue(path: $0.path, message: $0.message) }
    })

    /// Loads and validates the registry; a broken registry is exit 65 with every problem listed.
    func loadRegistry() throws(CommandFailure) -> Registry {
        do {
            return try Self.registryLoader.load(path: registryPath)
        } catch {
            throw CommandFailure(ExitCode.dataError, "\(error)")
        }
    }

    /// Whether the credential variable of an entry is set (never its value).
    func credentialState(_ entry: ProviderEntry) -> String {
        guard let name = entry.authEnv else { return "none" }
        return (environment[name].map { !$0.isEmpty } ?? false) ? "set" : "unset"
    }
}
