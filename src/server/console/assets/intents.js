// The Intents and Intent pages (loaded after app.js, which holds the helpers and routes).
"use strict";

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
