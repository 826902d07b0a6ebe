// The axme console (signed in). Pages are routes after '#'; every API call goes through
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

// ---- Intents ------------------------------------------------------------------------

const intentsState = { status: "", agent: "", type: "", text: "", cursors: [null] };

// The gateway filters the list (status, receiver, type, text); this is the same test for
// an intent the change stream brings, so a live row is added only where the list would
// show it. The agent is matched by the gateway's resolved address when it has one.
function matchesFilters(intent) {
  const s = intentsState;
  if (s.status && intent.status !== s.status) return false;
  if (s.agent) {
    const to = String(intent.to_agent || "");
    if (s.agent.startsWith("agent://") ? to !== s.agent : to.split("/").pop() !== s.agent) return false;
  }
  if (s.type) {
    const type = String(intent.intent_type || "");
    if (s.type.endsWith("*") ? !type.startsWith(s.type.slice(0, -1)) : type !== s.type) return false;
  }
  if (s.text && !JSON.stringify(intent).toLowerCase().includes(s.text.toLowerCase())) return false;
  return true;
}

// The filters as query parameters of the list and the counts.
function filterParams(withStatus) {
  const s = intentsState;
  const params = new URLSearchParams();
  if (withStatus && s.status) params.set("status", s.status);
  if (s.agent) params.set("to_agent", s.agent);
  if (s.type) params.set("intent_type", s.type);
  if (s.text) params.set("text", s.text);
  return params;
}

function intentRow(intent) {
  return el("tr", { "data-intent": intent.intent_id },
    el("td", {}, intentLink(intent.intent_id)),
    el("td", { text: intent.intent_type }),
    el("td", {}, statusBadge(intent.status)),
    el("td", { text: intent.from_agent }),
    el("td", { text: intent.to_agent }),
    el("td", { text: when(intent.created_at) }),
    el("td", { text: when(intent.updated_at) }));
}

async function intentsPage() {
  const s = intentsState;
  const counts = el("ul", { class: "counts", "aria-label": "Intents per status" });
  const tbody = el("tbody");
  const pageInfo = el("span", { class: "muted" });
  const older = el("button", { type: "button", class: "secondary", text: "Older" });
  const newer = el("button", { type: "button", class: "secondary", text: "Newer" });
  const live = el("span", { class: "live", role: "status", text: "connecting…" });
  const problems = el("div");

  const statusSelect = el("select", { id: "f-status", name: "status" },
    el("option", { value: "", text: "any" }),
    STATUSES.map((st) => el("option", { value: st, text: st, selected: st === s.status })));
  const field = (id, label, value, type) => el("div", {},
    el("label", { for: id, text: label }),
    el("input", { id, name: id, type: type || "search", value }));
  const filters = el("form", { class: "toolbar", role: "search", "aria-label": "Filter intents" },
    el("div", {}, el("label", { for: "f-status", text: "Status" }), statusSelect),
    field("f-agent", "Agent", s.agent),
    field("f-type", "Type (a prefix ends in *)", s.type),
    field("f-text", "Text", s.text),
    el("button", { type: "submit", text: "Filter" }),
    live);

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    s.status = statusSelect.value;
    s.agent = document.getElementById("f-agent").value.trim();
    s.type = document.getElementById("f-type").value.trim();
    s.text = document.getElementById("f-text").value.trim();
    s.cursors = [null];
    // The address bar keeps the filters (a reload or a shared link shows the same list).
    const shown = new URLSearchParams();
    for (const name of ["status", "agent", "type", "text"]) if (s[name]) shown.set(name, s[name]);
    history.replaceState(null, "", "#/intents" + (shown.size ? "?" + shown : ""));
    load();
    loadCounts();
  });

  const table = el("table", { "aria-label": "Intents" },
    el("thead", {}, el("tr", {},
      ["Intent", "Type", "Status", "From", "To", "Created", "Updated"].map((h) =>
        el("th", { scope: "col", text: h })))),
    tbody);

  show(el("h1", { text: "Intents" }), counts, filters, problems, table,
    el("div", { class: "pager" }, newer, pageInfo, older));

  let nextCursor = null;
  async function load() {
    problems.replaceChildren();
    const params = filterParams(true);
    params.set("limit", String(PAGE_SIZE));
    const cursor = s.cursors[s.cursors.length - 1];
    if (cursor) params.set("cursor", cursor);
    try {
      const data = await api("GET", "/v1/intents?" + params);
      nextCursor = data.next_cursor || null;
      const rows = data.intents || [];
      tbody.replaceChildren(...rows.map(intentRow));
      if (rows.length === 0) {
        tbody.append(el("tr", {}, el("td", { colspan: "7", class: "muted", text: "No intents." })));
      }
      pageInfo.textContent = "Page " + s.cursors.length;
      older.disabled = !nextCursor;
      newer.disabled = s.cursors.length <= 1;
    } catch (error) {
      problems.replaceChildren(problem(error));
    }
  }

  async function loadCounts() {
    try {
      const data = await api("GET", "/v1/intents/counts?" + filterParams(false));
      const entries = Object.entries(data.counts || {});
      counts.replaceChildren(
        el("li", {}, el("b", { text: String(data.total || 0) }), "total"),
        ...entries.map(([status, n]) => el("li", { "data-status": status },
          el("b", { text: String(n) }), status)));
    } catch (error) {
      counts.replaceChildren(el("li", {}, problem(error)));
    }
  }

  older.addEventListener("click", () => { s.cursors.push(nextCursor); load(); });
  newer.addEventListener("click", () => { s.cursors.pop(); load(); });

  const refreshCounts = debounce(loadCounts, 250);
  watchChanges((intent) => {
    refreshCounts();
    const existing = tbody.querySelector(`tr[data-intent="${CSS.escape(intent.intent_id)}"]`);
    if (existing) {
      // A row that no longer matches (its status moved on) leaves the filtered list.
      if (matchesFilters(intent)) existing.replaceWith(intentRow(intent));
      else existing.remove();
    } else if (s.cursors.length === 1 && matchesFilters(intent)) {
      const empty = tbody.querySelector("td[colspan]");
      if (empty) empty.parentElement.remove();
      tbody.prepend(intentRow(intent));
      while (tbody.children.length > PAGE_SIZE) tbody.lastElementChild.remove();
    }
  }, () => { load(); loadCounts(); }, (on) => {
    live.textContent = on ? "● live" : "connecting…";
    live.dataset.live = on ? "yes" : "no";
  });

  await Promise.all([load(), loadCounts()]);
}

