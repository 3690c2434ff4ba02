import ProviderInterface

/// A 64-bit digest of the fields of an offer, the same in every process.
///
/// A refresh compares each new offer with the stored row of the same identity through
/// these digests instead of rewriting every row: an hourly refresh in which nothing
/// changed writes nothing. Text is taken eight bytes per step (multiply and shift, with
/// a final avalanche), strings are length-prefixed and optionals tagged, so
/// `("ab", "c")` and `("a", "bc")`, or nil and `""`, never digest alike.
struct OfferFingerprint {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Bump when the fields digested by ``digests(_:)`` change, so stored digests from
    /// an older version read as changed and their rows are rewritten once.
    static let contentVersion: UInt64 = 1

    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The digest of what was added so far.
    var value: UInt64 {
        // MurmurHash3's finalizer: every input bit reaches every output bit.
        var h = state
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        return h ^ (h >> 33)
    }

    mutating func add(_ number: UInt64) {
        let h = (state ^ number) &* Self.multiplier
        state = h ^ (h >> 29)
    }

    mutating func add(bytes: UnsafeRawBufferPointer) {
        add(UInt64(bytes.count))
        var offset = 0
        while offset + 8 <= bytes.count {
            add(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        guard offset < bytes.count else { return }
        var tail: UInt64 = 0
        for (shift, byte) in bytes[offset...].enumerated() { tail |= UInt64(byte) << UInt64(shift * 8) }
        add(tail)
    }

    mutating func add(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { add(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { add(bytes: Array(text.utf8)) }
    }

    mutating func add(bytes: [UInt8]) {
        bytes.withUnsafeBytes { add(bytes: $0) }
    }

    mutating func add(_ text: String?) {
        guard let text else { return add(UInt64(0xfeed_0001)) }
        add(text)
    }

    mutating func add(_ number: Int64?) {
        guard let number else { return add(UInt64(0xfeed_0002)) }
        add(UInt64(0xfeed_0003))
        add(UInt64(bitPattern: number))
    }

    /// The digests of one offer, taken in one pass over its fields.
    struct Digests {
        /// (served-by, model): the serving endpoint's model, the key of price history.
        var endpoint: UInt64
        /// (served-by, model, task): the offer's identity within its provider.
        var identity: UInt64
        /// Every stored field but the time stamps, as stored (SQLite integers are signed):
        /// equal digests mean the stored row already says what the offer says.
        var content: Int64
    }

    /// Adds (served-by, model) then task, in the order ``digests(_:)`` and
    /// ``StoredOffers`` use; returns the endpoint digest.
    mutating func addIdentity(servedBy: String, model: String, task: String) -> UInt64 {
        add(servedBy)
        add(model)
        let endpoint = value
        add(task)
        return endpoint
    }

    static func digests(_ offer: UnsafePointer<Offer>) -> Digests {
        var f = OfferFingerprint()
        let endpoint = f.addIdentity(
            servedBy: offer.pointee.servedBy, model: offer.pointee.model, task: offer.pointee.task.rawValue)
        let identity = f.value
        f.add(contentVersion)
        f.add(offer.pointee.provider)
        f.add(offer.pointee.servedModelID)
        f.add(offer.pointee.hfID)
        f.add(offer.pointee.price.billing.rawValue)
        f.add(offer.pointee.price.state.rawValue)
        f.add(offer.pointee.price.input.amount?.value)
        f.add(offer.pointee.price.output.amount?.value)
        f.add(offer.pointee.price.unit.amount?.value)
        if !offer.pointee.price.isUSD { f.add(offer.pointee.price.currency) }
        f.add(offer.pointee.region.rawValue)
        f.add(UInt64(offer.pointee.countries.count))
        for country in offer.pointee.countries { f.add(country) }
        f.add(UInt64(offer.pointee.compliance.count))
        for tag in offer.pointee.compliance { f.add(tag.rawValue) }
        f.add(offer.pointee.contextLength.map(Int64.init))
        f.add(offer.pointee.supportsTools.map { Int64($0 ? 1 : 0) })
        f.add(offer.pointee.supportsStructuredOutput.map { Int64($0 ? 1 : 0) })
        f.add(offer.pointee.firstTokenLatencyMs.map(Int64.init))
        f.add(offer.pointee.throughputTokensPerSecond.map(Int64.init))
        f.add(Int64?(offer.pointee.curated ? 1 : 0))
        f.add(offer.pointee.priceTaken)
        // Added later: only a known value enters, so digests of offers without one did not change.
        if let images = offer.pointee.supportsImages { f.add(Int64?(images ? 1 : 0)) }
        if let retiresAt = offer.pointee.retiresAt { f.add(retiresAt) }
        return Digests(endpoint: endpoint, identity: identity, content: Int64(bitPattern: f.value))
    }
}
