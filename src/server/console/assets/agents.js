// The Agents page (loaded after app.js, which holds the helpers and routes).
"use strict";

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
