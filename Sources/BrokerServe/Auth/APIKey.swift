import ProviderInterface

/// One client key of `broker serve`, with its optional spending budget and request rate.
///
/// Keys come from `BROKER_API_KEYS` or a keys file (``APIKey/parseList(_:)``). Each entry is
/// `SECRET[;name=LABEL][;budget_usd=AMOUNT][;rpm=N]`; entries are separated by commas or
/// newlines, and `#` starts a comment line. The label (default `key1`, `key2`, … in order)
/// is what logs and metrics show; the secret never is.
public struct APIKey: Sendable, Hashable {
    /// The bearer token clients send.
    public var secret: String
    /// A label safe to show.
    public var name: String
    /// The most this key may spend, in pico-USD (exact); `nil` for no limit.
    public var budget: PicoUSD?
    /// The most requests per minute; `nil` for no limit.
    public var requestsPerMinute: Int?

    /// A key.
    public init(secret: String, name: String, budget: PicoUSD? = nil, requestsPerMinute: Int? = nil) {
        self.secret = secret
        self.name = name
        self.budget = budget
        self.requestsPerMinute = requestsPerMinute
    }

    /// Parses a key list (see the type's documentation).
    /// - Throws: ``APIKeyListError`` naming the entry (by position, never by secret).
    public static func parseList(_ text: String) throws(APIKeyListError) -> [APIKey] {
        var keys: [APIKey] = []
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
        for line in lines {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") { continue }
            for entry in trimmed.split(separator: ",") {
                let parts = entry.split(separator: ";").map { String($0.filter { $0 != " " && $0 != "\t" }) }
                guard let secret = parts.first, !secret.isEmpty else { continue }
                let position = keys.count + 1
                guard secret.count >= 8 else { throw APIKeyListError("key \(position) is shorter than 8 characters") }
                var key = APIKey(secret: secret, name: "key\(position)")
                for option in parts.dropFirst() where !option.isEmpty {
                    guard let eq = option.firstIndex(of: "=") else {
                        throw APIKeyListError("key \(position): option '\(option)' must be NAME=VALUE")
                    }
                    let name = String(option[..<eq])
                    let value = String(option[option.index(after: eq)...])
                    switch name {
                    case "name": key.name = value
                    case "budget_usd":
                        guard let amount = PicoUSD(decimal: value, unit: .usdPerUnit), amount.value >= 0 else {
                            throw APIKeyListError(
                                "key \(position): budget_usd must be an amount in USD such as 5 or 0.25")
                        }
                        key.budget = amount
                    case "rpm":
                        guard let n = Int(value), n > 0 else {
                            throw APIKeyListError("key \(position): rpm must be a positive whole number")
                        }
                        key.requestsPerMinute = n
                    default:
                        throw APIKeyListError("key \(position): unknown option '\(name)' (name, budget_usd, rpm)")
                    }
                }
                keys.append(key)
            }
        }
        return keys
    }
}

/// A key list that cannot be read; the message never contains a secret.
public struct APIKeyListError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the entry by position.
    public var message: String
    init(_ message: String) { self.message = message }
    /// The text printed for this value.
    public var description: String { "API keys: \(message)" }
}
