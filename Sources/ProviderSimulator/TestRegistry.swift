extension ProviderSimulator {
    /// The Hugging Face token the test registry's `hf` entry reads (from `TEST_HF_TOKEN`).
    public static let testHFToken = "hf_simulated-TOKEN-value-0123456789abcdef"
    /// The key the test registry's `acme` entry reads (from `ACME_KEY`).
    public static let testAcmeKey = "sk-acme-simulated-key-0123456789"
    /// The environment holding both test credentials.
    public static var testCredentials: [String: String] { ["TEST_HF_TOKEN": testHFToken, "ACME_KEY": testAcmeKey] }

    /// A registry pointing every provider at this simulator: the Hugging Face router (`hf`,
    /// with EU, UK and unknown serving endpoints) and an OpenAI-compatible provider in the EU
    /// (`acme`, the simulator's Together-style catalog), plus `extraProviders` (entries, each
    /// starting with a comma).
    /// A registry entry (with its leading comma) for `embedco`: an OpenAI-compatible provider
    /// whose Together-style list types one model `embedding` (`feature-extraction`, served at
    /// `/embeddings`), for ``testRegistryJSON(extraProviders:)``.
    public func embeddingRegistryEntry() -> String { Self.embeddingRegistryEntry(baseURL: baseURL) }

    /// ``embeddingRegistryEntry()`` for a simulator at `baseURL`.
    public static func embeddingRegistryEntry(baseURL: String) -> String {
        """
        ,{"key": "embedco", "adapter": "openai-compatible", "base_url": "\(baseURL)/embedco/v1", "auth_env": "ACME_KEY",
           "region": {"region": "us"}, "timeout": "10s",
           "pricing": {"source": "api", "unit": "usd_per_mtok", "zero": "free"},
           "options": {"list_envelope": "array", "price_input_field": "pricing.input", "price_output_field": "pricing.output",
                       "type_field": "type", "chat_types": ["chat"], "embedding_types": ["embedding"]}}
        """
    }

    /// A registry entry (with its leading comma) for `nativeco`: an OpenAI-compatible provider
    /// whose registry row says it serves the Responses API itself (`"responses": "native"`),
    /// so `POST /v1/responses` goes to its `/responses` unchanged.
    public func nativeResponsesRegistryEntry() -> String { Self.nativeResponsesRegistryEntry(baseURL: baseURL) }

    /// ``nativeResponsesRegistryEntry()`` for a simulator at `baseURL`.
    public static func nativeResponsesRegistryEntry(baseURL: String) -> String {
        """
        ,{"key": "nativeco", "adapter": "openai-compatible", "base_url": "\(baseURL)/nativeco/v1", "auth_env": "ACME_KEY",
           "region": {"region": "us"}, "timeout": "10s",
           "pricing": {"source": "api", "unit": "usd_per_mtok", "zero": "free"},
           "options": {"list_envelope": "array", "price_input_field": "pricing.input", "price_output_field": "pricing.output",
                       "responses": "native"}}
        """
    }

    /// The test registry as JSON text, with `extraProviders` entries appended.
    public func testRegistryJSON(extraProviders: String = "") -> String {
        let base = baseURL
        return """
            {"version": 1, "aliases": {"l8": "meta-llama/Llama-3.1-8B-Instruct"}, "providers": [
              {"key": "hf", "adapter": "huggingface", "base_url": "\(base)", "urls": {"hub": "\(base)"},
               "auth_env": "TEST_HF_TOKEN", "timeout": "10s",
               "served_by": {
                 "scaleway": {"region": "eu", "countries": ["FR"]}, "ovhcloud": {"region": "eu", "countries": ["FR"]},
                 "nscale": {"region": "uk", "countries": ["GB"]}, "together": {"region": "unknown"},
                 "groq": {"region": "unknown"}, "hf-inference": {"region": "unknown"}}},
              {"key": "acme", "adapter": "openai-compatible", "base_url": "\(base)/together/v1", "auth_env": "ACME_KEY",
               "region": {"region": "eu", "countries": ["DE"]}, "timeout": "10s",
               "pricing": {"source": "api", "unit": "usd_per_mtok", "zero": "unknown"},
               "options": {"list_envelope": "array", "price_input_field": "pricing.input", "price_output_field": "pricing.output"}}
              \(extraProviders)
            ]}
            """
    }
}
