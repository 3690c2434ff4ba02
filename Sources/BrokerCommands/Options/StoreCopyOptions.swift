/// The options of `broker store copy`.
struct StoreCopyOptions: OptionGroup {
    static let from = Option<String>.text(
        "--from", "STORE", "The store to copy: a SQLite file path or a postgresql:// URI.")
    static let to = Option<String>.text(
        "--to", "STORE", "The empty store to fill: a SQLite file path or a postgresql:// URI.")
    static let options = [from.spec, to.spec]

    /// Where to copy from and to.
    var from: String
    var to: String

    init(parsing arguments: ParsedArguments) throws(UsageError) {
        guard let from = try arguments.value(Self.from), let to = try arguments.value(Self.to) else {
            throw UsageError("store copy needs --from STORE and --to STORE")
        }
        guard from != to else { throw UsageError("--from and --to name the same store") }
        self.from = from
        self.to = to
    }
}
