/// Decides whether a new catalog may replace the last good one.
public enum CatalogPlausibility {
    /// Why the new catalog is rejected, or `nil` when it is acceptable. An empty catalog,
    /// or one that shrank by more than half, is implausible unless forced.
    public static func rejection(previous: Int, new: Int, force: Bool) -> String? {
        guard !force else { return nil }
        if new == 0 {
            return previous == 0
                ? "the provider listed no models"
                : "the provider listed no models; kept the last \(previous) offers (use --force to accept)"
        }
        if previous > 0, new * 2 < previous {
            return
                "the catalog shrank from \(previous) to \(new) offers (more than half); kept the last good offers (use --force to accept)"
        }
        return nil
    }
}
