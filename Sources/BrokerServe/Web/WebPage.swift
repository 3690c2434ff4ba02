import HTTPServer

/// The marketplace page served at `/`: plain HTML, CSS and a little JavaScript, no external
/// assets and no build step.
///
/// The page reads `/v1/marketplace/offers` and `/health`, shows one card per offer, and
/// filters by provider, task, region and price and sorts on the client. Filters live in the
/// URL (`/?region=eu&task=conversational&max_price=1&sort=price`), so a filtered view can be
/// linked. When the server needs a key, the page asks for one and keeps it in `localStorage`.
/// The "GPUs" view (`/?view=gpus&region=eu&gpu=H100`) shows GPU compute offers from
/// `/v1/marketplace/gpus`, filtered by the server with `broker gpus`'s filters. The model
/// view (`/?view=model&model=meta-llama/Llama-3.3-70B-Instruct`, linked from each card's
/// title) sets the same model's offers side by side — price in its own currency and in USD,
/// region, capabilities, measured latency, audit flags — with an SVG chart of its price
/// history from `/v1/marketplace/history`. The usage view (`/?view=usage`) shows spend per day
/// by provider and currency from `/v1/usage?by=day&then=provider`, and the savings against the
/// cheapest fitting offer from `/v1/usage?savings=1` (behind the API key when keys are set).
enum WebPage {
    static let response = ServerResponse(
        status: 200,
        headers: [
            ("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache"),
            ("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"),
        ],
        bytes: Array((head + style + body + script).utf8))

