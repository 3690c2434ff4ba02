/// The answer of ``MarketStore/takeKeyRequest(_:perMinute:nowMs:)``: whether the key may send
/// one more request now, and when it may when it may not.
public struct KeyRateTake: Sendable, Hashable {
    /// Whether a request was taken from the key's bucket.
    public var granted: Bool
    /// When refused, how long until the bucket holds one request again, in milliseconds; 0 when granted.
    public var retryAfterMs: Int64

    /// A take.
    public init(granted: Bool, retryAfterMs: Int64) {
        self.granted = granted
        self.retryAfterMs = retryAfterMs
    }

    /// The bucket's units: one request is 60,000 units and a key with `rpm` requests per minute
    /// gains `rpm` units per millisecond, up to `rpm` requests; integers, so every instance
    /// counts alike.
    public static let unitsPerRequest: Int64 = 60_000

    /// The most requests per minute a bucket counts (its capacity in units stays far from 2^63).
    public static let maxPerMinute: Int64 = 1_000_000_000

    /// From a bucket that held `units` at `refilledAtMs`: the units it holds at `nowMs` (`rpm`
    /// per millisecond, at most `rpm` requests' worth).
    public static func units(_ units: Int64, refilledAtMs: Int64, nowMs: Int64, perMinute rpm: Int64) -> Int64 {
        let elapsed = min(60_000, max(0, nowMs - refilledAtMs))
        return min(rpm * unitsPerRequest, units + elapsed * rpm)
    }

    /// A refusal from a bucket holding `units` now: how long until it holds one request.
    public static func refused(units: Int64, perMinute rpm: Int64) -> KeyRateTake {
        let missing = max(0, unitsPerRequest - units)
        return KeyRateTake(granted: false, retryAfterMs: max(1, (missing + rpm - 1) / rpm))
    }
}
