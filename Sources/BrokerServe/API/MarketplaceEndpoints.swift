import Broker
import HTTPServer
import ProviderInterface

/// `GET /v1/marketplace/offers`, `/v1/marketplace/providers` and `/v1/usage`.
struct MarketplaceEndpoints: Sendable {
    let context: ServeContext

    /// The offers that match the `broker market` filters in the query string, as the market JSON contract.
    func offers(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        let query: MarketQuery
        do {
            query = try MarketFilters(queryItems: request.queryItems).query(
                registry: context.registry, nowMs: context.now())
        } catch {
            throw APIError.badRequest(
                "\(error.filter.replacingDashes) \(error.message)", param: error.filter.replacingDashes)
        }
        let store = context.store
        let offers: [Offer]
        let rates: ExchangeRates?
        let disputed: Set<OfferKey>
        let measured: [OfferKey: MeasuredLatency]
        do {
            offers = try await store.queryOffers(query)
            rates = try await store.exchangeRates()
            disputed = try await store.disputedOffers(among: offers)
            measured = try await store.measuredFigures()
        } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
        return JSONResponse.make(
            .array(
                offers.map {
                    .object(
                        OfferJSON.object(
                            $0, stale: query.isStale($0), measured: measured[OfferKey($0)], rates: rates,
                            disputed: disputed.contains(OfferKey($0))))
                }))
    }

    /// `POST /v1/marketplace/quote`: the `broker quote` request as a JSON body
    /// (`{"model", "input_tokens", "output_tokens", "region"?, "currency"?, …}`), answered with
    /// the quote JSON, cheapest first; 404 `no_offer_fits` with the reasons when none fits.
    func quote(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        let body: JSONValue
        do {
            body = try JSONParser.parse(request.body)
        } catch {
            throw APIError.badRequest("the request body is not JSON: \(error)")
        }
        guard body.objectValue != nil else { throw APIError.badRequest("the request body must be a JSON object") }
        let route: RouteRequest
        do {
            route = try QuoteFilters(body: body).route(registry: context.registry)
        } catch {
            throw APIError.badRequest(
                "\(error.filter.replacingDashes) \(error.message)", param: error.filter.replacingDashes)
        }
        let quoted: (lines: [QuoteLine], plan: RoutePlan)
        do {
            quoted = try await Quoter.quote(
                route, store: context.store, registry: context.registry, nowMs: context.now())
        } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
        guard !quoted.lines.isEmpty else { throw APIError.noOfferFits(route.model, quoted.plan) }
        return JSONResponse.make(
            .array(
                quoted.lines.map {
                    .object(
                        QuoteJSON.object(
                            $0, inputTokens: route.estimatedInputTokens, outputTokens: route.estimatedOutputTokens))
                }))
    }

    /// `GET /v1/marketplace/history?model=M`: the recorded price changes of every offer whose
    /// model id or Hugging Face id is `M` (each at its own provider-side id), oldest first.
    func history(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        guard let model = request.queryItems.first(where: { $0.name == "model" })?.value, !model.isEmpty else {
            throw APIError.badRequest("model is required", param: "model")
        }
        let id = context.registry.resolveAlias(model)
        do {
            let offers = try await context.store.queryOffers(
                MarketQuery(nowMs: context.now(), modelID: id, sort: .model, includeStale: true))
            var seen = Set<String>()
            var changes: [PriceChange] = []
            for offer in offers where seen.insert(offer.provider + "\u{0}" + offer.model).inserted {
                changes += try await context.store.priceHistory(model: offer.model, provider: offer.provider)
            }
            changes.sort { ($0.at, $0.provider, $0.servedBy) < ($1.at, $1.provider, $1.servedBy) }
            return JSONResponse.make(.array(changes.map { .object(PriceHistoryJSON.object($0)) }))
        } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
    }

    /// `GET /v1/marketplace/audit`: `broker audit prices` (`tolerance_pct`, default 5).
    func audit(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        var tolerance = PriceAudit.defaultToleranceBasisPoints
        if let text = request.queryItems.first(where: { $0.name == "tolerance_pct" })?.value {
            guard let bp = AuditReport.toleranceBasisPoints(text) else {
                throw APIError.badRequest(
                    "tolerance_pct must be a percentage such as 5 or 2.5 (got '\(text)')", param: "tolerance_pct")
            }
            tolerance = bp
        }
        do {
            let report = try await AuditReport.make(
                store: context.store, registry: context.registry, toleranceBasisPoints: tolerance)
            return JSONResponse.make(.array(report.objects(nowMs: context.now()).map(JSONValue.object)))
        } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
    }

