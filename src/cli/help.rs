//! Help as people read it: every command ends with examples, and the options every command
//! accepts are summed up in one "Global options" paragraph under each subcommand (as `gh`
//! shows inherited flags) instead of being repeated in full; `axme --help` describes them.

use clap::Command;

/// Ids of the options of `GlobalArgs` (see global.rs).
const GLOBAL_IDS: [&str; 8] = [
    "context", "base_url", "api_key", "json", "output", "color", "quiet", "verbose",
];

const GLOBAL_SUMMARY: &str = "Global options:\n  \
    --context NAME, --base-url URL, --api-key KEY, -o/--output text|json|jsonl (--json),\n  \
    --color auto|always|never, -q/--quiet, -v/--verbose   (described in `axme --help`)";

/// Examples of each command, by its path under `axme`.
fn examples(path: &str) -> Option<&'static str> {
    Some(match path {
        "logout" => "axme logout\n  axme logout --context prod\n  axme logout --all-sessions",
        "sessions" => "axme sessions list\n  axme sessions revoke ses_0123abcd",
        "sessions list" => "axme sessions list\n  axme sessions list --all -o json | jq .summary",
        "sessions revoke" => "axme sessions revoke ses_0123abcd\n  axme sessions revoke --current",
        "org" | "org list" => {
            "axme org list\n  axme org list -o json | jq -r '.organizations[].org_id'"
        }
        "workspace" => "axme workspace list\n  axme workspace use default",
        "workspace list" => {
            "axme workspace list\n  axme workspace list -o json | jq -r '.workspaces[].name'"
        }
        "workspace use" => {
            "axme workspace use default\n  axme workspace use default -o json | jq .server_context"
        }
        "quota" | "quota show" => {
            "axme quota show\n  axme quota show -o json | jq .overview.usage_summary"
        }
        "whoami" => "axme whoami\n  axme whoami -o json | jq -r .principal.address",
        "status" => "axme status\n  axme status --base-url http://127.0.0.1:8100 --samples 10",
        "doctor" => "axme doctor\n  axme doctor -o json | jq '.[] | select(.ok | not)'",
        "context" => "axme context list\n  axme context use prod",
        "context list" => "axme context list\n  axme context list -o json",
        "context show" => "axme context show\n  axme context show prod --show-key -o json",
        "context use" => "axme context use local",
        "context delete" => "axme context delete staging",
        "intents" => {
            "axme intents send --to echo --payload '{\"hello\":\"world\"}' --wait\n  \
             axme intents list --status WAITING"
        }
        "intents send" => {
            "axme intents send --to echo --payload '{\"hello\":\"world\"}' --wait\n  \
             axme intents send --to agent://acme/prod/billing --type invoice.v1 --payload @invoice.json\n  \
             axme intents send --to echo --deadline 10m --watch\n  \
             AXME_IDEMPOTENCY_KEY=\"deploy-$CI_PIPELINE_ID\" axme intents send --to deployer --payload -"
        }
        "intents get" => {
            "axme intents get 01a24b99\n  axme intents get 01a24b99 -o json | jq .result"
        }
        "intents list" => {
            "axme intents list\n  \
             axme intents list --status FAILED,TIMED_OUT --to-agent billing\n  \
             axme intents list --all -o json | jq '.intents | length'"
        }
        "intents watch" => {
            "axme intents watch 01a24b99\n  \
             axme intents watch 01a24b99 -o jsonl --exit-status --timeout 10m"
        }
        "intents events" => {
            "axme intents events 01a24b99\n  axme intents events 01a24b99 --since 3 -o jsonl"
        }
        "intents cancel" => "axme intents cancel 01a24b99 --reason \"sent by mistake\"",
        "intents resume" => {
            "axme intents resume 01a24b99 --data '{\"approved\":true}'\n  \
             axme intents resume 01a24b99 --action fail --reason \"upstream refused\""
        }
        "intents retry" => "axme intents retry 01a24b99",
        "intents cleanup" => {
            "axme intents cleanup\n  \
             axme intents cleanup --older-than 72 --status WAITING --dry-run=false\n  \
             axme intents cleanup --older-than 0.5 -o json | jq .would_cancel"
        }
        "scenarios" => {
            "axme scenarios validate scenario.json\n  axme scenarios apply scenario.json --watch"
        }
        "scenarios validate" => "axme scenarios validate scenario.json",
        "scenarios list-templates" => {
            "axme scenarios list-templates\n  axme scenarios list-templates -o json | jq '.macros[].macro_id'"
        }
        "scenarios create" => {
            "axme scenarios create\n  \
             axme scenarios create --from-template approval.agent_then_human.v1 --file expense.json"
        }
        "scenarios apply" => {
            "axme scenarios apply scenario.json\n  axme scenarios apply scenario.json --watch"
        }
        "agents" => "axme agents list\n  axme agents listen echo --exec cat",
        "agents list" => "axme agents list\n  axme agents list -o wide",
        "agents show" => {
            "axme agents show echo\n  axme agents show agent://local/default/echo -o json"
        }
        "mesh" => "axme mesh list\n  axme mesh kill billing --reason \"runaway costs\"",
        "mesh list" => {
            "axme mesh list\n  axme mesh list --health unreachable\n  axme mesh list --window week -o json | jq .summary"
        }
        "mesh show" => {
            "axme mesh show billing\n  axme mesh show agent://local/default/billing -o json"
        }
        "mesh kill" => "axme mesh kill billing --reason \"runaway costs\"",
        "mesh resume" => "axme mesh resume billing",
        "mesh events" => "axme mesh events\n  axme mesh events --type agent.killed -o json",
        "tasks" => "axme tasks list\n  axme tasks approve 01a24b99 --comment \"looks good\"",
        "tasks list" => "axme tasks list\n  axme tasks list -o json",
        "tasks show" => "axme tasks show 01a24b99",
        "tasks approve" => {
            "axme tasks approve 01a24b99\n  axme tasks approve 01a24b99 --comment \"ship it\""
        }
        "tasks reject" => "axme tasks reject 01a24b99 --comment \"budget too high\"",
        "tasks submit" => {
            "axme tasks submit 01a24b99 --outcome needs_changes --comment \"see notes\" \
             --data '{\"notes\":\"…\"}'"
        }
        "inbox" => "axme inbox list\n  axme inbox show 0190f2a4-7c1e-7d2a-9b1e-2f4c6a8e0b13",
        "inbox list" => {
            "axme inbox list\n  axme inbox list --status done -o json\n  axme inbox list --owner billing-agent"
        }
        "inbox show" => "axme inbox show 0190f2a4-7c1e-7d2a-9b1e-2f4c6a8e0b13",
        "inbox reply" => {
            "axme inbox reply 0190f2a4-7c1e-7d2a-9b1e-2f4c6a8e0b13 -m \"received, thanks\""
        }
        "webhooks" => {
            "axme webhooks list\n  axme webhooks add https://hooks.example.com/axme --event inbox.thread_created"
        }
        "webhooks list" => "axme webhooks list\n  axme webhooks list --all -o json",
        "webhooks add" => {
            "axme webhooks add https://hooks.example.com/axme --event inbox.thread_created,inbox.reply_received\n  \
             axme webhooks add http://127.0.0.1:9000/hook -e inbox.thread_created --owner billing-agent"
        }
        "webhooks remove" => "axme webhooks remove 3f2a9c1e",
        "examples" => "axme examples list\n  axme examples run durable-api",
        "examples list" => "axme examples list",
        "examples run" => "axme examples run durable-api",
        "server" => {
            "axme server\n  \
             axme server --listen 127.0.0.1:0 --ephemeral\n  \
             axme server --db ./axme.db --sync full\n  \
             axme server --db postgres://axme@db:5432/axme --node-id node-a"
        }
        "server migrate" => {
            "axme server migrate --from ./axme.db --to postgres://axme@db:5432/axme"
        }
        "bench" => "axme bench --scenario submit\n  axme bench --scenario lifecycle -o json",
        "mcp" => {
            "axme mcp        # paste under mcpServers in ~/.cursor/mcp.json\n  \
             axme mcp --host claude-desktop --show-key\n  \
             axme mcp -o json | jq -r .url"
        }
        "open" => "axme open\n  axme open 01a2f3\n  axme open --print",
        "version" => "axme version\n  axme version -o json",
        "man" => "axme man intents send | man -l -\n  axme man --out-dir ~/.local/share/man/man1",
        p if p == "help" || p.ends_with(" help") => {
            "axme help intents send\n  axme help agents listen"
        }
        _ => return None,
    })
}

