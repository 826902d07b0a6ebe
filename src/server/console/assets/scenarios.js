// The Scenarios page (loaded after app.js, which holds the helpers and routes).
"use strict";

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