// ---- Intent -------------------------------------------------------------------------

async function intentPage(id) {
  let intent;
  try {
    const data = await api("GET", "/v1/intents/" + encodeURIComponent(id));
    intent = data.intent || data;
  } catch (error) {
    show(el("h1", { text: "Intent" }), problem(error));
    return;
  }
  const heading = el("h1", {}, "Intent ", el("code", { text: id }));
  const fields = el("dl", { class: "fields" });
  const payload = el("pre", { "aria-label": "Payload" });
  const result = el("pre", { "aria-label": "Result" });
  const actions = el("div", { class: "actions", role: "group", "aria-label": "Actions" });
  const message = el("p", { role: "status" });
  const timeline = el("ol", { class: "timeline", "aria-label": "Timeline", "aria-live": "polite" });
  const streamState = el("span", { class: "live" });

  function render() {
    const rows = [
      ["Status", statusBadge(intent.status)],
      ["Type", intent.intent_type],
      ["From", intent.from_agent],
      ["To", intent.to_agent],
      ["Waiting for", intent.waiting_reason],
      ["Created", when(intent.created_at)],
      ["Updated", when(intent.updated_at)],
      ["Correlation", intent.correlation_id ? el("span", {}, el("code", { text: intent.correlation_id }),
        " ", el("a", { href: "#/intents?text=" + encodeURIComponent(intent.correlation_id),
          text: "intents with it" })) : null],
      ["Parent", intent.parent_intent_id ? intentLink(intent.parent_intent_id) : null],
    ];
    fields.replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) =>
      [el("dt", { text: k }), el("dd", {}, v)]));
    payload.textContent = pretty(intent.payload);
    result.textContent = intent.result === undefined ? "(none yet)" : pretty(intent.result);
    renderActions();
  }

  // The buttons are made again only when the actions the status allows change, so a
  // button is never swapped under the pointer by a timeline update.
  function renderActions() {
    const terminal = TERMINAL.includes(intent.status);
    const allowed = [!terminal && "cancel", intent.status === "WAITING" && "resume",
      ["FAILED", "TIMED_OUT", "CANCELED"].includes(intent.status) && "retry"].filter(Boolean).join(",");
    if (actions.dataset.allowed === allowed) return;
    actions.dataset.allowed = allowed;
    const buttons = [];
    if (!terminal) {
      buttons.push(el("button", { type: "button", class: "danger", text: "Cancel", onclick: () =>
        act("cancel", () => api("POST", `/v1/intents/${encodeURIComponent(id)}/cancel`,
          { reason: "canceled from the console" })) }));
    }
    if (intent.status === "WAITING") {
      buttons.push(el("button", { type: "button", text: "Resume", onclick: () =>
        act("resume", () => api("POST", `/v1/intents/${encodeURIComponent(id)}/resume`,
          { reason: "resumed from the console" })) }));
    }
    if (["FAILED", "TIMED_OUT", "CANCELED"].includes(intent.status)) {
      buttons.push(el("button", { type: "button", id: "retry", text: "Retry",
        "aria-describedby": "retry-help", onclick: retry }));
      buttons.push(el("p", { id: "retry-help", class: "muted", text: RETRY_HELP }));
    }
    actions.replaceChildren(...buttons);
  }

  async function act(name, call) {
    message.textContent = "";
    try {
      const data = await call();
      if (data.intent) { intent = data.intent; render(); }
      message.textContent = name + ": done";
    } catch (error) {
      message.textContent = name + ": " + error.message;
    }
  }

  // A retry sends a new intent (see RETRY_HELP) and links to it; its key is derived from
  // this intent's id, so pressing Retry again shows the same new intent, not a third one.
  async function retry() {
    message.textContent = "";
    try {
      const body = { intent_type: intent.intent_type, to_agent: intent.to_agent,
        payload: intent.payload === undefined ? {} : intent.payload };
      if (intent.correlation_id) body.correlation_id = intent.correlation_id;
      if (intent.reply_to) body.reply_to = intent.reply_to;
      const data = await api("POST", "/v1/intents", body,
        { "idempotency-key": "console-retry-" + id });
      message.dataset.retry = data.intent_id;
      message.replaceChildren("retry: sent as a new intent ",
        el("a", { id: "retried", href: "#/intents/" + encodeURIComponent(data.intent_id),
          text: data.intent_id }));
    } catch (error) {
      message.textContent = "retry: " + error.message;
    }
  }

  show(heading, el("div", { class: "grid" },
    el("section", { "aria-labelledby": "h-fields" },
      el("h2", { id: "h-fields", text: "Fields" }), fields, actions, message,
      el("h2", { text: "Payload" }), payload,
      el("h2", { text: "Result" }), result),
    el("section", { "aria-labelledby": "h-timeline" },
      el("h2", { id: "h-timeline" }, "Timeline ", streamState), timeline)));
  render();

  let cursor = 0;
  let ended = false;
  streamState.textContent = "● live";
  const refresh = debounce(async () => {
    try {
      const data = await api("GET", "/v1/intents/" + encodeURIComponent(id));
      intent = data.intent || data;
      render();
    } catch (_) { /* shown on the next change */ }
  }, 100);
  await follow(() => `/v1/intents/${encodeURIComponent(id)}/events/stream?since=${cursor}&wait_seconds=30`,
    (frame) => {
      let event;
      try { event = JSON.parse(frame.data); } catch (_) { return; }
      if (frame.event === "stream.timeout") {
        if (TERMINAL.includes(intent.status)) ended = true;
        return;
      }
      if (typeof event.seq !== "number" || event.seq <= cursor) return;
      cursor = event.seq;
      timeline.append(el("li", { "data-seq": String(event.seq) },
        el("strong", { text: event.event_type || frame.event }), " ",
        statusBadge(event.status), " ",
        el("span", { class: "muted", text: when(event.at || event.created_at) }),
        event.actor ? el("div", { class: "muted", text: "by " + event.actor }) : null,
        event.reason ? el("div", { text: event.reason }) : null));
      if (event.status) { intent.status = event.status; }
      if (TERMINAL.includes(event.status)) ended = true;
      refresh();
    }, () => ended);
  if (!pageLife.signal.aborted) streamState.textContent = "ended";
}

