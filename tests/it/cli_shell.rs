//! The shell around every command: usage errors, exit codes, output formats, colour, version,
//! and the commands whose capability lands later.

use std::io::Read;
use std::process::Stdio;

use crate::common::Axme;

#[test]
fn unknown_command_is_a_usage_error_with_a_suggestion() {
    let run = Axme::new().run(&["contxt", "list"]);
    run.assert_code(2);
    assert!(run.stderr.contains("'contxt'"), "{}", run.stderr);
    assert!(
        run.stderr.contains("context"),
        "suggests the closest: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_flags_and_values_are_usage_errors() {
    let axme = Axme::new();
    for args in [
        &["context", "list", "--nope"][..],
        &["-o", "yaml", "version"],
        &["--color", "sometimes", "version"],
        &["intents", "send"],
        &["intents", "send", "--to", "a", "--deadline", "soon"],
        &["completions"],
    ] {
        let run = axme.run(args);
        run.assert_code(2);
        assert!(run.stderr.starts_with("error:"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn help_and_version_succeed() {
    let axme = Axme::new();
    let help = axme.run(&["--help"]);
    help.assert_code(0);
    for group in [
        "login",
        "context",
        "intents",
        "scenarios",
        "agents",
        "tasks",
        "examples",
        "server",
        "bench",
        "completions",
        "version",
    ] {
        assert!(help.stdout.contains(group), "help lists {group}");
    }
    assert!(help.stdout.contains("--base-url") && help.stdout.contains("--quiet"));
    let sub_help = axme.run(&["intents", "send", "--help"]);
    sub_help.assert_code(0);
    for flag in [
        "--to",
        "--type",
        "--payload",
        "--idempotency-key",
        "--deadline",
        "--wait",
        "--watch",
        "--context",
    ] {
        assert!(
            sub_help.stdout.contains(flag),
            "intents send --help lists {flag}"
        );
    }
    let version = env!("CARGO_PKG_VERSION");
    let run = axme.run(&["version"]);
    run.assert_code(0);
    assert_eq!(run.stdout.trim(), format!("axme {version}"));
    assert_eq!(
        axme.run(&["--version"]).stdout.trim(),
        format!("axme {version}")
    );
    assert_eq!(axme.run(&["version", "--json"]).json()["version"], version);
    let line = axme.run(&["version", "-o", "jsonl"]);
    assert_eq!(line.stdout.lines().count(), 1);
    assert_eq!(line.json()["version"], version);
}

#[test]
fn version_reads_no_config() {
    let axme = Axme::new();
    std::fs::create_dir_all(axme.config_dir()).unwrap();
    std::fs::write(axme.file("config.json"), "not json").unwrap();
    axme.run_with(&["version"], &[("AXME_SECRET_STORAGE", "bogus")])
        .assert_code(0);
}

#[test]
fn json_and_jsonl_output_parse() {
    let axme = Axme::new();
    axme.run(&["context", "set", "a", "--api-key", "key-a-0123456789abcdef"])
        .assert_code(0);
    axme.run(&["context", "set", "b"]).assert_code(0);
    assert!(axme.run(&["context", "list", "--json"]).json().is_array());
    assert!(axme.run(&["context", "show", "--json"]).json().is_object());
    assert_eq!(
        axme.run(&["context", "use", "b", "--json"]).json()["active_context"],
        "b"
    );
    assert_eq!(
        axme.run(&["context", "set", "c", "-o", "json"]).json()["created"],
        true
    );
    let lines = axme.run(&["context", "list", "-o", "jsonl"]);
    lines.assert_code(0);
    let names: Vec<String> = lines
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(
        axme.run(&["context", "delete", "c", "--json"]).json()["deleted"],
        "c"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let axme = Axme::new();
    axme.run(&["context", "set", "a"]).assert_code(0);
    let piped = axme.run_with(&["context", "list"], &[("NO_COLOR", "")]);
    assert!(!piped.stdout.contains('\x1b'), "not a terminal: no colour");
    let forced = axme.run(&["context", "list", "--color", "always"]);
    assert!(
        forced.stdout.contains('\x1b'),
        "--color always beats NO_COLOR"
    );
    let never = axme.run(&["context", "list", "--color", "never"]);
    assert!(!never.stdout.contains('\x1b'));
}

#[test]
fn quiet_silences_notices_but_not_results() {
    let axme = Axme::new();
    axme.run(&["context", "set", "a"]).assert_code(0);
    let loud = axme.run(&["context", "delete", "a"]);
    assert!(!loud.stderr.is_empty());
    axme.run(&["context", "set", "a"]).assert_code(0);
    let quiet = axme.run(&["context", "delete", "a", "-q"]);
    quiet.assert_code(0);
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    assert!(quiet.stdout.contains("Deleted context a"));
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    let axme = Axme::new();
    let mut child = axme
        .command(&["completions", "powershell"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?} {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