    static let head = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>broker — marketplace</title>
        """#

    static let style = #"""
        <style>
        :root { --bg:#f6f7f9; --card:#fff; --ink:#1c2330; --mute:#667085; --line:#e3e6eb; --eu:#1d4ed8; --ok:#15803d; --bad:#b91c1c; --warn:#b45309; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--ink); }
        header { padding:14px 20px; background:#111827; color:#fff; display:flex; align-items:baseline; gap:16px; flex-wrap:wrap; }
        header h1 { font-size:18px; margin:0; }
        header span { color:#cbd5e1; }
        #status { display:flex; gap:8px; flex-wrap:wrap; padding:10px 20px; border-bottom:1px solid var(--line); background:#fff; }
        .chip { border:1px solid var(--line); border-radius:999px; padding:2px 10px; font-size:12px; }
        .chip.ok { border-color:#bbf7d0; background:#f0fdf4; } .chip.failed { border-color:#fecaca; background:#fef2f2; color:var(--bad); }
        .chip.kept { border-color:#fde68a; background:#fffbeb; }
        form { display:flex; gap:10px; flex-wrap:wrap; padding:12px 20px; align-items:end; }
        label { display:flex; flex-direction:column; font-size:12px; color:var(--mute); gap:2px; }
        select, input { font:inherit; padding:5px 8px; border:1px solid var(--line); border-radius:6px; background:#fff; min-width:120px; }
        #grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(290px, 1fr)); gap:12px; padding:4px 20px 24px; }
        .card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; display:flex; flex-direction:column; gap:6px; }
        .card h2 { font-size:14px; margin:0; word-break:break-all; }
        .who { color:var(--mute); font-size:12px; }
        .prices { display:flex; gap:14px; font-variant-numeric:tabular-nums; }
        .prices b { font-size:16px; }
        .badges { display:flex; gap:4px; flex-wrap:wrap; }
        .badge { font-size:11px; border-radius:4px; padding:1px 6px; background:#eef2f7; color:#334155; }
        .badge.region-eu { background:#dbeafe; color:var(--eu); } .badge.region-uk { background:#ede9fe; color:#6d28d9; }
        .badge.task { background:#ecfdf5; color:var(--ok); } .badge.stale { background:#fef2f2; color:var(--bad); }
        .badge.cap { background:#fff7ed; color:#9a3412; }
        .meta { display:flex; gap:12px; color:var(--mute); font-size:12px; flex-wrap:wrap; }
        #empty, #keybox { padding:20px; color:var(--mute); }
        #keybox[hidden], #empty[hidden], form[hidden] { display:none; }
        nav a { color:#cbd5e1; margin-right:10px; text-decoration:none; } nav a.on { color:#fff; font-weight:600; border-bottom:2px solid #fff; }
        .gpu .big { font-size:16px; font-weight:600; } .badge.kind { background:#fff7ed; color:var(--warn); }
        .card h2 a { color:inherit; text-decoration:none; } .card h2 a:hover { text-decoration:underline; }
        #modelview { padding:8px 20px 24px; } #modelview[hidden] { display:none; }
        #modelview h2 { font-size:16px; margin:6px 0 10px; word-break:break-all; }
        #usageview { padding:8px 20px 24px; } #usageview[hidden] { display:none; } #usageview h2 { font-size:15px; margin:14px 0 8px; }
        table.grid { border-collapse:collapse; background:#fff; width:100%; font-variant-numeric:tabular-nums; }
        table.grid th, table.grid td { border-bottom:1px solid var(--line); padding:6px 8px; text-align:left; font-size:13px; }
        table.grid th { color:var(--mute); font-weight:500; font-size:12px; }
        #sidebyside { border-collapse:collapse; background:#fff; width:100%; font-variant-numeric:tabular-nums; }
        #sidebyside th, #sidebyside td { border-bottom:1px solid var(--line); padding:6px 8px; text-align:left; font-size:13px; }
        #sidebyside th { color:var(--mute); font-weight:500; font-size:12px; }
        .badge.flag { background:#fef3c7; color:var(--warn); }
        figure { margin:16px 0 0; background:#fff; border:1px solid var(--line); border-radius:10px; padding:10px; }
        figcaption { color:var(--mute); font-size:12px; }
        #history text { font-size:11px; fill:#475569; }
        </style></head>
        """#

    static let body = #"""
        <body>
        <header><h1>broker marketplace</h1><nav><a id="nav-models" href="/">Models</a><a id="nav-gpus" href="/?view=gpus">GPUs</a><a id="nav-model" hidden>Model</a><a id="nav-usage" href="/?view=usage">Usage</a></nav><span id="count">loading…</span></header>
        <div id="status" aria-label="provider status"></div>
        <div id="keybox" hidden>This server needs an API key: <input id="key" type="password" placeholder="sk-…"> <button id="keygo" type="button">Use key</button></div>
        <form id="filters">
          <label>Provider<select name="provider"><option value="">all</option></select></label>
          <label>Task<select name="task"><option value="">all</option></select></label>
          <label>Region<select name="region"><option value="">all</option></select></label>
          <label>Max $/M in<input name="max_price" type="number" min="0" step="any" placeholder="any"></label>
          <label>Model<input name="q" type="search" placeholder="contains…"></label>
          <label>Sort<select name="sort">
            <option value="price">price (blended)</option><option value="context">context</option>
            <option value="latency">latency</option><option value="model">model</option></select></label>
        </form>
        <form id="gpufilters" hidden>
          <label>GPU<input name="gpu" type="search" placeholder="H100, L40S…"></label>
          <label>Region<select name="region"><option value="">all</option><option>eu</option><option>uk</option><option>ch</option><option>us</option><option>apac</option></select></label>
          <label>Min GPUs<input name="min_gpus" type="number" min="1" step="1" placeholder="any"></label>
          <label>Max per hour<input name="max_hourly" type="number" min="0" step="any" placeholder="any"></label>
          <label>Currency<select name="currency"><option>USD</option><option>EUR</option></select></label>
          <label>Pricing<select name="pricing"><option value="">any</option><option>on-demand</option><option>spot</option><option>bid</option></select></label>
          <label>Sort<select name="sort"><option value="price">price</option><option value="price-per-gpu">price per GPU</option><option value="gpu-memory">GPU memory</option></select></label>
        </form>
        <section id="modelview" hidden>
          <h2 id="mv-title"></h2>
          <table id="sidebyside"><thead><tr><th>Provider</th><th>Region</th><th>Input /M</th><th>Output /M</th><th>In USD</th>
            <th>Capabilities</th><th>Latency</th><th>Flags</th></tr></thead><tbody></tbody></table>
          <figure><svg id="history" width="760" height="260" viewBox="0 0 760 260" role="img" aria-label="price history"></svg>
            <figcaption>Input price per million tokens over time, in each offer's own currency (recorded at each refresh).</figcaption></figure>
        </section>
        <section id="usageview" hidden>
          <h2>Spend per day, by provider and currency</h2>
          <table id="spend" class="grid"><thead><tr><th>Day</th><th>Provider</th><th>Requests</th><th>Errors</th>
            <th>Tokens in / out</th><th>Cost</th><th>In USD</th></tr></thead><tbody></tbody></table>
          <h2>Savings against the cheapest offer that fitted each request</h2>
          <table id="savings" class="grid"><thead><tr><th>Provider</th><th>Requests</th><th>Paid</th><th>Cheapest</th>
            <th>Overpaid</th></tr></thead><tbody></tbody></table>
        </section>
        <div id="empty" hidden>No offers match these filters.</div>
        <main id="grid"></main>
        """#

    static let script = #"""
        <script>
        "use strict";
        const $ = (s) => document.querySelector(s);
        const form = $("#filters");
        const params = new URLSearchParams(location.search);
        let offers = [];
        // Cards drawn at most: tens of thousands of cards would make the page crawl; the
        // filters narrow the rest down, and the count says how many match.
        const MAX_CARDS = 500;
        function headers() { const k = localStorage.getItem("broker_key"); return k ? { Authorization: "Bearer " + k } : {}; }
        function el(tag, cls, text) { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
        function age(iso) {
          const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
          return s < 60 ? Math.round(s) + "s" : s < 3600 ? Math.round(s / 60) + "m" : s < 86400 ? Math.round(s / 3600) + "h" : Math.round(s / 86400) + "d";
        }
        function price(v, billing) { return billing !== "token" ? billing : v === null ? "?" : v === 0 ? "free" : "$" + v; }
        function blended(o) { return o.input_usd_per_mtok === null || o.output_usd_per_mtok === null ? Infinity : (3 * o.input_usd_per_mtok + o.output_usd_per_mtok) / 4; }
        function fill(name, values) {
          const select = form.elements[name];
          for (const v of [...new Set(values)].sort()) { const o = el("option", null, v); o.value = v; select.appendChild(o); }
        }
        function state() {
          const f = form.elements;
          return { provider: f.provider.value, task: f.task.value, region: f.region.value, max_price: f.max_price.value, q: f.q.value.toLowerCase(), sort: f.sort.value };
        }
        function render() {
          const s = state();
          const max = s.max_price === "" ? null : Number(s.max_price);
          let shown = offers.filter(o => (!s.provider || o.provider === s.provider || o.served_by === s.provider)
            && (!s.task || o.task === s.task) && (!s.region || o.region === s.region)
            && (max === null || (o.input_usd_per_mtok !== null && o.input_usd_per_mtok <= max))
            && (!s.q || (o.model + " " + (o.hf_id || "")).toLowerCase().includes(s.q)));
          const by = { price: (a, b) => blended(a) - blended(b), context: (a, b) => (b.context_length || 0) - (a.context_length || 0),
            latency: (a, b) => (a.first_token_latency_ms ?? Infinity) - (b.first_token_latency_ms ?? Infinity),
            model: (a, b) => (a.hf_id || a.model).localeCompare(b.hf_id || b.model) }[s.sort] || (() => 0);
          shown.sort((a, b) => by(a, b) || (a.hf_id || a.model).localeCompare(b.hf_id || b.model));
          const grid = $("#grid");
          grid.replaceChildren(...shown.slice(0, MAX_CARDS).map(card));
          $("#empty").hidden = shown.length > 0;
          $("#count").textContent = (shown.length > MAX_CARDS ? "first " + MAX_CARDS + " shown · " : "")
            + shown.length + " of " + offers.length + " offers";
          const q = new URLSearchParams();
          for (const [k, v] of Object.entries(state())) if (v && !(k === "sort" && v === "price")) q.set(k, v);
          history.replaceState(null, "", q.toString() ? "?" + q : location.pathname);
          document.body.dataset.ready = "1";
        }
        function card(o) {
          const c = el("article", "card");
          c.dataset.provider = o.provider; c.dataset.servedBy = o.served_by; c.dataset.task = o.task; c.dataset.region = o.region;
          const title = el("h2"); const link = el("a", null, o.hf_id || o.model);
          link.href = "/?view=model&model=" + encodeURIComponent(o.hf_id || o.model); title.appendChild(link); c.appendChild(title);
          c.appendChild(el("div", "who", o.served_by === o.provider ? o.provider : o.provider + " · served by " + o.served_by));
          const p = el("div", "prices");
          const pin = el("span"); pin.append(el("b", null, price(o.input_usd_per_mtok, o.billing)), " /M in");
          const pout = el("span"); pout.append(el("b", null, price(o.output_usd_per_mtok, o.billing)), " /M out");
          p.append(pin, pout); c.appendChild(p);
          const b = el("div", "badges");
          b.append(el("span", "badge task", o.task), el("span", "badge region-" + o.region, o.region));
          for (const t of o.compliance) b.appendChild(el("span", "badge", t));
          for (const c of (o.capabilities || [])) b.appendChild(el("span", "badge cap", c));
          if (o.stale) b.appendChild(el("span", "badge stale", "stale"));
          c.appendChild(b);
          const m = el("div", "meta");
          m.append(el("span", null, "context " + (o.context_length ?? "?")));
          m.append(el("span", null, "first token " + (o.first_token_latency_ms != null ? o.first_token_latency_ms + " ms" : "?")));
          m.append(el("span", null, o.throughput_tokens_per_s != null ? o.throughput_tokens_per_s + " tok/s" : "? tok/s"));
          if (o.measured_requests > 0) {
            m.append(el("span", "measured", "measured " + o.measured_latency_ms + " ms" +
              (o.measured_tokens_per_s != null ? ", " + o.measured_tokens_per_s + " tok/s" : "") +
              " (" + o.measured_requests + " req)"));
          }
          m.append(el("span", "age", "priced " + age(o.refreshed_at) + " ago" + (o.curated ? " (curated)" : "")));
          c.appendChild(m);
          return c;
        }
        async function status() {
          try {
            const h = await (await fetch("/health")).json();
            const strip = $("#status");
            strip.replaceChildren(el("span", "chip " + (h.status === "ok" ? "ok" : "failed"), "status " + h.status));
            for (const p of h.providers) {
              const chip = el("span", "chip " + p.status, p.provider + ": " + p.status + " " + age(p.at) + " ago"
                + (p.consecutive_failures ? " · " + p.consecutive_failures + " failure(s) in a row" : ""));
              chip.dataset.provider = p.provider; if (p.error) chip.title = p.error;
              strip.appendChild(chip);
            }
          } catch (e) { $("#status").textContent = "health unavailable"; }
        }
        async function load() {
          const r = await fetch("/v1/marketplace/offers?include_stale=1", { headers: headers() });
          if (r.status === 401) { $("#keybox").hidden = false; $("#count").textContent = "API key needed"; return; }
          offers = await r.json();
          fill("provider", offers.flatMap(o => [o.provider, o.served_by]));
          fill("task", offers.map(o => o.task));
          fill("region", offers.map(o => o.region));
          for (const [k, v] of params) if (form.elements[k]) form.elements[k].value = v;
          render();
        }
        // The GPUs view: the server filters (the same filters as `broker gpus`), the page draws.
        const gpuForm = $("#gpufilters");
        const gpuFields = ["gpu", "region", "min_gpus", "max_hourly", "currency", "pricing", "sort"];
        function money(v, currency) { return v === null ? "?" : (currency === "USD" ? "$" : currency === "EUR" ? "€" : currency + " ") + v; }
        function gpuCard(o) {
          const c = el("article", "card gpu");
          c.dataset.provider = o.provider; c.dataset.region = o.region; c.dataset.gpu = o.gpu_model; c.dataset.currency = o.currency;
          c.appendChild(el("h2", null, o.gpu_count + " × " + o.gpu_model + (o.gpu_memory_gib != null ? " · " + o.gpu_memory_gib + " GiB" : "")));
          c.appendChild(el("div", "who", o.provider + " · " + o.instance_type + " · " + o.location));
          const p = el("div", "prices");
          const hour = el("span"); hour.append(el("b", null, money(o.price_per_hour, o.currency)), " /h");
          const gpu = el("span"); gpu.append(el("b", null, money(o.price_per_gpu_hour, o.currency)), " /GPU-h");
          p.append(hour, gpu);
          if (o.currency !== "USD") p.append(el("span", "usd", o.usd_per_hour === null ? "USD ?" : "≈ $" + o.usd_per_hour + " (" + o.price_basis + ")"));
          c.appendChild(p);
          const b = el("div", "badges");
          b.append(el("span", "badge region-" + o.region, o.region), el("span", "badge kind", o.offer_kind), el("span", "badge", o.pricing_model));
          for (const t of o.compliance) b.appendChild(el("span", "badge", t));
          if (o.stale) b.appendChild(el("span", "badge stale", "stale"));
          c.appendChild(b);
          const m = el("div", "meta");
          m.append(el("span", null, (o.vcpus ?? "?") + " vCPU"), el("span", null, (o.ram_gib ?? "?") + " GiB RAM"),
            el("span", null, o.availability), el("span", "age", "priced " + age(o.refreshed_at) + " ago · " + o.source));
          c.appendChild(m);
          return c;
        }
        async function loadGPUs() {
          const q = new URLSearchParams();
          for (const k of gpuFields) { const v = gpuForm.elements[k].value; if (v && !(k === "sort" && v === "price") && !(k === "currency" && v === "USD")) q.set(k, v); }
          const r = await fetch("/v1/marketplace/gpus?" + q, { headers: headers() });
          if (r.status === 401) { $("#keybox").hidden = false; $("#count").textContent = "API key needed"; return; }
          const gpus = r.ok ? await r.json() : [];
          $("#grid").replaceChildren(...gpus.slice(0, MAX_CARDS).map(gpuCard));
          $("#empty").hidden = gpus.length > 0;
          $("#count").textContent = (gpus.length > MAX_CARDS ? "first " + MAX_CARDS + " shown · " : "") + gpus.length + " GPU offers";
          q.set("view", "gpus");
          history.replaceState(null, "", "?" + q);
          document.body.dataset.ready = "1";
        }
        // The model view: one model across every provider, side by side, and its price history.
        function native(v, currency) { return v === null ? "?" : v === 0 ? "free" : money(v, currency); }
        function row(o) {
          const tr = el("tr", "offer-row");
          tr.dataset.provider = o.provider; tr.dataset.servedBy = o.served_by; tr.dataset.currency = o.currency;
          tr.append(el("td", null, o.served_by === o.provider ? o.provider : o.provider + " · " + o.served_by));
          tr.append(el("td", null, o.region + (o.countries && o.countries.length ? " (" + o.countries.join(",") + ")" : "")));
          tr.append(el("td", "in", native(o.input_per_mtok, o.currency)), el("td", "out", native(o.output_per_mtok, o.currency)));
          tr.append(el("td", "usd", o.currency === "USD" ? "—" : o.input_usd_per_mtok === null ? "no rate"
            : "≈ $" + o.input_usd_per_mtok + " / $" + o.output_usd_per_mtok + " (" + o.price_basis + ")"));
          tr.append(el("td", null, [o.task, o.supports_tools === true ? "tools" : o.supports_tools === false ? "no tools" : null,
            o.context_length ? "ctx " + o.context_length : null].filter(Boolean).join(" · ")));
          tr.append(el("td", null, o.measured_requests > 0 ? o.measured_latency_ms + " ms measured"
            : o.first_token_latency_ms != null ? o.first_token_latency_ms + " ms published" : "?"));
          const flags = el("td");
          const flag = (t) => flags.appendChild(el("span", "badge flag", t));
          if (o.price_disputed) flag("price disputed");
          if (o.retired) flag("retired"); else if (o.retires_at) flag("retires " + o.retires_at);
          if (o.price_outdated) flag("table " + o.price_age_days + " days old");
          if (o.stale) flag("stale");
          if (o.price_state === "unknown") flag("price unknown");
          tr.append(flags);
          return tr;
        }
        function svg(tag, attrs, text) {
          const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
          for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
          if (text != null) e.textContent = text;
          return e;
        }
        function chart(changes) {
          const box = $("#history"); box.replaceChildren();
          const W = 760, H = 260, L = 56, R = 170, T = 12, B = 30;
          const series = new Map();
          for (const c of changes) {
            if (c.input_per_mtok === null) continue;
            const key = c.provider === c.served_by ? c.provider : c.provider + " · " + c.served_by;
            if (!series.has(key)) series.set(key, { currency: c.currency, points: [] });
            series.get(key).points.push([Date.parse(c.at), c.input_per_mtok]);
          }
          const now = Date.now();
          const xs = [...series.values()].flatMap(s => s.points.map(p => p[0])).concat([now]);
          const ys = [...series.values()].flatMap(s => s.points.map(p => p[1]));
          // The recorded span (at least a minute), with a margin on each side.
          const first = Math.min(...xs), span = Math.max(60e3, now - first);
          const x0 = first - span * 0.15, x1 = now + span * 0.05, y1 = Math.max(0.01, ...ys) * 1.15;
          const when = (t) => { const d = new Date(t).toISOString(); return span < 2 * 86400e3 ? d.slice(5, 16).replace("T", " ") : d.slice(0, 10); };
          const x = (t) => L + (t - x0) / (x1 - x0) * (W - L - R), y = (v) => T + (1 - v / y1) * (H - T - B);
          box.append(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#94a3b8" }), svg("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#94a3b8" }));
          for (const v of [0, y1 / 2, y1]) box.append(svg("text", { x: 4, y: y(v) + 4 }, v.toFixed(3)));
          box.append(svg("text", { x: x(first) - 20, y: H - 8 }, when(first)), svg("text", { x: x(now) - 10, y: H - 8 }, "now"));
          const colors = ["#1d4ed8", "#b91c1c", "#15803d", "#b45309", "#6d28d9", "#0f766e", "#be185d", "#334155"];
          let i = 0;
          for (const [key, s] of series) {
            const color = colors[i % colors.length];
            const pts = []; let last = null;
            for (const [t, v] of s.points) { if (last !== null) pts.push([x(t), y(last)]); pts.push([x(t), y(v)]); last = v; }
            pts.push([x(now), y(last)]);
            box.append(svg("polyline", { class: "series", "data-series": key, fill: "none", stroke: color, "stroke-width": 2,
              points: pts.map(p => p[0].toFixed(1) + "," + p[1].toFixed(1)).join(" ") }));
            for (const [t, v] of s.points) box.append(svg("circle", { cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 3, fill: color }));
            box.append(svg("text", { x: W - R + 8, y: T + 14 + 16 * i, style: "fill:" + color }, key + " (" + s.currency + ")"));
            i++;
          }
          if (series.size === 0) box.append(svg("text", { x: L + 10, y: H / 2 }, "no price history recorded"));
        }
        async function loadModel() {
          const model = params.get("model") || "";
          $("#mv-title").textContent = model;
          const enc = encodeURIComponent(model);
          const [r, h] = await Promise.all([
            fetch("/v1/marketplace/offers?include_stale=1&sort=price&model=" + enc, { headers: headers() }),
            fetch("/v1/marketplace/history?model=" + enc, { headers: headers() })]);
          if (r.status === 401) { $("#keybox").hidden = false; $("#count").textContent = "API key needed"; return; }
          const rows = (r.ok ? await r.json() : []).filter(o => o.model === model || o.hf_id === model);
          $("#sidebyside tbody").replaceChildren(...rows.map(row));
          chart(h.ok ? await h.json() : []);
          $("#empty").hidden = rows.length > 0;
          $("#count").textContent = rows.length + " offers of this model";
          document.body.dataset.ready = "1";
        }
        // The usage view: the ledger per day, provider and currency (never adding euros to
        // dollars), and what was paid against the cheapest offer that fitted each request.
        function nanoMoney(n, currency) {
          if (n === null || n === undefined) return "?";
          const s = (n / 1e9).toFixed(9).replace(/0+$/, "").replace(/\.$/, "");
          return money(s, currency);
        }
        function usageRow(u) {
          const tr = el("tr", "usage-row");
          tr.dataset.day = u.day; tr.dataset.provider = u.provider; tr.dataset.currency = u.currency;
          tr.append(el("td", null, u.day), el("td", null, u.provider), el("td", null, String(u.requests)), el("td", null, String(u.errors)),
            el("td", null, u.input_tokens + " / " + u.output_tokens), el("td", "cost", nanoMoney(u.cost_nano, u.currency)),
            el("td", null, u.currency === "USD" ? "—" : u.cost_nano_usd === null ? "no rate" : "≈ " + nanoMoney(u.cost_nano_usd, "USD")));
          return tr;
        }
        function savingsRow(s) {
          const tr = el("tr", "savings-row"); tr.dataset.provider = s.provider;
          tr.append(el("td", null, s.provider), el("td", null, String(s.requests)), el("td", null, nanoMoney(s.paid_nano_usd, "USD")),
            el("td", null, nanoMoney(s.cheapest_nano_usd, "USD")), el("td", "overpaid", nanoMoney(s.overpaid_nano_usd, "USD")));
          return tr;
        }
        async function loadUsage() {
          const [u, s] = await Promise.all([fetch("/v1/usage?by=day&then=provider", { headers: headers() }),
            fetch("/v1/usage?by=provider&savings=1", { headers: headers() })]);
          if (u.status === 401) { $("#keybox").hidden = false; $("#count").textContent = "API key needed"; return; }
          const rows = u.ok ? await u.json() : [], saved = s.ok ? await s.json() : [];
          $("#spend tbody").replaceChildren(...rows.map(usageRow));
          $("#savings tbody").replaceChildren(...saved.map(savingsRow));
          $("#count").textContent = rows.reduce((n, r) => n + r.requests, 0) + " attempts recorded";
          document.body.dataset.ready = "1";
        }
        const gpuView = params.get("view") === "gpus";
        const modelView = params.get("view") === "model";
        const usageView = params.get("view") === "usage";
        $(gpuView ? "#nav-gpus" : modelView ? "#nav-model" : usageView ? "#nav-usage" : "#nav-models").className = "on";
        if (usageView) {
          form.hidden = true; $("#usageview").hidden = false;
        } else if (modelView) {
          form.hidden = true; $("#modelview").hidden = false; $("#nav-model").hidden = false;
        } else if (gpuView) {
          form.hidden = true; gpuForm.hidden = false;
          for (const [k, v] of params) if (gpuForm.elements[k]) gpuForm.elements[k].value = v;
          gpuForm.addEventListener("input", loadGPUs);
        } else {
          form.addEventListener("input", render);
        }
        const loadView = () => usageView ? loadUsage() : modelView ? loadModel() : gpuView ? loadGPUs() : load();
        $("#keygo").addEventListener("click", () => { localStorage.setItem("broker_key", $("#key").value); $("#keybox").hidden = true; loadView(); });
        status(); loadView();
        </script></body></html>
        """#
}
