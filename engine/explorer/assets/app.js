/* ictstat explorer: the page served by `ictstat serve` at / and written by `ictstat site build`.
 *
 * The contract is docs/explorer.md: the URL fragment's keys, the map's classes and colours, and the
 * documents the page reads (catalogue, indicator, progress, boundaries). The page runs in one of two
 * modes, which differ only in the data layer (the `Data` object below):
 *
 *   server  the documents are fetched from v1/explorer/... (relative to the page);
 *   site    each document is a script, data/<name>.js, that calls ictstatData(kind, key, document).
 *
 * A plain script, no modules and no build step: the static site must work opened from disk.
 * Globals used: d3, Plot, topojson (assets/vendor/).
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------------------
  // Constants of the contract

  /** The Okabe–Ito palette of ictstat's charts, given to lines in the order entities are chosen. */
  const PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000", "#F0E442"];
  /** ColorBrewer YlGnBu, five classes, for the map. */
  const CLASS_COLOURS = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
  /** The positions in CLASS_COLOURS of k classes' colours, by k: fewer classes (where values tie)
   *  keep the ends of the scale apart (docs/explorer.md). */
  const CLASS_POSITIONS = [null, [2], [1, 3], [0, 2, 4], [0, 1, 3, 4], [0, 1, 2, 3, 4]];
  /** The map's fill of economies outside the filter or the site, and the id of the "no data"
   *  hatching. */
  const OUTSIDE_FILL = "#e3e3e3";
  const NODATA_FILL = "url(#nodata)";
  /** The progress classes' colours, as engine/chart draws them. */
  const STATUS_COLOURS = {
    "target met": "#009E73",
    "on track": "#0072B2",
    "acceleration needed": "#E69F00",
    "limited progress": "#CC79A7",
    "deterioration": "#D55E00",
    "unable to assess": "#888888",
  };
  const VIEWS = ["trend", "map", "ranking", "table", "scorecard"];
  const BREAKDOWNS = ["total", "sex", "area", "age"];
  const MAX_ENTITIES = PALETTE.length;
  /** The class of Plot's tips, which the figure files leave out. */
  const TIP_CLASS = "ictstat-tip";
  /** Dash patterns of a breakdown's values, in their sorted order (the first is solid). */
  const DASHES = [null, "6,3", "2,3", "9,3,2,3", "1,2"];
  /** The code schemes of the catalogue's `codes`, with the names shown beside a result. */
  const SCHEMES = [["itu", "ITU"], ["wdi", "WDI"], ["sdg_indicator", "SDG"], ["sdg_series", "SDG series"],
    ["core", "Core list"], ["ddf", "DDF"]];
  /** The group kinds the economy search lists first after the economies (then the SDG and UN
   *  regions and the groups whose values only a source publishes). */
  const MAIN_GROUP_KINDS = ["world", "itu_region", "income", "ldc", "lldc", "sids", "custom"];
  /** The catalogue's group kinds offered by the map's filter, in this order, with their headings. */
  const FILTER_KINDS = [["itu_region", "ITU regions"], ["income", "Income groups"],
    ["ldc", "LDC, LLDC and SIDS"], ["lldc", "LDC, LLDC and SIDS"], ["sids", "LDC, LLDC and SIDS"],
    ["sdg_region", "SDG regions"], ["un_region", "UN regions"], ["custom", "Groups of your own"]];
  /** The fragment's keys, in the order the page writes them. */
  const KEYS = ["view", "indicator", "entities", "breakdown", "target", "year", "classes", "filter", "framework", "entity"];

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };
  const SVGNS = "http://www.w3.org/2000/svg";

  // ---------------------------------------------------------------------------------------------
  // The page's language (docs/explorer.md): ?lang=CODE, or the language of the site's page
  // (index.CODE.html sets data-lang). Its strings come from the strings document, built on the
  // server from the translation catalogue; nothing here is written per language.

  const requestedLang = new URLSearchParams(location.search).get("lang") || document.documentElement.dataset.lang || "en";
  /** The strings document in use: English (no translations) until it has arrived. */
  let S = { lang: "en", dir: "ltr", ui: {}, names: {}, languages: [], comma: ", ", semicolon: "; ", unreviewed: 0 };
  const rtl = () => S.dir === "rtl";
  /** The interface string english in the page's language (the English where there is none). */
  function T(english) { return S.ui[english] || english; }
  /** A text that keeps its own direction inside the page's: a number, year or code stays left to
   *  right in a right-to-left sentence (first-strong isolate); as it is on a left-to-right page. */
  function iso(v) { return rtl() && v !== "" && v !== null && v !== undefined ? "\u2068" + v + "\u2069" : String(v); }
  /** A number or code kept left to right in a right-to-left select's option, where the browser
   *  draws its text without isolates: a left-to-right embedding (U+202A … U+202C). */
  function ltr(v) { return rtl() ? "\u202a" + v + "\u202c" : String(v); }
  /** A translated format: %s and %d take the arguments in order, %% is a percent sign. */
  function tf(english, ...args) {
    let i = 0;
    return T(english).replace(/%(%|s|d)/g, (m, c) => (c === "%" ? "%" : iso(args[i++])));
  }
  /** What separates the items of a list and clauses in the page's language ("، " and "؛ " in
   *  Arabic), from the strings document. */
  const comma = () => S.comma || ", ";
  const semi = () => S.semicolon || "; ";
  /** Names in the order people sort them (Åland among the As), in the page's language. */
  let collator = new Intl.Collator("en");
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS(SVGNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };

  /** A number as people read it: three significant digits below 1000, whole numbers above. */
  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    return Math.abs(v) >= 1000 ? d3.format(",.0f")(v) : d3.format(",.3~r")(v);
  }
  /** "A", "A and B", "A, B and C". */
  function joinAnd(list) {
    // English as the service writes it ("A, B and C"); other languages as the browser's locale data.
    if (S.lang === "en" || list.length < 2) return list.length < 2 ? list.join("") : list.slice(0, -1).join(", ") + " and " + list[list.length - 1];
    try { return new Intl.ListFormat(S.lang, { type: "conjunction" }).format(list); } catch (e) { return list.join(comma()); }
  }
  function economies(n) { return n === 1 ? tf("%d economy", n) : tf("%d economies", n); }
  /** A text as searches compare it: lower case, without accents ("Türkiye" as "turkiye"). */
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/\p{M}/gu, "").replace(/[’‘]/g, "'").toLowerCase();
  }
  function percent(v) { return d3.format(".0%")(v); }
  /** A value in a table: six significant digits, whole numbers from 100,000 (the CSV has them all). */
  function tableNumber(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "";
    return Math.abs(v) >= 1e5 ? d3.format(",.0f")(v) : String(+v.toPrecision(6));
  }
  /** Whole-year ticks between two years, about one per 80 pixels. */
  function yearTicks(lo, hi, width) {
    return d3.ticks(lo, hi, Math.max(2, Math.min(hi - lo, Math.floor(width / 80)))).filter(Number.isInteger);
  }
  /** The fixed classes' four breaks, as engine/chart's FixedBreaks: 0 to max rounded up, in five
   *  equal steps, the step the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k that
   *  reaches max/5 (100 gives 20, 40, 60, 80; 143.7 gives 30, 60, 90, 120). */
  function fixedBreaks(max) {
    if (!(max > 0) || !Number.isFinite(max)) max = 5;
    const tenths = [10, 12, 15, 20, 25, 30, 40, 50, 60, 80];
    // m × 10^e, computed so that the breaks are the decimals they print as.
    const scaled = (m, e) => (e < 0 ? m / Math.pow(10, -e) : m * Math.pow(10, e));
    for (let k = Math.floor(Math.log10(max / 5)); ; k++) {
      for (const m of tenths) {
        if (scaled(m, k - 1) * 5 >= max * (1 - 1e-12)) return [1, 2, 3, 4].map((i) => scaled(m * i, k - 1));
      }
    }
  }
  function setPageState(s) { document.documentElement.dataset.state = s; }
  function say(msg) { $("#status").textContent = msg; }

  // ---------------------------------------------------------------------------------------------
  // The data layer: the only place where the two modes differ.

  /** ?as_of=DATE on the page's URL is passed on to every request of the service. (A service that
   *  needs a token takes it once as /?token=..., keeps it in a cookie and redirects: the page's
   *  requests carry the cookie and need nothing more.) */
  const asOf = new URLSearchParams(location.search).get("as_of") || "";

  /** Documents delivered by the site's scripts: "kind|key" → document. */
  const delivered = new Map();
  function deliver(kind, key, doc) { delivered.set(kind + "|" + (key || ""), doc); }
  /** The site's index.html defines a queueing ictstatData and loads data/catalogue.js before
   *  this script runs: take what waits in the queue, then take the calls directly. */
  for (const [kind, key, doc] of window.ictstatQueue || []) deliver(kind, key, doc);
  window.ictstatQueue = [];
  window.ictstatData = deliver;

  /** A code as the site writes it in file names: a-z, 0-9, _ and - kept, every other UTF-8 byte
   *  as ~ and two lowercase hex digits (docs/explorer.md). */
  function safeName(code) {
    return Array.from(new TextEncoder().encode(code), (b) => {
      const c = String.fromCharCode(b);
      return /[a-z0-9_-]/.test(c) ? c : "~" + b.toString(16).padStart(2, "0");
    }).join("");
  }

  const Data = {
    mode: "",            // "server" or "site", known once the catalogue has arrived
    catalogue: null,
    promises: new Map(), // "kind|key" → Promise of a document (catalogue, progress, boundaries)
    indicators: new Map(), // indicator code → IndicatorData
  };

  /** An error with the HTTP status, so that a 404 of the catalogue can mean "a static host". */
  class LoadError extends Error {
    constructor(msg, status) { super(msg); this.status = status; }
  }

  /** GET v1/explorer/<path>?<query>, passing the page's as_of on. */
  async function getJSON(path, query) {
    const q = new URLSearchParams(query || {});
    if (asOf && path !== "boundaries") q.set("as_of", asOf);
    const qs = q.toString();
    const url = "v1/explorer/" + path + (qs ? "?" + qs : "");
    let resp;
    try {
      resp = await fetch(url);
    } catch (e) {
      throw new LoadError(tf("The service did not answer (%s): %s", url, e.message), 0);
    }
    if (!resp.ok) {
      let msg = resp.status + " " + resp.statusText;
      try {
        const body = await resp.json();
        if (body && body.error && body.error.message) msg = body.error.message;
      } catch (e) { /* not JSON: keep the status line */ }
      throw new LoadError(tf("Could not read %s: %s", url, msg), resp.status);
    }
    return resp.json();
  }

  /** Loads data/<file> as a script, which hands its document to ictstatData(kind, key, ...). */
  function loadScript(file, kind, key) {
    const id = kind + "|" + (key || "");
    if (delivered.has(id)) return Promise.resolve(delivered.get(id));
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "data/" + file;
      s.async = true;
      s.onload = () => {
        s.remove();
        if (delivered.has(id)) {
          const doc = delivered.get(id);
          delivered.delete(id); // the caller keeps it; no second copy
          resolve(doc);
        } else reject(new LoadError(tf("%s did not hold the document it should.", "data/" + file), 0));
      };
      s.onerror = () => { s.remove(); reject(new LoadError(tf("Could not load %s.", "data/" + file), 404)); };
      document.head.append(s);
    });
  }

  /** Once per kind and key: the promise of a document. */
  function once(kind, key, load) {
    const id = kind + "|" + key;
    if (!Data.promises.has(id)) {
      const p = load();
      Data.promises.set(id, p);
      p.catch(() => Data.promises.delete(id)); // a failure may be retried by the next change
    }
    return Data.promises.get(id);
  }

  /** The catalogue, and with it the mode: the site's index.html sets window.ICTSTAT_SITE and has
   *  run data/catalogue.js already; a page opened from disk is the site too. Otherwise the service
   *  is asked (and a static host that answers 404 is taken as the site, as a last resort). */
  function loadCatalogue() {
    return once("catalogue", "", async () => {
      let doc;
      if (window.ICTSTAT_SITE || delivered.has("catalogue|") || location.protocol === "file:") {
        Data.mode = "site";
        doc = await loadScript("catalogue.js", "catalogue", "");
      } else {
        try {
          Data.mode = "server";
          doc = await getJSON("catalogue");
        } catch (e) {
          if (e.status !== 404) throw e;
          Data.mode = "site";
          doc = await loadScript("catalogue.js", "catalogue", "");
        }
      }
      Data.catalogue = indexCatalogue(doc);
      return Data.catalogue;
    });
  }

  /** The strings document of a language: the site's data/strings/CODE.js, or the service's. */
  function loadStrings(lang) {
    return once("strings", lang, () => Data.mode === "site"
      ? loadScript("strings/" + safeName(lang) + ".js", "strings", lang)
      : getJSON("strings", { lang }));
  }

  /** Puts the catalogue's names into the page's language. */
  function translateCatalogue(cat) {
    const n = S.names || {};
    for (const i of cat.indicators) {
      const t = n.indicators && n.indicators[i.code];
      if (t) { i.name = t[0] || i.name; i.unit = t[1] || i.unit; }
    }
    for (const e of cat.entities) if (n.entities && n.entities[e.code]) e.name = n.entities[e.code];
    for (const g of cat.groups) if (n.entities && n.entities[g.code]) g.name = n.entities[g.code];
    for (const f of cat.frameworks) {
      const t = n.frameworks && n.frameworks[f.code];
      if (t) { f.name = t[0] || f.name; f.short_name = t[1] || f.short_name; }
      for (const x of f.targets || []) x.wording = wording(f.code, x.wording);
    }
  }
  /** A target's wording in the page's language. */
  function wording(framework, english) {
    const w = S.names && S.names.wordings && S.names.wordings[framework];
    return (w && w[english]) || english;
  }
  /** A class of progress in the page's language. */
  function statusName(c) { return (S.names && S.names.statuses && S.names.statuses[c]) || c; }
  /** A row's status (published, estimate, aggregate, ...) in words. */
  function rowStatus(st) { return st ? T(st) : ""; }

  /** The page in its language: the strings document, <html lang dir>, the page's own texts, the
   *  language menu and, for translations no person has checked or a language the page does not
   *  have, a notice. */
  async function setUpLanguage() {
    let notice = "";
    if (requestedLang !== "en") {
      // The service serves the page of a language it has with that language on <html>, and the
      // site has a page per language: any other language is checked against the list first.
      let known = requestedLang === document.documentElement.dataset.lang;
      if (!known) {
        try { S = await loadStrings("en"); } catch (e) { /* the page stays in English */ }
        known = (S.languages || []).some((l) => l.code === requestedLang);
      }
      try {
        if (known) S = await loadStrings(requestedLang);
        else notice = "unknown";
      } catch (e) {
        notice = "unknown";
      }
    }
    if (S.lang === "en") {
      try { S = await loadStrings("en"); } catch (e) { /* the page stays in English without a menu */ }
    }
    const html = document.documentElement;
    html.lang = S.lang;
    html.dir = S.dir;
    html.dataset.lang = S.lang;
    collator = new Intl.Collator(S.lang);
    for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = T(e.textContent.replace(/\s+/g, " ").trim());
    for (const e of document.querySelectorAll("[data-i18n-attr]")) {
      for (const a of e.dataset.i18nAttr.split(/\s+/)) if (e.hasAttribute(a)) e.setAttribute(a, T(e.getAttribute(a)));
    }
    const p = $("#lang-notice");
    if (notice === "unknown") {
      p.textContent = tf("The page has no language %s: it is shown in English.", requestedLang);
      p.hidden = false;
    } else if (S.unreviewed > 0) {
      p.textContent = T("This page shows translations that no person has reviewed yet.");
      p.hidden = false;
    }
    updateLanguageLinks();
  }

  /** The language menu: each language by its own name, linking to the same view (the fragment
   *  and ?as_of kept). */
  function updateLanguageLinks() {
    const ul = $("#languages");
    if (!ul) return;
    const links = (S.languages || []).map((l) => {
      let href;
      if (Data.mode === "site") {
        href = (l.code === "en" ? "index.html" : "index." + l.code + ".html") + location.hash;
      } else {
        const q = new URLSearchParams(location.search);
        if (l.code === "en") q.delete("lang"); else q.set("lang", l.code);
        const qs = q.toString();
        href = location.pathname + (qs ? "?" + qs : "") + location.hash;
      }
      const a = el("a", { href, lang: l.code, hreflang: l.code, dir: l.dir, text: l.name, "aria-current": l.code === S.lang ? "true" : null });
      return el("li", {}, a);
    });
    ul.replaceChildren(...links);
  }

  function loadProgress(framework) {
    return once("progress", framework, () => Data.mode === "site"
      ? loadScript("progress-" + safeName(framework) + ".js", "progress", framework)
      : getJSON("progress", { framework }));
  }

  function loadBoundaries() {
    return once("boundaries", "", () => Data.mode === "site"
      ? loadScript("boundaries.js", "boundaries", "")
      : getJSON("boundaries"));
  }

  /** One indicator's rows as far as they have been loaded: the whole indicator (the site always,
   *  the service for the map and the ranking) or the entities asked for so far. */
  class IndicatorData {
    constructor(code) {
      this.code = code;
      this.whole = false;
      this.asked = new Set();      // entities whose rows have been loaded (rows or none)
      this.columns = null;
      this.byEntity = new Map();   // entity → rows (objects), in the document's order
      this.projections = new Map(); // "entity|target" → projection
      this.inflight = new Map();   // request key → promise
      this.totals = null;          // economy → Map(year → row): total breakdown, for map and ranking
      // What the documents say of their sources, kept across the documents (each partial document
      // names only its own rows' editions), from which sources() names those of any entities.
      this.editionInfo = new Map(); // edition → {edition, citation, licence}
      this.economyEditions = new Set(); // the editions of the economies' rows loaded
      this.aggregateEditions = null; // the editions common to the documents with ictstat's aggregates
      this.custodian = "";          // "ITU" of "Source: ITU, via ..."
      this.republished = new Set(); // editions the source line names after "via"
      this.groupNote = "";          // "Group values: ictstat aggregates (...)."
      this.wholeSources = null;     // the whole document's editions and source line
      this.sourcesCache = new Map();
    }
    /** Adds a document; with whole, it replaces what was there. */
    add(doc, entities) {
      if (entities === null) {
        this.byEntity = new Map();
        this.projections = new Map();
        this.economyEditions = new Set();
        this.whole = true;
        this.wholeSources = { editions: doc.editions || [], source: doc.source || "" };
      }
      this.columns = doc.columns;
      const c = doc.columns;
      let aggregated = false;
      for (const r of doc.rows || []) {
        const row = {};
        for (let i = 0; i < c.length; i++) row[c[i]] = r[i];
        let list = this.byEntity.get(row.entity);
        if (!list) this.byEntity.set(row.entity, (list = []));
        list.push(row);
        if (row.kind === "economy" && row.edition) this.economyEditions.add(row.edition);
        if (row.status === "aggregate") aggregated = true;
      }
      for (const p of doc.projections || []) this.projections.set(p.entity + "|" + p.target, p);
      for (const e of entities || []) this.asked.add(e);
      // Editions merge by name: a document of other entities adds to those known, and replaces none.
      const names = new Set();
      for (const e of doc.editions || []) {
        this.editionInfo.set(e.edition, e);
        names.add(e.edition);
      }
      // A document with aggregates names the editions of the members' observations as well (of
      // every economy, whatever entities were asked for): those are among its editions.
      if (aggregated) this.aggregateEditions = this.aggregateEditions ? new Set([...this.aggregateEditions].filter((e) => names.has(e))) : names;
      this.learnSourceLine(doc);
      this.totals = null;
      this.sourcesCache.clear();
    }
    /** Reads how a document's source line names its editions ("Source: ITU, via A and B; C.
     *  Group values: ictstat aggregates (...)."), so that sources() writes the line of other
     *  entities the same way. */
    learnSourceLine(doc) {
      const line = doc.source || "";
      const cut = line.indexOf(" Group values: ");
      if (cut >= 0) this.groupNote = line.slice(cut + 1);
      const via = /^Source: (.+?), via (.+?)(?:; |\.$)/.exec(cut >= 0 ? line.slice(0, cut) : line);
      if (!via) return;
      this.custodian = via[1];
      for (const e of doc.editions || []) if (e.citation && via[2].includes(e.citation)) this.republished.add(e.edition);
    }
    /** The editions the rows of the entities come from, ictstat's aggregates counting those of the
     *  members' observations, and the source line naming them: what the service's document of
     *  those entities says (entities null: the whole indicator). */
    sources(entities) {
      if (entities === null && this.wholeSources) return this.wholeSources;
      const key = entities === null ? "" : entities.join(",");
      if (this.sourcesCache.has(key)) return this.sourcesCache.get(key);
      const names = new Set();
      let aggregated = false;
      for (const code of entities === null ? this.byEntity.keys() : entities) {
        for (const r of this.rowsOf(code)) {
          if (r.edition) names.add(r.edition);
          if (r.status === "aggregate") aggregated = true;
        }
      }
      // The members' editions: exactly those of the economies' rows once the whole indicator is
      // here, else those every document with aggregates named (which may name one more).
      if (aggregated) for (const e of (this.whole ? this.economyEditions : this.aggregateEditions || this.economyEditions)) names.add(e);
      const catalogued = Data.catalogue.editions;
      const rank = (name) => { const i = catalogued.findIndex((e) => e.edition === name); return i < 0 ? catalogued.length : i; };
      const editions = [...names].sort((a, b) => rank(a) - rank(b) || d3.ascending(a, b))
        .map((name) => this.editionInfo.get(name) || catalogued.find((e) => e.edition === name) || { edition: name, citation: name, licence: null });
      const out = { editions, source: this.sourceLine(editions, aggregated) };
      this.sourcesCache.set(key, out);
      return out;
    }
    /** "Source: ITU, via World Bank WDI (2025 edition); Other (2024)." and, for aggregates, how
     *  the group values were formed, as the service writes it. */
    sourceLine(editions, aggregated) {
      if (!editions.length) return T("Source:") + " " + T("no data") + ".";
      const via = [], own = [];
      for (const e of editions) (this.custodian && this.republished.has(e.edition) ? via : own).push(e.citation || e.edition);
      const parts = [];
      if (via.length) parts.push(tf("%s, via %s", this.custodian, joinAnd(via)));
      if (own.length) parts.push(joinAnd(own));
      return T("Source:") + " " + parts.join(semi()) + "." + (aggregated && this.groupNote ? " " + this.groupNote : "");
    }
    has(entities) { return this.whole || (entities !== null && entities.every((e) => this.asked.has(e))); }
    rowsOf(entity) { return this.byEntity.get(entity) || []; }
    /** economy → Map(year → value row) of the total breakdown (economies only). */
    totalsByEconomy() {
      if (this.totals) return this.totals;
      const t = new Map();
      for (const [entity, rows] of this.byEntity) {
        const ent = Data.catalogue.entity.get(entity);
        if (!ent || ent.kind !== "economy") continue;
        const years = new Map();
        for (const r of rows) {
          if (r.sex === "total" && r.area === "total" && r.age === "total" && r.value !== null && r.value !== undefined) {
            if (!years.has(r.year)) years.set(r.year, r);
          }
        }
        if (years.size) t.set(entity, years);
      }
      this.totals = t;
      return t;
    }
  }

  /** Makes sure the rows of an indicator for the entities (null: all) are loaded. */
  async function loadIndicator(code, entities) {
    let data = Data.indicators.get(code);
    if (!data) Data.indicators.set(code, (data = new IndicatorData(code)));
    if (data.has(entities)) return data;
    if (Data.mode === "site") {
      const key = "whole";
      if (!data.inflight.has(key)) {
        data.inflight.set(key, loadScript("indicator-" + safeName(code) + ".js", "indicator", code)
          .then((doc) => data.add(doc, null))
          .finally(() => data.inflight.delete(key)));
      }
      await data.inflight.get(key);
      return data;
    }
    // The service: ask only for what is missing, and only once at a time for the same thing.
    const missing = entities === null ? null : entities.filter((e) => !data.asked.has(e));
    const key = missing === null ? "whole" : missing.slice().sort().join(",");
    if (!data.inflight.has(key)) {
      const query = { indicator: code };
      if (missing !== null) query.entities = missing.join(",");
      data.inflight.set(key, getJSON("data", query)
        .then((doc) => { if (!(missing !== null && data.whole)) data.add(doc, missing); })
        .finally(() => data.inflight.delete(key)));
    }
    await data.inflight.get(key);
    return data;
  }

  /** Lookups over the catalogue. */
  function indexCatalogue(doc) {
    const cat = Object.assign({}, doc);
    cat.indicators = doc.indicators || [];
    cat.entities = doc.entities || [];
    cat.groups = doc.groups || [];
    cat.frameworks = doc.frameworks || [];
    cat.editions = doc.editions || [];
    cat.indicator = new Map(cat.indicators.map((i) => [i.code, i]));
    cat.entity = new Map(cat.entities.map((e) => [e.code, e]));
    cat.group = new Map(cat.groups.map((g) => [g.code, g]));
    cat.framework = new Map(cat.frameworks.map((f) => [f.code, f]));
    cat.economies = cat.entities.filter((e) => e.kind === "economy");
    // A site built with --entities lists only those, while its groups keep all their members.
    cat.partial = cat.groups.some((g) => (g.members || []).some((m) => !cat.entity.has(m)));
    cat.byM49 = new Map();
    for (const e of cat.economies) if (e.m49) cat.byM49.set(String(e.m49).padStart(3, "0"), e);
    // What a search looks in, lower-cased once.
    for (const i of cat.indicators) {
      const codes = [];
      for (const [k] of SCHEMES) {
        const v = i.codes && i.codes[k];
        if (v) for (const part of String(v).split(/\s*;\s*/)) if (part) codes.push(part.toLowerCase());
      }
      i._codes = codes;
      i._en = fold(i.name);
      i._name = i._en;
    }
    for (const e of cat.entities) {
      e._en = fold(e.name);
      e._name = e._en;
      e._tier = e.kind === "economy" ? 0 : MAIN_GROUP_KINDS.includes(e.group_kind) ? 1 : 2;
    }
    return cat;
  }

  // ---------------------------------------------------------------------------------------------
  // The state, and the URL fragment that holds it

  const state = {
    view: "trend", indicator: "", entities: [], breakdown: "total", target: "", year: null,
    classes: "quantile", filter: "", framework: "", entity: "",
  };

  /** The state a fragment describes, over the defaults (absent keys take their default). */
  function stateFromHash() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    const s = {
      view: p.get("view") || "trend",
      indicator: p.get("indicator") || "",
      entities: p.has("entities") ? p.get("entities").split(",").map((x) => x.trim()).filter(Boolean) : null,
      breakdown: p.get("breakdown") || "total",
      target: p.get("target") || "",
      // A year that is not one stays a string, so that normalise can say it is ignored.
      year: !p.get("year") ? null : /^\d{4}$/.test(p.get("year")) ? Number(p.get("year")) : p.get("year"),
      classes: p.get("classes") || "quantile",
      filter: p.get("filter") || "",
      framework: p.get("framework") || "",
      entity: p.get("entity") || "",
    };
    return s;
  }

  /** Puts the state into the fragment, without a new history entry. */
  function writeHash() {
    const hash = "#" + hashOf();
    if (location.hash !== hash) history.replaceState(null, "", hash);
    updateLanguageLinks();
  }

  /** The fragment of the state: its keys in a fixed order, empty ones left out. */
  function hashOf() {
    const parts = [];
    for (const k of KEYS) {
      let v = state[k];
      if (k === "entities") v = state.entities.join(",");
      if (v === null || v === undefined || v === "") continue;
      parts.push(k + "=" + encodeURIComponent(String(v)).replace(/%2C/g, ",").replace(/%3A/g, ":"));
    }
    return parts.join("&");
  }

  /** Checks the state against the catalogue: unknown codes fall back to defaults, with a word. */
  function normalise(s) {
    const cat = Data.catalogue;
    const notes = [];
    if (!VIEWS.includes(s.view)) { notes.push(tf("unknown view %s", s.view)); s.view = "trend"; }
    if (!cat.indicator.has(s.indicator)) {
      if (s.indicator) notes.push(tf("unknown indicator %s", s.indicator));
      s.indicator = cat.indicator.has("internet_use_pct") ? "internet_use_pct" : (cat.indicators[0] || {}).code || "";
    }
    if (s.entities === null) {
      // The default: the world and the ITU regions, or a few groups.
      const itu = cat.groups.filter((g) => g.kind === "itu_region").map((g) => g.code);
      s.entities = ["WLD", ...itu].filter((c) => cat.entity.has(c));
      if (!s.entities.length) s.entities = cat.entities.slice(0, 3).map((e) => e.code);
    }
    const unknown = s.entities.filter((c) => !cat.entity.has(c));
    if (unknown.length) notes.push(tf("unknown economies or groups %s", unknown.join(", ")));
    const known = [...new Set(s.entities.filter((c) => cat.entity.has(c)))];
    if (known.length > MAX_ENTITIES) notes.push(tf("more than %d economies and groups: %s", MAX_ENTITIES, known.slice(MAX_ENTITIES).join(", ")));
    s.entities = known.slice(0, MAX_ENTITIES);
    const ind = cat.indicator.get(s.indicator);
    if (!BREAKDOWNS.includes(s.breakdown) || (s.breakdown !== "total" && !(ind.breakdowns || []).includes(s.breakdown))) {
      notes.push(tf("breakdown %s (%s has %s)", s.breakdown, ind.name, ["total", ...(ind.breakdowns || [])].join(", ")));
      s.breakdown = "total";
    }
    if (s.target && !targetsOf(s.indicator).some((t) => t.key === s.target)) { notes.push(tf("target %s (not drawn on %s)", s.target, ind.name)); s.target = ""; }
    if (s.year !== null && !(s.year >= ind.first_year && s.year <= ind.last_year)) {
      notes.push(tf("year %s (%s has values from %d to %d)", s.year, ind.name, ind.first_year, ind.last_year));
      s.year = null;
    }
    if (!["quantile", "fixed"].includes(s.classes)) { notes.push(tf("classes %s", s.classes)); s.classes = "quantile"; }
    if (s.filter && !cat.group.has(s.filter)) { notes.push(tf("unknown group %s", s.filter)); s.filter = ""; }
    if (!cat.framework.has(s.framework)) {
      if (s.framework) notes.push(tf("unknown framework %s", s.framework));
      const withTarget = cat.frameworks.find((f) => (f.targets || []).some((t) => t.indicator === s.indicator));
      s.framework = (withTarget || cat.frameworks[0] || {}).code || "";
    }
    if (!cat.entity.has(s.entity)) {
      if (s.entity) notes.push(tf("unknown economy or group %s", s.entity));
      s.entity = s.entities[0] || (cat.entity.has("WLD") ? "WLD" : (cat.entities[0] || {}).code || "");
    }
    return notes;
  }

  // ---------------------------------------------------------------------------------------------
  // Targets of an indicator

  /** The targets of the catalogue's frameworks that the trend can draw on an indicator: those
   *  measured by the indicator itself (measure "level", not a parity score or a rural share) with
   *  a level to draw, one entry per framework:target with all its levels. */
  function targetsOf(indicator) {
    const out = new Map();
    for (const f of Data.catalogue.frameworks) {
      for (const t of f.targets || []) {
        if (!t.indicator || t.indicator !== indicator) continue;
        const m = t.measure;
        if (m && m !== "level" && m !== indicator) continue;
        if (drawnLevel(t) === null) continue;
        const key = f.code + ":" + t.target;
        if (!out.has(key)) out.set(key, { key, framework: f, target: t.target, levels: [] });
        out.get(key).levels.push(t);
      }
    }
    return [...out.values()];
  }
  const COMPARATORS = { ge: "≥", ">=": "≥", gt: ">", ">": ">", le: "≤", "<=": "≤", lt: "<", "<": "<", parity: "parity", eq: "=", "=": "=" };
  function comparator(c) { return COMPARATORS[c] || c || ""; }
  /** The value a target's line is drawn at: its `level` (95 for "100%"); null for a target
   *  relative to the baseline or a parity target. */
  function drawnLevel(t) {
    if (t.basis === "baseline_ratio" || t.comparator === "parity") return null;
    if (typeof t.level === "number") return t.level;
    return "level" in t || typeof t.value !== "number" ? null : t.value;
  }
  /** A target's level as the framework states it: "≥ 100% (met at 95%)". */
  function levelText(t, unitKind, short) {
    const u = unitKind === "percent" ? "%" : "";
    if (t.basis === "baseline_ratio") return tf("%s × the baseline", comparator(t.comparator) + " " + fmt(t.value));
    if (t.comparator === "parity") return T("parity");
    let s = ltr(comparator(t.comparator) + " " + fmt(t.value) + u);
    const l = drawnLevel(t);
    if (!short && l !== null && l !== t.value) s += " (" + T("met at") + " " + ltr(fmt(l) + u) + ")";
    return s;
  }
  function frameworkName(f) { return f ? f.short_name || f.name || f.code : ""; }

  // ---------------------------------------------------------------------------------------------
  // Rendering: one entry point, timed; every change ends in "ready" or "error".

  window.ictstatTimings = window.ictstatTimings || [];
  let renderSeq = 0;

  /** The end of a render: its time is taken when the drawing is done; the URL is written a moment
   *  later (history.replaceState can take tens of milliseconds, which a drag of the year slider
   *  must not wait for at every step), and then the page says "ready". */
  let commitTimer = 0;
  function finish(view, t0) {
    window.ictstatTimings.push({ view, ms: performance.now() - t0 });
    clearTimeout(commitTimer);
    const seq = renderSeq;
    commitTimer = setTimeout(() => {
      if (seq !== renderSeq) return; // a later change has its own
      writeHash();
      setPageState("ready");
    }, 50);
  }

  function fail(err) {
    setPageState("error");
    say(err && err.message ? err.message : String(err));
  }

  /** Draws the current state's view. t0: when the change that asked for it happened. */
  async function render(t0) {
    if (t0 === undefined) t0 = performance.now();
    const seq = ++renderSeq;
    const stale = () => seq !== renderSeq;
    setPageState("loading");
    try {
      const view = state.view;
      syncControls();
      let drawn;
      if (view === "scorecard") {
        // The service refuses progress as of a date: it is computed from the data as they are now.
        const doc = asOf && Data.mode === "server"
          ? { columns: [], rows: [], unavailable: T("the assessments are computed from the data as they are now") }
          : await loadProgress(state.framework);
        if (stale()) return;
        drawn = drawScorecard(doc);
      } else if (view === "map") {
        const [data, boundaries] = await Promise.all([loadIndicator(state.indicator, null), loadBoundaries()]);
        if (stale()) return;
        drawn = drawMap(data, boundaries);
      } else if (view === "ranking") {
        const data = await loadIndicator(state.indicator, null);
        if (stale()) return;
        drawn = drawRanking(data);
      } else {
        const data = await loadIndicator(state.indicator, state.entities);
        if (stale()) return;
        drawn = view === "trend" ? drawTrend(data) : drawTable(data);
      }
      afterDraw(drawn);
      finish(view, t0);
    } catch (err) {
      if (!stale()) fail(err);
    }
  }

  /** What the view drawn next leaves out of the link it was opened with (the fragment's keys
   *  that name nothing, or nothing the data have), for the status to say. */
  let ignored = [];

  /** What every view does after drawing: downloads, footer, status (the URL: see finish). */
  function afterDraw(drawn) {
    updateDownloads(drawn);
    updateFooter(drawn);
    say(ignored.length ? tf("Ignored: %s.", ignored.join("; ")) : drawn.status || "");
    ignored = [];
  }

  // ---------------------------------------------------------------------------------------------
  // Controls: tabs, selects, pickers

  /** Puts the state into the controls and shows those of the current view. */
  function syncControls() {
    const cat = Data.catalogue;
    const ind = cat.indicator.get(state.indicator);
    for (const tab of document.querySelectorAll("[role=tab]")) {
      const on = tab.dataset.view === state.view;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
    }
    $("#panel").setAttribute("aria-labelledby", "tab-" + state.view);
    for (const c of document.querySelectorAll(".control[data-for]")) {
      c.hidden = !c.dataset.for.split(" ").includes(state.view);
    }
    $("#indicator-picker").hidden = state.view === "scorecard";
    $("#entity-picker").hidden = !(state.view === "trend" || state.view === "table");
    $("#indicator-current").textContent = ind ? ind.name + " (" + ind.unit + ")" : "";

    // Breakdowns the indicator has.
    for (const o of $("#breakdown").options) {
      o.disabled = o.value !== "total" && !(ind.breakdowns || []).includes(o.value);
    }
    $("#breakdown").value = state.breakdown;

    // Targets of the indicator, grouped by framework.
    const sel = $("#target");
    const targets = targetsOf(state.indicator);
    sel.replaceChildren(el("option", { value: "", text: T("None") }));
    for (const [fw, list] of d3.group(targets, (t) => t.framework)) {
      const og = el("optgroup", { label: frameworkName(fw) });
      for (const t of list) {
        const lv = [...new Set(t.levels.map((l) => levelText(l, ind.unit_kind, true)))].join(" / ");
// A right-to-left mark after the code keeps the parts of the label apart.
        og.append(el("option", { value: t.key, text: frameworkName(fw) + " " + ltr(t.target) + (rtl() ? "\u200f" : "") + ": " + lv + " " + T("by %d").replace("%d", ltr(t.levels[0].deadline)) }));
      }
      sel.append(og);
    }
    sel.value = state.target;

    $("#classes").value = state.classes;
    $("#filter").value = state.filter;
    $("#framework").value = state.framework;
    $("#scorecard-entity").value = state.entity;
    renderChips();
  }

  /** Fills the selects whose options come from the catalogue (once). */
  function fillCatalogueSelects() {
    const cat = Data.catalogue;
    const filter = $("#filter");
    const headings = new Map();
    for (const [kind, heading] of FILTER_KINDS) {
      // Groups with members to show (on a site built with --entities, members it has).
      for (const g of cat.groups.filter((x) => x.kind === kind && (x.members || []).some((m) => cat.entity.has(m)))) {
        if (!headings.has(heading)) headings.set(heading, el("optgroup", { label: T(heading) }));
        headings.get(heading).append(el("option", { value: g.code, text: g.name }));
      }
    }
    for (const og of headings.values()) filter.append(og);

    const fw = $("#framework");
    for (const f of cat.frameworks) fw.append(el("option", { value: f.code, text: frameworkName(f) }));

    // The scorecard's economies and groups: the world and ictstat's groups first, then the
    // economies, then the groups whose values only a source publishes.
    const se = $("#scorecard-entity");
    const order = ["world", "itu_region", "income", "ldc", "lldc", "sids", "sdg_region", "un_region", "custom"];
    const rank = (e) => (order.includes(e.group_kind) ? order.indexOf(e.group_kind) : order.length);
    const groups = el("optgroup", { label: T("World and groups") });
    const economies = el("optgroup", { label: T("Economies") });
    const published = el("optgroup", { label: T("Groups a source publishes") });
    const listed = cat.entities.filter((e) => e.kind !== "economy").sort((a, b) => rank(a) - rank(b));
    for (const e of listed) (e.group_kind === "source" ? published : groups).append(el("option", { value: e.code, text: e.name }));
    for (const e of cat.economies) economies.append(el("option", { value: e.code, text: e.name }));
    se.append(groups, economies);
    if (published.children.length) se.append(published);
  }

  /** A change of the state by a control: apply it and draw. */
  function change(patch, t0) {
    if (t0 === undefined) t0 = performance.now();
    setPageState("loading");
    Object.assign(state, patch);
    normalise(state);
    render(t0);
  }

  function setUpTabs() {
    const tabs = [...document.querySelectorAll("[role=tab]")];
    for (const tab of tabs) {
      tab.addEventListener("click", () => change({ view: tab.dataset.view }));
      tab.addEventListener("keydown", (ev) => {
        const i = tabs.indexOf(tab);
        let j = null;
        const next = rtl() ? "ArrowLeft" : "ArrowRight", previous = rtl() ? "ArrowRight" : "ArrowLeft";
        if (ev.key === next) j = (i + 1) % tabs.length;
        else if (ev.key === previous) j = (i - 1 + tabs.length) % tabs.length;
        else if (ev.key === "Home") j = 0;
        else if (ev.key === "End") j = tabs.length - 1;
        if (j === null) return;
        ev.preventDefault();
        tabs[j].focus();
        change({ view: tabs[j].dataset.view });
      });
    }
  }

  function setUpControls() {
    $("#breakdown").addEventListener("change", (ev) => change({ breakdown: ev.target.value }));
    $("#target").addEventListener("change", (ev) => change({ target: ev.target.value }));
    $("#framework").addEventListener("change", (ev) => change({ framework: ev.target.value }));
    $("#scorecard-entity").addEventListener("change", (ev) => change({ entity: ev.target.value }));
    // The map's year, classes and filter only recolour the drawn countries (no new drawing).
    $("#year").addEventListener("input", (ev) => {
      const t0 = performance.now();
      state.year = Number(ev.target.value);
      $("#year-value").textContent = ev.target.value;
      if (state.view === "map" && mapReady()) recolourMap(t0);
      else change({}, t0);
    });
    $("#classes").addEventListener("change", (ev) => {
      const t0 = performance.now();
      state.classes = ev.target.value;
      if (state.view === "map" && mapReady()) recolourMap(t0);
      else change({}, t0);
    });
    $("#filter").addEventListener("change", (ev) => {
      const t0 = performance.now();
      state.filter = ev.target.value;
      if (state.view === "map" && mapReady()) recolourMap(t0);
      else change({}, t0);
    });
    $("#skip-link").addEventListener("click", (ev) => {
      // Not a fragment change: the fragment holds the state.
      ev.preventDefault();
      $("#main").focus();
    });
  }

  // ---- Search pickers (indicator, economies and groups): a combobox with a listbox.

  /** Ranks an indicator for a query: 0 best; Infinity no match. */
  function scoreIndicator(ind, q) {
    const code = ind.code.toLowerCase();
    if (code === q || ind._codes.includes(q) || ind._name === q) return 0;
    if (code.startsWith(q) || ind._codes.some((c) => c.startsWith(q))) return 1;
    if (ind._name.startsWith(q)) return 2;
    if (ind._name.split(/[\s,()-]+/).some((w) => w.startsWith(q))) return 3;
    if (ind._name.includes(q)) return 4;
    if (code.includes(q) || ind._codes.some((c) => c.includes(q))) return 5;
    // Several words: each somewhere.
    const words = q.split(/\s+/).filter(Boolean);
    const hay = ind._name + " " + code + " " + ind._codes.join(" ");
    if (words.length > 1 && words.every((w) => hay.includes(w))) return 6;
    return Infinity;
  }

  function scoreEntity(e, q) {
    const code = e.code.toLowerCase();
    const m49 = e.m49 ? String(e.m49).padStart(3, "0") : "";
    if (code === q || e._name === q || (m49 && (m49 === q || m49 === q.padStart(3, "0")))) return 0;
    if (e.iso2 && q.length === 2 && e.iso2.toLowerCase() === q) return 1;
    if (e._name.startsWith(q)) return 2;
    if (e._name.split(/[\s,()-]+/).some((w) => w.startsWith(q))) return 3;
    if (e._name.includes(q)) return 4;
    if (code.startsWith(q)) return 5;
    return Infinity;
  }

  /** A combobox: typing lists matches; arrows move, Enter picks, Escape closes; a click picks. */
  function combobox({ input, list, nomatch, search, option, pick }) {
    let items = [];
    let active = -1;
    const close = () => {
      list.hidden = true;
      nomatch.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const setActive = (i) => {
      const lis = list.querySelectorAll("li");
      lis.forEach((li, k) => li.setAttribute("aria-selected", k === i ? "true" : "false"));
      active = i;
      if (i >= 0 && lis[i]) {
        input.setAttribute("aria-activedescendant", lis[i].id);
        lis[i].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    };
    const update = () => {
      const q = fold(input.value.trim());
      if (!q) { close(); return; }
      items = search(q);
      list.replaceChildren(...items.map((item, i) => {
        const li = option(item);
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.code = item.code;
        return li;
      }));
      list.hidden = items.length === 0;
      nomatch.hidden = items.length !== 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
    };
    const choose = (i) => {
      const item = items[i];
      if (!item) return;
      input.value = "";
      close();
      pick(item);
    };
    input.addEventListener("input", update);
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (list.hidden) update();
        if (!items.length) return;
        ev.preventDefault();
        const n = items.length;
        setActive(ev.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n);
      } else if (ev.key === "Enter") {
        if (list.hidden) return;
        ev.preventDefault();
        choose(active >= 0 ? active : 0);
      } else if (ev.key === "Escape") {
        if (!list.hidden || input.value) { ev.preventDefault(); input.value = ""; close(); }
      }
    });
    // A press on an option must not take the focus from the input before the click lands.
    list.addEventListener("mousedown", (ev) => ev.preventDefault());
    list.addEventListener("click", (ev) => {
      const li = ev.target.closest("li[data-code]");
      if (li) choose([...list.children].indexOf(li));
    });
    input.addEventListener("blur", () => setTimeout(() => { if (document.activeElement !== input) close(); }, 150));
  }

  function setUpPickers() {
    combobox({
      input: $("#indicator-search"), list: $("#indicator-results"), nomatch: $("#indicator-nomatch"),
      search: (q) => Data.catalogue.indicators
        .map((ind) => ({ ind, s: scoreIndicator(ind, q) }))
        .filter((x) => x.s < Infinity)
        .sort((a, b) => a.s - b.s || d3.ascending(a.ind.name, b.ind.name))
        .slice(0, 15)
        .map((x) => x.ind),
      option: (ind) => {
        const codes = SCHEMES.filter(([k]) => ind.codes && ind.codes[k]).map(([k, name]) => T(name) + " " + ind.codes[k]);
        return el("li", {}, el("span", { class: "name", text: ind.name }),
          el("span", { class: "codes", dir: "ltr", text: [ind.code, ...codes].join(" · ") }));
      },
      pick: (ind) => {
        const patch = { indicator: ind.code };
        const ni = Data.catalogue.indicator.get(ind.code);
        if (state.year !== null && (state.year < ni.first_year || state.year > ni.last_year)) patch.year = null;
        change(patch);
      },
    });
    combobox({
      input: $("#entity-search"), list: $("#entity-results"), nomatch: $("#entity-nomatch"),
      search: (q) => Data.catalogue.entities
        .filter((e) => !state.entities.includes(e.code))
        .map((e) => ({ e, s: scoreEntity(e, q) }))
        .filter((x) => x.s < Infinity)
        .sort((a, b) => a.e._tier - b.e._tier || a.s - b.s || collator.compare(a.e.name, b.e.name))
        .slice(0, 12)
        .map((x) => x.e),
      option: (e) => el("li", {}, el("span", { class: "name", text: e.name }),
        el("span", { class: "codes", text: [iso(e.code), e.m49 ? iso("M49 " + e.m49) : null, e.kind === "economy" ? T("economy") : T("group")].filter(Boolean).join(" · ") })),
      pick: (e) => {
        if (state.entities.length >= MAX_ENTITIES) {
          say(tf("At most %d economies and groups: remove one first.", MAX_ENTITIES));
          setPageState("ready");
          return;
        }
        change({ entities: [...state.entities, e.code] });
      },
    });
    $("#chosen").addEventListener("click", (ev) => {
      const b = ev.target.closest("button[data-remove]");
      if (!b) return;
      const code = b.dataset.remove;
      const next = state.entities.filter((c) => c !== code);
      // Keep the focus in the list: on the next chip's button, else the search.
      const idx = state.entities.indexOf(code);
      change({ entities: next });
      const buttons = $("#chosen").querySelectorAll("button[data-remove]");
      (buttons[Math.min(idx, buttons.length - 1)] || $("#entity-search")).focus();
    });
  }

  function colourOf(code) { return PALETTE[state.entities.indexOf(code) % PALETTE.length]; }

  function renderChips() {
    const cat = Data.catalogue;
    $("#chosen").replaceChildren(...state.entities.map((code) => {
      const e = cat.entity.get(code);
      return el("li", { "data-code": code, class: "chip" },
        el("span", { class: "swatch", style: "background:" + colourOf(code), "aria-hidden": "true" }),
        el("span", { text: e.name }),
        el("button", { type: "button", "data-remove": code, "aria-label": tf("Remove %s", e.name), title: tf("Remove %s", e.name), text: "×" }));
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Shared pieces of the views

  function indicatorMeta() { return Data.catalogue.indicator.get(state.indicator); }
  function entityName(code) { const e = Data.catalogue.entity.get(code); return e ? e.name : code; }
  function unitSuffix(ind) { return ind.unit_kind === "percent" ? "%" : ""; }

  function breakdownOf(row, breakdown) {
    if (breakdown === "total") return row.sex === "total" && row.area === "total" && row.age === "total" ? "total" : null;
    const others = BREAKDOWNS.slice(1).filter((b) => b !== breakdown);
    if (row[breakdown] === "total" || others.some((b) => row[b] !== "total")) return null;
    return row[breakdown];
  }
  /** A breakdown in a title: "by sex". */
  function breakdownTitle(b) { return T({ sex: "By sex", area: "Urban and rural", age: "By age" }[b] || b); }
  /** A breakdown value in words, as ictstat's charts label lines: women, men, rural, aged 15-24. */
  function breakdownWords(v) {
    if (v === "female") return T("women");
    if (v === "male") return T("men");
    if (/^[<\d]/.test(v)) return tf("aged %s", v);
    return T(v);
  }
  function describeBreakdown(row) {
    const parts = [row.sex, row.area, row.age].filter((v) => v && v !== "total");
    return parts.length ? parts.map(breakdownWords).join(comma()) : T("total");
  }
  /** Drawn hollow: estimates, and aggregates with less than half the group's weight reported. */
  function isHollow(row) {
    return row.status === "estimate" || (row.status === "aggregate" && row.coverage !== null && row.coverage !== undefined && row.coverage < 0.5);
  }

  /** Whether a row has a 95% interval: both its bounds. */
  function hasInterval(row) { return row.ci_low != null && row.ci_high != null; }
  /** Whether a row has a standard error or an interval bound. */
  function hasUncertainty(row) { return row.se != null || row.ci_low != null || row.ci_high != null; }

  /** The chart's title and note, as the page shows them and the figure files carry them; hint:
   *  a word on the page only ("Hover or focus a country"). */
  let chartText = { title: "", note: "" };
  function setChartTitle(title, note, hint) {
    chartText = { title, note: note || "" };
    $("#chart-title").textContent = title;
    $("#chart-note").textContent = [note, hint].filter(Boolean).join(" ");
  }

  /** A legend, on the page (#legend) and in the figure files: a heading, entries that show a line
   *  ({colour, dash}) or a box ({fill}) beside a label, and a note. */
  function showLegend(legend) {
    if (!legend) { $("#legend").replaceChildren(); return; }
    const wrap = el("div", { class: "legend" });
    if (legend.heading) wrap.append(el("p", { class: "legend-heading", id: "legend-heading", text: legend.heading }));
    const ul = el("ul", legend.heading ? { "aria-labelledby": "legend-heading" } : { "aria-label": T("Legend") });
    for (const e of legend.entries) ul.append(el("li", {}, swatch(e), e.label));
    if (legend.note) ul.append(el("li", { class: "key" }, legend.note));
    wrap.append(ul);
    $("#legend").replaceChildren(wrap);
  }
  /** A legend entry's symbol: a line 34 px long, a capped vertical bar (interval) or a box of 18 × 14. */
  function swatch(e) {
    const sw = svgEl("svg", { width: e.fill ? "18" : "34", height: e.fill ? "14" : "12", "aria-hidden": "true" });
    sw.append(swatchShape(e, 0, 0));
    return sw;
  }
  function swatchShape(e, x, y) {
    if (e.interval) {
      const g = svgEl("g", { stroke: e.colour, "stroke-width": "1.5" });
      for (const [x1, y1, x2, y2] of [[17, 0, 17, 12], [13, 0.75, 21, 0.75], [13, 11.25, 21, 11.25]]) {
        g.append(svgEl("line", { x1: x + x1, y1: y + y1, x2: x + x2, y2: y + y2 }));
      }
      return g;
    }
    return e.fill
      ? svgEl("rect", { x, y, width: "18", height: "14", fill: e.fill, stroke: "#777", "stroke-width": "0.5" })
      : svgEl("line", { x1: x + 1, y1: y + 6, x2: x + 33, y2: y + 6, stroke: e.colour, "stroke-width": "3", "stroke-dasharray": e.dash || "none" });
  }

  /** The text alternative of a chart: its data in a table, built when first opened. */
  let chartDataBuilder = null;
  function setChartData(build) {
    const d = $("#chart-data");
    d.hidden = !build;
    d.open = false;
    $("#chart-data-table").replaceChildren();
    chartDataBuilder = build;
  }

  /** An HTML table from column headings and rows of cells. */
  function htmlTable({ id, caption, columns, rows, numeric }) {
    const table = el("table", id ? { id } : {});
    if (caption) table.append(el("caption", { text: caption }));
    const thead = el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", { scope: "col", text: c }))));
    const tbody = el("tbody");
    const frag = document.createDocumentFragment();
    for (const r of rows) {
      const tr = el("tr");
      // A number keeps its left-to-right order in a right-to-left table (bdi).
      r.forEach((cell, i) => tr.append(numeric && numeric[i] ? el("td", { class: "num" }, el("bdi", { text: cell })) : el("td", { text: cell })));
      frag.append(tr);
    }
    tbody.append(frag);
    table.append(thead, tbody);
    return table;
  }

  // ---------------------------------------------------------------------------------------------
  // Trend

  /** The series the trend draws: one per chosen entity and breakdown value. A group's line is
   *  its aggregate rows where it has any for that breakdown value, else its published rows. */
  function trendSeries(data) {
    const series = [];
    for (const code of state.entities) {
      const ent = Data.catalogue.entity.get(code);
      const byValue = d3.group(data.rowsOf(code).filter((r) => r.value !== null && r.value !== undefined && breakdownOf(r, state.breakdown) !== null),
        (r) => breakdownOf(r, state.breakdown));
      const values = [...byValue.keys()].sort(d3.ascending);
      for (const bv of values) {
        let rows = byValue.get(bv);
        if (ent.kind !== "economy") {
          const agg = rows.filter((r) => r.status === "aggregate");
          rows = agg.length ? agg : rows.filter((r) => r.status === "published");
        }
        // One value a year, in year order.
        const seen = new Set();
        rows = rows.filter((r) => !seen.has(r.year) && seen.add(r.year)).sort((a, b) => a.year - b.year);
        if (!rows.length) continue;
        series.push({ entity: code, name: ent.name, breakdown: bv, colour: colourOf(code), rows });
      }
    }
    // Dashes by breakdown value, the same for every entity.
    const bvs = [...new Set(series.map((s) => s.breakdown))].sort(d3.ascending);
    for (const s of series) s.dash = DASHES[bvs.indexOf(s.breakdown) % DASHES.length];
    return series;
  }

  /** Points with a break where a year is missing, so that the line shows the gap. */
  function withGaps(rows) {
    const out = [];
    rows.forEach((r, i) => {
      if (i > 0 && r.year - rows[i - 1].year > 1) out.push({ year: r.year - 1, value: NaN });
      out.push(r);
    });
    return out;
  }

  /** A Plot render hook that marks the mark's paths (or rects) with data attributes. */
  function tagged(attrs) {
    return function (index, scales, values, dimensions, context, next) {
      const g = next(index, scales, values, dimensions, context);
      for (const p of g.querySelectorAll("path")) for (const [k, v] of Object.entries(attrs)) p.setAttribute(k, v);
      return g;
    };
  }

  /** A Plot render hook for a ruleX of intervals: marks each bar with its entity, year and bounds,
   *  and adds its caps, as wide as a dot. */
  function errorBars(entity, bars) {
    return function (index, scales, values, dimensions, context, next) {
      const g = next(index, scales, values, dimensions, context);
      for (const line of [...g.querySelectorAll("line")]) {
        const b = bars[line.__data__];
        if (!b) continue;
        Object.entries({ "data-interval": entity, "data-year": b.year, "data-low": b.ci_low, "data-high": b.ci_high })
          .forEach(([k, v]) => line.setAttribute(k, v));
        const x = Number(line.getAttribute("x1"));
        for (const y of [line.getAttribute("y1"), line.getAttribute("y2")]) {
          line.after(svgEl("line", { x1: x - 3.6, x2: x + 3.6, y1: y, y2: y, "data-cap": entity }));
        }
      }
      return g;
    };
  }

  /** A Plot chart as one image with its name: the marks' own aria-labels ("line", "dot") go, since
   *  the chart's data are given as a table. */
  function plotted(svg) {
    svg.setAttribute("role", "img");
    for (const e of svg.querySelectorAll("[aria-label], [aria-description]")) {
      e.removeAttribute("aria-label");
      e.removeAttribute("aria-description");
    }
    return svg;
  }

  function drawTrend(data) {
    const ind = indicatorMeta();
    const chart = $("#chart");
    const series = trendSeries(data);
    const width = Math.max(320, chart.clientWidth || 900);
    const marks = [];
    const tipRows = [];

    // Target: its level(s) as horizontal rules, its deadline as a vertical rule.
    const target = state.target ? targetsOf(state.indicator).find((t) => t.key === state.target) : null;
    if (target) {
      const levels = target.levels;
      for (const l of levels) {
        const label = frameworkName(target.framework) + " " + target.target + ": " + levelText(l, ind.unit_kind) +
          (levels.length > 1 && l.scope ? ", " + l.scope : "");
        marks.push(Plot.ruleY([drawnLevel(l)], { stroke: "#333", strokeDasharray: "1,3", strokeWidth: 1.5 }));
        marks.push(Plot.text([drawnLevel(l)], { y: (d) => d, frameAnchor: "right", dx: -6, dy: 9, text: () => label, fill: "#1a1a1a", textAnchor: "end", stroke: "white", strokeWidth: 3, paintOrder: "stroke" }));
      }
      const deadline = target.levels[0].deadline;
      marks.push(Plot.ruleX([deadline], { stroke: "#333", strokeDasharray: "1,3", strokeWidth: 1.5 }));
      marks.push(Plot.text([deadline], { x: (d) => d, frameAnchor: "bottom", dy: -6, dx: -4, textAnchor: "end", text: () => tf("Deadline %d", deadline), fill: "#1a1a1a", stroke: "white", strokeWidth: 3, paintOrder: "stroke" }));
    }

    // Projections toward the target, for the total series: dashed, with the 95% interval as a band.
    const projected = [];
    if (target && state.breakdown === "total") {
      for (const code of state.entities) {
        const p = data.projections.get(code + "|" + target.key);
        if (!p || !p.points || !p.points.length) continue;
        const pts = p.points.map(([year, value, low, high]) => ({ year, value, low, high }));
        const colour = colourOf(code);
        marks.push(Plot.areaY(pts, { x: "year", y1: "low", y2: "high", fill: colour, fillOpacity: 0.15 }));
        marks.push(Plot.line(pts, { x: "year", y: "value", stroke: colour, strokeWidth: 1.5, strokeDasharray: "5,4",
          render: tagged({ "data-projection": code }) }));
        projected.push(code);
        for (const q of pts) tipRows.push({ year: q.year, value: q.value, text: entityName(code) + comma() + T("projected") + "\n" + iso(q.year + ": " + fmt(q.value) + unitSuffix(ind)) + "\n" + T("95% interval") + " " + iso(fmt(q.low) + "–" + fmt(q.high)) });
      }
    }

    // Intervals: a capped bar in the line's colour through each point that has one, as ictstat
    // chart draws them (bars of lines close in a year overlap, as their intervals do).
    const barred = series.filter((s) => s.rows.some(hasInterval));
    barred.forEach((s) => {
      const bars = s.rows.filter(hasInterval);
      marks.push(Plot.ruleX(bars, { x: "year", y1: "ci_low", y2: "ci_high", stroke: s.colour, strokeWidth: 1.5,
        render: errorBars(s.entity, bars) }));
    });

    for (const s of series) {
      marks.push(Plot.line(withGaps(s.rows), { x: "year", y: "value", stroke: s.colour, strokeWidth: 2,
        strokeDasharray: s.dash || undefined, render: tagged({ "data-entity": s.entity, "data-breakdown": s.breakdown }) }));
      const filled = s.rows.filter((r) => !isHollow(r));
      const hollow = s.rows.filter(isHollow);
      if (filled.length) marks.push(Plot.dot(filled, { x: "year", y: "value", fill: s.colour, stroke: s.colour, r: 3 }));
      if (hollow.length) marks.push(Plot.dot(hollow, { x: "year", y: "value", fill: "white", stroke: s.colour, strokeWidth: 1.5, r: 3 }));
      for (const r of s.rows) {
        const lines = [s.name + (s.breakdown !== "total" ? comma() + breakdownWords(s.breakdown) : ""),
          iso(r.year + ": " + fmt(r.value) + unitSuffix(ind)) + (unitSuffix(ind) ? "" : " " + ind.unit),
          tf("Status: %s", rowStatus(r.status)) + (r.flag ? " (" + tf("flag %s", r.flag) + ")" : ""),
          r.edition ? tf("Edition: %s", r.edition) : T("Computed by ictstat from the members' values")];
        if (r.coverage !== null && r.coverage !== undefined) lines.push(tf("Coverage: %s of the group reported", percent(r.coverage)));
        if (hasInterval(r)) lines.push(T("95% interval") + " " + iso(fmt(r.ci_low) + "–" + fmt(r.ci_high)));
        if (r.se != null) lines.push(T("se") + " " + iso(fmt(r.se)));
        tipRows.push({ year: r.year, value: r.value, text: lines.join("\n") });
      }
    }
    marks.push(Plot.tip(tipRows, Plot.pointer({ x: "year", y: "value", title: "text", maxRadius: 30, className: TIP_CLASS })));
    // The years the chart spans: the series, the projections and a target's deadline.
    const years = tipRows.map((r) => r.year);
    if (target) years.push(target.levels[0].deadline);

    const title = ind.name;
    const who = state.entities.map(entityName).join(", ");
    const label = tf("Line chart of %s (%s) for %s", ind.name, ind.unit, who) + (state.breakdown !== "total" ? comma() + breakdownTitle(state.breakdown) : "");
    chart.replaceChildren();
    if (!series.length) {
      chart.append(el("p", { class: "empty", text: tf("No values of %s for %s.", ind.name + (state.breakdown !== "total" ? comma() + breakdownTitle(state.breakdown) : ""), who || T("the chosen economies")) }));
    } else {
      const svg = Plot.plot({
        width, height: Math.round(Math.min(420, Math.max(300, width * 0.4))),
        marginLeft: 56, marginRight: 24, marginTop: 24,
        style: { fontSize: "12px", background: "white", color: "#1a1a1a" },
        ariaLabel: label,
        x: { label: null, tickFormat: "d", ticks: years.length ? yearTicks(d3.min(years), d3.max(years), width) : undefined },
        // Percentages on 0–100, as ictstat chart draws them; other units from zero where they can be.
        y: ind.unit_kind === "percent" ? { label: ind.unit, grid: true, domain: [0, 100] }
          : { label: ind.unit, grid: true, zero: ind.min === 0 || ind.min === null || ind.min === undefined, nice: true },
        marks,
      });
      chart.append(plotted(svg));
    }

    // The legend: colour per entity, dash per breakdown value, the symbols.
    const legend = {
      entries: series.map((s) => ({ colour: s.colour, dash: s.dash, label: s.name + (s.breakdown !== "total" ? ", " + breakdownWords(s.breakdown) : "") }))
        .concat(barred.length ? [{ interval: true, colour: "#555555", label: T("95% interval") }] : []),
      note: T("● reported or published; ○ estimate, or an aggregate with less than half of the group reporting") +
        (projected.length ? semi() + T("dashed with a band: projection with its 95% interval") : ""),
    };
    showLegend(legend);

    const rows = series.flatMap((s) => s.rows);
    const missing = state.entities.filter((c) => !series.some((s) => s.entity === c));
    setChartTitle(title + (state.breakdown !== "total" ? comma() + breakdownTitle(state.breakdown) : ""),
      ind.unit + (missing.length ? ". " + tf("No values for %s.", missing.map(entityName).join(comma())) : "."));
    setChartData(() => rowsTable(rows, T("The values of the chart")));
    return { view: "trend", rows, columns: data.columns, data, chart: series.length > 0, lines: series.length, legend,
      status: tf("Trend of %s: %d lines.", ind.name, series.length) };
  }

  // ---------------------------------------------------------------------------------------------
  // Table (of the chosen entities' rows, every breakdown)

  const TABLE_COLUMNS = [
    ["Economy or group", (r) => entityName(r.entity), (r) => entityName(r.entity)],
    ["Year", (r) => String(r.year), (r) => r.year],
    ["Breakdown", describeBreakdown, describeBreakdown],
    ["Value", (r) => tableNumber(r.value), (r) => r.value],
    ["Status / flag", (r) => rowStatus(r.status) + (r.flag ? " / " + r.flag : ""), (r) => r.status],
    ["Edition", (r) => r.edition || "", (r) => r.edition || ""],
    ["Source", (r) => r.source || "", (r) => r.source || ""],
    ["Note", (r) => r.note || "", (r) => r.note || ""],
    ["Coverage", (r) => (r.coverage === null || r.coverage === undefined ? "" : percent(r.coverage)), (r) => r.coverage],
  ];
  /** The table's columns of uncertainty, shown when a row in view has one of them. */
  const UNCERTAINTY_COLUMNS = [
    ["Standard error", (r) => (r.se == null ? "" : tableNumber(r.se)), (r) => r.se],
    ["95% interval, low", (r) => (r.ci_low == null ? "" : tableNumber(r.ci_low)), (r) => r.ci_low],
    ["95% interval, high", (r) => (r.ci_high == null ? "" : tableNumber(r.ci_high)), (r) => r.ci_high],
  ];
  function tableColumns(rows) { return rows.some(hasUncertainty) ? TABLE_COLUMNS.concat(UNCERTAINTY_COLUMNS) : TABLE_COLUMNS; }
  let tableSort = { column: -1, descending: false };
  /** Set by a heading's button: the table drawn next puts the focus back on it. */
  let refocusSort = false;

  function rowsTable(rows, caption, id) {
    const columns = tableColumns(rows);
    return htmlTable({ id, caption, columns: columns.map((c) => T(c[0])), rows: rows.map((r) => columns.map((c) => c[1](r))),
      numeric: columns.map((c) => !["Economy or group", "Breakdown", "Status / flag", "Edition", "Source", "Note"].includes(c[0])) });
  }

  function drawTable(data) {
    const ind = indicatorMeta();
    let rows = state.entities.flatMap((code) => data.rowsOf(code));
    const columns = tableColumns(rows);
    if (tableSort.column >= columns.length) tableSort = { column: -1, descending: false };
    if (tableSort.column >= 0) {
      const key = columns[tableSort.column][2];
      rows = rows.slice().sort((a, b) => (tableSort.descending ? d3.descending : d3.ascending)(key(a), key(b)));
    }
    const who = state.entities.map(entityName).join(", ");
    const table = rowsTable(rows, tf("%s (%s): every value of %s", ind.name, ind.unit, who || T("no economy")), "data-table");
    // Sortable headers: a button in each, with aria-sort on the sorted one.
    table.querySelectorAll("thead th").forEach((th, i) => {
      const b = el("button", { type: "button", class: "sort", text: th.textContent });
      th.replaceChildren(b);
      if (tableSort.column === i) th.setAttribute("aria-sort", tableSort.descending ? "descending" : "ascending");
      b.addEventListener("click", () => {
        tableSort = { column: i, descending: tableSort.column === i ? !tableSort.descending : false };
        refocusSort = true;
        change({});
      });
    });
    const wrap = el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": T("Table of values") }, table);
    $("#chart").replaceChildren(wrap);
    if (refocusSort) {
      refocusSort = false;
      table.querySelectorAll("thead button")[tableSort.column].focus();
    }
    showLegend(null);
    setChartTitle(ind.name, tf("%d values of %s, every breakdown. Select a heading to sort.", rows.length, who || T("no economy or group")));
    setChartData(null);
    return { view: "table", rows, columns: data.columns, data, chart: false, status: tf("Table of %d values.", rows.length) };
  }

  // ---------------------------------------------------------------------------------------------
  // Map and ranking: the economies shown in a year

  /** The default year: the latest with values for most economies (more than half of those with
   *  any value of the indicator). */
  function defaultYear(data) {
    const totals = data.totalsByEconomy();
    const counts = new Map();
    for (const years of totals.values()) for (const y of years.keys()) counts.set(y, (counts.get(y) || 0) + 1);
    if (!counts.size) return indicatorMeta().last_year;
    const most = d3.max([...counts].filter(([, n]) => n > totals.size / 2), ([y]) => y);
    return most !== undefined ? most : d3.greatest([...counts], ([, n]) => n)[0];
  }

  function yearRange(data) {
    const ind = indicatorMeta();
    let lo = Infinity, hi = -Infinity;
    for (const years of data.totalsByEconomy().values()) for (const y of years.keys()) { if (y < lo) lo = y; if (y > hi) hi = y; }
    return lo <= hi ? [lo, hi] : [ind.first_year, ind.last_year];
  }

  /** Sets the year control to the data's range and the state's year (or the default). */
  function syncYear(data) {
    const [lo, hi] = yearRange(data);
    if (state.year !== null && (state.year < lo || state.year > hi)) ignored.push(tf("year %s (the economies have values from %d to %d)", state.year, lo, hi));
    if (state.year === null || state.year < lo || state.year > hi) state.year = defaultYear(data);
    const y = $("#year");
    y.min = lo;
    y.max = hi;
    y.value = state.year;
    $("#year-value").textContent = String(state.year);
  }

  /** The economies the map and the ranking show: the filter's members, or every economy. */
  function shownEconomies() {
    const cat = Data.catalogue;
    if (!state.filter) return cat.economies;
    const g = cat.group.get(state.filter);
    const members = new Set(g ? g.members : []);
    return cat.economies.filter((e) => members.has(e.code));
  }

  /** The values of the shown economies in the year: [{economy, row}] . */
  function valuesInYear(data, year) {
    const totals = data.totalsByEconomy();
    const out = [];
    for (const e of shownEconomies()) {
      const years = totals.get(e.code);
      const row = years && years.get(year);
      if (row) out.push({ economy: e, row });
    }
    return out;
  }

  /** The inner breaks of the classes, ascending and distinct: fixed, equal steps from 0 to 100
   *  for an indicator whose valid maximum is 100, else to the largest value of all years rounded
   *  up; or the quintiles of the year's shown values, less those that equal an earlier break or
   *  the smallest value (ties), so that no class is empty (docs/explorer.md). */
  function classBreaks(data, values) {
    const ind = indicatorMeta();
    if (state.classes === "fixed") {
      if (ind.max === 100) return fixedBreaks(100);
      let max = -Infinity;
      for (const years of data.totalsByEconomy().values()) for (const r of years.values()) if (r.value > max) max = r.value;
      return fixedBreaks(max);
    }
    const sorted = values.map((v) => v.row.value).sort(d3.ascending);
    const breaks = [];
    for (const p of [0.2, 0.4, 0.6, 0.8]) {
      const q = d3.quantile(sorted, p); // R type 7, as engine/chart
      if (q > sorted[0] && (!breaks.length || q > breaks[breaks.length - 1])) breaks.push(q);
    }
    return breaks;
  }
  /** Class i (0 to breaks.length) of v: break[i-1] <= v < break[i]. */
  function classOf(v, breaks) { return d3.bisectRight(breaks, v); }
  /** The colour of class i of breaks.length + 1 classes. */
  function classColour(i, breaks) { return CLASS_COLOURS[CLASS_POSITIONS[breaks.length + 1][i]]; }

  // ---- Map: the paths are drawn once; a change of year, classes or filter only sets fills.

  const map = { svg: null, paths: [], byM49: new Map(), order: [], hovered: null, legend: null };
  function mapReady() { return map.svg !== null && map.svg.isConnected && Data.indicators.get(state.indicator) && Data.indicators.get(state.indicator).whole; }

  function buildMap(boundaries) {
    const object = boundaries.objects && (boundaries.objects.countries || Object.values(boundaries.objects)[0]);
    const features = topojson.feature(boundaries, object).features
      .filter((f) => f.id !== "010" && f.geometry); // Antarctica has no economy to show
    const width = 960, height = 470;
    const projection = d3.geoEqualEarth().fitExtent([[4, 4], [width - 4, height - 4]], { type: "Sphere" });
    const path = d3.geoPath(projection);
    const svg = svgEl("svg", { viewBox: "0 0 " + width + " " + height, class: "map", role: "group" });
    const defs = svgEl("defs");
    const pattern = svgEl("pattern", { id: "nodata", patternUnits: "userSpaceOnUse", width: "5", height: "5", patternTransform: "rotate(45)" });
    pattern.append(svgEl("rect", { width: "5", height: "5", fill: "#f4f4f4" }), svgEl("line", { x1: "0", y1: "0", x2: "0", y2: "5", stroke: "#8a8a8a", "stroke-width": "1.5" }));
    defs.append(pattern);
    svg.append(defs);
    svg.append(svgEl("path", { d: path({ type: "Sphere" }), fill: "#f7fbff", stroke: "#c9d3dd", "aria-hidden": "true" }));
    // Borders as attributes, so that the SVG download draws them too.
    const g = svgEl("g", { class: "countries", stroke: "#fff", "stroke-width": "0.4", "stroke-linejoin": "round" });
    map.paths = [];
    map.byM49 = new Map();
    for (const f of features) {
      const p = svgEl("path", { d: path(f) });
      const m49 = f.id === undefined || f.id === null ? "" : String(f.id).padStart(3, "0");
      if (m49) {
        p.setAttribute("data-m49", m49);
        map.byM49.set(m49, p);
      }
      p.setAttribute("tabindex", "-1");
      p.setAttribute("role", "img");
      p._name = (f.properties && f.properties.name) || m49;
      const econ = m49 ? Data.catalogue.byM49.get(m49) : null;
      p._label = econ ? econ.name : p._name;
      g.append(p);
      map.paths.push(p);
    }
    svg.append(g);
    map.svg = svg;
    // Keyboard: one tab stop; arrows move from country to country in the order of their names
    // (as people sort them: Åland among the As) and show the value.
    map.order = map.paths.slice().sort((a, b) => collator.compare(a._label, b._label));
    if (map.order.length) map.order[0].setAttribute("tabindex", "0");
    svg.addEventListener("keydown", (ev) => {
      const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
      if (!(ev.key in keys) && ev.key !== "Home" && ev.key !== "End") return;
      const order = map.order;
      const i = order.indexOf(ev.target);
      if (i < 0) return;
      ev.preventDefault();
      let j = ev.key === "Home" ? 0 : ev.key === "End" ? order.length - 1 : (i + keys[ev.key] + order.length) % order.length;
      ev.target.setAttribute("tabindex", "-1");
      order[j].setAttribute("tabindex", "0");
      order[j].focus();
    });
    svg.addEventListener("mousemove", (ev) => { if (ev.target.tagName === "path" && ev.target._name) showTooltip(ev.target, ev.clientX, ev.clientY); else hideTooltip(); });
    svg.addEventListener("mouseleave", hideTooltip);
    svg.addEventListener("focusin", (ev) => { if (ev.target._name) { const b = ev.target.getBoundingClientRect(); showTooltip(ev.target, b.left + b.width / 2, b.top + b.height / 2); } });
    svg.addEventListener("focusout", hideTooltip);
  }

  function showTooltip(p, x, y) {
    const tip = $("#tooltip");
    tip.textContent = p._tip || p._name;
    tip.hidden = false;
    const pad = 14;
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let left = x + pad, top = y + pad;
    if (left + w > window.innerWidth - 4) left = x - w - pad;
    if (top + h > window.innerHeight - 4) top = y - h - pad;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
    p.classList.add("hover");
    if (map.hovered && map.hovered !== p) map.hovered.classList.remove("hover");
    map.hovered = p;
  }
  function hideTooltip() {
    $("#tooltip").hidden = true;
    if (map.hovered) map.hovered.classList.remove("hover");
    map.hovered = null;
  }

  /** Sets every country's fill, value and label for the state's year, classes and filter. */
  function colourMap(data) {
    const cat = Data.catalogue;
    const ind = indicatorMeta();
    const year = state.year;
    const values = valuesInYear(data, year);
    const breaks = classBreaks(data, values);
    const shown = new Set(shownEconomies().map((e) => e.code));
    const totals = data.totalsByEconomy();
    const counts = breaks.map(() => 0).concat(0);
    let nodata = 0, outside = 0, notInSite = 0;
    for (const p of map.paths) {
      const m49 = p.getAttribute("data-m49");
      const econ = m49 ? cat.byM49.get(m49) : null;
      const name = p._label;
      let fill, value = "", tip;
      if (!econ && cat.partial) {
        // A site built with --entities: the economies left out are not "no data".
        fill = OUTSIDE_FILL;
        notInSite++;
        tip = name + ": " + T("not in this site");
      } else if (state.filter && !(econ && shown.has(econ.code))) {
        fill = OUTSIDE_FILL;
        outside++;
        tip = name + ": " + T("outside the group shown");
      } else {
        const row = econ && totals.get(econ.code) && totals.get(econ.code).get(year);
        if (row) {
          const c = classOf(row.value, breaks);
          fill = classColour(c, breaks);
          counts[c]++;
          value = String(row.value);
          tip = name + ": " + tf("%s in %d", fmt(row.value) + unitSuffix(ind), year) + (row.status === "estimate" ? " (" + T("estimate") + ")" : "");
        } else {
          fill = NODATA_FILL;
          nodata++;
          const years = econ && totals.get(econ.code);
          const last = years ? d3.max([...years.keys()].filter((y) => y < year)) : undefined;
          tip = name + ": " + tf("no data in %d", year) + (last ? " (" + tf("latest: %s in %d", fmt(years.get(last).value) + unitSuffix(ind), last) + ")" : "");
        }
      }
      p.setAttribute("fill", fill);
      p.dataset.value = value;
      p.setAttribute("aria-label", tip);
      p._tip = tip;
    }
    if (map.hovered && !$("#tooltip").hidden) $("#tooltip").textContent = map.hovered._tip;
    map.legend = mapLegend(breaks, counts, values, { nodata, outside, notInSite });
    showLegend(map.legend);
    map.svg.setAttribute("aria-label", tf("Map of %s in %d", ind.name, year) + (state.filter ? comma() + entityName(state.filter) : "") +
      ": " + tf("%s with a value.", economies(values.length)) + " " + T("Use the arrow keys to move between countries."));
    return values;
  }

  /** The map's legend: a box per class with its range and count, no data, and the economies
   *  outside the filter or left out of the site. */
  function mapLegend(breaks, counts, values, { nodata, outside, notInSite }) {
    const ind = indicatorMeta();
    const u = unitSuffix(ind);
    const heading = state.classes === "fixed"
      ? tf("Fixed classes, the same for every year: five equal steps from 0 to %s", fmt(breaks[3] + breaks[0]) + u)
      : values.length === 1 ? tf("Quantile classes of the one value of %d", state.year)
        : tf("Quantile classes: quintiles of the %d values of %d", values.length, state.year);
    const entries = [];
    const k = breaks.length + 1;
    if (values.length) {
      const [lo, hi] = d3.extent(values, (v) => v.row.value);
      for (let i = 0; i < k; i++) {
        const label = k === 1 ? (lo === hi ? iso(fmt(lo) + u) : tf("%s to %s", fmt(lo), fmt(hi) + u))
          : i === 0 ? tf("below %s", fmt(breaks[0]) + u)
            : i === k - 1 ? tf("%s and above", fmt(breaks[k - 2]) + u)
              : tf("%s to below %s", fmt(breaks[i - 1]), fmt(breaks[i]) + u);
        entries.push({ fill: classColour(i, breaks), label: label + " (" + iso(counts[i]) + ")" });
      }
    }
    entries.push({ fill: NODATA_FILL, label: T("No data") + " (" + iso(nodata) + ")" });
    const grey = [];
    if (outside) grey.push(tf("Outside %s", entityName(state.filter)));
    if (notInSite) grey.push(T("Not in this site"));
    if (grey.length) entries.push({ fill: OUTSIDE_FILL, label: grey.join(semi()) });
    const note = !values.length || k === 5 || state.classes === "fixed" ? ""
      : k === 1 ? (values.length === 1 ? T("1 class: one value") : T("1 class: the values tie"))
        : tf("%d classes: values tie", k);
    return { heading, entries, note };
  }

  function drawMap(data, boundaries) {
    if (!map.svg) buildMap(boundaries);
    syncYear(data);
    const chart = $("#chart");
    if (map.svg.parentNode !== chart) chart.replaceChildren(map.svg);
    return mapDrawn(data, colourMap(data));
  }

  function mapDrawn(data, values) {
    const ind = indicatorMeta();
    setChartTitle(ind.name + comma() + iso(state.year) + (state.filter ? comma() + entityName(state.filter) : ""),
      ind.unit + ". " + tf("%s with a value in %d.", economies(values.length), state.year), T("Hover or focus a country for its value."));
    setChartData(() => yearTable(values));
    return { view: "map", rows: values.map((v) => v.row), columns: data.columns, data, chart: values.length > 0, legend: map.legend,
      status: tf("Map of %s in %d", ind.name, state.year) + "." };
  }

  /** The fast path of the map: only the fills change. Well under 100 ms. */
  function recolourMap(t0) {
    ++renderSeq; // a slower redraw still under way must not overwrite this one
    setPageState("loading");
    try {
      const data = Data.indicators.get(state.indicator);
      normalise(state);
      syncYear(data);
      $("#classes").value = state.classes;
      $("#filter").value = state.filter;
      afterDraw(mapDrawn(data, colourMap(data)));
      finish("map", t0);
    } catch (err) { fail(err); }
  }

  function yearTable(values) {
    const ind = indicatorMeta();
    const sorted = values.slice().sort((a, b) => collator.compare(a.economy.name, b.economy.name));
    return htmlTable({ caption: ind.name + " (" + ind.unit + ")" + comma() + iso(state.year),
      columns: [T("Economy"), T("Year"), T("Value"), T("Status")],
      rows: sorted.map((v) => [v.economy.name, String(v.row.year), tableNumber(v.row.value), rowStatus(v.row.status)]),
      numeric: [false, true, true, false] });
  }

  // ---- Ranking

  function drawRanking(data) {
    const ind = indicatorMeta();
    syncYear(data);
    const values = valuesInYear(data, state.year);
    const descending = ind.polarity !== "lower";
    const bars = values.map((v) => ({ code: v.economy.code, name: v.economy.name, value: v.row.value, row: v.row }))
      .sort((a, b) => (descending ? d3.descending(a.value, b.value) : d3.ascending(a.value, b.value)) || d3.ascending(a.name, b.name));
    const chart = $("#chart");
    chart.replaceChildren();
    showLegend(null);
    const where = state.filter ? entityName(state.filter) : T("all economies");
    if (!bars.length) {
      chart.append(el("p", { class: "empty", text: tf("No values of %s for %s.", ind.name + comma() + iso(state.year), where) }));
    } else {
      const width = Math.max(320, chart.clientWidth || 900);
      // Room on the left for the longest name, within a third of the width (at most 260 px);
      // longer names are cut short with an ellipsis, in full in their title.
      const labels = Math.ceil(Math.min(d3.max(bars, (b) => textWidth(b.name, 12)), Math.max(110, Math.min(260, width / 3))));
      const short = new Map(bars.map((b) => [b.name, fitText(b.name, 12, labels)]));
      const chosen = new Set(state.entities);
      const svg = Plot.plot({
        width, height: bars.length * 18 + 50,
        marginLeft: labels + 8, marginRight: 56, marginTop: 30,
        style: { fontSize: "12px", background: "white", color: "#1a1a1a" },
        ariaLabel: tf("Bar chart ranking %d economies by %s in %d", bars.length, ind.name, state.year) + comma() + T(descending ? "highest first" : "lowest first"),
        x: ind.unit_kind === "percent" ? { label: null, grid: true, axis: "top", domain: [0, 100] }
          : { label: null, grid: true, axis: "top", nice: true, zero: true },
        y: { label: null, domain: bars.map((b) => b.name) },
        marks: [
          Plot.axisY({ label: null, tickSize: 0, tickPadding: 6, tickFormat: (name) => short.get(name), title: (name) => name }),
          Plot.barX(bars, { x: "value", y: "name", fill: (b) => (chosen.has(b.code) ? "#E69F00" : "#2c7fb8"), insetTop: 2, insetBottom: 2,
            render(index, scales, values, dims, context, next) {
              const g = next(index, scales, values, dims, context);
              const rects = g.querySelectorAll("rect");
              index.forEach((i, k) => { if (rects[k]) rects[k].setAttribute("data-entity", bars[i].code); });
              return g;
            } }),
          Plot.text(bars, { x: "value", y: "name", text: (b) => fmt(b.value), dx: 4, textAnchor: "start", fill: "#1a1a1a" }),
          Plot.ruleX([0]),
          Plot.tip(bars, Plot.pointerY({ x: "value", y: "name", className: TIP_CLASS, title: (b) => b.name + "\n" + iso(b.row.year + ": " + fmt(b.value) + unitSuffix(ind)) + "\n" + tf("Status: %s", rowStatus(b.row.status)) + (b.row.edition ? "\n" + tf("Edition: %s", b.row.edition) : "") })),
        ],
      });
      chart.append(plotted(svg));
    }
    setChartTitle(ind.name + comma() + iso(state.year) + comma() + where,
      ind.unit + ". " + tf("%s with a value in %d.", economies(bars.length), state.year) + " " + T(descending ? "highest first" : "lowest first") +
      (state.entities.some((c) => bars.some((b) => b.code === c)) ? semi() + T("the chosen economies in orange.") : "."));
    setChartData(() => yearTable(values));
    return { view: "ranking", rows: bars.map((b) => b.row), columns: data.columns, data, chart: bars.length > 0,
      status: tf("Ranking of %s in %d.", economies(bars.length), state.year) };
  }

  // ---------------------------------------------------------------------------------------------
  // Scorecard

  function drawScorecard(doc) {
    const cat = Data.catalogue;
    const fw = cat.framework.get(state.framework);
    const c = doc.columns;
    const rows = (doc.rows || []).map((r) => { const o = {}; c.forEach((k, i) => (o[k] = r[i])); return o; })
      .filter((r) => r.entity === state.entity);
    const name = entityName(state.entity);
    const chart = $("#chart");
    $("#legend").replaceChildren(statusLegend());
    if (doc.unavailable) {
      chart.replaceChildren(el("p", { class: "empty", text: tf("The progress assessments are not available for data as of %s: %s", asOf, doc.unavailable) }));
    } else if (!rows.length) {
      chart.replaceChildren(el("p", { class: "empty", text: tf("No target of %s can be assessed for %s from the data.", fw ? frameworkName(fw) : state.framework, name) }));
    } else {
      const table = el("table", { class: "scorecard" });
      table.append(el("caption", { text: (fw ? frameworkName(fw) : state.framework) + ": " + name }));
      table.append(el("thead", {}, el("tr", {}, ...["Target", "Indicator", "Baseline (year)", "Latest (year)", "Target level", "Deadline", "Class", "Baseline, latest and level"]
        .map((h) => el("th", { scope: "col", text: T(h) })))));
      const tbody = el("tbody");
      for (const r of rows) {
        // `measure` is the indicator, or a measure derived from it ("gps:internet_use_pct").
        const measure = r.measure || r.indicator || "";
        const kind = measure.includes(":") ? measure.split(":")[0] : "level";
        const base = r.indicator || measure.replace(/^[a-z_0-9]+:/, "");
        const ind = cat.indicator.get(base);
        const defs = fw ? (fw.targets || []).filter((t) => t.target === r.target) : [];
        const def = defs.find((t) => t.indicator === base && (t.measure || "level") === kind) || defs.find((t) => t.indicator === base) || defs[0];
        const suffix = measureSuffix(kind, ind);
        const parity = kind === "gps" || (def && def.comparator === "parity");
        const cmp = def ? comparator(def.comparator) : "";
        // A parity score is met within a band about 1 (0.98–1.02 for a level of 1.02), and has no unit.
        const level = r.level === null || r.level === undefined ? "–"
          : parity ? T("parity") + comma() + iso(fmt(1 / r.level) + "–" + fmt(r.level)) : iso((cmp ? cmp + " " : "") + fmt(r.level) + suffix);
        const colour = STATUS_COLOURS[r.class] || "#888888";
        const tolerance = metWithinTolerance(r, def, parity);
        const tr = el("tr", { "data-target": r.target },
          el("th", { scope: "row" }, el("bdi", { class: "target-code", text: r.target }), r.wording ? el("span", { class: "wording", text: wording(state.framework, r.wording) }) : null),
          el("td", { text: measureName(measure, ind) }),
          el("td", { class: "num", text: valueYear(r.baseline, r.baseline_year, suffix) }),
          el("td", { class: "num", text: valueYear(r.latest, r.latest_year, suffix) }),
          el("td", { class: "num", text: level }),
          el("td", { class: "num", text: r.deadline === null || r.deadline === undefined ? "" : String(r.deadline) }),
          el("td", {}, el("span", { class: "status-dot", style: "background:" + colour, "aria-hidden": "true" }), statusName(r.class || ""),
            tolerance === null ? null : el("span", { class: "class-note", text: tf("met within the tolerance of %s", fmt(tolerance)) })),
          el("td", { class: "dotplot-cell" }, dotPlot(r, colour, suffix, parity)));
        tbody.append(tr);
      }
      table.append(tbody);
      chart.replaceChildren(el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": T("Scorecard") }, table));
    }
    setChartTitle(tf("Progress of %s toward %s", name, fw ? frameworkName(fw) : state.framework),
      T("The baseline and latest values, the target's level and deadline, and the class of progress."));
    setChartData(null);
    return { view: "scorecard", progress: rows, progressColumns: c, chart: false, unavailable: !!doc.unavailable,
      status: doc.unavailable ? tf("No progress assessments as of %s.", asOf)
        : tf("Scorecard of %s: %d targets.", name, rows.length) };
  }

  /** The unit after a progress row's values: none for a parity score; the rural population's
   *  coverage and the share of subscriptions at 10 Mbit/s are percentages; else the indicator's. */
  function measureSuffix(kind, ind) {
    if (kind === "gps") return "";
    if (kind === "rural" || kind === "share_10m") return "%";
    return ind ? unitSuffix(ind) : "";
  }

  /** The tolerance through which a row's target counts as met: its latest value misses the level
   *  by no more than the target's measurement tolerance (indicators/README.md), which is the
   *  catalogue's or the progress row's where they carry it, else half a unit of the last digit
   *  the level is stated to (95: 0.5; 1.02: 0.005). null where the target is met outright, or not. */
  function metWithinTolerance(r, def, parity) {
    if (r.class !== "target met" || typeof r.latest !== "number" || typeof r.level !== "number") return null;
    const v = r.latest, l = r.level;
    const c = parity ? "parity" : def ? def.comparator : ">=";
    const outright = parity ? Math.max(v, 1 / v) <= l
      : c === ">" || c === "gt" ? v > l : c === "<=" || c === "le" ? v <= l : c === "<" || c === "lt" ? v < l : v >= l;
    if (outright) return null;
    if (typeof r.tolerance === "number") return r.tolerance;
    if (def && typeof def.tolerance === "number") return def.tolerance;
    return 0.5 / Math.pow(10, (String(l).split(".")[1] || "").length);
  }

  /** A progress row's measure in words: an indicator, or a parity score, rural share, ... of one. */
  function measureName(measure, ind) {
    const m = String(measure || "");
    const name = ind ? ind.name : m;
    if (m.startsWith("gps:")) return tf("Gender parity score of %s", S.lang === "en" ? name.charAt(0).toLowerCase() + name.slice(1) : name);
    if (m.startsWith("rural:")) return name + comma() + T("rural population");
    if (m.startsWith("share_10m:")) return name + comma() + T("share at 10 Mbit/s or more");
    return name;
  }

  function valueYear(v, y, suffix) {
    if (v === null || v === undefined) return "–";
    return iso(fmt(v) + suffix + (y ? " (" + y + ")" : ""));
  }

  function statusLegend() {
    const ul = el("ul", { class: "status-legend", "aria-label": T("Classes of progress") });
    for (const [name, colour] of Object.entries(STATUS_COLOURS)) {
      ul.append(el("li", {}, el("span", { class: "status-dot", style: "background:" + colour, "aria-hidden": "true" }), statusName(name)));
    }
    return ul;
  }

  /** A small dot plot: the baseline (hollow), the latest value (filled) and the level (a tick; a
   *  parity score's band about 1 has two), over the span of the three, widened to a fifth of the
   *  largest at least, so that values close together stay apart and small changes small (and kept
   *  within 0–100 for percentages). Drawn in a viewBox with room for the dots at either end, so
   *  that it scales to its cell. */
  function dotPlot(r, colour, suffix, parity) {
    const num = (v) => typeof v === "number" && Number.isFinite(v);
    const levels = num(r.level) ? (parity ? [1 / r.level, r.level] : [r.level]) : [];
    const vals = [r.baseline, r.latest].filter(num).concat(levels);
    const w = 160, h = 22, pad = 7, mid = 11;
    const svg = svgEl("svg", { viewBox: "0 0 " + w + " " + h, width: String(w), height: String(h), role: "img", class: "dotplot",
      "aria-label": tf("Baseline %s, latest %s, level %s", fmt(r.baseline) + suffix, fmt(r.latest) + suffix, parity && levels.length ? fmt(levels[0]) + "–" + fmt(levels[1]) : fmt(r.level) + suffix) });
    if (!vals.length) return svg;
    let lo = d3.min(vals), hi = d3.max(vals);
    const span = 0.2 * Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    if (hi - lo < span) {
      const centre = (lo + hi) / 2;
      [lo, hi] = [centre - span / 2, centre + span / 2];
      if (suffix === "%" && lo < 0) [lo, hi] = [0, span];
      if (suffix === "%" && hi > 100) [lo, hi] = [100 - span, 100];
    }
    const x = d3.scaleLinear().domain([lo, hi]).range([pad, w - pad]);
    svg.append(svgEl("line", { x1: pad, x2: w - pad, y1: mid, y2: mid, stroke: "#bbb" }));
    if (num(r.baseline) && num(r.latest)) {
      svg.append(svgEl("line", { x1: x(r.baseline), x2: x(r.latest), y1: mid, y2: mid, stroke: colour, "stroke-width": "2" }));
    }
    if (num(r.baseline)) svg.append(svgEl("circle", { cx: x(r.baseline), cy: mid, r: "4", fill: "white", stroke: colour, "stroke-width": "1.5" }));
    if (num(r.latest)) svg.append(svgEl("circle", { cx: x(r.latest), cy: mid, r: "4.5", fill: colour, stroke: "#1a1a1a", "stroke-width": "0.5" }));
    // The level last, above and below the dots, so that it shows where they reach it.
    for (const l of levels) svg.append(svgEl("line", { x1: x(l), x2: x(l), y1: "1", y2: String(h - 1), stroke: "#1a1a1a", "stroke-width": "2" }));
    return svg;
  }

  // ---------------------------------------------------------------------------------------------
  // Downloads of what is shown

  /** The fragment keys a view's download needs. */
  function viewKeys(view) {
    const keys = { view, indicator: state.indicator };
    if (view === "trend" || view === "table") keys.entities = state.entities.join(",");
    if (view === "trend") keys.breakdown = state.breakdown;
    if (view === "trend" && state.target) keys.target = state.target;
    if (view === "map" || view === "ranking") { keys.year = String(state.year); if (state.filter) keys.filter = state.filter; }
    if (view === "map") keys.classes = state.classes;
    if (view === "scorecard") return { view, framework: state.framework, entity: state.entity };
    return keys;
  }

  /** The columns of an indicator document, and of the CSV made of its rows. */
  const INDICATOR_COLUMNS = ["entity", "kind", "year", "sex", "area", "age", "value", "status", "flag", "edition", "source", "note", "coverage",
    "se", "ci_low", "ci_high"];
  function blobLink(content, type) { return URL.createObjectURL(new Blob([content], { type })); }

  function updateDownloads(drawn) {
    const list = $("#download-links");
    const links = [];
    const base = (drawn.view === "scorecard" ? state.framework + "-" + state.entity : state.indicator + "-" + drawn.view);
    const label = { csv: "CSV", xlsx: "Excel (XLSX)", png: "PNG", svg: "SVG", pdf: "PDF" }; // format names, the same in every language
    let why = "";
    if (drawn.view === "scorecard" && drawn.unavailable) {
      why = tf("The progress assessments are computed from the data as they are now: there is nothing to download as of %s.", asOf);
    } else if (Data.mode === "server") {
      // The service draws a chart of every view but the table, when there is something to draw,
      // no more lines than it has colours for, and not the map as of a date (docs/explorer.md).
      let charts = drawn.view === "scorecard" ? drawn.progress.length > 0 : drawn.chart;
      if (charts && drawn.view === "map" && asOf) {
        charts = false;
        why = tf("The map's chart is drawn from the data as they are now, so there is none as of %s: the CSV and XLSX hold the values shown.", asOf);
      } else if (charts && drawn.lines > MAX_ENTITIES) {
        charts = false;
        why = tf("A chart file draws at most %d lines, and this one has %d: choose fewer economies or another breakdown for PNG, SVG and PDF.", MAX_ENTITIES, drawn.lines);
      }
      const formats = charts ? ["csv", "xlsx", "png", "svg", "pdf"] : ["csv", "xlsx"];
      for (const f of formats) {
        const q = new URLSearchParams(viewKeys(drawn.view));
        if (asOf) q.set("as_of", asOf);
        if (S.lang !== "en" && f !== "csv" && f !== "xlsx") q.set("lang", S.lang);
        q.set("format", f);
        links.push([f, "v1/explorer/download?" + q.toString(), null]);
      }
    } else {
      // The site's files are made in the page when asked for (see setUpDownloads), so that a
      // change of the view, such as a move of the map's year, stays fast. The link's own target
      // is the view itself.
      siteDownload = drawn;
      links.push(["csv", "#" + hashOf(), base + ".csv"]);
      if (drawn.chart) links.push(["svg", "#" + hashOf(), base + ".svg"]);
    }
    list.replaceChildren(...links.map(([f, href, file]) => el("li", {},
      el("a", { href, "data-download": f, download: file || true, text: label[f] }))));
    $("#download-note").textContent = why;
    $("#download-note").hidden = !why;
    const whole = $("#download-whole");
    whole.replaceChildren();
    if (Data.mode === "site" && drawn.view !== "scorecard") {
      const code = safeName(state.indicator);
      whole.append(T("The whole indicator:") + " ",
        el("a", { href: "data/indicator-" + code + ".csv", "data-whole": "csv", download: true, text: "CSV" }), ", ",
        el("a", { href: "data/indicator-" + code + ".xlsx", "data-whole": "xlsx", download: true, text: "XLSX" }), ".");
    }
  }

  /** Saves a file made in the page (a blob: URL, let go of once the download has it). */
  function save(url, file) {
    const tmp = el("a", { href: url, download: file });
    document.body.append(tmp);
    tmp.click();
    tmp.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  /** The view the site's downloads are made from. */
  let siteDownload = null;

  /** On the site, the CSV of the rows shown (the indicator document's columns; for the scorecard,
   *  the progress document's) and the SVG of the chart shown are made when asked for. */
  function setUpDownloads() {
    $("#download-links").addEventListener("click", (ev) => {
      const a = ev.target.closest("a[data-download]");
      if (!a || Data.mode !== "site" || !siteDownload) return;
      ev.preventDefault();
      const drawn = siteDownload;
      if (a.dataset.download === "svg") {
        const svg = chartSVG(drawn);
        if (svg) save(blobLink(svg, "image/svg+xml"), a.getAttribute("download"));
      } else if (a.dataset.download === "csv") {
        const csv = drawn.view === "scorecard"
          ? csvOf(drawn.progressColumns, drawn.progress.map((r) => drawn.progressColumns.map((k) => r[k])))
          : csvOf(drawn.columns || INDICATOR_COLUMNS, drawn.rows.map((r) => (drawn.columns || INDICATOR_COLUMNS).map((k) => r[k])));
        save(blobLink(csv, "text/csv"), a.getAttribute("download"));
      }
    });
  }

  /** CSV (RFC 4180) with a formula guard, as ictstat's CSV writes text cells. */
  function csvOf(columns, rows) {
    const cell = (v) => {
      if (v === null || v === undefined) return "";
      if (typeof v === "number") return String(v);
      let s = String(v);
      if (/^[=+\-@\t\r]/.test(s) && !/^[-+]?\d/.test(s)) s = "'" + s;
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    };
    return [columns, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
  }

  /** The font of the figure files, and a canvas to measure their text with. */
  const FIGURE_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  let measure = null;
  function textWidth(text, size, weight) {
    if (!measure) measure = document.createElement("canvas").getContext("2d");
    measure.font = (weight || "normal") + " " + size + "px " + FIGURE_FONT;
    return measure.measureText(text).width;
  }
  /** A text cut short with an ellipsis to fit a width. */
  function fitText(text, size, width) {
    if (textWidth(text, size) <= width) return text;
    let lo = 0, hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (textWidth(text.slice(0, mid).trimEnd() + "…", size) <= width) lo = mid; else hi = mid - 1;
    }
    return text.slice(0, lo).trimEnd() + "…";
  }
  /** A text broken into lines no wider than width. */
  function wrapText(text, size, width, weight) {
    const lines = [];
    let line = "";
    for (const word of String(text).split(/\s+/).filter(Boolean)) {
      const next = line ? line + " " + word : word;
      if (line && textWidth(next, size, weight) > width) { lines.push(line); line = word; } else line = next;
    }
    if (line) lines.push(line);
    return lines;
  }

  /** The shown chart as a standalone SVG file, a complete figure: the title, the note (the unit),
   *  the legend, the chart, the source line and, under a map, the boundaries' wording. Styles are
   *  attributes (and the chart's own <style>), so the file needs nothing else. */
  function chartSVG(drawn) {
    const chart = $("#chart > svg");
    if (!chart) return null;
    const vb = (chart.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
    const cw = Number(chart.getAttribute("width")) || vb[2] || chart.clientWidth;
    const ch = Number(chart.getAttribute("height")) || vb[3] || chart.clientHeight;
    const pad = 16, width = Math.max(cw, 480) + 2 * pad, inner = width - 2 * pad;
    const fig = svgEl("svg", { xmlns: SVGNS, "font-family": FIGURE_FONT, fill: "#1a1a1a" });
    const title = svgEl("title");
    title.textContent = chartText.title;
    fig.append(title, svgEl("rect", { width: "100%", height: "100%", fill: "white" }));
    let y = pad;
    const text = (str, size, attrs) => {
      for (const line of wrapText(str, size, inner, attrs && attrs["font-weight"])) {
        const t = svgEl("text", Object.assign({ x: pad, y: y + size, "font-size": size }, attrs));
        t.textContent = line;
        fig.append(t);
        y += Math.round(size * 1.35);
      }
    };
    text(chartText.title, 17, { "font-weight": "bold" });
    if (chartText.note) text(chartText.note, 12, { fill: "#555555" });
    y += 6;

    // The legend: its heading, then its entries side by side, as many to a row as fit.
    const legend = drawn.legend;
    if (legend) {
      if (legend.heading) text(legend.heading, 12, { "font-weight": "bold" });
      let x = pad;
      for (const e of legend.entries) {
        const w = (e.fill ? 18 : 34) + 6 + textWidth(e.label, 12);
        if (x > pad && x + w > pad + inner) { x = pad; y += 20; }
        fig.append(swatchShape(e, x, y + 2));
        const t = svgEl("text", { x: x + (e.fill ? 18 : 34) + 6, y: y + 13, "font-size": "12" });
        t.textContent = e.label;
        fig.append(t);
        x += w + 18;
      }
      y += 24;
      if (legend.note) text(legend.note, 11, { fill: "#555555" });
      y += 4;
    }

    // The chart, its attributes (Plot's class, which its <style> selects, its font and colour)
    // kept on a group; the page's focus and hover marks, and Plot's tips, left out.
    const g = svgEl("g", { transform: "translate(" + Math.round((width - cw) / 2) + "," + y + ")" });
    for (const a of chart.attributes) {
      if (!/^(width|height|viewBox|role|tabindex|xmlns.*|aria-.*)$/.test(a.name)) g.setAttribute(a.name, a.value);
    }
    for (const c of chart.childNodes) g.append(c.cloneNode(true));
    g.querySelectorAll("." + TIP_CLASS).forEach((e) => e.remove());
    g.querySelectorAll("[tabindex]").forEach((e) => e.removeAttribute("tabindex"));
    g.querySelectorAll(".hover").forEach((e) => e.classList.remove("hover"));
    fig.append(g);
    y += ch + 10;

    text(viewSources(drawn).source, 11, { fill: "#555555" });
    if (drawn.view === "map") text($("#map-disclaimer").textContent.replace(/\s+/g, " ").trim(), 11, { fill: "#555555" });
    if (Data.catalogue.as_of || asOf) text(tf("The data as published on %s.", asOf || Data.catalogue.as_of), 11, { fill: "#555555" });
    const height = Math.ceil(y + pad);
    fig.setAttribute("width", width);
    fig.setAttribute("height", height);
    fig.setAttribute("viewBox", "0 0 " + width + " " + height);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(fig);
  }

  // ---------------------------------------------------------------------------------------------
  // Footer: sources, editions and licences, the map's disclaimer

  /** The editions and the source line of what a view shows: the rows of the chosen entities
   *  (trend, table), of every economy (map, ranking), the framework's (scorecard). */
  function viewSources(drawn) {
    if (drawn.view === "scorecard") {
      return { editions: Data.catalogue.editions, source: T("Source:") + " " + T("ITU and the custodians of the framework's indicators; progress assessed by ictstat.") };
    }
    const data = drawn.data || Data.indicators.get(state.indicator);
    if (!data) return { editions: Data.catalogue.editions, source: T("Source:") + " ITU." };
    return data.sources(drawn.view === "trend" || drawn.view === "table" ? state.entities : null);
  }

  let footerKey = "";
  function updateFooter(drawn) {
    $("#map-disclaimer").hidden = drawn.view !== "map";
    $("#licences-link").hidden = Data.mode !== "site";
    const { editions, source } = viewSources(drawn);
    const key = source + "|" + editions.map((e) => e.edition).join("|");
    if (key === footerKey) return;
    footerKey = key;
    // The service's source line of a whole indicator is in English: its first word goes over.
    $("#source-line").textContent = source.replace(/^Source: /, T("Source:") + " ");
    $("#editions").replaceChildren(...editions.map((e) => el("li", {},
      el("strong", { text: e.edition }), ": " + (e.citation || e.edition) + (e.licence ? ". " + tf("Licence: %s", e.licence) : "."))));
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  async function start() {
    const t0 = performance.now();
    setPageState("loading");
    try {
      if (typeof d3 === "undefined" || typeof Plot === "undefined" || typeof topojson === "undefined") {
        throw new Error(T("The page's libraries (assets/vendor/) did not load."));
      }
      await loadCatalogue();
      await setUpLanguage();
      const cat = Data.catalogue;
      translateCatalogue(cat);
      // A search finds a name in the page's language or in English.
      for (const e of cat.entities) e._name = fold(e.name) === e._en ? e._en : fold(e.name) + " " + e._en;
      for (const i of cat.indicators) i._name = fold(i.name) === i._en ? i._en : fold(i.name) + " " + i._en;
      if (!cat.indicators.length) throw new Error(T("The catalogue lists no indicator."));
      if (cat.title) { document.title = T(cat.title); $("#page-title").textContent = T(cat.title); }
      if (asOf || cat.as_of) $("#subtitle").textContent = tf("The data as published on %s.", asOf || cat.as_of);
      fillCatalogueSelects();
      setUpTabs();
      setUpControls();
      setUpPickers();
      setUpDownloads();
      $("#chart-data").addEventListener("toggle", (ev) => {
        if (ev.target.open && chartDataBuilder && !$("#chart-data-table").firstChild) $("#chart-data-table").append(chartDataBuilder());
      });
      const notes = normalise(Object.assign(state, stateFromHash()));
      // The trend and the ranking are drawn to the page's width: draw them again when it changes.
      let resizeTimer = 0;
      let drawnWidth = $("#chart").clientWidth;
      window.addEventListener("resize", () => {
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(() => {
          const w = $("#chart").clientWidth;
          if (Math.abs(w - drawnWidth) < 20 || !(state.view === "trend" || state.view === "ranking")) return;
          drawnWidth = w;
          render();
        }, 200);
      });
      window.addEventListener("hashchange", () => {
        const t = performance.now();
        setPageState("loading");
        ignored = normalise(Object.assign(state, stateFromHash()));
        render(t);
      });
      ignored = notes;
      await render(t0);
    } catch (err) {
      fail(err);
    }
  }

  /** The page's translation of an interface string, for tests and the console. */
  window.ictstatT = (english) => T(english);
  start();
})();
