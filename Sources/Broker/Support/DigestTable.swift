/// A hash table from 64-bit digests to small integers (positions in an array), with
/// open addressing and linear probing.
///
/// The keys are already uniformly mixed digests, so they index the table directly: no
/// rehashing through `Hasher`, and one flat array of slots instead of a dictionary's
/// buckets, each probe one cache line. A refresh looks up each of 100,000 offers several
/// times; with `Dictionary` those lookups cost as much as the SQL.
struct DigestTable {
    private struct Slot {
        var digest: UInt64
        /// The position stored, or -1 for an empty slot.
        var value: Int32
    }

    private var slots: [Slot]
    private let mask: Int
    private(set) var count = 0

    /// A table for up to `capacity` entries.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(digest: 0, value: -1), count: size)
        mask = size - 1
    }

    /// The slot for `digest`: where it is, or the empty slot where it would go.
    private func slot(_ digest: UInt64) -> Int {
        slots.withUnsafeBufferPointer { table in
            var i = Int(truncatingIfNeeded: digest ^ (digest >> 32)) & mask
            while table[i].value >= 0, table[i].digest != digest { i = (i + 1) & mask }
            return i
        }
    }

    /// The value stored under `digest`, if any.
    subscript(digest: UInt64) -> Int? {
        let value = slots[slot(digest)].value
        return value >= 0 ? Int(value) : nil
    }

    /// Stores `value` under `digest` unless something is stored there; returns the
    /// value that was there, or nil when `value` was stored. The table doubles when it
    /// is half full, so a wrong capacity costs time, never correctness.
    mutating func insertIfAbsent(_ digest: UInt64, _ value: Int) -> Int? {
        let i = slot(digest)
        let existing = slots[i].value
        if existing >= 0 { return Int(existing) }
        if (count + 1) * 2 > slots.count {
            grow()
            return insertIfAbsent(digest, value)
        }
        slots[i] = Slot(digest: digest, value: Int32(truncatingIfNeeded: value))
        count += 1
        return nil
    }

    private mutating func grow() {
        let old = slots
        self = DigestTable(capacity: slots.count)
        for entry in old where entry.value >= 0 { _ = insertIfAbsent(entry.digest, Int(entry.value)) }
    }
}
