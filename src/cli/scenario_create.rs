//! `axme scenarios create` (the bundle wizard) and `axme scenarios list-templates`: the
//! gateway's workflow macro templates (`GET /v1/tool-registry/macros`), listed, and a
//! bundle built from answers on stdin — agents, humans, a template and its parameters
//! (`workflow.macro_id` + `parameters`, which the gateway expands), the intent — saved as
//! JSON and, if asked, applied.
//!
//! Prompts go to stdout (`? Label [default]: `); an empty answer, or the end of stdin, takes
//! the default, so the wizard can be driven by a pipe. It never writes `workflow.steps`.

use std::io::BufRead;
use std::path::PathBuf;

use clap::Args;
use serde_json::{Map, Value, json};

use super::error::{CliError, CliResult};
use super::global::Ctx;
use super::output::write_stdout;
use super::remote::{Remote, block_on, from_client, run_interruptible};
use crate::client::{Client, ClientError};

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Start from this macro template (see `axme scenarios list-templates`) without asking
    #[arg(long, value_name = "MACRO_ID")]
    pub from_template: Option<String>,
    /// Save the bundle to this file without asking where (the global -o is the output format)
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub file: Option<PathBuf>,
}

/// `axme scenarios list-templates`.
pub fn list_templates(ctx: &Ctx) -> CliResult {
    let remote = Remote::connect(ctx, true)?;
    let answer = block_on(remote.client.get::<Value>("/v1/tool-registry/macros", &[]))?.map_err(
        |e| match e.status() {
            Some(status) if status >= 400 && !matches!(e, ClientError::Auth { .. }) => {
                CliError::failure(format!("failed to list templates (HTTP {status})"))
            }
            _ => from_client(e),
        },
    )?;
    if ctx.out.is_machine() {
        return ctx.out.json(&answer);
    }
    let macros = answer
        .get("macros")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if macros.is_empty() {
        return ctx.out.line("No macro templates registered.");
    }
    ctx.out.line(format!("{:<42}  DESCRIPTION", "MACRO ID"))?;
    ctx.out.line("─".repeat(78))?;
    for m in &macros {
        ctx.out.line(format!(
            "{:<42}  {}",
            field(m, "macro_id"),
            field(m, "description")
        ))?;
    }
    Ok(())
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Answers, one line each, from stdin.
struct Wizard<'a> {
    ctx: &'a Ctx,
    lines: std::io::Lines<std::io::StdinLock<'static>>,
}

impl Wizard<'_> {
    /// `? label [default]: ` (indented when `nested`); the answer, or the default.
    fn ask(&mut self, nested: bool, label: &str, default: &str) -> CliResult<String> {
        let indent = if nested { "  " } else { "" };
        let shown = if default.is_empty() {
            format!("{indent}? {label}: ")
        } else {
            format!("{indent}? {label} [{default}]: ")
        };
        write_stdout(shown.as_bytes())?;
        let answer = match self.lines.next() {
            Some(Ok(line)) => line.trim().to_string(),
            Some(Err(e)) => return Err(CliError::usage(format!("cannot read stdin: {e}"))),
            None => {
                // The end of the answers: a newline so the next output starts a line.
                write_stdout(b"\n")?;
                String::new()
            }
        };
        Ok(if answer.is_empty() {
            default.to_string()
        } else {
            answer
        })
    }

    /// A yes/no question; `yes` is the answer to an empty line.
    fn confirm(&mut self, nested: bool, label: &str, yes: bool) -> CliResult<bool> {
        let hint = if yes { "[Y/n]" } else { "[y/N]" };
        let answer = self.ask(nested, &format!("{label} {hint}"), "")?;
        Ok(match answer.to_ascii_lowercase().as_str() {
            "" => yes,
            a => a.starts_with('y'),
        })
    }

    /// A count from `lo` to `hi` (clamped); what does not read as a number is the default.
    fn count(&mut self, label: &str, default: u64, (lo, hi): (u64, u64)) -> CliResult<u64> {
        let answer = self.ask(false, label, &default.to_string())?;
        Ok(answer.parse::<u64>().unwrap_or(default).clamp(lo, hi))
    }

    fn say(&self, text: &str) -> CliResult {
        self.ctx.out.line(text)
    }
}

