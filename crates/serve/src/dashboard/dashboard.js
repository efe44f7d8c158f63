// The regops dashboard: reads the service's own API (/v1) and follows /v1/events.
// Plain JavaScript, no build step, no dependency. Every text from the server goes through
// textContent, never innerHTML.
"use strict";

const STATUSES = ["pending", "in_progress", "action_required", "succeeded", "failed", "cancelled", "unknown"];
const TOKEN_KEY = "regops-token";
const PAGE_SIZE = 50;

const state = {
  rows: new Map(), // "account\u0000id" -> operation JSON
  order: [], // keys in display order
  next: null, // the next page's token
  sort: null, // {key, dir}
  lastEventId: null,
  streaming: false,
  summaryTimer: null,
};

class Unauthenticated extends Error {}

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === "dataset") Object.assign(e.dataset, v);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function headers(extra) {
  const h = Object.assign({}, extra);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) h.Authorization = "Bearer " + token;
  return h;
}

async function api(path) {
  const r = await fetch(path, { headers: headers({ Accept: "application/json" }) });
  if (r.status === 401) throw new Unauthenticated();
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(body && body.error ? body.error.message : `HTTP ${r.status}`);
  return body;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

function badge(status) {
  const word = STATUSES.includes(status) ? status : "unknown";
  return el("span", { class: `status status-${word}` }, status);
}

function when(text) {
  if (!text) return "";
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString().replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC");
}

const keyOf = (account, id) => `${account}\u0000${id}`;

function opLink(account, id) {
  return el("a", { href: `#op/${encodeURIComponent(account)}/${encodeURIComponent(id)}` }, id);
}

function setLive(text) {
  $("live").textContent = text;
}

// --- Signing in -------------------------------------------------------------------------

function showLogin(show, error) {
  $("login").hidden = !show;
  $("login-error").textContent = error || "";
  if (show) {
    $("overview").hidden = true;
    $("detail").hidden = true;
    setLive("signed out");
    $("token").focus();
  }
}

function onLogin(event) {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value);
  $("token").value = "";
  start();
}

// --- The overview -----------------------------------------------------------------------

function filters() {
  const form = new FormData($("filters"));
  const out = {};
  for (const name of ["account", "provider", "status", "type", "target"]) {
    const v = String(form.get(name) || "").trim();
    if (v) out[name] = v;
  }
  return out;
}

function matches(account, op) {
  const f = filters();
  return (
    (!f.account || f.account === account) &&
    (!f.provider || f.provider === op.provider) &&
    (!f.status || f.status === op.status) &&
    (!f.type || f.type === op.type) &&
    (!f.target || f.target === op.target)
  );
}

async function refreshCounts() {
  const { counts } = await api("/v1/counts");
  const by = new Map();
  for (const c of counts) {
    if (!by.has(c.provider)) by.set(c.provider, new Map());
    const m = by.get(c.provider);
    m.set(c.status, (m.get(c.status) || 0) + c.count);
  }
  const head = el("tr", {}, el("th", { scope: "col" }, "Provider"),
    ...STATUSES.map((s) => el("th", { scope: "col", class: "number" }, badge(s))),
    el("th", { scope: "col", class: "number" }, "all"));
  $("counts").tHead.replaceChildren(head);
  const rows = [...by.keys()].sort().map((provider) => {
    const m = by.get(provider);
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    return el("tr", { dataset: { provider } }, el("th", { scope: "row" }, provider),
      ...STATUSES.map((s) => el("td", { class: "number", dataset: { provider, status: s } }, m.get(s) || 0)),
      el("td", { class: "number", dataset: { provider, status: "all" } }, total));
  });
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: STATUSES.length + 2, class: "empty" }, "No operation yet.")));
  $("counts").tBodies[0].replaceChildren(...rows);
}

async function refreshList(id, status, size, why, empty) {
  const { operations } = await api(`/v1/operations?status=${status}&page_size=${size}`);
  const items = operations.map((op) =>
    el("li", { dataset: { account: op.account, id: op.id, status: op.status } },
      opLink(op.account, op.id), " ", badge(op.status), " ", op.target || op.type || "",
      el("span", { class: "why" }, why(op) || "")));
  if (!items.length) items.push(el("li", { class: "empty" }, empty));
  $(id).replaceChildren(...items);
}

