import ProviderInterface

/// How a ``PriceChange`` maps to the `price_history` table.
enum PriceHistoryColumns {
    /// The columns an insert lists, in bind order.
    static let names = [
        "provider", "served_by", "model", "at", "billing", "appeared",
        "old_input_pico", "old_output_pico", "old_unit_pico", "new_input_pico", "new_output_pico", "new_unit_pico",
        "currency",
    ]

    /// Inserts `rows` changes: row `r`'s parameters start after `r` × ``names``.count.
    static func insertSQL(rows: Int) -> String {
        SQLiteConnection.insertSQL(table: "price_history", columns: names, rows: rows)
    }

    static let selectList = """
        provider, served_by, model, at, billing, appeared,
        old_input_pico, old_output_pico, old_unit_pico, new_input_pico, new_output_pico, new_unit_pico, currency
        """

    /// Appends the row recording that `offer`'s (served-by, model) went from price `old`
    /// to `new` at `at` (`old` nil: it appeared with `new`) to `rows`, as the parameters
    /// of ``insertSQL(rows:)``.
    static func encode(
        _ offer: UnsafePointer<Offer>, old: StoredPrice?, new: StoredPrice, at: Int64, into rows: inout EncodedRows
    ) {
        rows.text(offer.pointee.provider)
        rows.text(offer.pointee.servedBy)
        rows.text(offer.pointee.model)
        rows.integer(at)
        rows.text(new.billing)
        rows.integer(old == nil ? 1 : 0)
        rows.integer(old?.input)
        rows.integer(old?.output)
        rows.integer(old?.unit)
        rows.integer(new.input)
        rows.integer(new.output)
        rows.integer(new.unit)
        rows.text(new.currency)
    }

    /// The pending appearances (see ``MarketplaceStore/priceHistory(model:provider:)``) of
    /// the offers `condition` selects, one per (served-by, model), as rows of
    /// ``selectList``: each endpoint's first row stands for it.
    static func pendingAppearances(where condition: String) -> String {
        """
        SELECT provider, served_by, model, appeared_at, billing, 1, NULL, NULL, NULL, input_pico, output_pico, unit_pico, currency
        FROM offers WHERE id IN (
            SELECT min(id) FROM offers WHERE appeared_at IS NOT NULL AND \(condition) GROUP BY provider, served_by, model)
        """
    }

    /// Writes the pending appearances of the offers `condition` selects to the history:
    /// run before those offers are deleted, so no appearance is lost.
    static func writeAppearances(where condition: String) -> String {
        "INSERT INTO price_history (\(names.joined(separator: ", "))) " + pendingAppearances(where: condition)
    }

    /// Reads a change from a row selected with ``selectList``.
    static func read(_ s: Statement) throws -> PriceChange {
        let billingText = s.text(4)
        guard let billing = Billing(rawValue: billingText) else {
            throw StoreError(
                .malformedRow, "price_history.billing holds \"\(billingText)\", which this version does not know")
        }
        let appeared = s.int64(5) != 0
        func old(_ column: Int32) -> PriceValue? {
            appeared ? nil : OfferColumns.priceValue(s.optionalInt64(column))
        }
        return PriceChange(
            provider: s.text(0), servedBy: s.text(1), model: s.text(2), at: s.int64(3), billing: billing,
            oldInput: old(6), oldOutput: old(7), oldUnit: old(8),
            newInput: OfferColumns.priceValue(s.optionalInt64(9)),
            newOutput: OfferColumns.priceValue(s.optionalInt64(10)),
            newUnit: OfferColumns.priceValue(s.optionalInt64(11)), currency: s.text(12))
    }
}
