import PostgresClient
import ProviderInterface

extension PostgresMarketStore {
    /// The offers matching `query`, filtered and ordered in SQL (``MarketQuerySQL``), from one snapshot.
    public func queryOffers(_ query: MarketQuery) throws -> [Offer] {
        try read { try readOffers(query) }
    }

    /// Routing's read of a market, in one snapshot (see ``MarketplaceStore/marketSnapshot(_:attemptWindow:recent:)``).
    public func marketSnapshot(_ query: MarketQuery, attemptWindow: Int, recent: Int) throws -> MarketSnapshot {
        try read {
            try MarketSnapshot.reading(
                try readOffers(query), measured: { try readMeasuredLatency($0, recent: recent) },
                attempts: { try readRecentAttempts($0, limit: attemptWindow) }, rates: { try readExchangeRates() })
        }
    }

    /// The offers matching `query`, read in the caller's transaction.
    func readOffers(_ query: MarketQuery) throws -> [Offer] {
        let refreshed = try providerRefreshTimes()
        var built = MarketQuerySQL(query, refreshedAt: refreshed)
        if query.comparesInUSD {
            let foreign = try db.rows("SELECT DISTINCT currency FROM offers WHERE currency <> 'USD' ORDER BY currency")
            {
                try $0.text(0)
            }
            if !foreign.isEmpty {
                built = MarketQuerySQL(query, refreshedAt: refreshed, foreign: foreign, rates: try readExchangeRates())
            }
        }
        // The mixed-currency order key multiplies a price by a rate factor: in numeric, so an
        // absurd price sorts (SQLite falls back to a float) instead of failing the query with a
        // bigint overflow; div() truncates as SQLite's integer division does.
        let sql = PostgresSQL.replacingAll(
            "THEN blended_sort * ? / 1000000", with: "THEN div(blended_sort::numeric * ?, 1000000)", in: built.sql)
        return try db.rows(PostgresSQL.numbered(sql), PostgresSQL.values(built.arguments)) { row in
            var offer = try PostgresRowReaders.offer(row)
            offer.refreshedAt = refreshed[offer.provider] ?? offer.refreshedAt
            return offer
        }
    }

    /// When each provider's offers were last replaced: every offer's refresh time.
    func providerRefreshTimes() throws -> [String: Int64] {
        let rows = try db.rows("SELECT key, replaced_at FROM providers WHERE replaced_at IS NOT NULL") {
            (try $0.text(0), try $0.int64(1))
        }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// The latest `limit` finished attempts of the offer `key`, newest first, in the caller's transaction.
    func readRecentAttempts(_ key: OfferKey, limit: Int) throws -> [(ok: Bool, at: Int64)] {
        try db.rows(
            """
            SELECT outcome = 'ok', at FROM usage WHERE provider = $1 AND served_by = $2 AND model = $3 AND outcome <> 'sent'
            ORDER BY at DESC, attempt DESC LIMIT $4
            """, [.text(key.provider), .text(key.servedBy), .text(key.model), .int(limit)]
        ) { s in (ok: try s.bool(0), at: try s.int64(1)) }
    }

    /// The figures of the offer `key` from its `recent` latest successful attempts, in the caller's transaction.
    func readMeasuredLatency(_ key: OfferKey, recent: Int) throws -> MeasuredLatency? {
        let rows = try db.rows(
            """
            SELECT latency_ms, first_token_ms, output_tokens FROM usage
            WHERE provider = $1 AND served_by = $2 AND model = $3 AND outcome = 'ok'
            ORDER BY at DESC, id DESC LIMIT $4
            """, [.text(key.provider), .text(key.servedBy), .text(key.model), .int(max(1, recent))]
        ) { s in
            MeasuredAttempt(
                latencyMs: try s.int64(0), firstTokenMs: try s.optionalInt64(1), outputTokens: try s.optionalInt64(2))
        }
        return MeasuredLatency(attempts: rows)
    }

    /// The broker's own figures for every offer it has served, from each one's `recent` latest successful attempts.
    public func measuredFigures(recent: Int) throws -> [OfferKey: MeasuredLatency] {
        try read {
            var attempts: [OfferKey: [MeasuredAttempt]] = [:]
            _ = try db.rows(
                """
                SELECT provider, served_by, model, latency_ms, first_token_ms, output_tokens FROM (
                    SELECT provider, served_by, model, latency_ms, first_token_ms, output_tokens,
                        row_number() OVER (PARTITION BY provider, served_by, model ORDER BY at DESC, id DESC) AS n
                    FROM usage WHERE outcome = 'ok') AS ranked
                WHERE n <= $1
                """, [.int(max(1, recent))]
            ) { s in
                let key = OfferKey(provider: try s.text(0), servedBy: try s.text(1), model: try s.text(2))
                attempts[key, default: []].append(
                    MeasuredAttempt(
                        latencyMs: try s.int64(3), firstTokenMs: try s.optionalInt64(4),
                        outputTokens: try s.optionalInt64(5)))
            }
            return attempts.compactMapValues(MeasuredLatency.init(attempts:))
        }
    }

    /// The recorded price changes of `model`, oldest first: the written history merged with the
    /// appearances still pending on offer rows (see ``MarketplaceStore/priceHistory(model:provider:)``).
    public func priceHistory(model: String, provider: String?) throws -> [PriceChange] {
        var condition = "model = ?"
        var arguments: [PostgresValue] = [.text(model)]
        if let provider {
            condition += " AND provider = ?"
            arguments.append(.text(provider))
        }
        return try read {
            let written = try db.rows(
                PostgresSQL.numbered(
                    "SELECT \(PriceHistoryColumns.selectList) FROM price_history WHERE \(condition) ORDER BY at, id"),
                arguments, PostgresRowReaders.priceChange)
            let pending = try db.rows(
                PostgresSQL.numbered(
                    PriceHistoryColumns.pendingAppearances(where: condition) + " ORDER BY appeared_at, id"),
                arguments, PostgresRowReaders.priceChange)
            guard !pending.isEmpty else { return written }
            return PriceChange.merged(written, pending)
        }
    }

    /// Which of `offers` disagree on price with another source for the same weights and endpoint.
    public func disputedOffers(among offers: [Offer], toleranceBasisPoints: Int64) throws -> Set<OfferKey> {
        let ids = Array(Set(offers.compactMap(\.hfID))).sorted()
        guard !ids.isEmpty else { return [] }
        let (peers, rates) = try read { () throws -> ([Offer], ExchangeRates?) in
            let refreshed = try providerRefreshTimes()
            let peers = try db.rows(
                "SELECT \(OfferColumns.selectList) FROM offers WHERE hf_id = ANY($1::text[]) ORDER BY id",
                [Self.textArray(ids)]
            ) { row in
                var offer = try PostgresRowReaders.offer(row)
                offer.refreshedAt = refreshed[offer.provider] ?? offer.refreshedAt
                return offer
            }
            return (peers, peers.contains { !$0.price.isUSD } ? try readExchangeRates() : nil)
        }
        return PriceAudit.disputed(
            PriceAudit.disagreements(peers, rates: rates, toleranceBasisPoints: toleranceBasisPoints))
    }

    /// `texts` as a `text[]` literal, each element quoted.
    static func textArray(_ texts: [String]) -> PostgresValue {
        var out = "{"
        for (index, text) in texts.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for c in text {
                if c == "\\" || c == "\"" { out += "\\" }
                out.append(c)
            }
            out += "\""
        }
        return .text(out + "}")
    }
}