pub fn create(ctx: &Ctx, args: CreateArgs) -> CliResult {
    let mut w = Wizard {
        ctx,
        lines: std::io::stdin().lock().lines(),
    };
    let scenario_id = w.ask(false, "Scenario ID", "my_scenario.v1")?;
    let description = w.ask(false, "Description", "")?;
    w.say("── Agents ──")?;
    let mut agents = Vec::new();
    for i in 1..=w.count("Number of agents [1-10]", 1, (0, 10))? {
        let role = w.ask(true, "Role alias", &format!("agent{i}"))?;
        let address = w.ask(true, "Agent address", &role)?;
        let create = w.confirm(true, "Create if missing?", true)?;
        let display = w.ask(true, "Display name", &address)?;
        agents.push(
            json!({"role": role, "address": address, "display_name": display,
                           "create_if_missing": create}),
        );
    }
    w.say("── Human Participants ──")?;
    let mut humans = Vec::new();
    for i in 1..=w.count("Number of humans [0-5]", 0, (0, 5))? {
        let role = w.ask(true, "Role alias", &format!("human{i}"))?;
        let contact = w.ask(true, "Contact (email)", "")?;
        let display = w.ask(true, "Display name", &role)?;
        humans.push(json!({"role": role, "contact": contact, "display_name": display}));
    }
    let remote = Remote::connect(ctx, true).ok();
    let template = match &args.from_template {
        Some(id) => Some(id.clone()),
        None if w.confirm(false, "Start from macro template?", false)? => {
            pick_template(&mut w, remote.as_ref())?
        }
        None => None,
    };
    let mut workflow = Map::new();
    if let Some(id) = template {
        let parameters = template_parameters(&mut w, remote.as_ref(), &id)?;
        workflow.insert("macro_id".into(), json!(id));
        workflow.insert("parameters".into(), Value::Object(parameters));
    }
    w.say("── Intent Settings ──")?;
    let intent = intent_settings(&mut w, !humans.is_empty())?;
    let mut bundle = Map::new();
    bundle.insert("scenario_id".into(), json!(scenario_id));
    if !description.is_empty() {
        bundle.insert("description".into(), json!(description));
    }
    bundle.insert("agents".into(), Value::Array(agents));
    bundle.insert("humans".into(), Value::Array(humans));
    if !workflow.is_empty() {
        bundle.insert("workflow".into(), Value::Object(workflow));
    }
    bundle.insert("intent".into(), intent);
    let bundle = Value::Object(bundle);
    summary(&w, &bundle)?;
    let file = match args.file {
        Some(file) => file,
        None => PathBuf::from(w.ask(false, "Save to file", &format!("{scenario_id}.json"))?),
    };
    let text = serde_json::to_string_pretty(&bundle).unwrap_or_default() + "\n";
    std::fs::write(&file, text)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", file.display())))?;
    w.say(&format!("✓ Saved to {}", file.display()))?;
    if !w.confirm(false, "Apply now?", false)? {
        return Ok(());
    }
    let watch = w.confirm(false, "Watch intent lifecycle?", false)?;
    w.say(&format!(
        "→ running axme scenarios apply {}",
        file.display()
    ))?;
    let remote = match remote {
        Some(remote) => remote,
        None => Remote::connect(ctx, true)?,
    };
    run_interruptible(super::scenarios::apply(
        ctx,
        &remote.client,
        bundle,
        watch,
        true,
    ))
}

/// The templates, numbered; the one chosen (none when the gateway has none or cannot say).
fn pick_template(w: &mut Wizard<'_>, remote: Option<&Remote>) -> CliResult<Option<String>> {
    let listed = remote.and_then(|r| {
        block_on(r.client.get::<Value>("/v1/tool-registry/macros", &[]))
            .ok()?
            .ok()
    });
    let macros = listed
        .as_ref()
        .and_then(|v| v.get("macros"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if macros.is_empty() {
        w.say("  (no macro templates available)")?;
        return Ok(None);
    }
    for (n, m) in macros.iter().enumerate() {
        w.say(&format!(
            "    {}. {:<40}  {}",
            n + 1,
            field(m, "macro_id"),
            field(m, "description")
        ))?;
    }
    let chosen = w.ask(false, "Select template number", "1")?;
    let index = chosen
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=macros.len()).contains(n))
        .unwrap_or(1);
    Ok(Some(field(&macros[index - 1], "macro_id").to_string()))
}

