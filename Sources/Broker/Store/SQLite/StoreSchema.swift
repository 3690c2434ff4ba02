/// The marketplace store's schema, as ordered, named migrations.
///
/// Never edit or rename a shipped migration: add a new one at the end.
enum StoreSchema {
    static let migrations: [Migration] = [
        Migration(
            "1-providers-and-offers",
            sql: """
                CREATE TABLE providers (
                    key TEXT PRIMARY KEY NOT NULL,
                    offers INTEGER NOT NULL DEFAULT 0,
                    replaced_at INTEGER
                );
                -- Prices are INTEGER pico-USD per token (or per unit); NULL means unknown, 0 free.
                -- blended_sort is 3 × input + output, or the largest integer when unknown, so
                -- one index gives "cheapest first, unknown last".
                -- compliance is ",tag,tag," so a tag matches as instr(compliance, ',tag,').
                CREATE TABLE offers (
                    id INTEGER PRIMARY KEY,
                    provider TEXT NOT NULL,
                    served_by TEXT NOT NULL,
                    model TEXT NOT NULL,
                    served_model_id TEXT,
                    hf_id TEXT,
                    task TEXT NOT NULL,
                    billing TEXT NOT NULL,
                    price_state TEXT NOT NULL,
                    input_pico INTEGER,
                    output_pico INTEGER,
                    unit_pico INTEGER,
                    blended_sort INTEGER NOT NULL,
                    region TEXT NOT NULL,
                    countries TEXT NOT NULL,
                    compliance TEXT NOT NULL,
                    context_length INTEGER,
                    supports_tools INTEGER,
                    supports_structured_output INTEGER,
                    first_token_latency_ms INTEGER,
                    throughput_tps INTEGER,
                    curated INTEGER NOT NULL,
                    price_taken TEXT,
                    refreshed_at INTEGER NOT NULL
                );
                -- Rows of one provider are inserted together, so this index only ever appends.
                CREATE INDEX offers_provider ON offers(provider);
                CREATE INDEX offers_task_region_price ON offers(task, region, blended_sort);
                """),
        Migration(
            "2-refresh-runs",
            sql: """
                CREATE TABLE refresh_runs (
                    id INTEGER PRIMARY KEY,
                    provider TEXT NOT NULL,
                    status TEXT NOT NULL,
                    models INTEGER NOT NULL,
                    offers INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    error TEXT,
                    started_at INTEGER NOT NULL
                );
                CREATE INDEX refresh_runs_provider ON refresh_runs(provider, started_at);
                """),
        Migration(
            "3-price-history",
            sql: """
                -- One row per (served_by, model) whose price appeared (appeared = 1, old_* NULL)
                -- or changed (old_* NULL then means the old price was unknown).
                CREATE TABLE price_history (
                    id INTEGER PRIMARY KEY,
                    provider TEXT NOT NULL,
                    served_by TEXT NOT NULL,
                    model TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    billing TEXT NOT NULL,
                    appeared INTEGER NOT NULL,
                    old_input_pico INTEGER,
                    old_output_pico INTEGER,
                    old_unit_pico INTEGER,
                    new_input_pico INTEGER,
                    new_output_pico INTEGER,
                    new_unit_pico INTEGER
                );
                CREATE INDEX price_history_model ON price_history(model, at);
                """),
        Migration(
            "4-usage",
            sql: """
                -- The usage ledger: one row per attempt; cost_pico is the exact cost, NULL unpriced.
                CREATE TABLE usage (
                    id INTEGER PRIMARY KEY,
                    request_id TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    provider TEXT NOT NULL,
                    served_by TEXT NOT NULL,
                    model TEXT NOT NULL,
                    task TEXT NOT NULL,
                    input_tokens INTEGER,
                    output_tokens INTEGER,
                    cost_pico INTEGER,
                    latency_ms INTEGER NOT NULL,
                    first_token_ms INTEGER,
                    outcome TEXT NOT NULL,
                    http_status INTEGER,
                    error TEXT,
                    UNIQUE (request_id, attempt)
                );
                CREATE INDEX usage_at ON usage(at);
                CREATE INDEX usage_offer ON usage(provider, served_by, model, at);
                """),
        Migration(
            "5-leases",
            sql: """
                -- Named, expiring locks between broker processes (one refresher per provider).
                CREATE TABLE leases (
                    name TEXT PRIMARY KEY NOT NULL,
                    owner TEXT NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                """),
        Migration(
            "6-offer-digests",
            sql: """
                -- A refresh rewrites only the rows whose offer changed. row_hash is a digest of
                -- the offer's fields (NULL: written before digests, so rewritten once); an
                -- offer's refresh time is its provider's replaced_at, and changed_at says when
                -- its row was last written.
                ALTER TABLE offers RENAME COLUMN refreshed_at TO changed_at;
                ALTER TABLE offers ADD COLUMN row_hash INTEGER;
                """),
        Migration(
            "7-pending-appearances",
            sql: """
                -- A (served_by, model) that appears is not written to price_history at once:
                -- each of its rows carries appeared_at, and the history reads the appearance
                -- from them. It is written out, with the price it appeared with, when that
                -- price first changes or the endpoint goes, and appeared_at is then NULL. Rows
                -- from before this migration have NULL: their appearances were written.
                -- A first refresh of 100,000 offers so writes 100,000 rows fewer.
                ALTER TABLE offers ADD COLUMN appeared_at INTEGER;
                """),
        Migration(
            "8-key-spending",
            sql: """
                -- What each client key of `broker serve` has spent, in pico-USD, by the key's name
                -- (never its secret), so a key's budget holds across restarts. Written with the
                -- usage ledger's group commits.
                CREATE TABLE key_spending (
                    name TEXT PRIMARY KEY NOT NULL,
                    spent_pico INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """),
        Migration(
            "9-usage-upstream",
            sql: """
                -- Who answered an attempt when the provider named someone other than its offer's
                -- served_by (the upstream OpenRouter chose for its `openrouter` offer); NULL
                -- otherwise. served_by stays the offer's: the circuit breaker reads it.
                ALTER TABLE usage ADD COLUMN upstream TEXT;
                """),
        Migration(
            "10-usage-estimated",
            sql: """
                -- 1 when an attempt's tokens (and cost) were estimated from the delivered text, not
                -- reported by the provider: a stream that broke after output began, before its
                -- usage arrived, is still billed for what it delivered. NULL: reported (or none).
                ALTER TABLE usage ADD COLUMN tokens_estimated INTEGER;
                """),
        Migration("12-compute-offers", sql: ComputeSchema.migration12),
        Migration(
            "11-offer-vision",
            sql: """
                -- Whether the offer takes image input: 1, 0, or NULL when nobody said (tools and
                -- structured output have their columns since migration 1).
                ALTER TABLE offers ADD COLUMN supports_vision INTEGER;
                """),
        Migration(
            "13-currencies",
            sql: """
                -- Prices and costs stay in the currency the provider publishes: offers and price
                -- history carry it (pico-units of it in the *_pico columns; blended_sort too), and
                -- the ledger keeps each attempt's exact cost in it (cost_native_pico) beside the USD
                -- figure (cost_pico, NULL when no rate was stored) and the rate that made it
                -- (price_basis: native, or ecb:YYYY-MM-DD). Older rows are USD.
                ALTER TABLE offers ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
                -- Only rows in another currency than USD: a market query asks it which other
                -- currencies there are, at no cost to a store of dollars.
                CREATE INDEX offers_foreign_currency ON offers(currency) WHERE currency <> 'USD';
                ALTER TABLE price_history ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
                ALTER TABLE usage ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
                ALTER TABLE usage ADD COLUMN cost_native_pico INTEGER;
                ALTER TABLE usage ADD COLUMN price_basis TEXT;
                """),
        Migration(
            "13-retirement",
            sql: """
                -- The day a provider retires a model (YYYY-MM-DD), from its feed or the curated
                -- table; NULL when none is announced. Retired offers are not routed to.
                ALTER TABLE offers ADD COLUMN retires_at TEXT;
                """),
        Migration(
            "13-usage-region",
            sql: """
                -- Where each attempt was processed, as the offer's region record stood then (a
                -- data-protection record): region, countries (",FR,"-style list) and compliance
                -- tags (",gdpr,eu-residency,"). NULL for attempts recorded before.
                ALTER TABLE usage ADD COLUMN region TEXT;
                ALTER TABLE usage ADD COLUMN countries TEXT;
                ALTER TABLE usage ADD COLUMN compliance TEXT;
                """),
        Migration(
            "13-usage-cheapest",
            sql: """
                -- For an answered attempt: what the cheapest offer that fitted the same request at
                -- that moment would have cost for the same tokens, in pico-USD (prices in other
                -- currencies converted at that moment's ECB rate), and which offer that was
                -- (provider/served_by/model); NULL when no fitting offer's USD cost was known.
                ALTER TABLE usage ADD COLUMN cheapest_pico INTEGER;
                ALTER TABLE usage ADD COLUMN cheapest_offer TEXT;
                """),
        Migration(
            "14-key-reservations",
            sql: """
                -- Client keys' budgets and rates shared by every `broker serve` instance on the store.
                -- reserved_pico: what requests in flight on every instance may still cost (the sum of
                -- key_reservations' rows of the key); a reservation is granted only while
                -- spent_pico + reserved_pico stays within the budget.
                ALTER TABLE key_spending ADD COLUMN reserved_pico INTEGER NOT NULL DEFAULT 0;
                -- What each instance (holder) holds reserved of a key, until expires_at (Unix ms,
                -- renewed by each reservation): an instance that stops without settling frees its
                -- reservations when they expire.
                CREATE TABLE key_reservations (
                    name TEXT NOT NULL,
                    holder TEXT NOT NULL,
                    reserved_pico INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    PRIMARY KEY (name, holder)
                );
                -- Each key's request-rate bucket: tokens in 1/60,000 of a request, refilled by rpm
                -- per millisecond since refilled_at (Unix ms), up to rpm requests.
                CREATE TABLE key_rates (
                    name TEXT PRIMARY KEY NOT NULL,
                    tokens INTEGER NOT NULL,
                    refilled_at INTEGER NOT NULL
                );
                """),
    ]
}
