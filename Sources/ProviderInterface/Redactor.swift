/// Removes secrets from text that may be shown: error bodies, URLs, log lines.
public struct Redactor: Sendable {
    /// The secret values to remove (credentials read from the environment).
    public var secrets: [String]

    /// A redactor for these secret values; empty and very short values are ignored.
    public init(secrets: [String]) { self.secrets = secrets.filter { $0.count >= 4 } }

    /// `text` with every secret, and every `Bearer …` token, replaced by `[REDACTED]`.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingAll(secret, with: "[REDACTED]")
        }
        return Redactor.redactBearer(result)
    }

    /// Replaces the token after any `Bearer ` with `[REDACTED]`.
    public static func redactBearer(_ text: String) -> String {
        guard text.contains("Bearer ") else { return text }
        var out = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: "Bearer ") {
            out += rest[..<range.upperBound]
            out += "[REDACTED]"
            rest = rest[range.upperBound...].drop { !$0.isWhitespace && $0 != "\"" && $0 != "," }
        }
        return out + rest
    }
}
