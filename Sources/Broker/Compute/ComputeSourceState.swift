/// One compute source's stored state: when it was last refreshed, its catalog version and
/// the currencies its offers are priced in.
struct ComputeSourceState: Sendable, Hashable {
    var key: String
    var refreshedAt: Int64?
    var version: String?
    var currencies: [String]
}
