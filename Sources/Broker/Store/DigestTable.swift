/// A hash table from 64-bit digests to small integers (positions in an array), with
/// open addressing and linear probing.
///
/// The keys are already uniformly mixed digests, so they index the table directly: no
/// rehashing through `Hasher`, and two flat arrays instead of a dictionary's buckets. A
/// refresh looks up each of 100,000 offers several times; with `Dictionary` those
/// lookups cost as much as the SQL.
struct DigestTable {
    private var keys: [UInt64]
    private var values: [Int32]
    private let mask: Int
    private(set) var count = 0

    /// A table for up to `capacity` entries (it never grows beyond that).
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// The slot for `digest`: where it is, or the empty slot where it would go.
    private func slot(_ digest: UInt64) -> Int {
        var i = Int(truncatingIfNeeded: digest ^ (digest >> 32)) & mask
        while values[i] >= 0, keys[i] != digest { i = (i + 1) & mask }
        return i
    }

    /// The value stored under `digest`, if any.
    subscript(digest: UInt64) -> Int? {
        let i = slot(digest)
        return values[i] >= 0 ? Int(values[i]) : nil
    }

    /// Stores `value` under `digest` unless something is stored there; returns the
    /// value that was there, or nil when `value` was stored. Never more entries than the
    /// capacity given at creation.
    mutating func insertIfAbsent(_ digest: UInt64, _ value: Int) -> Int? {
        let i = slot(digest)
        if values[i] >= 0 { return Int(values[i]) }
        precondition(count * 2 < keys.count, "DigestTable over capacity")
        keys[i] = digest
        values[i] = Int32(truncatingIfNeeded: value)
        count += 1
        return nil
    }
}
