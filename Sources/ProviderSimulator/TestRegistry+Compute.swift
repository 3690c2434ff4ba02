extension ProviderSimulator {
    /// Registry entries (each starting with a comma, for ``testRegistryJSON(extraProviders:)``)
    /// pointing the GPU compute sources and the ECB at this simulator: `hf-endpoints`,
    /// `gpuhunt-aws`, `gpuhunt-runpod`, `gpuhunt-azure` (whose catalog is outdated), `vast`,
    /// `scaleway-gpu` (2 products a page, so its catalog ends on a short page) and `ecb`.
    public func computeRegistryEntries(ecb: Bool = true) -> String {
        Self.computeRegistryEntries(base: baseURL, ecb: ecb)
    }

    /// ``computeRegistryEntries(ecb:)`` for a simulator at `base` (its ``baseURL``).
    public static func computeRegistryEntries(base: String, ecb: Bool = true) -> String {
        var text = """
            ,{"key": "hf-endpoints", "adapter": "hf-endpoints", "base_url": "\(base)", "timeout": "10s",
              "options": {"locations": {"aws/us-east-1": "US", "aws/eu-west-1": "IE", "gcp/us-east4": "US"}}}
            ,{"key": "gpuhunt-aws", "adapter": "gpuhunt", "base_url": "\(base)", "timeout": "10s",
              "options": {"provider": "aws", "locations": {"us-east-1": "US", "eu-central-1": "DE", "eu-central-2": "CH",
                "eu-west-1": "IE", "eu-west-2": "GB"}}}
            ,{"key": "gpuhunt-runpod", "adapter": "gpuhunt", "base_url": "\(base)", "timeout": "10s",
              "options": {"provider": "runpod", "offer_kind": "pod", "country_locations": true,
                "locations": {"EU-RO": "RO", "EUR-IS": "IS", "US-TX": "US"}}}
            ,{"key": "gpuhunt-azure", "adapter": "gpuhunt", "base_url": "\(base)", "timeout": "10s",
              "options": {"provider": "azure", "locations": {"westeurope": "NL"}}}
            ,{"key": "vast", "adapter": "vast", "base_url": "\(base)", "timeout": "10s",
              "options": {"gpus": ["RTX 4090", "H100 SXM", "H200"], "limit": 64}}
            ,{"key": "scaleway-gpu", "adapter": "scaleway-catalog", "base_url": "\(base)", "timeout": "10s",
              "options": {"page_size": 2, "locations": {"fr-par": "FR", "nl-ams": "NL", "pl-waw": "PL"}}}
            """
        if ecb {
            text += "\n,{\"key\": \"ecb\", \"adapter\": \"ecb-rates\", \"base_url\": \"\(base)\", \"timeout\": \"10s\"}"
        }
        return text
    }
}
