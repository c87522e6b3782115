// The Tether debug page: reads ./view (groups and the folded owner tree) and ./tasks/{id}, and
// renders them. Filters live in the URL fragment (#owner=shop&min_wait=10s&task=17), so a view
// can be shared as a link. Every value from the server is set as text, never parsed as HTML.
"use strict";

const FILTERS = ["owner", "state", "min_wait"];
const DEFAULT_LONG = "10s";
let timer = null;

function params() {
  const p = new URLSearchParams(location.hash.slice(1));
  return p;
}

function setParams(p) {
  const s = p.toString();
  history.replaceState(null, "", s ? "#" + s : location.pathname);
  load();
}

function filterQuery(p) {
  const q = new URLSearchParams();
  for (const f of FILTERS) {
    if (p.get(f)) q.set(f, p.get(f));
  }
  return q;
}

// "500ms", "2s", "5m", "1h" -> milliseconds; null if not one of those.
function millis(s) {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s || "");
  if (!m) return null;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2]];
}

// The registry's own words: 830ms, 2.5s, 12 min, 3 h.
function human(ms) {
  if (ms === null || ms === undefined) return "";
  if (ms < 1000) return ms + "ms";
  if (ms < 120000) return (ms / 1000).toFixed(1) + "s";
  if (ms < 7200000) return Math.floor(ms / 60000) + " min";
  return Math.floor(ms / 3600000) + " h";
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

async function getJson(path) {
  const headers = {};
  const token = sessionStorage.getItem("tether-token");
  if (token) headers["Authorization"] = "Bearer " + token;
  const r = await fetch(path, { headers, cache: "no-store" });
  if (r.status === 401) {
    document.getElementById("token-box").hidden = false;
  }
  if (!r.ok) throw new Error(path + ": " + r.status + " " + (await r.text()).trim());
  return r.json();
}

function taskLink(id, name) {
  const a = el("a", "member", "#" + id + (name ? " '" + name + "'" : ""));
  const p = params();
  p.set("task", id);
  a.href = "#" + p.toString();
  a.addEventListener("click", (ev) => {
    ev.preventDefault();
    setParams(p);
  });
  return a;
}

function renderSummary(v) {
  const kinds = Object.entries(v.kinds).map(([k, n]) => n + " " + k + (n === 1 ? "" : "s"));
  const s = document.getElementById("summary");
  s.textContent =
    (v.shown === v.total ? v.total + " live" : v.shown + " of " + v.total + " live (filtered)") +
    (kinds.length ? ": " + kinds.join(", ") : "") +
    " \u00b7 " + new Date(v.time).toLocaleTimeString();
}

function renderLinks(p) {
  const nav = document.getElementById("links");
  nav.replaceChildren(el("span", "hint", "as text or JSON: "));
  for (const f of ["grouped", "full", "tree", "json"]) {
    const q = filterQuery(p);
    q.set("format", f);
    const a = el("a", null, f);
    a.href = "tasks?" + q.toString();
    nav.append(a);
  }
  const t = el("a", null, "JVM threads (JSON)");
  t.href = "threads";
  nav.append(t);
}

function renderGroups(v, longMs) {
  const body = document.querySelector("#groups tbody");
  const rows = [];
  for (const g of v.groups) {
    const tr = el("tr", "group");
    tr.dataset.count = g.count;
    if (g.waitMaxMs !== null && longMs !== null && g.waitMaxMs >= longMs) tr.classList.add("long");
    tr.append(el("td", "count", g.count));
    tr.append(el("td", "kind", g.kind));
    tr.append(el("td", "state state-" + g.state, g.state));
    tr.append(el("td", "wait", g.waitReason || ""));
    const range =
      g.waitMaxMs === null
        ? ""
        : g.waitMinMs === g.waitMaxMs
          ? human(g.waitMaxMs)
          : human(g.waitMinMs) + " .. " + human(g.waitMaxMs);
    tr.append(el("td", "for", range));
    tr.append(el("td", "owner mono", g.owner || "(no owner)"));
    tr.append(el("td", "site", g.spawnSite || ""));
    const members = el("td", "members");
    for (const m of g.members) members.append(taskLink(m.id, m.name));
    if (g.count > g.members.length) members.append(el("span", "hint", "and " + (g.count - g.members.length) + " more"));
    if (g.history && g.history.length) {
      // A supervisor: its restarts, folded here (the tree shows them open).
      const d = el("details", "restarts");
      d.append(el("summary", "hint", g.history.length + (g.history.length === 1 ? " restart" : " restarts")));
      const ol = el("ol", "history");
      for (const h of g.history) ol.append(el("li", null, h));
      d.append(ol);
      members.append(d);
    }
    tr.append(members);
    rows.push(tr);
  }
  if (v.groupsLeftOut > 0) {
    const tr = el("tr");
    const td = el("td", "hint", v.groupsLeftOut + " smaller groups not shown; narrow with the filters");
    td.colSpan = 8;
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}

// Which tree nodes the reader folded, by path, kept across refreshes.
const folded = new Set();

function nodeLabel(n, longMs) {
  const span = el("span", "label");
  const name = el("span", n.count > 1 ? "fold" : "name", n.count > 1 ? n.name + " \u00d7 " + n.count : n.name);
  span.append(name, " ", el("span", "kind", n.kind + " #" + n.id), " ", el("span", "state state-" + n.state, n.state));
  if (n.waitReason) {
    const long = n.waitMs !== null && longMs !== null && n.waitMs >= longMs;
    span.append(", ", el("span", long ? "wait long-wait" : "wait", n.waitReason + (n.waitMs !== null ? " " + human(n.waitMs) : "")));
  }
  span.append(" ", taskLink(n.id, null));
  return span;
}

function renderNode(n, path, longMs) {
  const li = el("li", "node");
  li.dataset.name = n.count > 1 ? n.name + " \u00d7 " + n.count : n.name;
  li.dataset.kind = n.kind;
  const key = path + "/" + n.name;
  const inner = [];
  if (n.history && n.history.length) {
    const ol = el("ol", "history");
    for (const h of n.history) ol.append(el("li", null, "restart: " + h));
    inner.push(ol);
  }
  if (n.children.length) {
    const ul = el("ul");
    for (const c of n.children) ul.append(renderNode(c, key, longMs));
    inner.push(ul);
  }
  if (inner.length === 0) {
    li.append(nodeLabel(n, longMs));
    return li;
  }
  const d = el("details");
  d.open = !folded.has(key);
  d.addEventListener("toggle", () => (d.open ? folded.delete(key) : folded.add(key)));
  const s = el("summary");
  s.append(nodeLabel(n, longMs));
  d.append(s, ...inner);
  li.append(d);
  return li;
}

function renderTree(v, longMs) {
  const ul = el("ul");
  for (const n of v.tree) ul.append(renderNode(n, "", longMs));
  const box = document.getElementById("tree");
  box.replaceChildren(ul);
  if (v.treeLeftOut > 0) box.append(el("p", "hint", v.treeLeftOut + " more entries not shown; narrow with the filters"));
}

async function renderDetail(p) {
  const section = document.getElementById("detail-section");
  const id = p.get("task");
  if (!id) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  const box = document.getElementById("detail");
  const title = document.getElementById("detail-title");
  title.textContent = "#" + id;
  try {
    const t = await getJson("tasks/" + encodeURIComponent(id) + "?format=json");
    title.textContent = "#" + t.id + " '" + t.name + "'";
    const dl = el("dl", "mono");
    for (const [k, val] of [
      ["path", t.path], ["kind", t.kind], ["state", t.state], ["waiting on", t.waitReason ? t.waitReason + " " + (t.waitTarget || "") : ""],
      ["waiting since", t.waitingSince || ""], ["age", human(t.ageMillis)], ["spawned at", t.spawnSite || ""], ["thread", t.thread || ""],
    ]) {
      dl.append(el("dt", null, k), el("dd", null, val));
    }
    const pre = el("pre", "stack", t.stack.length ? t.stack.map((f) => "at " + f).join("\n") : "(no stack: not running on a thread now)");
    const links = el("p");
    const a = el("a", null, "as text");
    a.href = "tasks/" + encodeURIComponent(id);
    links.append(a);
    box.replaceChildren(dl, pre, links);
    if (t.history.length) {
      const ol = el("ol", "history");
      for (const h of t.history) ol.append(el("li", null, h));
      box.append(ol);
    }
  } catch (e) {
    box.replaceChildren(el("p", "hint", "gone: " + e.message));
  }
}

async function renderLeaks() {
  const section = document.getElementById("leaks-section");
  let v;
  try {
    v = await getJson("leaks");
  } catch (e) {
    section.hidden = true;
    return;
  }
  section.hidden = v.watchdogs === 0;
  const body = document.querySelector("#leaks tbody");
  body.replaceChildren();
  for (const l of v.leaks) {
    const tr = el("tr", l.kind === "GROWTH" ? "growth" : "stuck");
    tr.append(el("td", null, l.shape));
    const who = el("td");
    who.append(taskLink(l.id, l.name));
    tr.append(who, el("td", null, l.description), el("td", null, l.fix));
    body.append(tr);
  }
  if (v.leaks.length === 0) {
    const tr = el("tr");
    const td = el("td", "hint", "none");
    td.colSpan = 4;
    tr.append(td);
    body.append(tr);
  }
}

async function load() {
  const p = params();
  for (const f of FILTERS) {
    const input = document.querySelector('#filters [name="' + f + '"]');
    if (document.activeElement !== input) input.value = p.get(f) || "";
  }
  const longMs = millis(p.get("long") || DEFAULT_LONG);
  const active = [];
  if (p.get("owner")) active.push("owner starts with '" + p.get("owner") + "'");
  if (p.get("state")) active.push("state " + p.get("state"));
  if (p.get("min_wait")) active.push("waiting longer than " + p.get("min_wait"));
  document.getElementById("active").textContent = active.length ? "filtered: " + active.join(", ") : "";
  renderLinks(p);
  const err = document.getElementById("error");
  const view = async () => {
    try {
      const v = await getJson("view?" + filterQuery(p).toString());
      renderSummary(v);
      renderGroups(v, longMs);
      renderTree(v, longMs);
      err.hidden = true;
    } catch (e) {
      err.textContent = String(e.message);
      err.hidden = false;
    }
  };
  // The three requests at once: one refresh costs one round trip, not three in a row.
  await Promise.all([view(), renderLeaks(), renderDetail(p)]);
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
}

function schedule() {
  clearInterval(timer);
  timer = document.getElementById("auto").checked ? setInterval(load, 2000) : null;
}

document.getElementById("filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const p = params();
  for (const f of FILTERS) {
    const v = document.querySelector('#filters [name="' + f + '"]').value.trim();
    if (v) p.set(f, v); else p.delete(f);
  }
  const token = document.getElementById("f-token").value;
  if (token) sessionStorage.setItem("tether-token", token);
  setParams(p);
});
document.getElementById("f-clear").addEventListener("click", () => {
  const p = params();
  for (const f of FILTERS) p.delete(f);
  setParams(p);
});
document.getElementById("detail-close").addEventListener("click", (ev) => {
  ev.preventDefault();
  const p = params();
  p.delete("task");
  setParams(p);
});
document.getElementById("auto").addEventListener("change", schedule);
window.addEventListener("hashchange", load);
load();
schedule();
