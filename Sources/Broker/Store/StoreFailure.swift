/// How a store that could not be opened, read or written is reported, the one wording
/// every command and `broker serve` share: a store failure naming the store, never
/// "nothing found". Temporary failures exit 75 (and are a 503 with `Retry-After`), others 1.
public enum StoreFailure {
    /// Whether `error` came from the store (rather than from a provider or the input).
    public static func isStoreFailure(_ error: any Error) -> Bool {
        error is any StoreBackendError
    }

    /// Whether `error` is temporary: another process held the store past the busy timeout.
    public static func isTemporary(_ error: any Error) -> Bool {
        (error as? any StoreBackendError)?.isTemporary == true
    }

    /// The message for `error` from the store at `path` (else the store the error names) while
    /// trying to `doing` it (`open`, `read`, `write`): names the store and the backend's reason
    /// (never a credential, which the store never holds).
    public static func message(_ error: any Error, path: String? = nil, doing: String) -> String {
        let store = path ?? (error as? any StoreBackendError)?.store ?? "(unnamed)"
        if error is PostgresStoreError, isTemporary(error) {
            return "the store \(store) is unavailable for now (the connection is re-opened on the next try): \(error)"
        }
        if isTemporary(error) { return "the store \(store) is locked by another process: \(error)" }
        return "cannot \(doing) the store \(store): \(error)"
    }
}