// ---- Agents -------------------------------------------------------------------------

// Listeners: "connected" ones have a response open now; "idle" ones had one within the
// gateway's grace (30 s), as a reconnecting stream or a poller between polls.
function listenersCell(listeners) {
  const connected = listeners.filter((l) => l.connected !== false).length;
  const idle = listeners.length - connected;
  return el("td", { "data-listeners": String(listeners.length), "data-connected": String(connected),
    title: "connected: a response open now; idle: none open, last seen within 30 s" },
  String(connected) + " connected" + (idle ? `, ${idle} idle` : ""));
}

async function agentsPage() {
  const tbody = el("tbody");
  const problems = el("div");
  const live = el("span", { class: "live", role: "status", text: "connecting…" });
  show(el("h1", {}, "Agents ", live), problems,
    el("table", { "aria-label": "Agents" },
      el("thead", {}, el("tr", {},
        ["Address", "Delivery", "Listeners", "Since", "Last seen", "Pending", "Failed"].map((h) =>
          el("th", { scope: "col", text: h })))),
      tbody));

  async function failedFor(address) {
    try {
      const params = new URLSearchParams({ to_agent: address, status: "FAILED,TIMED_OUT", limit: "100" });
      const data = await api("GET", "/v1/intents?" + params);
      const n = (data.intents || []).length;
      return data.next_cursor ? n + "+" : String(n);
    } catch (_) {
      return "?";
    }
  }

  async function load() {
    try {
      const data = await api("GET", "/v1/agents");
      const agents = data.agents || [];
      const failed = await Promise.all(agents.map((a) => failedFor(a.address)));
      tbody.replaceChildren(...agents.map((a, i) => {
        const listeners = a.listeners || [];
        const first = listeners.map((l) => l.since).sort()[0];
        const last = listeners.map((l) => l.last_seen).sort().slice(-1)[0];
        return el("tr", { "data-agent": a.address },
          el("td", {}, el("a", { href: "#/intents?agent=" + encodeURIComponent(a.address),
            text: a.address })),
          el("td", { text: a.delivery_mode || "stream" }),
          listenersCell(listeners),
          el("td", { text: when(first) }),
          el("td", { text: when(last) }),
          el("td", { text: String(a.pending || 0) }),
          el("td", { text: failed[i] }));
      }));
      if (agents.length === 0) {
        tbody.append(el("tr", {}, el("td", { colspan: "7", class: "muted", text: "No agents." })));
      }
    } catch (error) {
      problems.replaceChildren(problem(error));
    }
  }
  const reload = debounce(load, 300);
  watchChanges(reload, load, (on) => {
    live.textContent = on ? "● live" : "connecting…";
    live.dataset.live = on ? "yes" : "no";
  }, reload);
  await load();
}

