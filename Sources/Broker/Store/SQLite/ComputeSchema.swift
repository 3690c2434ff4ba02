/// The SQL of the compute-offer and exchange-rate tables (migration `12-compute-offers`).
enum ComputeSchema {
    static let migration12 = """
        -- One row per compute source (a registry entry such as gpuhunt-aws): its offer count,
        -- the catalog version it holds (gpuhunt's `version`), the currencies its offers are
        -- priced in (",USD,"), and when a refresh last confirmed its offers.
        CREATE TABLE compute_sources (
            key TEXT PRIMARY KEY NOT NULL,
            offers INTEGER NOT NULL DEFAULT 0,
            version TEXT,
            currencies TEXT NOT NULL DEFAULT ',',
            replaced_at INTEGER
        );
        -- Prices are INTEGER pico-units of `currency` per instance-hour (and per GPU-hour),
        -- never converted at ingest; NULL is unknown. gpu_model is canonical ([A-Z0-9-]).
        -- countries and compliance are ",a,b," for whole-item instr() matches.
        CREATE TABLE compute_offers (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            provider TEXT NOT NULL,
            offer_kind TEXT NOT NULL,
            offer_id TEXT NOT NULL,
            instance_type TEXT NOT NULL,
            gpu_model TEXT NOT NULL,
            gpu_model_raw TEXT NOT NULL,
            gpu_count INTEGER NOT NULL,
            gpu_memory_gib INTEGER,
            vcpus INTEGER,
            ram_mib INTEGER,
            location TEXT NOT NULL,
            region TEXT NOT NULL,
            countries TEXT NOT NULL,
            compliance TEXT NOT NULL,
            pricing_model TEXT NOT NULL,
            currency TEXT NOT NULL,
            price_pico INTEGER,
            price_per_gpu_pico INTEGER,
            availability TEXT NOT NULL,
            row_hash INTEGER NOT NULL,
            price_sort INTEGER NOT NULL,
            per_gpu_sort INTEGER NOT NULL
        );
        -- row_hash: a digest of the row's fields, so a refresh rewrites only changed offers.
        -- price_sort / per_gpu_sort: the price, or the largest integer when unknown, so one
        -- index per currency gives "cheapest first, unknown last" (currencies are merged
        -- through the stored rate when read, never converted here).
        CREATE INDEX compute_offers_source ON compute_offers(source);
        CREATE INDEX compute_offers_gpu ON compute_offers(gpu_model, region);
        CREATE INDEX compute_offers_price ON compute_offers(currency, price_sort);
        CREATE INDEX compute_offers_per_gpu ON compute_offers(currency, per_gpu_sort);
        -- A compute offer's price changes, by its source's offer id (NULL: unknown).
        CREATE TABLE compute_price_history (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            offer_id TEXT NOT NULL,
            at INTEGER NOT NULL,
            currency TEXT NOT NULL,
            old_price_pico INTEGER,
            new_price_pico INTEGER
        );
        CREATE INDEX compute_price_history_offer ON compute_price_history(source, offer_id, at);
        -- Reference exchange rates: units of `currency` per one `base` (EUR for the ECB), as
        -- the published decimal text, for the day `date`. One row per currency: the latest.
        CREATE TABLE exchange_rates (
            base TEXT NOT NULL,
            currency TEXT NOT NULL,
            rate TEXT NOT NULL,
            date TEXT NOT NULL,
            source TEXT NOT NULL,
            fetched_at INTEGER NOT NULL,
            PRIMARY KEY (base, currency)
        );
        """
}
