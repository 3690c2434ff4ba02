import Testing

@testable import BrokerCommands

/// Every command's `--help`, as exact text: the options come from the typed declarations
/// (defaults included), so a changed declaration shows here. Regenerate with care: read the
/// new text as a user would.
@Suite struct HelpTextTests {
    /// The help of the command at `path` (`[]` for `broker` itself).
    func help(_ path: [String]) throws -> String {
        if path.isEmpty { return BrokerMain.help(for: BrokerMain.root) }
        let command = try #require(BrokerMain.commands.first { $0.configuration.path == path })
        return BrokerMain.help(for: command.configuration)
    }

    @Test("broker --help")
    func helpRoot() throws {
        #expect(
            try help([])
                == """
                OVERVIEW: Find which provider serves a model, where, at what price per token, and run it there.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] COMMAND …

                Exit codes: 0 success; 64 bad usage; 65 bad input data; 69 no offer matches;
                75 every candidate failed (temporary) or a refresh had a failure; 1 anything else.

                OPTIONS:
                  --version                   Print the version.

                SUBCOMMANDS:
                  providers                   List the registry's providers: kind, base URL, region, credential, last refresh.
                  providers check             Validate the registry; exit 65 listing every problem with its path.
                  refresh                     List models and prices from each enabled provider into the store.
                  market                      Query the marketplace: offers by provider, task, region and price.
                  gpus                        GPU compute offers: instances, pods, marketplace hosts and managed endpoints by GPU, region and price.
                  quote                       The exact cost of a request on every offer that fits; with --tokens-per-day, renting GPUs against calling.
                  run                         Run one inference through the chosen offer, with failover.
                  batch                       Run inference over a JSONL file of requests; resumable.
                  usage                       The usage ledger: requests, attempts, tokens and cost.
                  audit prices                Price disagreements between sources, and registry models missing from live catalogs.
                  audit requests              Where each request was processed: provider, served_by, upstream, region, countries, compliance.
                  store copy                  Copy a whole store into an empty one: SQLite file to PostgreSQL and back.
                  serve                       Serve an OpenAI-compatible endpoint, the marketplace API and a web page.

                  See 'broker <subcommand> --help' for details.

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker providers --help")
    func helpProviders() throws {
        #expect(
            try help(["providers"])
                == """
                OVERVIEW: List the registry's providers: kind, base URL, region, credential, last refresh.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] providers [<subcommand>] [options]

                KEY says whether the entry's credential variable (auth_env, listed in the JSON output) is
                set, never its value; REFRESHED is the last refresh's status and age.

                OPTIONS:
                  --enabled                   Only enabled providers.

                SUBCOMMANDS:
                  check                       Validate the registry; exit 65 listing every problem with its path.

                  See 'broker <subcommand> --help' for details.

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker providers check --help")
    func helpProvidersCheck() throws {
        #expect(
            try help(["providers", "check"])
                == """
                OVERVIEW: Validate the registry; exit 65 listing every problem with its path.

                USAGE: broker [--registry PATH] [--store PATH] providers check

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker refresh --help")
    func helpRefresh() throws {
        #expect(
            try help(["refresh"])
                == """
                OVERVIEW: List models and prices from each enabled provider into the store.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] refresh [options]

                Providers refresh concurrently, each in one transaction. A provider that fails, or whose
                new catalog is empty or shrank by more than half, keeps its last good offers (status
                failed or kept). Exit 0 when every provider is ok or kept, 75 when any failed.
                With --every, a line per round goes to stderr until SIGINT or SIGTERM.

                OPTIONS:
                  --provider KEY ...          Only this provider (may name a disabled one; default: every enabled one).
                  --every DURATION            Keep refreshing on this interval until stopped (default: once).
                  --force                     Accept a catalog that is empty or shrank by more than half.

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker market --help")
    func helpMarket() throws {
        #expect(
            try help(["market"])
                == """
                OVERVIEW: Query the marketplace: offers by provider, task, region and price.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] market [options]

                Prices are USD per million tokens, printed exactly; unknown prices print as '?' (null in
                JSON) and are never treated as free. A price published in another currency (EUR) is kept
                as published (currency, input_per_mtok, output_per_mtok in JSON) and its USD figures are
                converted with the stored European Central Bank rate (price_basis ecb:DATE); with no rate
                stored they print as the native price with its currency, and price caps and the price
                order (which compare USD) cannot include it. --currency EUR shows only offers priced in
                euros, with caps and order in euros. Region and compliance filters match only offers
                positively known to qualify. Offers older than twice their provider's refresh interval
                are stale and hidden unless --include-stale. --history shows each recorded price change
                of the models that match instead.

                OPTIONS:
                  --provider KEY ...          Only offers of this provider or source.
                  --served-by S               Only offers served by S.
                  --model TEXT                Model id or Hugging Face id contains TEXT (case-insensitive).
                  --task T                    Only offers for task T (chat = conversational; run and batch send chat when not given).
                  --region R                  Only offers known to run in R (eu, uk, ch, us, apac, global, local).
                  --compliance TAG            Only offers known to carry TAG (gdpr, eu-residency, zdr, local, …).
                  --currency CODE             Only offers priced in CODE (EUR); price caps, order and budget are then in CODE.
                  --max-input-price USD_PER_MTOK
                                              At most this input price per million tokens (USD, or --currency).
                  --max-output-price USD_PER_MTOK
                                              At most this output price per million tokens (USD, or --currency).
                  --include-stale             Include offers older than twice their refresh interval.
                  --sort price|context|model  Order (price: blended 3:1 input:output, unknown last; default: price).
                  --supports LIST             Only offers known to support these (tools, json-schema, vision; comma list).
                  --limit N                   At most N offers.
                  --history                   Show the price history of the matching models instead.

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker gpus --help")
    func helpGpus() throws {
        #expect(
            try help(["gpus"])
                == """
                OVERVIEW: GPU compute offers: instances, pods, marketplace hosts and managed endpoints by GPU, region and price.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] gpus [options]

                Prices are per instance-hour (and per GPU-hour) in the offer's own currency, printed
                exactly; USD is added for other currencies with the stored European Central Bank rate
                (labelled ecb:DATE; '?' without a rate). --max-hourly and the price order compare in
                --currency through that rate. --gpu H100 also matches H100-SXM, H100-PCIE and H100-NVL.
                Region and compliance filters match only offers positively known to qualify; --region
                also takes a country code (DE). Offers of sources older than twice their refresh
                interval are stale and hidden unless --include-stale.

                OPTIONS:
                  --gpu NAME                  Only this GPU model or its variants (H100, A100-80GB, L40S, RTX4090).
                  --min-gpus N                At least N GPUs per instance.
                  --min-gpu-memory GIB        At least GIB of memory per GPU.
                  --region R                  Only offers known to run in R (eu, uk, ch, us, apac) or country R (DE).
                  --compliance TAG            Only offers known to carry TAG (gdpr, eu-residency, zdr, local, …).
                  --max-hourly PRICE          At most PRICE per instance-hour, in --currency.
                  --currency USD|EUR          The currency of --max-hourly and of the price order (default: USD).
                  --pricing on-demand|spot|bid|any
                                              Only this pricing model (default: any).
                  --provider KEY ...          Only offers of this provider or source.
                  --sort price|price-per-gpu|gpu-memory
                                              Order (unknown prices last; default: price).
                  --limit N                   At most N offers.
                  --include-stale             Include offers older than twice their refresh interval.

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker quote --help")
    func helpQuote() throws {
        #expect(
            try help(["quote"])
                == """
                OVERVIEW: The exact cost of a request on every offer that fits; with --tokens-per-day, renting GPUs against calling.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] quote [options]

                Offers are filtered as 'broker run' filters them and listed cheapest first, as the cheapest
                policy would try them: in USD, a price in another currency converted with the stored ECB rate
                (price_basis ecb:DATE), then priced offers with no rate, then unknown prices. Each cost is
                exact in the offer's own currency (cost, cost_nano) and in USD (cost_usd, cost_nano_usd, or
                null without a rate). Exit 69 when no offer fits.

                With --tokens-per-day (rent or call): the model's size is its parameter count from the
                Hugging Face Hub's safetensors metadata (or --params). Rule: GPU memory needed = parameters ×
                bytes per parameter of --precision (bf16/fp16 2, fp8/int8 1, int4 0.5) × (100 + --headroom)%,
                over all GPUs of one instance. An instance serves --throughput-per-gpu tokens a second per GPU
                for --utilisation percent of the day; enough instances are rented for the volume. Per-token
                cost uses the market's blended price (3 parts input to 1 part output). Only on-demand GPU
                offers with a USD price (native, or converted with the stored ECB rate) are considered. The
                break-even volume is where one instance costs what the same tokens cost per token.

                OPTIONS:
                  --model M                   Model id, Hugging Face id or alias (required).
                  --input-tokens N            Input (prompt) tokens.
                  --output-tokens K           Output (completion) tokens.
                  --provider KEY[:SERVED_BY]  Pin a provider (and serving endpoint).
                  --task T                    Only offers for task T (chat = conversational; run and batch send chat when not given).
                  --region R                  Only offers known to run in R (eu, uk, ch, us, apac, global, local).
                  --compliance TAG            Only offers known to carry TAG (gdpr, eu-residency, zdr, local, …).
                  --currency CODE             Only offers priced in CODE (EUR); price caps, order and budget are then in CODE.
                  --max-input-price USD_PER_MTOK
                                              At most this input price per million tokens (USD, or --currency).
                  --max-output-price USD_PER_MTOK
                                              At most this output price per million tokens (USD, or --currency).
                  --include-stale             Include offers older than twice their refresh interval.
                  --tokens-per-day N          Rent or call: tokens a day, input and output together.
                  --precision bf16|fp16|fp8|int8|int4
                                              Rent or call: weight precision (default: bf16).
                  --headroom PERCENT          Rent or call: GPU memory beyond the weights, in percent (default: 20).
                  --throughput-per-gpu TOKENS_PER_S
                                              Rent or call: tokens a second one GPU serves (default: 1000).
                  --utilisation PERCENT       Rent or call: share of the day the GPUs are busy (default: 50).
                  --params N                  Rent or call: the parameter count, instead of asking the Hub.
                  --limit N                   Rent or call: at most N dedicated options (default: 5).

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker run --help")
    func helpRun() throws {
        #expect(
            try help(["run"])
                == """
                OVERVIEW: Run one inference through the chosen offer, with failover.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] run [options]

                Considers every fresh offer whose model or hf_id is --model (aliases from the registry
                apply), keeps those that fit the filters, and tries them in policy order. On a connection
                error, timeout, 408, 429, 5xx or "not served here" the next offer is tried — never after
                output has started. Plain output is the answer itself; --format json gives the result
                object with every attempt. Exit 69 when no offer fits (with the reason for each near miss),
                75 when every candidate failed.

                OPTIONS:
                  --model M                   Model id, Hugging Face id or alias (required).
                  --prompt TEXT               The prompt (else --input, else stdin).
                  --input JSON                The task input as JSON (chat: a messages array).
                  --system TEXT               A system message (chat).
                  --task T                    Only offers for task T (chat = conversational; run and batch send chat when not given).
                  --region R                  Only offers known to run in R (eu, uk, ch, us, apac, global, local).
                  --compliance TAG            Only offers known to carry TAG (gdpr, eu-residency, zdr, local, …).
                  --currency CODE             Only offers priced in CODE (EUR); price caps, order and budget are then in CODE.
                  --max-input-price USD_PER_MTOK
                                              At most this input price per million tokens (USD, or --currency).
                  --max-output-price USD_PER_MTOK
                                              At most this output price per million tokens (USD, or --currency).
                  --include-stale             Include offers older than twice their refresh interval.
                  --policy cheapest|fastest|preferred
                                              How to choose among offers (default: cheapest).
                  --provider KEY[:SERVED_BY]  Pin a provider (and serving endpoint).
                  --max-cost USD              Refuse before sending when the expected cost exceeds this.
                  --param K=V ...             A parameter (max_tokens=64, temperature=0.2; JSON values accepted; a batch line's own win).
                  --timeout DURATION          Bound on each attempt (default: the registry entry's).
                  --max-attempts N            Most tries per request (default: 4).
                  --allow-unpriced            Let the cheapest policy use offers whose price is unknown (last).
                  --output-file PATH          Where binary output (text-to-image) is written.
                  --stream                    Print the answer as it arrives; summary on stderr.
                  --explain                   Print on stderr the candidates in the order they are tried and why (fastest: the expected time and its source).

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker batch --help")
    func helpBatch() throws {
        #expect(
            try help(["batch"])
                == """
                OVERVIEW: Run inference over a JSONL file of requests; resumable.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] batch IN.jsonl [options]

                Each input line is {"id", "model", "task"?, "prompt"? | "messages"? | "input"?, "parameters"?,
                "policy"?, "provider"?, "region"?}; routing flags given here apply to lines that set none.
                Each result is written as it finishes: the input's id, "ok", and either the run fields or
                "error". A bad line gives an ok:false line naming its line number. Rerunning the same command
                after an interruption runs only the lines without a final result (temporary failures are
                retried). Exit 0 when every line succeeded, 65 when any line was bad input, 75 when any
                request failed.

                ARGUMENTS:
                  IN.jsonl                    One request per line.

                OPTIONS:
                  --output OUT.jsonl          Where results are written (required; appended to on resume).
                  --concurrency N             Requests in flight at once (default: 8).
                  --policy cheapest|fastest|preferred
                                              How to choose among offers (default: cheapest).
                  --provider KEY[:SERVED_BY]  Pin a provider (and serving endpoint).
                  --max-cost USD              Refuse before sending when the expected cost exceeds this.
                  --param K=V ...             A parameter (max_tokens=64, temperature=0.2; JSON values accepted; a batch line's own win).
                  --timeout DURATION          Bound on each attempt (default: the registry entry's).
                  --max-attempts N            Most tries per request (default: 4).
                  --allow-unpriced            Let the cheapest policy use offers whose price is unknown (last).
                  --task T                    Only offers for task T (chat = conversational; run and batch send chat when not given).
                  --region R                  Only offers known to run in R (eu, uk, ch, us, apac, global, local).
                  --compliance TAG            Only offers known to carry TAG (gdpr, eu-residency, zdr, local, …).
                  --currency CODE             Only offers priced in CODE (EUR); price caps, order and budget are then in CODE.
                  --max-input-price USD_PER_MTOK
                                              At most this input price per million tokens (USD, or --currency).
                  --max-output-price USD_PER_MTOK
                                              At most this output price per million tokens (USD, or --currency).
                  --include-stale             Include offers older than twice their refresh interval.

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker usage --help")
    func helpUsage() throws {
        #expect(
            try help(["usage"])
                == """
                OVERVIEW: The usage ledger: requests, attempts, tokens and cost.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] usage [options]

                Every attempt is a ledger row. REQUESTS counts each request once, however many attempts
                it took; ATTEMPTS counts every try and ERRORS the failed ones (which cost nothing, except
                the output a stream delivered before it broke), so a request that failed over once is
                1 request, 2 attempts, 1 error, billed once. A request that tried two providers counts
                in both groups, and once in the total. Costs are exact
                sums of the integer pico-unit costs in the currency each offer was priced in: a group has
                one row per currency (cost_nano, exact) and euros are never added to dollars.
                cost_nano_usd is the USD figure: exact for USD, converted at the ECB rate of the day for
                another currency (price_basis), or null when no rate was stored.

                OPTIONS:
                  --since DURATION            Only the last DURATION (default: everything).
                  --savings                   What answered requests cost against the cheapest offer that fitted each at the time, in USD.
                  --by provider|model|day|served_by|region
                                              Group rows by this key; served_by is who answered (default: provider).

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker audit prices --help")
    func helpAuditPrices() throws {
        #expect(
            try help(["audit", "prices"])
                == """
                OVERVIEW: Price disagreements between sources, and registry models missing from live catalogs.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] audit prices [options]

                Where the same weights (hf_id) at the same serving endpoint are priced by more than one
                source — the Hugging Face router, OpenRouter's per-endpoint prices, the provider's own feed
                or curated table — each price (input and output) is compared in USD (another currency
                converted with the stored ECB rate) and listed when the highest is more than the tolerance
                above the lowest, with each source's value and age. 'broker market' marks such offers
                price_disputed. Also lists models of a registry table that the provider's live catalog no
                longer has. Run 'broker refresh' first.

                OPTIONS:
                  --tolerance PCT             Allowed spread in percent (default: 5).

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker audit requests --help")
    func helpAuditRequests() throws {
        #expect(
            try help(["audit", "requests"])
                == """
                OVERVIEW: Where each request was processed: provider, served_by, upstream, region, countries, compliance.

                USAGE: broker [--registry PATH] [--store PATH] [--format F] audit requests [options]

                One row per attempt (every attempt sent the request's data to its provider), oldest first:
                request_id, attempt, at, provider, served_by, upstream (who answered for an aggregator),
                model, outcome, and the offer's region, countries and compliance tags as they stood when the
                attempt was made (region null for attempts recorded before this version), with the cost in
                the offer's currency and in USD.

                OPTIONS:
                  --since DURATION            Only the last DURATION (default: everything).

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  --format F                  Output format: table, json or csv (default: table on a terminal, json otherwise).
                  -h, --help                  Show help for the command.

                """)
    }

    @Test("broker serve --help")
    func helpServe() throws {
        #expect(
            try help(["serve"])
                == """
                OVERVIEW: Serve an OpenAI-compatible endpoint, the marketplace API and a web page.

                USAGE: broker [--registry PATH] [--store PATH] serve [options]

                Routes POST /v1/chat/completions (plain and stream: true) exactly like 'broker run', with
                failover and the usage ledger; GET /v1/models, /v1/marketplace/offers (the 'market'
                filters), /v1/marketplace/providers, /v1/usage, /health, /metrics; POST
                /hf-inference/models/{org}/{name}; and the marketplace page at /.
                Client keys come from $BROKER_API_KEYS or --keys-file (format: 'SECRET[;name=LABEL]
                [;budget_usd=USD][;rpm=N]', separated by commas or newlines); with keys set, every API
                call needs 'Authorization: Bearer <key>'. Without keys only loopback may be bound.
                --tls-cert and --tls-key (PEM files) serve HTTPS instead of HTTP, as a server bound
                beyond loopback should: client keys then never cross the network in clear text.
                SIGINT/SIGTERM stop admitting requests and wait up to --grace for those in flight.

                OPTIONS:
                  --host ADDR                 Address to bind (default: 127.0.0.1).
                  --port N                    Port (0 picks a free one; default: 8080).
                  --refresh-every DURATION    Background refresh interval ('off' for none; default: 1h).
                  --no-initial-refresh        Do not refresh at start-up (serve what the store holds).
                  --grace DURATION            How long shutdown waits for requests in flight (default: 10s).
                  --keys-file PATH            Client keys, one per line (default: $BROKER_API_KEYS_FILE).
                  --max-attempts N            Most tries per request (default: 4).
                  --tls-cert PATH             Serve HTTPS with this certificate chain (PEM); needs --tls-key.
                  --tls-key PATH              The certificate's private key (unencrypted PEM).
                  --event-loops N             Serve on N event loops, each connection's requests on one thread; 'off' for a thread per connection (default: one per usable core).
                  --busy-poll MICROSECONDS    While at most one request is in flight, poll a socket this long before sleeping on it ('off' for none; default: 300us).

                GLOBAL OPTIONS (before, between or after the command words):
                  --registry PATH             The provider registry (default: $BROKER_REGISTRY, else ./provider_registry.json).
                  --store PATH                The marketplace store: a SQLite file, or a postgresql:// URI (default: $BROKER_STORE, else ~/.local/share/broker/market.sqlite3).
                  -h, --help                  Show help for the command.

                """)
    }
}
