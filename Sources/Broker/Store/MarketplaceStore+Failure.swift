/// How a store that could not be opened or read is reported, the one wording `broker run`,
/// `batch` and `broker serve` share: a store failure naming the store, never "nothing found".
extension MarketplaceStore {
    /// Whether `error` is temporary: another process held the store past the busy timeout.
    public static func isTemporaryFailure(_ error: any Error) -> Bool {
        (error as? SQLiteError)?.isBusy == true
    }

    /// The message for `error` from the store at `path` while trying to `doing` it (`open`,
    /// `read`): names the store and SQLite's reason (never a credential, which the store never holds).
    public static func failureMessage(_ error: any Error, path: String, doing: String) -> String {
        if isTemporaryFailure(error) { return "the store \(path) is locked by another process: \(error)" }
        return "cannot \(doing) the store \(path): \(error)"
    }
}