// ---- Tasks --------------------------------------------------------------------------

// Checks one value against its JSON-schema property; returns a message or "".
function checkField(spec, raw, required) {
  const type = spec.type || "string";
  if (raw === "" || raw === undefined) return required ? "required" : "";
  if (type === "integer" || type === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n)) return "must be a number";
    if (type === "integer" && !Number.isInteger(n)) return "must be a whole number";
    if (spec.minimum !== undefined && n < spec.minimum) return "must be at least " + spec.minimum;
    if (spec.maximum !== undefined && n > spec.maximum) return "must be at most " + spec.maximum;
    return "";
  }
  if (type === "string") {
    if (spec.minLength !== undefined && raw.length < spec.minLength) return `at least ${spec.minLength} characters`;
    if (spec.maxLength !== undefined && raw.length > spec.maxLength) return `at most ${spec.maxLength} characters`;
    if (spec.pattern) {
      try { if (!new RegExp(spec.pattern, "u").test(raw)) return "must match " + spec.pattern; } catch (_) { /* a pattern JS cannot read */ }
    }
    if (spec.enum && !spec.enum.includes(raw)) return "must be one of " + spec.enum.join(", ");
  }
  return "";
}

function taskCard(task) {
  const spec = task.human_task || {};
  const schema = spec.form_schema && typeof spec.form_schema === "object" ? spec.form_schema : null;
  const properties = (schema && schema.properties) || {};
  const required = (schema && schema.required) || [];
  const outcomes = task.allowed_outcomes || spec.allowed_outcomes || ["approved", "rejected"];
  const prefix = "t-" + task.intent_id.slice(0, 8) + "-";
  const inputs = {};
  const errors = {};
  const form = el("form", { class: "card", "aria-labelledby": prefix + "title", novalidate: true });
  const message = el("p", { role: "status" });

  const rows = Object.entries(properties).map(([name, prop]) => {
    const id = prefix + name;
    const type = prop.type || "string";
    let input;
    if (type === "boolean") {
      input = el("input", { id, type: "checkbox" });
    } else if (Array.isArray(prop.enum)) {
      input = el("select", { id }, el("option", { value: "", text: "—" }),
        prop.enum.map((v) => el("option", { value: String(v), text: String(v) })));
    } else {
      input = el("input", { id, type: type === "integer" || type === "number" ? "number" : "text",
        "aria-describedby": id + "-error", required: required.includes(name) });
    }
    inputs[name] = { input, prop, type };
    errors[name] = el("span", { id: id + "-error", class: "field-error", "aria-live": "polite" });
    input.addEventListener("input", () => validate(name));
    return el("div", {},
      el("label", { for: id, text: (prop.title || name) + (required.includes(name) ? " *" : "") }),
      input, " ", errors[name]);
  });
  const commentId = prefix + "comment";
  const comment = el("textarea", { id: commentId, rows: "2", required: !!spec.required_comment });
  const commentError = el("span", { class: "field-error", "aria-live": "polite" });

  function validate(name) {
    const { input, prop, type } = inputs[name];
    const raw = type === "boolean" ? undefined : input.value.trim();
    const text = type === "boolean" ? "" : checkField(prop, raw, required.includes(name));
    errors[name].textContent = text;
    input.setAttribute("aria-invalid", text ? "true" : "false");
    return !text;
  }

  function collect() {
    const data = {};
    for (const [name, { input, type }] of Object.entries(inputs)) {
      if (type === "boolean") data[name] = input.checked;
      else if (input.value.trim() === "") continue;
      else if (type === "integer" || type === "number") data[name] = Number(input.value);
      else data[name] = input.value.trim();
    }
    return data;
  }

  async function answer(outcome) {
    let ok = Object.keys(inputs).map(validate).every(Boolean);
    // A rejection needs no form data, only what the task itself demands.
    if (outcome === "rejected") ok = true;
    const needComment = spec.required_comment && !comment.value.trim();
    commentError.textContent = needComment ? "required" : "";
    if (!ok || needComment) {
      message.textContent = "Fix the marked fields first.";
      return;
    }
    const result = Object.assign(outcome === "rejected" ? {} : collect(), { outcome });
    if (comment.value.trim()) result.comment = comment.value.trim();
    try {
      await api("POST", `/v1/intents/${encodeURIComponent(task.intent_id)}/resume`,
        { task_result: result }, { "idempotency-key": `console-task-${task.intent_id}-${outcome}` });
      message.textContent = outcome + ": sent";
      form.dataset.answered = outcome;
      form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    } catch (error) {
      message.textContent = error.message;
    }
  }

  const buttons = outcomes.map((outcome) => el("button", {
    type: "button", class: outcome === "rejected" ? "danger" : "",
    text: outcome === "approved" ? "Approve" : outcome === "rejected" ? "Reject" : "Submit: " + outcome,
    onclick: () => answer(outcome),
  }));
  form.addEventListener("submit", (event) => { event.preventDefault(); answer(outcomes[0]); });
  form.append(...kids(
    el("h2", { id: prefix + "title" }, spec.title || task.title || task.intent_type, " ",
      intentLink(task.intent_id)),
    spec.description ? el("p", { text: spec.description }) : null,
    el("p", { class: "muted", text: `${task.task_type || spec.task_type || "task"} · from ${task.from_agent || "?"}` +
      (task.due_at ? ` · due ${when(task.due_at)}` : "") }),
    rows,
    el("label", { for: commentId, text: "Comment" + (spec.required_comment ? " *" : "") }),
    comment, commentError,
    el("div", { class: "actions" }, buttons),
    message));
  return form;
}