/// The template's parameters, each asked with its default; when the gateway cannot say
/// which they are, the usual approval ones.
fn template_parameters(
    w: &mut Wizard<'_>,
    remote: Option<&Remote>,
    id: &str,
) -> CliResult<Map<String, Value>> {
    let path = format!("/v1/tool-registry/macros/{}", crate::client::segment(id));
    let fetched = remote.and_then(|r| block_on(fetch(&r.client, &path)).ok()?.ok());
    let listed: Vec<(String, String)> = match fetched
        .as_ref()
        .and_then(|v| v.get("macro"))
        .and_then(|m| m.get("parameters"))
        .and_then(Value::as_array)
    {
        Some(params) => params
            .iter()
            .map(|p| (field(p, "name").to_string(), default_of(p)))
            .filter(|(name, _)| !name.is_empty())
            .collect(),
        None => [
            ("step_deadline_seconds", "300"),
            ("remind_after_seconds", "1800"),
            ("max_reminders", "3"),
            ("escalate_to", ""),
        ]
        .iter()
        .map(|(n, d)| ((*n).to_string(), (*d).to_string()))
        .collect(),
    };
    let mut parameters = Map::new();
    for (name, default) in listed {
        let answer = w.ask(true, &name, &default)?;
        if !answer.is_empty() {
            parameters.insert(name, json!(answer));
        }
    }
    Ok(parameters)
}

async fn fetch(client: &Client, path: &str) -> Result<Value, ClientError> {
    client.get::<Value>(path, &[]).await
}

/// A parameter's default as text (a number or a string).
fn default_of(p: &Value) -> String {
    match p.get("default") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The intent: type, deadline, delivery attempts, reminders (with humans), payload.
fn intent_settings(w: &mut Wizard<'_>, with_humans: bool) -> CliResult<Value> {
    let mut intent = Map::new();
    intent.insert(
        "type".into(),
        json!(w.ask(false, "Intent type", "approval.change.v1")?),
    );
    let deadline = w.ask(false, "Deadline (e.g. 30m, 2h, 1.5d)", "none")?;
    if deadline != "none" {
        match parse_deadline(&deadline) {
            Ok(after) => {
                let at = crate::protocol::Timestamp::from_datetime(chrono::Utc::now() + after);
                intent.insert("deadline_at".into(), json!(at));
            }
            Err(e) => w.say(&format!(
                "  (warning: cannot parse deadline '{deadline}': {e} — skipping)"
            ))?,
        }
    }
    let number = |text: String| text.parse::<u64>().ok().map(Value::from);
    if let Some(n) = number(w.ask(false, "Max delivery attempts", "5")?) {
        intent.insert("max_delivery_attempts".into(), n);
    }
    if with_humans {
        for (field, label, default) in [
            ("remind_after_seconds", "Remind after seconds", "1800"),
            ("remind_interval_seconds", "Remind interval seconds", "1800"),
            ("max_reminders", "Max reminders", "3"),
        ] {
            if let Some(n) = number(w.ask(false, label, default)?) {
                intent.insert(field.into(), n);
            }
        }
        let escalate = w.ask(false, "Escalate to", "skip")?;
        if escalate != "skip" {
            intent.insert("escalate_to".into(), json!(escalate));
        }
    }
    let mut payload = Map::new();
    for name in ["service", "environment", "reason"] {
        let value = w.ask(false, &format!("Payload {name}"), "")?;
        if !value.is_empty() {
            payload.insert(name.into(), json!(value));
        }
    }
    intent.insert("payload".into(), Value::Object(payload));
    Ok(Value::Object(intent))
}

/// `30m`, `2h 30m` (any duration `humantime` reads) or `<number>d` days.
fn parse_deadline(text: &str) -> Result<chrono::Duration, String> {
    let after = match text
        .strip_suffix('d')
        .and_then(|d| d.trim().parse::<f64>().ok())
    {
        Some(days) if days.is_finite() && days > 0.0 && days < 36_500.0 => {
            std::time::Duration::from_secs_f64(days * 86_400.0)
        }
        Some(_) => return Err("days must be a positive number below 36500".into()),
        None => humantime::parse_duration(text).map_err(|e| e.to_string())?,
    };
    chrono::Duration::from_std(after).map_err(|_| "too far in the future".to_string())
}

/// What the bundle holds, in a few lines.
fn summary(w: &Wizard<'_>, bundle: &Value) -> CliResult {
    let names = |list: &str, key: &str| {
        bundle[list]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| field(x, key).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "(none)".into())
    };
    w.say("")?;
    w.say("Summary")?;
    w.say(&format!("  Scenario:  {}", field(bundle, "scenario_id")))?;
    w.say(&format!("  Agents:    {}", names("agents", "address")))?;
    w.say(&format!("  Humans:    {}", names("humans", "role")))?;
    let template = bundle["workflow"]["macro_id"].as_str().unwrap_or("(none)");
    w.say(&format!("  Template:  {template}"))?;
    w.say(&format!(
        "  Intent:    {}",
        field(&bundle["intent"], "type")
    ))?;
    w.say("")
}
