import Broker
import ProviderInterface

extension CLIContext {
    /// The routing service over this command's registry and store, with the shipped adapters.
    func routingService(registry: Registry, store: any MarketStore) -> RoutingService {
        RoutingService(registry: registry, store: store, environment: environment, factory: providerFactory)
    }
}
