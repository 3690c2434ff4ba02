import Adapters
import Foundation
import ProviderSimulator
import Testing

/// The operations kit under deploy/ watches what `broker serve` really exports: every metric
/// an alert rule or a dashboard query names is one the server's /metrics declares. (promtool
/// checks the rules' syntax and behaviour in deploy/check.sh; this checks the names.)
@Suite("deploy/: alerts and dashboard name only exported metrics")
struct OperationsKitTests {
    /// The metric names a `# TYPE` line declares, with a histogram's series suffixes.
    static func declaredNames(_ exposition: String) -> Set<String> {
        var names: Set<String> = []
        for line in exposition.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            guard parts.count >= 4 else { continue }
            let name = String(parts[2])
            names.insert(name)
            if parts[3] == "histogram" { names.formUnion(["_bucket", "_sum", "_count"].map { name + $0 }) }
        }
        return names
    }

    /// The `broker_…` names in `text`, comment lines (`#`) left out.
    static func referencedNames(_ text: String) -> Set<String> {
        var names: Set<String> = []
        for line in text.split(separator: "\n") where !line.drop { $0 == " " }.hasPrefix("#") {
            for match in line.matches(of: /broker_[a-z_]+/) { names.insert(String(match.output)) }
        }
        return names
    }

    @Test("every broker_ metric in the alert rules and the Grafana dashboard is declared by /metrics")
    func kitMatchesExports() async throws {
        let (dir, environment) = try BrokerServeProcess.scratch("ops-kit")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try await onOwnThread {
            try BrokerServeProcess(["--no-initial-refresh", "--refresh-every", "off"], environment: environment)
        }
        let answer = try await CurlTransport.shared.send(HTTPRequest(url: server.baseURL + "/metrics"))
        _ = try await onOwnThread { server.terminate() }
        let declared = Self.declaredNames(String(decoding: answer.body, as: UTF8.self))
        #expect(declared.contains("broker_requests_total"))

        let deploy = BrokerServeProcess.repositoryRoot.appendingPathComponent("deploy")
        for file in ["prometheus/broker-alerts.yml", "grafana/broker-dashboard.json"] {
            let text = try String(contentsOf: deploy.appendingPathComponent(file), encoding: .utf8)
            let referenced = Self.referencedNames(text)
            #expect(referenced.count >= 8, "\(file) names only \(referenced.sorted())")
            let unknown = referenced.subtracting(declared)
            #expect(unknown.isEmpty, "\(file) names metrics /metrics does not declare: \(unknown.sorted())")
        }
    }
}
