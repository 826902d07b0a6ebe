//! What a person sees on a terminal (driven through script(1), which gives the command a pty):
//! the live `--wait` line, tables fitted to the width with short ids, colour that never shifts
//! a column; and what a pipe gets instead: full ids, nothing cut.

use std::process::Command;

use crate::common::*;

/// Runs `axme ARGS` on a terminal `columns` wide; returns everything it drew.
pub fn on_terminal(
    axme: &Axme,
    env: &[(&str, &str)],
    columns: u16,
    args: &[&str],
) -> (i32, String) {
    let line = std::iter::once(BIN.to_string())
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("AXME_CONFIG_DIR", axme.config_dir())
        .env("AXME_SECRET_STORAGE", "file")
        .env("COLUMNS", columns.to_string())
        .env_remove("NO_COLOR")
        .env_remove("AXME_API_KEY")
        .env_remove("AXME_BASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = capture(&mut cmd);
    (run.code, run.stdout.replace('\r', ""))
}

pub fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn wait_shows_the_live_status_on_a_terminal_only() {
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--delivery-attempt-interval",
            "1s",
            "--delivery-retry-interval",
            "2s",
        ],
        &[],
    );
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let (code, drawn) = on_terminal(
        &axme,
        &env,
        200,
        &["intents", "send", "--to", "nobody", "--wait"],
    );
    assert_eq!(code, 3, "{drawn}");
    let plain = strip(&drawn);
    assert!(plain.contains("waiting for "), "{plain}");
    assert!(plain.contains("SUBMITTED"), "{plain}");
    assert!(plain.contains("no agent has taken it yet"), "{plain}");
    // The gateway counts failed attempts on the intent (after 1 s, then every 2 s).
    assert!(
        plain.contains("delivery attempt 2 of 3") || plain.contains("delivery attempt 3 of 3"),
        "{plain}"
    );
    assert!(plain.contains("FAILED"), "{plain}");
    // Piped: no spinner at all.
    let piped = axme.run_with(&["intents", "send", "--to", "nobody", "--wait"], &env);
    piped.assert_code(3);
    assert!(!piped.stderr.contains("waiting for"), "{}", piped.stderr);
}

#[test]
fn tables_fit_the_terminal_and_pipes_get_everything() {
    let server = TestServer::start();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let long = "x".repeat(400);
    let payload = format!(r#"{{"note":"{long}"}}"#);
    let mut ids = Vec::new();
    for _ in 0..3 {
        let run = axme.run_with(
            &[
                "intents",
                "send",
                "--to",
                "echo-agent",
                "--payload",
                &payload,
            ],
            &env,
        );
        run.assert_code(0);
        ids.push(run.stdout.trim().to_string());
    }
    axme.run_with(&["intents", "resume", &ids[0], "--data", "{}"], &env)
        .assert_code(0);

    // Narrow terminal: every line fits, ids are short, addresses relative.
    let (code, drawn) = on_terminal(&axme, &env, 44, &["intents", "list"]);
    assert_eq!(code, 0, "{drawn}");
    let plain = strip(&drawn);
    for line in plain.lines() {
        assert!(line.chars().count() <= 44, "too wide: {line:?}\n{plain}");
    }
    assert!(!plain.contains(&ids[0]), "short ids on a terminal: {plain}");
    let short: String = plain
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .into();
    assert!(
        short.len() >= 8 && ids.iter().any(|id| id.starts_with(&short)),
        "{plain}"
    );
    assert!(
        plain.contains("echo-agent") && !plain.contains("agent://"),
        "{plain}"
    );
    // The short id names the intent.
    let got = axme.run_with(&["intents", "get", &short, "-o", "json"], &env);
    got.assert_code(0);
    assert!(
        got.json()["intent_id"]
            .as_str()
            .unwrap()
            .starts_with(&short)
    );
    // A prefix shared by several is refused with the candidates.
    let shared = &ids[0][..4];
    let r = axme.run_with(&["intents", "get", shared], &env);
    r.assert_code(2);
    assert!(r.stderr.contains("several"), "{}", r.stderr);

    // Colour: the header and the rows line up, and statuses are coloured.
    let (_, drawn) = on_terminal(&axme, &env, 200, &["intents", "list", "--color", "always"]);
    assert!(drawn.contains("\x1b[32mCOMPLETED"), "{drawn:?}");
    let lines: Vec<String> = strip(&drawn).lines().map(str::to_string).collect();
    let status_col = lines[0].find("STATUS").unwrap();
    for row in &lines[1..] {
        let at = row
            .find("COMPLETED")
            .or_else(|| row.find("SUBMITTED"))
            .unwrap();
        assert_eq!(at, status_col, "{lines:#?}");
    }

    // -o wide on a terminal: full ids and the wide columns.
    let (_, drawn) = on_terminal(&axme, &env, 60, &["intents", "list", "-o", "wide"]);
    let plain = strip(&drawn);
    assert!(plain.contains(&ids[0]) && plain.contains("FROM"), "{plain}");

    // Piped: full ids, and a long value is never cut.
    let piped = axme.run_with(&["intents", "list"], &env);
    assert!(piped.stdout.contains(&ids[1]), "{}", piped.stdout);
    let get = axme.run_with(&["intents", "get", &ids[1]], &env);
    assert!(get.stdout.contains(&long), "{}", get.stdout);
}