/// The command tree as `--help` shows it: examples under every command and, with
/// `for_subcommand`, the global options hidden and summed up under each subcommand. Only the
/// display differs: hidden options parse as before.
pub fn decorate(mut root: Command, for_subcommand: bool) -> Command {
    if for_subcommand {
        for id in GLOBAL_IDS {
            root = root.mut_arg(id, |a| a.hide(true));
        }
    }
    let names: Vec<String> = root
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        root = root.mut_subcommand(&name, |sub| decorate_sub(sub, &name, for_subcommand));
    }
    root
}

fn decorate_sub(mut cmd: Command, path: &str, summary: bool) -> Command {
    let mut after = cmd
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    if !after.contains("Examples:")
        && let Some(ex) = examples(path)
    {
        if !after.is_empty() {
            after.push_str("\n\n");
        }
        after.push_str(&format!("Examples:\n  {ex}"));
    }
    if summary {
        if !after.is_empty() {
            after.push_str("\n\n");
        }
        after.push_str(GLOBAL_SUMMARY);
    }
    cmd = cmd.after_help(after.clone()).after_long_help(after);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |sub| decorate_sub(sub, &sub_path, summary));
    }
    cmd
}

/// True when `args` (without the program name) name a subcommand, so its help, not the
/// root's, may be shown: the first word that is neither an option nor a global option's value.
pub fn names_subcommand(args: &[String]) -> bool {
    const TAKES_VALUE: [&str; 7] = [
        "--context",
        "--context-name",
        "--base-url",
        "--api-key",
        "-o",
        "--output",
        "--color",
    ];
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if TAKES_VALUE.contains(&word.as_str()) {
            words.next();
        } else if !word.starts_with('-') {
            // `axme help` alone is the root's help.
            return word != "help" || args.len() > 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    /// Every command, group or leaf, ends its help with examples.
    #[test]
    fn every_command_has_examples() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            // clap's own `help` subcommands mirror the tree: their examples are `axme help …`.
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let p = format!("{path} {}", sub.get_name()).trim().to_string();
                let after = sub
                    .get_after_help()
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                if !after.contains("Examples:") {
                    missing.push(p.clone());
                }
                walk(sub, &p, missing);
            }
        }
        let mut missing = Vec::new();
        let mut root = super::decorate(super::super::command(), true);
        root.build();
        walk(&root, "", &mut missing);
        assert!(missing.is_empty(), "commands without examples: {missing:?}");
    }
}
