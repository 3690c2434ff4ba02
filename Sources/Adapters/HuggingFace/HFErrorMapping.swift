import ProviderInterface

/// Hugging Face's error answers: both body shapes, `estimated_time`, the Hub's `RateLimit`
/// header and `Retry-After` are read by ``ProviderErrorMapping``; this adds the
/// `x-error-message` header the Hub and router send with an empty or non-JSON body.
enum HFErrorMapping {
    /// The error for a non-2xx response, or `nil` for a success.
    static func check(_ response: HTTPResponse, provider: String?, redactor: Redactor) -> ProviderError? {
        guard var error = ProviderErrorMapping.check(response, provider: provider, redactor: redactor) else {
            return nil
        }
        if let header = response.header("x-error-message"), !header.isEmpty,
            (try? JSONParser.parse(response.body)) == nil
        {
            error.message = redactor.redact(ProviderErrorMapping.clip(header))
        }
        return error
    }
}
