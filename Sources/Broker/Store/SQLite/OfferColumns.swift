import ProviderInterface

/// How an ``Offer`` maps to the `offers` table: one column list shared by the insert and
/// every select, so their orders cannot drift apart.
enum OfferColumns {
    /// The stored columns, in bind and read order.
    static let names = [
        "provider", "served_by", "model", "served_model_id", "hf_id", "task", "billing", "price_state",
        "input_pico", "output_pico", "unit_pico", "blended_sort", "region", "countries", "compliance",
        "context_length", "supports_tools", "supports_structured_output", "first_token_latency_ms",
        "throughput_tps", "curated", "price_taken", "changed_at", "supports_vision", "currency", "retires_at",
    ]

    /// The columns written: the read ones, the row's content digest, and when its
    /// (served-by, model) appeared while that is not yet in `price_history`.
    static let writtenNames = names + ["row_hash", "appeared_at"]

    /// The column list for a SELECT.
    static let selectList = names.joined(separator: ", ")

    /// Inserts `rows` offers: row `r`'s parameters start after `r` × ``writtenNames``.count.
    static func insertSQL(rows: Int) -> String {
        SQLiteConnection.insertSQL(table: "offers", columns: writtenNames, rows: rows)
    }

    /// Rewrites the stored offer whose id is the last parameter, with the insert's
    /// parameter numbering.
    static let updateSQL =
        "UPDATE offers SET "
        + writtenNames.enumerated().map { "\($1) = ?\($0 + 1)" }.joined(separator: ", ")
        + " WHERE id = ?\(writtenNames.count + 1)"

    /// `blended_sort` for an unknown price: after every real one.
    static let unknownBlended = Int64.max

    /// 3 × input + output (pico-units of the price's currency per four tokens), clamped
    /// below the unknown sentinel.
    static func blendedSortKey(_ price: OfferPrice) -> Int64 {
        guard price.billing == .token, let input = price.input.amount?.value, let output = price.output.amount?.value
        else { return unknownBlended }
        let (triple, o1) = input.multipliedReportingOverflow(by: 3)
        let (sum, o2) = triple.addingReportingOverflow(output)
        return o1 || o2 ? unknownBlended - 1 : min(sum, unknownBlended - 1)
    }

    /// `",gdpr,eu-residency,"`: every tag wrapped in commas for an exact `instr` match
    /// (`","` for none). ``encode(_:changedAt:digest:appearedAt:into:)`` writes the same bytes.
    static func encodeTags(_ tags: [ComplianceTag]) -> String {
        "," + tags.map(\.rawValue).joined(separator: ",") + ","
    }

    static func decodeList(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
    }

    /// Appends `offer`, written at `changedAt` with content digest `digest` and pending
    /// appearance `appearedAt`, to `rows` as the parameters of ``insertSQL(rows:)`` (or of
    /// ``updateSQL``, followed by the row's id). The offer is read in place: a copy would
    /// cost a dozen reference counts per row.
    static func encode(
        _ offer: UnsafePointer<Offer>, changedAt: Int64, digest: Int64, appearedAt: Int64?, into rows: inout EncodedRows
    ) {
        rows.text(offer.pointee.provider)
        rows.text(offer.pointee.servedBy)
        rows.text(offer.pointee.model)
        rows.text(offer.pointee.servedModelID)
        rows.text(offer.pointee.hfID)
        rows.text(offer.pointee.task.rawValue)
        rows.text(offer.pointee.price.billing.rawValue)
        rows.text(offer.pointee.price.state.rawValue)
        rows.integer(offer.pointee.price.input.amount?.value)
        rows.integer(offer.pointee.price.output.amount?.value)
        rows.integer(offer.pointee.price.unit.amount?.value)
        rows.integer(blendedSortKey(offer.pointee.price))
        rows.text(offer.pointee.region.rawValue)
        rows.joined(offer.pointee.countries, separator: UInt8(ascii: ","), wrapped: false)
        rows.joined(offer.pointee.compliance.lazy.map(\.rawValue), separator: UInt8(ascii: ","), wrapped: true)
        rows.integer(offer.pointee.contextLength.map(Int64.init))
        rows.integer(offer.pointee.supportsTools.map { $0 ? 1 : 0 })
        rows.integer(offer.pointee.supportsStructuredOutput.map { $0 ? 1 : 0 })
        rows.integer(offer.pointee.firstTokenLatencyMs.map(Int64.init))
        rows.integer(offer.pointee.throughputTokensPerSecond.map(Int64.init))
        rows.integer(offer.pointee.curated ? 1 : 0)
        rows.text(offer.pointee.priceTaken)
        rows.integer(changedAt)
        rows.integer(offer.pointee.supportsImages.map { $0 ? 1 : 0 })
        rows.text(offer.pointee.price.currency)
        rows.text(offer.pointee.retiresAt)
        rows.integer(digest)
        rows.integer(appearedAt)
    }

    /// Reads an offer from a row selected with ``selectList`` starting at column 0.
    /// Its `refreshedAt` is the row's `changed_at`; the store then sets it to its
    /// provider's last refresh.
    static func read(_ s: Statement) throws -> Offer {
        let billingText = s.text(6)
        guard let billing = Billing(rawValue: billingText) else {
            throw StoreError(.malformedRow, "offers.billing holds \"\(billingText)\", which this version does not know")
        }
        let price = OfferPrice(
            billing: billing, input: priceValue(s.optionalInt64(8)), output: priceValue(s.optionalInt64(9)),
            unit: priceValue(s.optionalInt64(10)), currency: s.text(24))
        var offer = Offer(
            provider: s.text(0), servedBy: s.text(1), model: s.text(2), servedModelID: s.optionalText(3),
            hfID: s.optionalText(4), task: ModelTask(s.text(5)), price: price,
            // A region this version does not know cannot be vouched for.
            region: Region(rawValue: s.text(12)) ?? .unknown, countries: decodeList(s.text(13)),
            compliance: decodeList(s.text(14)).map(ComplianceTag.init(rawValue:)),
            contextLength: s.optionalInt(15), supportsTools: s.optionalBool(16),
            supportsStructuredOutput: s.optionalBool(17), firstTokenLatencyMs: s.optionalInt(18),
            throughputTokensPerSecond: s.optionalInt(19), curated: s.int64(20) != 0, priceTaken: s.optionalText(21),
            refreshedAt: s.int64(22))
        offer.supportsImages = s.optionalBool(23)
        offer.retiresAt = s.optionalText(25)
        return offer
    }

    /// `NULL` is unknown; any integer is an amount (0 is free).
    static func priceValue(_ pico: Int64?) -> PriceValue {
        pico.map { .amount(PicoUSD($0)) } ?? .unknown
    }
}
