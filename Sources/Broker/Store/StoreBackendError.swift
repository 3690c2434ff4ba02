/// An error a store backend throws when its database cannot be used: it names the store
/// and says whether waiting may help. ``SQLiteError`` and ``StoreError`` are ones; a second
/// backend's error conforms too, so the CLI and the server report it the same way.
public protocol StoreBackendError: Error, CustomStringConvertible {
    /// The store the failure came from (a file path), when the error knows it.
    var store: String? { get }
    /// Whether the same call may succeed later: another process held the store past the
    /// busy timeout.
    var isTemporary: Bool { get }
}
