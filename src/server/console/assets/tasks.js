// The Tasks page: open human tasks with their forms (loaded after app.js).
"use strict";

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
