// The axme console (signed in): helpers, the API, live streams and routing; each page is
// its own file (intents.js, agents.js, tasks.js, scenarios.js). Pages are routes after '#'; every API call goes through
// /ui/api/v1/… as the session's key, with the CSRF token on changes. Live views read the
// gateway's SSE streams with fetch (so a stream that ends is resumed at once from its
// cursor). Everything from the gateway is put on the page as text, never as markup.
"use strict";

const TERMINAL = ["COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"];
const STATUSES = ["CREATED", "SUBMITTED", "DELIVERED", "ACKNOWLEDGED", "IN_PROGRESS",
  "WAITING", "COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"];
const PAGE_SIZE = 25;
const RETRY_HELP = "Retry sends a new intent with this one's type, payload, receiver, reply-to " +
  "and correlation id, and links to it here; this intent stays as it is.";

let session = null;
// Aborted when the page changes: ends that page's streams and timers.
let pageLife = new AbortController();

// ---- small helpers ------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Children for append/replaceChildren: arrays flattened, absent ones dropped.
function kids(...children) {
  return children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false);
}

function pretty(value) {
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

function shortId(id) {
  // UUIDv7: the first characters are the time (alike for ids made together), the last random.
  return id ? (id.length > 13 ? id.slice(0, 8) + "…" + id.slice(-4) : id) : "";
}

function when(text) {
  if (!text) return "";
  const date = new Date(text);
  return isNaN(date) ? text : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function statusBadge(status) {
  return el("span", { class: "status " + (status || ""), text: status || "?" });
}

function intentLink(id, label) {
  return el("a", { href: "#/intents/" + encodeURIComponent(id), text: label || shortId(id) });
}

function view() {
  return document.getElementById("view");
}

function show(...nodes) {
  view().replaceChildren(...kids(nodes));
}

function problem(error) {
  return el("p", { class: "error", role: "alert", text: error.message || String(error) });
}

function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

// ---- the API ------------------------------------------------------------------------

async function api(method, path, body, extraHeaders) {
  const headers = Object.assign({}, extraHeaders || {});
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = session ? session.csrf_token : "";
  const response = await fetch("/ui/api" + path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    window.location.assign("/ui/sign-in");
    throw new Error("the session has ended");
  }
  let data = {};
  try { data = await response.json(); } catch (_) { /* not JSON */ }
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || ("HTTP " + response.status));
    error.body = data;
    throw error;
  }
  return data;
}

// Reads one SSE response, calling onFrame({event, data, id}) per frame, until it ends.
async function readStream(path, onFrame, signal) {
  const response = await fetch("/ui/api" + path, {
    credentials: "same-origin", signal, headers: { accept: "text/event-stream" },
  });
  if (response.status === 401) {
    window.location.assign("/ui/sign-in");
    return;
  }
  if (!response.ok) throw new Error("stream: HTTP " + response.status);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const raw = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame = { event: "message", data: "", id: null };
      const data = [];
      for (const line of raw.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") frame.event = text;
        else if (field === "data") data.push(text);
        else if (field === "id") frame.id = text;
      }
      if (data.length === 0 && frame.id === null) continue;
      frame.data = data.join("\n");
      onFrame(frame);
    }
  }
}

// Keeps a stream open for as long as the page lives: each time a response ends it is
// requested again (path() gives the URL with the current cursor), after errors with a pause.
async function follow(path, onFrame, until) {
  const signal = pageLife.signal;
  while (!signal.aborted && !(until && until())) {
    try {
      await readStream(path(), onFrame, signal);
    } catch (error) {
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

// The workspace's change stream: calls onChange(intent) for each intent the session may
// see that was created or changed; onResync() when changes may have been missed (the
// stream fell behind, or reconnected: what changed in between was not sent). onLive(true)
// once the stream is open, onLive(false) while it is being reopened. onAgent(address) when
// listeners of an agent of the workspace came, went, connected or disconnected.
function watchChanges(onChange, onResync, onLive, onAgent) {
  let opened = 0;
  follow(() => {
    if (onLive) onLive(false);
    return "/v1/intents/changes/stream?wait_seconds=30";
  }, (frame) => {
    if (frame.event === "intent.changed") {
      try { onChange(JSON.parse(frame.data)); } catch (_) { /* a frame we cannot read */ }
    } else if (frame.event === "resync") {
      onResync();
    } else if (frame.event === "agent.changed") {
      if (onAgent) onAgent();
    } else if (frame.event === "ready") {
      if (onLive) onLive(true);
      if (opened++ > 0) onResync();
    }
  });
}

// ---- routing ------------------------------------------------------------------------

function route() {
  pageLife.abort();
  pageLife = new AbortController();
  const full = window.location.hash.replace(/^#\/?/, "");
  const query = full.indexOf("?");
  const hash = query < 0 ? full : full.slice(0, query);
  // #/intents?status=…&agent=…&type=…&text=… opens the list with those filters.
  if (query >= 0) {
    const params = new URLSearchParams(full.slice(query + 1));
    for (const name of ["status", "agent", "type", "text"]) intentsState[name] = params.get(name) || "";
    intentsState.cursors = [null];
  }
  const [page, ...rest] = hash.split("/");
  const current = page || "intents";
  document.querySelectorAll("header.top nav a").forEach((a) => {
    if (a.dataset.page === current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
  const pages = {
    intents: () => (rest.length ? intentPage(decodeURIComponent(rest.join("/"))) : intentsPage()),
    agents: agentsPage,
    tasks: tasksPage,
    scenarios: scenariosPage,
  };
  (pages[current] || pages.intents)();
  view().focus({ preventScroll: true });
}

async function signOut() {
  pageLife.abort();
  await fetch("/ui/sign-out", {
    method: "POST", credentials: "same-origin",
    headers: { "x-csrf-token": session ? session.csrf_token : "" },
  });
  window.location.assign("/ui/sign-in");
}

async function start() {
  const response = await fetch("/ui/session", { credentials: "same-origin" });
  if (!response.ok) {
    window.location.assign("/ui/sign-in");
    return;
  }
  session = await response.json();
  const p = session.principal;
  document.getElementById("who").textContent = `${p.address} (${p.role})`;
  document.getElementById("sign-out").addEventListener("click", signOut);
  window.addEventListener("hashchange", route);
  route();
}

document.addEventListener("DOMContentLoaded", start);