function refreshSummary() {
  return Promise.all([
    refreshCounts(),
    refreshList("attention", "action_required", 20, (op) => op.action_required || op.message, "Nothing needs a person."),
    refreshList("failures", "failed", 10, (op) => (op.error && op.error.message) || op.message, "No failure."),
  ]);
}

function summarySoon() {
  clearTimeout(state.summaryTimer);
  state.summaryTimer = setTimeout(() => refreshSummary().catch(report), 250);
}

function row(op) {
  const tr = el("tr", { dataset: { account: op.account, id: op.id, status: op.status } },
    el("td", {}, op.account),
    el("td", {}, opLink(op.account, op.id)),
    el("td", {}, op.type || ""),
    el("td", {}, op.target || ""),
    el("td", {}, badge(op.status)),
    el("td", {}, el("time", { datetime: op.submitted_at }, when(op.submitted_at))),
    el("td", {}, el("time", { datetime: op.updated_at }, when(op.updated_at))),
    el("td", {}, op.action_required || (op.error && op.error.message) || op.message || ""));
  return tr;
}

function render() {
  const body = $("operations").tBodies[0];
  const rows = state.order.map((k) => row(state.rows.get(k)));
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 8, class: "empty" }, "No operation matches.")));
  body.replaceChildren(...rows);
  $("shown").textContent = `${state.order.length} shown`;
  $("more").hidden = !state.next;
}

function sortRows() {
  if (!state.sort) return;
  const { key, dir } = state.sort;
  const value = (k) => {
    const op = state.rows.get(k);
    return String((key === "account" ? op.account : op[key]) || "");
  };
  state.order.sort((a, b) => dir * value(a).localeCompare(value(b), undefined, { numeric: true }));
}

function onSort(event) {
  const button = event.target.closest("button[data-sort]");
  if (!button) return;
  const key = button.dataset.sort;
  const dir = state.sort && state.sort.key === key ? -state.sort.dir : 1;
  state.sort = { key, dir };
  for (const th of $("operations").tHead.querySelectorAll("th")) th.removeAttribute("aria-sort");
  button.parentElement.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
  sortRows();
  render();
}

async function loadOperations(reset) {
  if (reset) {
    state.rows.clear();
    state.order = [];
    state.next = null;
  }
  const q = new URLSearchParams(filters());
  q.set("page_size", String(PAGE_SIZE));
  if (!reset && state.next) q.set("page_token", state.next);
  try {
    const page = await api(`/v1/operations?${q}`);
    for (const op of page.operations) {
      const k = keyOf(op.account, op.id);
      if (!state.rows.has(k)) state.order.push(k);
      state.rows.set(k, op);
    }
    state.next = page.next_page_token;
    $("list-error").textContent = "";
    sortRows();
    render();
  } catch (e) {
    if (e instanceof Unauthenticated) throw e;
    $("list-error").textContent = e.message;
  }
}

// --- One operation ----------------------------------------------------------------------

async function showDetail(account, id) {
  const path = `/v1/accounts/${encodeURIComponent(account)}/operations/${encodeURIComponent(id)}`;
  $("detail-title").textContent = `${account} · ${id}`;
  try {
    const [op, history] = await Promise.all([api(path), api(`${path}/history`)]);
    const fields = [
      ["Provider", op.provider], ["Status", badge(op.status)], ["Provider's status", op.raw_status],
      ["Type", op.type], ["Target", op.target], ["Submitted", when(op.submitted_at)],
      ["Updated", when(op.updated_at)], ["Message", op.message],
      ["Action required", op.action_required], ["Error", op.error && `${op.error.class}: ${op.error.message || ""}`],
    ];
    $("detail-fields").replaceChildren(...fields.flatMap(([name, value]) =>
      value ? [el("dt", {}, name), el("dd", {}, value)] : []));
    const items = history.changes.map((c) =>
      el("li", { dataset: { status: c.status } }, el("time", { datetime: c.at }, when(c.at)),
        badge(c.status), " ", c.raw_status, c.message ? ` — ${c.message}` : ""));
    if (!items.length) items.push(el("li", { class: "empty" }, "No change recorded yet."));
    $("timeline").replaceChildren(...items);
    $("detail-error").textContent = "";
  } catch (e) {
    if (e instanceof Unauthenticated) throw e;
    $("detail-error").textContent = e.message;
  }
}