async function tasksPage() {
  const list = el("div", { "aria-live": "polite" });
  show(el("h1", { text: "Tasks" }), list);
  async function load() {
    try {
      const data = await api("GET", "/v1/me/tasks");
      const tasks = data.tasks || [];
      const open = new Set(tasks.map((t) => t.intent_id));
      // Keep cards being filled in; add new ones, drop answered ones.
      for (const card of [...list.querySelectorAll("[data-task]")]) {
        // An answered card stays, showing its answer, until the page is left.
        if (!open.has(card.getAttribute("data-task")) && !card.dataset.answered) card.remove();
      }
      for (const task of tasks) {
        if (!list.querySelector(`[data-task="${CSS.escape(task.intent_id)}"]`)) {
          const card = taskCard(task);
          card.setAttribute("data-task", task.intent_id);
          list.append(card);
        }
      }
      const none = list.querySelector(".none");
      if (tasks.length === 0 && !none) list.append(el("p", { class: "muted none", text: "No open tasks." }));
      if (tasks.length > 0 && none) none.remove();
    } catch (error) {
      list.replaceChildren(problem(error));
    }
  }
  watchChanges(debounce(load, 300), load);
  await load();
}

// ---- Scenarios ----------------------------------------------------------------------

async function scenariosPage() {
  const text = el("textarea", { id: "bundle", rows: "18", spellcheck: "false",
    "aria-describedby": "bundle-help" });
  const file = el("input", { id: "bundle-file", type: "file", accept: ".json,application/json" });
  const report = el("div", { id: "report", "aria-live": "polite" });
  file.addEventListener("change", async () => {
    if (file.files && file.files[0]) text.value = await file.files[0].text();
  });

  function parse() {
    try {
      return JSON.parse(text.value);
    } catch (error) {
      report.replaceChildren(el("ul", { class: "problems" },
        el("li", {}, el("code", { text: "$" }), ": not JSON: " + error.message)));
      return undefined;
    }
  }

  // Errors read "path: message"; the path is shown apart so it can be found.
  function listProblems(kind, items) {
    return el("ul", { class: kind === "error" ? "problems" : "muted", "aria-label": kind + "s" },
      items.map((item) => {
        const at = item.indexOf(": ");
        return at > 0
          ? el("li", { "data-path": item.slice(0, at) }, el("code", { text: item.slice(0, at) }), item.slice(at))
          : el("li", { text: item });
      }));
  }

  async function validate() {
    const bundle = parse();
    if (bundle === undefined) return false;
    try {
      const data = await api("POST", "/v1/scenarios/validate", bundle);
      const errors = data.errors || [];
      const warnings = data.warnings || [];
      report.replaceChildren(...kids(
        el("p", { class: errors.length ? "error" : "ok",
          text: errors.length ? `${errors.length} error(s)` : "The bundle is valid." }),
        errors.length ? listProblems("error", errors) : null,
        warnings.length ? listProblems("warning", warnings) : null));
      return errors.length === 0;
    } catch (error) {
      report.replaceChildren(problem(error));
      return false;
    }
  }

  async function apply() {
    if (!(await validate())) return;
    try {
      const data = await api("POST", "/v1/scenarios/apply", parse());
      report.append(el("p", { class: "ok" }, "Applied: parent intent ", intentLink(data.intent_id, data.intent_id)));
      window.location.hash = "#/intents/" + encodeURIComponent(data.intent_id);
    } catch (error) {
      const details = error.body && error.body.error && error.body.error.details;
      report.replaceChildren(...kids(problem(error),
        details && details.errors ? listProblems("error", details.errors) : null));
    }
  }

  show(el("h1", { text: "Scenarios" }),
    el("p", { id: "bundle-help", class: "muted",
      text: "Paste a scenario bundle (JSON) or upload a file, validate it, then apply it." }),
    el("label", { for: "bundle-file", text: "Upload a bundle" }), file,
    el("label", { for: "bundle", text: "Bundle" }), text,
    el("div", { class: "actions" },
      el("button", { type: "button", class: "secondary", text: "Validate", onclick: validate }),
      el("button", { type: "button", text: "Apply", onclick: apply })),
    report);
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
