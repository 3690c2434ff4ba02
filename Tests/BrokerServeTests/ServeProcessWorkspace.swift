import Foundation
import ProviderSimulator
import Testing

/// What a test of `broker serve` as a process needs: a running simulator, a temporary folder
/// with the test registry and a store refreshed from the simulator's Hugging Face entry, and the
/// environment naming them. The folder and the simulator go with it. `store`: another store
/// than a file in the folder (a `postgresql://` URI).
final class ServeProcessWorkspace: Sendable {
    let simulator: ProviderSimulator
    let directory: URL
    let environment: [String: String]

    init(_ name: String, store: String? = nil) throws {
        simulator = ProviderSimulator(fixtures: SimulatorFixtures())
        try simulator.start()
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "broker-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let registry = directory.appendingPathComponent("provider_registry.json")
        try ServeHarness.registryText(simulator).write(to: registry, atomically: true, encoding: .utf8)
        var environment = ServeHarness.environment
        environment["PATH"] = "/usr/bin:/bin"
        environment["HOME"] = directory.path
        environment["BROKER_REGISTRY"] = registry.path
        environment["BROKER_STORE"] = store ?? directory.appendingPathComponent("market.sqlite3").path
        self.environment = environment
        #expect(try BrokerServeProcess.run(["refresh", "--provider", "hf"], environment: environment) == 0)
    }

    /// A workspace made on a thread of its own: it waits for `broker refresh`, which would hold
    /// one of the two threads of the cooperative pool the whole test run shares.
    static func make(_ name: String, store: String? = nil) async throws -> ServeProcessWorkspace {
        try await onOwnThread { try ServeProcessWorkspace(name, store: store) }
    }

    deinit {
        simulator.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