    /// The compute offers that match the `broker gpus` filters in the query string, as the gpus JSON contract.
    func gpus(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        let query: ComputeQuery
        do {
            query = try ComputeFilters(queryItems: request.queryItems).query(
                registry: context.registry, nowMs: context.now())
        } catch {
            throw APIError.badRequest(
                "\(error.filter.replacingDashes) \(error.message)", param: error.filter.replacingDashes)
        }
        let offers: [ComputeMarketOffer]
        let converter: CurrencyConverter?
        do {
            offers = try await context.store.queryComputeOffers(query)
            converter = try await context.store.exchangeRates().map(CurrencyConverter.init(rates:))
        } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
        return JSONResponse.make(
            .array(
                offers.map {
                    .object(ComputeOfferJSON.object($0, stale: query.isStale($0), converter: converter))
                }))
    }

    /// The registry's providers with their region, whether their credential is set, and their last refresh.
    func providers(environment: [String: String]) -> ServerResponse {
        let status = Dictionary(context.refresh.status.map { ($0.run.provider, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = context.registry.entries.map { entry -> JSONValue in
            var object = JSONObject([
                ("provider", .string(entry.key)), ("adapter", .string(entry.adapter)),
                ("base_url", .string(entry.baseURL)),
                ("region", .string(entry.region.region.rawValue)), ("enabled", .bool(entry.enabled)),
                (
                    "credential",
                    .string(entry.authEnv.map { (environment[$0] ?? "").isEmpty ? "unset" : "set" } ?? "none")
                ),
                ("refresh_interval_s", .integer(entry.refreshIntervalSeconds)),
            ])
            object["last_refresh"] =
                status[entry.key].map {
                    HealthEndpoint.refreshObject(
                        $0.run, failures: $0.consecutiveFailures, redactor: context.routing.redactor)
                } ?? .null
            return .object(object)
        }
        return JSONResponse.make(.array(rows))
    }

    /// Ledger totals like `broker usage`: `?since=24h&by=provider|model|day|served_by`.
    func usage(_ request: ServerRequest) async throws(APIError) -> ServerResponse {
        var since: Int64 = 0
        var grouping = UsageGrouping.provider
        var then: UsageGrouping? = nil
        var savings = false
        for (name, value) in request.queryItems {
            switch name {
            case "since":
                guard let ms = DurationText.milliseconds(value) else {
                    throw APIError.badRequest(
                        "since must be a duration such as 24h or 7d (got '\(value)')", param: "since")
                }
                since = context.now() - ms
            case "by":
                guard let g = UsageGrouping(rawValue: value) else {
                    throw APIError.badRequest(
                        "by must be provider, model, day, served_by or region (got '\(value)')", param: "by")
                }
                grouping = g
            case "then":
                guard let g = UsageGrouping(rawValue: value) else {
                    throw APIError.badRequest(
                        "then must be provider, model, day, served_by or region (got '\(value)')", param: "then")
                }
                then = g
            case "savings": savings = value.isEmpty || value == "1" || value == "true"
            default: break
            }
        }
        await context.ledger.flush()  // answers include every request served so far
        if savings {
            let rows: [SavingsRow]
            do { rows = try await context.store.savings(sinceMs: since, by: grouping) } catch {
                throw APIError.storeUnavailable(error, path: context.store.path)
            }
            return JSONResponse.make(.array(rows.map { .object(UsageJSON.savings($0, grouping: grouping)) }))
        }
        let rows: [UsageRow]
        do { rows = try await context.store.usage(sinceMs: since, by: grouping, then: then) } catch {
            throw APIError.storeUnavailable(error, path: context.store.path)
        }
        return JSONResponse.make(.array(rows.map { .object(UsageJSON.object($0, grouping: grouping, then: then)) }))
    }
}

extension String {
    /// `max-input-price` → `max_input_price`.
    var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}
