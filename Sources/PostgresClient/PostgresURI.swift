import CLibPQ

/// A libpq connection URI (`postgresql://user:pass@host:port/db?sslmode=require`,
/// `postgresql://user@/db?host=/socket/dir`), checked by libpq's own parser and described
/// without its password.
///
/// ``description`` names the user, host, port and database only, so it can go into logs,
/// errors and `/health`. ``redact(_:)`` removes the password from any text, such as libpq's
/// own messages.
public struct PostgresURI: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable
{
    /// The URI as given, password included: only for libpq, never for output.
    let text: String
    /// The user name, when the URI names one.
    public let user: String?
    /// The host name, address or socket directory, when the URI names one.
    public let host: String?
    /// The port, when the URI names one.
    public let port: String?
    /// The database name, when the URI names one.
    public let database: String?
    /// The password as written in the URI and as libpq decoded it: what ``redact(_:)`` removes.
    private let secrets: [String]

    /// Whether `text` is meant as a PostgreSQL URI (`postgresql://` or `postgres://`); the
    /// broker takes anything else given as a store for a SQLite file path.
    public static func isPostgresURI(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses `text` with libpq.
    ///
    /// - Throws: ``PostgresError/Code-swift.struct/invalidURI`` when `text` is not a
    ///   `postgresql://` URI or libpq refuses it; the message never contains the password.
    public init(_ text: String) throws {
        let written = Self.writtenSecrets(in: text)
        guard Self.isPostgresURI(text) else {
            throw PostgresError(
                code: .invalidURI, message: "a PostgreSQL store is given as a postgresql:// URI",
                context: "parsing the connection URI")
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "libpq could not parse it (out of memory?)"
            PQfreemem(errorMessage)
            throw PostgresError(
                code: .invalidURI, message: Self.redact(Self.trimmed(message), secrets: written),
                context: "parsing the connection URI")
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        self.text = text
        self.user = values["user"]
        self.host = values["host"] ?? values["hostaddr"]
        self.port = values["port"]
        self.database = values["dbname"]
        var secrets = written
        if let password = values["password"], !password.isEmpty { secrets.append(password) }
        // Longest first, so a password that contains another form is removed whole.
        self.secrets = Array(Set(secrets)).sorted { $0.count > $1.count }
    }

    /// `postgresql://user@host:port/database`, or `postgresql://user@/database?host=/dir` for a
    /// socket directory: never the password nor other query options.
    public var description: String {
        var out = "postgresql://"
        if let user { out += "\(user)@" }
        let socketDirectory = host.map { $0.hasPrefix("/") } ?? false
        if let host, !socketDirectory { out += host.contains(":") ? "[\(host)]" : host }
        if let port { out += ":\(port)" }
        out += "/\(database ?? "")"
        if let host, socketDirectory { out += "?host=\(host)" }
        return out
    }

    /// The same as ``description``: `debugPrint` and string interpolation never show the password.
    public var debugDescription: String { description }

    /// Only the description: `dump` and debuggers never show the password.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }

    /// `message` with every occurrence of the URI's password replaced by `***`.
    public func redact(_ message: String) -> String { Self.redact(message, secrets: secrets) }

    static func redact(_ message: String, secrets: [String]) -> String {
        var out = message
        for secret in secrets where !secret.isEmpty { out = out.replacing(secret, with: "***") }
        return out
    }

    /// libpq's messages end with a newline.
    static func trimmed(_ message: String) -> String {
        var out = Substring(message)
        while let last = out.last, last.isWhitespace { out = out.dropLast() }
        return String(out)
    }

    /// The password as written in the URI's user info (`user:PASSWORD@`) and in a `password=`
    /// query option, still percent-encoded: found by hand, so it can be removed from libpq's
    /// message even when libpq cannot parse the URI.
    private static func writtenSecrets(in text: String) -> [String] {
        var secrets: [String] = []
        guard let scheme = text.firstRange(of: "://") else { return [] }
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                let password = userInfo[userInfo.index(after: colon)...]
                if !password.isEmpty { secrets.append(String(password)) }
            }
        }
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == "password", !parts[1].isEmpty { secrets.append(String(parts[1])) }
            }
        }
        return secrets
    }
}