function shownDetail() {
  const m = /^#op\/([^/]+)\/(.+)$/.exec(location.hash);
  return m ? { account: decodeURIComponent(m[1]), id: decodeURIComponent(m[2]) } : null;
}

async function route() {
  const d = shownDetail();
  $("overview").hidden = !!d;
  $("detail").hidden = !d;
  if (d) await showDetail(d.account, d.id);
  else await Promise.all([refreshSummary(), loadOperations(true)]);
}

// --- Live changes -----------------------------------------------------------------------

function onEvent(event) {
  const data = event.data || {};
  const op = data.operation;
  if (!op) return summarySoon();
  const k = keyOf(data.account, op.id);
  op.account = data.account;
  if (state.rows.has(k) || matches(data.account, op)) {
    if (!state.rows.has(k)) state.order.unshift(k);
    state.rows.set(k, op);
    if (!matches(data.account, op)) {
      state.rows.delete(k);
      state.order = state.order.filter((x) => x !== k);
    }
    render();
  }
  summarySoon();
  const d = shownDetail();
  if (d && d.account === data.account && d.id === op.id) showDetail(d.account, d.id).catch(report);
}

function dispatch(block) {
  let id = null;
  let type = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (!line || line.startsWith(":")) continue;
    const at = line.indexOf(":");
    const field = at < 0 ? line : line.slice(0, at);
    let value = at < 0 ? "" : line.slice(at + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "id") id = value;
    else if (field === "event") type = value;
    else if (field === "data") data.push(value);
  }
  if (id !== null) state.lastEventId = id;
  if (type === "reset") return route().catch(report);
  if (!data.length) return;
  let event;
  try {
    event = JSON.parse(data.join("\n"));
  } catch {
    return;
  }
  onEvent(event);
}

// EventSource cannot send the token's header: the stream is read with fetch, and resumed from
// the last id seen after a disconnect.
async function stream() {
  if (state.streaming) return;
  state.streaming = true;
  while (state.streaming) {
    try {
      const h = headers({ Accept: "text/event-stream" });
      if (state.lastEventId) h["Last-Event-ID"] = state.lastEventId;
      const r = await fetch("/v1/events", { headers: h });
      if (r.status === 401) {
        state.streaming = false;
        showLogin(true, "The token was refused.");
        return;
      }
      if (!r.ok || !r.body) throw new Error(`HTTP ${r.status}`);
      setLive("live");
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer = (buffer + value).replace(/\r\n/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Reconnected below.
    }
    setLive("reconnecting…");
    await sleep(1000);
  }
}

// --- Start ------------------------------------------------------------------------------

function report(e) {
  if (e instanceof Unauthenticated) showLogin(true, "The token was refused.");
  else setLive(`error: ${e.message}`);
}

async function start() {
  try {
    // Whether a token is wanted is public: the page asks for it before any refused call.
    const settings = await fetch("/dashboard.json").then((r) => r.json());
    if (settings.token_required && !sessionStorage.getItem(TOKEN_KEY)) return showLogin(true);
    const accounts = await api("/v1/accounts");
    showLogin(false);
    const select = $("filters").elements.account;
    select.replaceChildren(el("option", { value: "" }, "any"),
      ...accounts.map((a) => el("option", { value: a.account }, a.account)));
    await route();
    stream();
  } catch (e) {
    if (e instanceof Unauthenticated) showLogin(true, sessionStorage.getItem(TOKEN_KEY) ? "The token was refused." : "");
    else setLive(`error: ${e.message}`);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", onLogin);
  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    loadOperations(true).catch(report);
  });
  $("filters").addEventListener("reset", () => setTimeout(() => loadOperations(true).catch(report)));
  $("filters").elements.status.addEventListener("change", () => loadOperations(true).catch(report));
  $("operations").tHead.addEventListener("click", onSort);
  $("more").addEventListener("click", () => loadOperations(false).catch(report));
  window.addEventListener("hashchange", () => route().catch(report));
  start();
});
