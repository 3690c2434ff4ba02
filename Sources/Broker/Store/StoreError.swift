/// A marketplace store failure that is not SQLite's own: a path that cannot be prepared,
/// an offer the store refuses, a row it cannot read back.
///
/// Descriptions name the place (path, provider, offer index, column) but never prices,
/// prompts or credentials.
public struct StoreError: StoreBackendError, Sendable, Hashable {
    /// What kind of failure.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The text form, as written in messages and JSON.
        public var rawValue: String
        /// The value of this text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The store's directory or file could not be created.
        public static let path = Code(rawValue: "store_path")
        /// An offer handed to the store breaks its rules (wrong provider, negative price).
        public static let invalidOffer = Code(rawValue: "invalid_offer")
        /// A stored row holds a value this version cannot read (a newer writer).
        public static let malformedRow = Code(rawValue: "malformed_row")
        /// A sum of money would not fit in 64 bits (SQLite would turn it into a float).
        public static let overflow = Code(rawValue: "overflow")
        /// A copy's target store already holds data (`broker store copy` fills empty stores only).
        public static let notEmpty = Code(rawValue: "store_not_empty")
        /// A refresh's write was refused because its claim no longer holds (see ``RefreshClaim``).
        public static let fenced = Code(rawValue: "refresh_fenced")
    }

    /// The kind of failure.
    public var code: Code
    /// What was being done, and where.
    public var context: String
    /// The OS error number, for path failures.
    public var errno: Int32?

    /// An error.
    public init(_ code: Code, _ context: String, errno: Int32? = nil) {
        self.code = code
        self.context = context
        self.errno = errno
    }

    /// The store is named in ``context`` where it matters (a path failure).
    public var store: String? { nil }
    /// None of these go away by waiting.
    public var isTemporary: Bool { false }

    /// Equal when the codes are: errors are told apart by code; the context is for people.
    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code, as equality compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// What went wrong, for a person to read; never holds a credential.
    public var description: String {
        var text = "\(code): \(context)"
        if let errno { text += " (errno \(errno))" }
        return text
    }
}

extension StoreError {
    /// A refresh's write refused because `claim` no longer holds.
    static func fenced(_ claim: RefreshClaim) -> StoreError {
        StoreError(
            .fenced,
            "the refresh of \(claim.provider) no longer holds its claim (its store session or lease was lost); another instance refreshes it"
        )
    }
}
