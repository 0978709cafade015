// schemalens studio: one page, no framework, no build. Every value from the database is
// put on the page with textContent (never innerHTML, see dom.js), so a cell cannot become markup.
"use strict";

(function () {
  // --- authentication: the launch token -------------------------------------------------
  // The first URL carries ?token=. The server has already swapped it for an HttpOnly
  // cookie; we clean the address bar. Inside a frame (VS Code webview) cookies are
  // cross-site and dropped, so there the page keeps the token in memory as a header.
  const params = new URLSearchParams(location.search);
  const framed = window.top !== window.self;
  const token = framed ? params.get("token") : null;
  if (params.has("token")) history.replaceState(null, "", location.pathname + location.hash);

  const state = {
    info: null, tables: [], table: null, meta: null, page: null,
    cursors: [], // cursor of each page shown so far; [0] is null (first page)
    view: { sort: null, desc: false, filters: [] },
    tab: "data", selected: new Set(), drift: null, sqlText: "",
  };

  const { h } = window.StudioDom;
  const { valueEditor } = window.StudioEditors;
  const $ = (sel) => document.querySelector(sel);

  // --- API ----------------------------------------------------------------------------------
  async function api(path, body) {
    const headers = { "Accept": "application/json" };
    if (token) headers["X-Schemalens-Token"] = token;
    const init = { headers, credentials: "same-origin" };
    if (body !== undefined) {
      init.method = "POST";
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const r = await fetch("." + path, init);  // relative: the page may sit under a port proxy's /proxy/<port>/
    let data = null;
    try { data = await r.json(); } catch (e) { data = { error: "unreadable answer (" + r.status + ")" }; }
    return { ok: r.ok, status: r.status, data };
  }
  function qs(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined && v !== "") p.set(k, v);
    return p.toString();
  }
  function viewParams() {
    return {
      schema: state.table.schema, table: state.table.name,
      sort: state.view.sort, desc: state.view.desc ? "1" : "",
      filters: state.view.filters.length ? JSON.stringify(state.view.filters) : "",
    };
  }

  // --- routing: #/t/<schema>/<table>?sort=&desc=&filters= ------------------------------------
  function hashFor(schema, name, view) {
    const q = qs({ sort: view.sort, desc: view.desc ? "1" : "",
                   filters: view.filters.length ? JSON.stringify(view.filters) : "" });
    return "#/t/" + encodeURIComponent(schema) + "/" + encodeURIComponent(name) + (q ? "?" + q : "");
  }
  function parseHash() {
    const m = location.hash.match(/^#\/t\/([^/?]*)\/([^?]*)(?:\?(.*))?$/);
    if (!m) return null;
    const p = new URLSearchParams(m[3] || "");
    let filters = [];
    try { filters = JSON.parse(p.get("filters") || "[]"); } catch (e) { filters = []; }
    return { schema: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]),
             view: { sort: p.get("sort") || null, desc: p.get("desc") === "1", filters } };
  }
  function go(schema, name, view) {
    const target = hashFor(schema, name, view || { sort: null, desc: false, filters: [] });
    if (location.hash === target) route(); else location.hash = target;
  }

  async function route() {
    const r = parseHash();
    if (!r) { renderMain(); return; }
    const changedTable = !state.table || state.table.schema !== r.schema || state.table.name !== r.name;
    state.table = { schema: r.schema, name: r.name };
    state.view = r.view;
    state.cursors = [null];
    state.selected = new Set();
    if (changedTable) {
      state.meta = null;
      $("#detail").replaceChildren();
      const res = await api("/api/table?" + qs({ schema: r.schema, table: r.name }));
      if (!res.ok) { state.page = null; showBanner(res.data.error); renderMain(); return; }
      state.meta = res.data;
    }
    renderSidebar();
    await loadPage();
  }

  async function loadPage() {
    const after = state.cursors[state.cursors.length - 1];
    const res = await api("/api/rows?" + qs({ ...viewParams(), after, limit: 100 }));
    if (!res.ok) { showBanner(res.data.error); state.page = null; }
    else { hideBanner(); state.page = res.data; }
    renderMain();
  }

  // --- banner (request-level errors) -----------------------------------------------------------
  function showBanner(message) { const b = $("#banner"); b.textContent = message; b.hidden = false; }
  function hideBanner() { const b = $("#banner"); if (b) { b.textContent = ""; b.hidden = true; } }

  // --- formatting ---------------------------------------------------------------------------
  function fmtCount(t) {
    if (t.rows === null || t.rows === undefined) return "?";
    const n = t.rows;
    const short = n >= 1e6 ? (n / 1e6).toFixed(1) + "M" : n >= 1e4 ? Math.round(n / 1e3) + "k" : String(n);
    return t.exact ? short : "~" + short;
  }
  function cellContent(value, kind, truncated) {
    if (value === null) return h("span", { class: "null", text: "NULL" });
    if (value === "") return h("span", { class: "empty-string", text: "''", title: "empty text (not NULL)" });
    let text = value;
    if (kind === "json" && !truncated) {
      try { text = JSON.stringify(JSON.parse(value)); } catch (e) { text = value; }
    }
    const shown = text.length > 120 ? text.slice(0, 120) : text;
    const span = h("span", { class: "value", text: shown });
    if (shown !== text || truncated) return [span, h("span", { class: "more", text: "…", title: "truncated: open the row to see all" })];
    return span;
  }

  // --- layout -----------------------------------------------------------------------------
  function renderShell() {
    const app = $("#app");
    app.replaceChildren(
      h("header", { class: "top" },
        h("span", { class: "brand", text: "schemalens studio" }),
        h("span", { class: "db", text: state.info ? state.info.database : "" }),
        state.info && state.info.read_only ? h("span", { class: "badge ro", text: "read-only" }) : null),
      h("div", { class: "layout" },
        h("aside", { class: "sidebar" },
          h("input", { id: "table-search", type: "search", placeholder: "Search tables", "aria-label": "Search tables",
                       oninput: renderSidebar }),
          h("div", { id: "table-list" }),
          h("button", { class: "link", id: "refresh-tables", text: "refresh", onclick: loadTables })),
        h("main", { id: "main" },
          h("div", { id: "banner", class: "banner", hidden: true }),
          h("div", { id: "content" })),
        h("aside", { id: "detail", class: "detail", "aria-label": "row detail" })),
    );
  }

  async function loadTables(refresh) {
    const res = await api("/api/tables" + (refresh === true || (refresh && refresh.type) ? "?refresh=1" : ""));
    if (!res.ok) { showBanner(res.data.error); return; }
    state.tables = res.data.tables;
    renderSidebar();
  }

  function renderSidebar() {
    const list = $("#table-list");
    if (!list) return;
    const needle = ($("#table-search").value || "").toLowerCase();
    const bySchema = new Map();
    for (const t of state.tables) {
      if (needle && !(t.schema + "." + t.name).toLowerCase().includes(needle)) continue;
      if (!bySchema.has(t.schema)) bySchema.set(t.schema, []);
      bySchema.get(t.schema).push(t);
    }
    const groups = [];
    for (const [schema, tables] of bySchema) {
      groups.push(h("div", { class: "schema-group" },
        h("div", { class: "schema-name", text: schema }),
        tables.map((t) => {
          const active = state.table && state.table.schema === t.schema && state.table.name === t.name;
          return h("a", { class: "table-link" + (active ? " active" : ""), href: hashFor(t.schema, t.name, { sort: null, desc: false, filters: [] }),
                          "data-table": t.name, "data-schema": t.schema },
            h("span", { class: "tname", text: t.name }),
            h("span", { class: "tcount", text: fmtCount(t), title: t.exact ? "rows" : "estimated rows" }));
        })));
    }
    list.replaceChildren(...(groups.length ? groups : [h("p", { class: "muted", text: "no tables" })]));
  }

  function renderMain() {
    const content = $("#content");
    if (!state.table || !state.meta) {
      content.replaceChildren(h("div", { class: "empty" },
        h("h2", { text: "Pick a table" }), h("p", { class: "muted", text: "or open the SQL console" }),
        h("button", { text: "SQL console", onclick: () => { state.tab = "sql"; renderSqlOnly(); } })));
      return;
    }
    const tabs = h("nav", { class: "tabs" },
      ["data", "schema", "sql"].map((t) => h("button", {
        class: "tab" + (state.tab === t ? " active" : ""), "data-tab": t,
        text: t === "data" ? "Data" : t === "schema" ? "Schema" : "SQL",
        onclick: () => { state.tab = t; renderMain(); } })));
    const title = h("div", { class: "title" },
      h("h2", { text: state.meta.schema + "." + state.meta.name }),
      state.meta.editable ? null : h("span", { class: "badge ro", id: "read-only-reason", text: state.meta.read_only_reason }),
      h("span", { id: "drift-badge" }));
    const body = state.tab === "data" ? renderData() : state.tab === "schema" ? renderSchema() : renderSql();
    content.replaceChildren(title, tabs, body);
    loadDriftBadge();
  }

  function renderSqlOnly() {
    $("#content").replaceChildren(h("nav", { class: "tabs" }, h("button", { class: "tab active", text: "SQL" })), renderSql());
  }

  // --- data tab ---------------------------------------------------------------------------------
  function renderData() {
    const meta = state.meta;
    const wrap = h("div", { class: "data" });
    wrap.append(renderFilters(), renderActions());
    if (!state.page) return wrap;
    const cols = meta.columns;
    const head = h("tr", {},
      meta.editable ? h("th", { class: "sel" }) : null,
      h("th", { class: "open" }),
      cols.map((c) => {
        const sorted = state.view.sort === c.name;
        return h("th", { "data-col": c.name, class: sorted ? "sorted" : "",
                         title: "sort by " + c.name, onclick: () => toggleSort(c.name) },
          h("span", { class: "cname", text: c.name }),
          sorted ? h("span", { class: "arrow", text: state.view.desc ? " ▼" : " ▲" }) : null,
          h("span", { class: "ctype", text: c.type + (c.pk ? " · pk" : "") + (c.fk ? " · fk" : "") }));
      }));
    const body = h("tbody", {}, state.page.rows.map((row) => renderRow(row)));
    const table = h("table", { class: "grid", id: "grid" }, h("thead", {}, head), body);
    const pageNo = state.cursors.length;
    const pager = h("div", { class: "pager" },
      h("button", { id: "prev-page", text: "← Previous", disabled: pageNo <= 1,
                    onclick: () => { state.cursors.pop(); loadPage(); } }),
      h("span", { id: "page-number", text: "page " + pageNo + " · " + state.page.rows.length + " rows" }),
      h("button", { id: "next-page", text: "Next →", disabled: !state.page.next,
                    onclick: () => { state.cursors.push(state.page.next); loadPage(); } }));
    wrap.append(h("div", { class: "grid-wrap" }, table), pager);
    return wrap;
  }

  function renderRow(row) {
    const meta = state.meta;
    const keyText = JSON.stringify(row.key);
    const tr = h("tr", { "data-key": keyText });
    if (meta.editable) {
      tr.append(h("td", { class: "sel" }, h("input", {
        type: "checkbox", "aria-label": "select row", checked: state.selected.has(keyText),
        onchange: (e) => { if (e.target.checked) state.selected.add(keyText); else state.selected.delete(keyText); renderActionsInPlace(); } })));
    }
    tr.append(h("td", { class: "open" }, h("button", { class: "link open-row", title: "open row", text: "⤢", onclick: () => openRow(row) })));
    meta.columns.forEach((c, i) => {
      const truncated = row.truncated.includes(i);
      const td = h("td", { "data-col": c.name, class: "kind-" + c.kind }, cellContent(row.values[i], c.kind, truncated));
      if (c.fk && row.values[i] !== null) {
        td.append(h("a", { class: "fk-link", title: "open " + c.fk.table + " row", text: " →",
                           href: hashFor(c.fk.schema, c.fk.table, { sort: null, desc: false,
                             filters: [{ column: c.fk.column, op: "eq", value: row.values[i] }] }) }));
      }
      if (meta.editable && !c.generated) td.addEventListener("dblclick", () => editCell(td, row, c, i));
      tr.append(td);
    });
    return tr;
  }

  function toggleSort(name) {
    const v = state.view;
    const view = { ...v, sort: name, desc: v.sort === name ? !v.desc : false };
    go(state.table.schema, state.table.name, view);
  }

  // --- filters ------------------------------------------------------------------------------------
  const OPS = [["eq", "="], ["ne", "≠"], ["contains", "contains"], ["lt", "<"], ["le", "≤"], ["gt", ">"],
               ["ge", "≥"], ["is_null", "is null"], ["not_null", "is not null"]];
  function renderFilters() {
    const meta = state.meta;
    const column = h("select", { id: "filter-column", "aria-label": "filter column" },
      meta.columns.map((c) => h("option", { value: c.name, text: c.name })));
    const op = h("select", { id: "filter-op", "aria-label": "filter operator" },
      OPS.map(([v, label]) => h("option", { value: v, text: label })));
    const value = h("input", { id: "filter-value", placeholder: "value", "aria-label": "filter value",
                               onkeydown: (e) => { if (e.key === "Enter") add(); } });
    function add() {
      const f = { column: column.value, op: op.value };
      if (!["is_null", "not_null"].includes(op.value)) f.value = value.value;
      go(state.table.schema, state.table.name, { ...state.view, filters: [...state.view.filters, f] });
    }
    const chips = state.view.filters.map((f, i) => h("span", { class: "chip" },
      f.column + " " + (OPS.find((o) => o[0] === f.op) || [f.op, f.op])[1] + (f.value !== undefined ? " " + f.value : ""),
      h("button", { class: "chip-x", title: "remove filter", text: "×", onclick: () => {
        const filters = state.view.filters.filter((_, j) => j !== i);
        go(state.table.schema, state.table.name, { ...state.view, filters });
      } })));
    return h("div", { class: "filters" }, column, op, value,
      h("button", { id: "filter-add", text: "Filter", onclick: add }), chips);
  }

  // --- actions: insert, delete, count, export ---------------------------------------------------------
  function renderActions() {
    return h("div", { class: "actions", id: "actions" }, actionButtons());
  }
  function renderActionsInPlace() { const a = $("#actions"); if (a) a.replaceChildren(...actionButtons()); }
  function actionButtons() {
    const meta = state.meta;
    const out = [];
    if (meta.editable) {
      out.push(h("button", { id: "insert-row", text: "+ Insert row", onclick: showInsertForm }));
      out.push(h("button", { id: "delete-rows", class: "danger", text: state.selected.size ? "Delete " + state.selected.size + " row(s)" : "Delete selected",
                             disabled: state.selected.size === 0, onclick: confirmDelete }));
    }
    out.push(h("button", { id: "count-rows", text: "Count", onclick: countRows }),
             h("span", { id: "count-result", class: "muted" }),
             h("button", { id: "export-csv", text: "Export CSV", onclick: () => exportView("csv") }),
             h("button", { id: "export-json", text: "Export JSON", onclick: () => exportView("json") }),
             h("div", { id: "action-panel" }));
    return out;
  }

  async function countRows() {
    const res = await api("/api/count?" + qs(viewParams()));
    $("#count-result").textContent = res.ok ? res.data.count.toLocaleString() + " rows" : res.data.error;
  }

  async function exportView(format) {
    const headers = {};
    if (token) headers["X-Schemalens-Token"] = token;
    const r = await fetch("./api/export?" + qs({ ...viewParams(), format }), { headers, credentials: "same-origin" });
    if (!r.ok) { showBanner("export failed (" + r.status + ")"); return; }
    const url = URL.createObjectURL(await r.blob());
    const a = h("a", { href: url, download: state.table.name + "." + format });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function showInsertForm() {
    const panel = $("#action-panel");
    let ready = false; // editors report a change while they are built: only the user's count
    const fields = state.meta.columns.map((c) => {
      const useDefault = h("input", { type: "checkbox", checked: true, "data-default-for": c.name });
      const editor = valueEditor(c, null, { blank: true, placeholder: c.default ? "default: " + c.default : "",
                                            onChange: () => { if (ready) useDefault.checked = false; } });
      editor.el.setAttribute("data-insert", c.name);
      return { c, editor, useDefault, row: h("div", { class: "insert-field" },
        h("span", { class: "cname", text: c.name }), h("span", { class: "ctype", text: c.type }), editor.el,
        h("label", { class: "muted" }, useDefault, " default")) };
    });
    ready = true;
    const error = h("div", { class: "form-error", id: "insert-error" });
    async function submit() {
      const values = {};
      for (const f of fields) {
        if (f.useDefault.checked) continue;
        const problem = f.editor.error();
        if (problem) { error.textContent = f.c.name + ": " + problem; return; }
        values[f.c.name] = f.editor.value();
      }
      const res = await api("/api/insert", { schema: state.table.schema, table: state.table.name, values });
      if (!res.ok) { error.textContent = errorText(res.data); return; }
      panel.replaceChildren();
      await Promise.all([loadPage(), loadTables()]);
    }
    panel.replaceChildren(h("div", { class: "panel" }, h("h3", { text: "Insert row" }),
      fields.map((f) => f.row), error,
      h("button", { id: "insert-submit", text: "Insert", onclick: submit }),
      h("button", { text: "Cancel", onclick: () => panel.replaceChildren() })));
  }

  function confirmDelete() {
    const panel = $("#action-panel");
    const n = state.selected.size;
    const error = h("div", { class: "form-error", id: "delete-error" });
    async function doDelete() {
      const rows = state.page.rows.filter((r) => state.selected.has(JSON.stringify(r.key))).map((r) => {
        const expected = {};
        state.meta.columns.forEach((c, i) => { if (!r.truncated.includes(i)) expected[c.name] = r.values[i]; });
        return { key: r.key, expected };
      });
      const res = await api("/api/delete", { schema: state.table.schema, table: state.table.name, rows });
      if (!res.ok) { error.textContent = errorText(res.data); return; }
      state.selected = new Set();
      panel.replaceChildren();
      await Promise.all([loadPage(), loadTables()]);
    }
    panel.replaceChildren(h("div", { class: "panel warn" },
      "Delete " + n + " row(s)? This cannot be undone. ",
      h("button", { id: "delete-confirm", class: "danger", text: "Delete", onclick: doDelete }),
      h("button", { text: "Cancel", onclick: () => panel.replaceChildren() }), error));
  }

  function errorText(data) {
    let text = data.error || "error";
    if (data.detail) text += " — " + data.detail;
    if (data.constraint_name) text += " [" + data.constraint_name + "]";
    if (data.current !== undefined) text += " (now: " + (data.current === null ? "NULL" : data.current) + ")";
    return text;
  }

  // --- editing a cell ------------------------------------------------------------------------------
  async function editCell(td, row, column, index) {
    if (td.querySelector(".cell-editor")) return;
    let original = row.values[index];
    if (row.truncated.includes(index)) {
      const res = await api("/api/row?" + qs({ schema: state.table.schema, table: state.table.name, key: JSON.stringify(row.key) }));
      if (!res.ok) { showBanner(res.data.error); return; }
      original = res.data.row[column.name];
    }
    const editor = valueEditor(column, original);
    const error = h("div", { class: "cell-error", role: "alert" });
    const actions = h("div", { class: "cell-actions" },
      h("button", { type: "button", class: "cell-save", text: "Save", onclick: save }),
      h("button", { type: "button", class: "link cell-cancel", text: "Cancel", onclick: cancel }));
    const box = h("div", { class: "cell-editor" }, editor.el, actions, error);
    const before = Array.from(td.childNodes);
    td.replaceChildren(box);
    td.classList.add("editing");
    editor.focus();
    editor.onEnter(save);
    box.addEventListener("keydown", (e) => { if (e.key === "Escape") cancel(); });
    function cancel() { td.classList.remove("editing"); td.replaceChildren(...before); }
    async function save() {
      const problem = editor.error();
      if (problem) { error.textContent = problem; return; }
      const value = editor.value();
      if (value === original) { cancel(); return; }
      const res = await api("/api/update", { schema: state.table.schema, table: state.table.name, key: row.key,
                                             column: column.name, expected: original, value });
      if (!res.ok) {
        error.textContent = errorText(res.data);
        td.classList.add("has-error");
        return;
      }
      const fresh = res.data.row;
      row.values = state.meta.columns.map((c) => fresh[c.name]);
      row.truncated = [];
      const tr = td.closest("tr");
      tr.replaceWith(renderRow(row));
    }
  }

  // --- row detail: full values and relations -------------------------------------------------------
  async function openRow(row) {
    const detail = $("#detail");
    if (!state.meta.primary_key.length) {
      detail.replaceChildren(rowPanel(Object.fromEntries(state.meta.columns.map((c, i) => [c.name, row.values[i]]))));
      return;
    }
    const res = await api("/api/row?" + qs({ schema: state.table.schema, table: state.table.name, key: JSON.stringify(row.key) }));
    if (!res.ok) { showBanner(res.data.error); return; }
    detail.replaceChildren(rowPanel(res.data.row));
  }

  function rowPanel(values) {
    const meta = state.meta;
    const fields = meta.columns.map((c) => {
      let v = values[c.name];
      if (v !== null && c.kind === "json") { try { v = JSON.stringify(JSON.parse(v), null, 2); } catch (e) { /* keep text */ } }
      return h("div", { class: "field" }, h("div", { class: "fname", text: c.name + "  " + c.type }),
        v === null ? h("span", { class: "null", text: "NULL" }) : h("pre", { class: "fvalue", text: v }));
    });
    const refs = meta.referenced_by.map((ref) => {
      const filters = ref.columns.map((col, i) => ({ column: col, op: "eq", value: values[ref.ref_columns[i]] }));
      return h("li", {}, h("a", { class: "ref-link", href: hashFor(ref.schema, ref.table, { sort: null, desc: false, filters }),
                                  text: ref.schema + "." + ref.table + " (" + ref.columns.join(", ") + ")" }));
    });
    return h("div", { class: "panel row-detail" },
      h("div", { class: "panel-head" }, h("h3", { text: "Row" }),
        h("button", { class: "link", id: "detail-close", text: "close", onclick: () => $("#detail").replaceChildren() })),
      fields,
      refs.length ? [h("h4", { text: "Referenced by" }), h("ul", { class: "refs" }, refs)] : null);
  }

  // --- schema tab ------------------------------------------------------------------------------------
  function renderSchema() {
    const m = state.meta;
    const cols = h("table", { class: "grid schema-columns" },
      h("thead", {}, h("tr", {}, ["column", "type", "nullable", "default", "key", "references"].map((t) => h("th", { text: t })))),
      h("tbody", {}, m.columns.map((c) => h("tr", { "data-col": c.name },
        h("td", { text: c.name }), h("td", { text: c.type }), h("td", { text: c.nullable ? "yes" : "no" }),
        h("td", {}, c.default === null ? h("span", { class: "muted", text: "—" }) : c.default),
        h("td", { text: c.pk ? "primary key" : "" }),
        h("td", { text: c.fk ? c.fk.schema + "." + c.fk.table + "(" + c.fk.column + ")" : "" })))));
    const list = (title, items, fmt) => items.length ? [h("h4", { text: title }), h("ul", {}, items.map((i) => h("li", { text: fmt(i) })))] : [];
    return h("div", { class: "schema-view" }, cols,
      list("Indexes", m.indexes, (i) => (i.name || "(unnamed)") + (i.unique ? " unique" : "") + " " + i.method + " (" + i.columns.join(", ") + ")" + (i.where ? " WHERE " + i.where : "")),
      list("Unique constraints", m.uniques, (u) => (u.name || "(unnamed)") + " (" + u.columns.join(", ") + ")"),
      list("Check constraints", m.checks, (c) => (c.name || "(unnamed)") + ": " + c.expression),
      list("Foreign keys", m.foreign_keys, (f) => (f.name || "(unnamed)") + " (" + f.columns.join(", ") + ") → " + f.schema + "." + f.table + " (" + f.ref_columns.join(", ") + ") on delete " + f.on_delete),
      list("Referenced by", m.referenced_by, (r) => r.schema + "." + r.table + " (" + r.columns.join(", ") + ")"),
      h("h4", { text: "Drift against the schema files" }), h("div", { id: "drift-list" }, driftList()));
  }

  async function loadDriftBadge() {
    if (!state.drift) {
      const res = await api("/api/drift");
      state.drift = res.ok ? res.data : { configured: true, error: res.data.error, changes: [] };
    }
    const badge = $("#drift-badge");
    if (!badge) return;
    const mine = tableChanges();
    const dropped = mine.find((c) => c.kind === "drop_table");
    const text = dropped ? "push drops this table" + rowsText(dropped) : mine.length ? mine.length + " drift" : "in sync";
    badge.replaceChildren(state.drift.configured && !state.drift.error
      ? h("span", { class: "badge " + (mine.length ? "drift" : "ok"), text }) : "");
    const list = $("#drift-list");
    if (list) list.replaceChildren(...driftList());
  }
  function tableChanges() {
    if (!state.drift || !state.meta) return [];
    return state.drift.changes.filter((c) => c.schema === state.meta.schema && c.table === state.meta.name);
  }
  function driftList() {
    const d = state.drift;
    if (!d) return [h("span", { class: "muted", text: "checking…" })];
    if (!d.configured) return [h("span", { class: "muted", text: d.message })];
    if (d.error) return [h("span", { class: "form-error", text: d.error })];
    const mine = tableChanges();
    if (!mine.length) return [h("span", { class: "muted", text: "this table matches the schema files" })];
    return [h("ul", { class: "drift" }, mine.map((c) => h("li", { "data-kind": c.kind }, c.description || c.kind + " " + c.name,
      c.data_loss ? h("span", { class: "badge drift", text: "data loss" + rowsText(c) }) : null)))];
  }
  function rowsText(change) {
    if (change.rows === null || change.rows === undefined) return "";
    return ": " + change.rows.toLocaleString() + " row" + (change.rows === 1 ? "" : "s");
  }

  // --- SQL console ------------------------------------------------------------------------------------
  function renderSql() {
    const area = h("textarea", { id: "sql-input", rows: 6, spellcheck: "false", placeholder: "SELECT * FROM …",
                                 oninput: (e) => { state.sqlText = e.target.value; } });
    area.value = state.sqlText || (state.meta ? "SELECT * FROM " + quote(state.meta.schema) + "." + quote(state.meta.name) + " LIMIT 50" : "");
    state.sqlText = area.value;
    const out = h("div", { id: "sql-result" });
    area.addEventListener("keydown", (e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(false); });
    async function run(confirm) {
      const res = await api("/api/sql", { sql: area.value, confirm });
      if (res.status === 409 && res.data.needs_confirmation) {
        out.replaceChildren(h("div", { class: "panel warn", id: "sql-confirm" },
          h("p", { text: "This SQL can change the database:" }), h("pre", { text: res.data.statement }),
          h("button", { id: "sql-run-confirmed", class: "danger", text: "Run and commit", onclick: () => run(true) }),
          h("button", { text: "Cancel", onclick: () => out.replaceChildren() })));
        return;
      }
      if (!res.ok) { out.replaceChildren(h("div", { class: "form-error", id: "sql-error", text: errorText(res.data) })); return; }
      const d = res.data;
      if (d.wrote) { state.drift = null; loadTables(); }
      const summary = h("p", { class: "muted", id: "sql-summary",
        text: d.columns.length ? d.rows.length + " row(s)" + (d.truncated ? " (first 1000)" : "")
          : "done" + (d.rowcount !== null ? ": " + d.rowcount + " row(s) affected" : "") + (d.wrote ? ", committed" : "") });
      const table = d.columns.length ? h("div", { class: "grid-wrap" }, h("table", { class: "grid", id: "sql-grid" },
        h("thead", {}, h("tr", {}, d.columns.map((c) => h("th", { text: c })))),
        h("tbody", {}, d.rows.map((r) => h("tr", {}, r.map((v) => h("td", {}, cellContent(v, "text", false)))))))) : null;
      out.replaceChildren(summary, table || "");
    }
    return h("div", { class: "sql" }, area,
      h("div", { class: "actions" }, h("button", { id: "sql-run", text: "Run (Ctrl+Enter)", onclick: () => run(false) }),
        h("span", { class: "muted", text: "queries run read-only; writes ask for confirmation" })), out);
  }
  function quote(name) { return /^[a-z_][a-z0-9_]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"'; }

  // --- start ---------------------------------------------------------------------------------------------
  async function start() {
    const res = await api("/api/info");
    if (!res.ok) {
      $("#app").replaceChildren(h("div", { class: "empty" }, h("h2", { text: "Not signed in" }),
        h("p", { text: res.data.error || "open the URL that `schemalens studio` printed" })));
      return;
    }
    state.info = res.data;
    renderShell();
    await loadTables();
    window.addEventListener("hashchange", route);
    await route();
  }
  start();
})();
