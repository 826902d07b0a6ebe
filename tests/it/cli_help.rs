//! Help and manual pages: `axme help …`, global options summed up under subcommands, examples,
//! no empty `[env: X=]`, and the committed man/ pages match the binary and render with man(1).
//! Refresh them with: AXME_UPDATE_MAN=1 cargo test --test it cli_help

use std::path::Path;
use std::process::Command;

use crate::common::{Axme, capture};

#[test]
fn help_command_and_flag_agree_and_sum_up_global_options() {
    let axme = Axme::new();
    let by_word = axme.run(&["help", "intents", "send"]);
    by_word.assert_code(0);
    let by_flag = axme.run(&["intents", "send", "--help"]);
    assert_eq!(by_word.stdout, by_flag.stdout);
    let help = by_word.stdout;
    assert!(help.contains("Examples:\n  axme intents send"), "{help}");
    assert!(help.contains("Global options:\n  --context NAME"), "{help}");
    // The global options are not repeated one by one under a subcommand…
    assert!(!help.contains("When to use colour"), "{help}");
    // …but `axme --help` describes them, and they still parse anywhere.
    let root = axme.run(&["--help"]);
    assert!(
        root.stdout.contains("When to use colour"),
        "{}",
        root.stdout
    );
    assert_eq!(axme.run(&["help"]).stdout, root.stdout);
    axme.run(&["version", "--color", "never", "-q"])
        .assert_code(0);
    // Parsed after the subcommand, then the gateway is not there: a run-time failure.
    axme.run(&[
        "intents",
        "list",
        "-o",
        "json",
        "--base-url",
        "http://127.0.0.1:9",
        "--api-key",
        "k",
    ])
    .assert_code(1);
    // No help shows an environment variable with an empty value.
    for args in [&["help", "server"][..], &["help", "intents", "send"]] {
        let text = axme.run_with(
            args,
            &[("AXME_SMTP_FROM", ""), ("AXME_IDEMPOTENCY_KEY", "")],
        );
        assert!(!text.stdout.contains("=]"), "{}", text.stdout);
    }
}

#[test]
fn every_command_shows_examples() {
    let axme = Axme::new();
    for args in [
        &["help", "login"][..],
        &["help", "agents", "listen"],
        &["help", "tasks", "submit"],
        &["help", "context"],
        &["help", "completions"],
        &["help", "man"],
    ] {
        let run = axme.run(args);
        run.assert_code(0);
        assert!(run.stdout.contains("Examples:"), "{args:?}: {}", run.stdout);
    }
}

#[test]
fn committed_man_pages_are_up_to_date_and_render() {
    let axme = Axme::new();
    let dir = tempfile::tempdir().unwrap();
    axme.run(&["man", "--out-dir", dir.path().to_str().unwrap()])
        .assert_code(0);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let update = std::env::var_os("AXME_UPDATE_MAN").is_some();
    if update {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
    }
    let mut stale = Vec::new();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let fresh = std::fs::read(&path).unwrap();
        if update {
            std::fs::write(committed.join(&name), &fresh).unwrap();
        } else if std::fs::read(committed.join(&name)).ok() != Some(fresh) {
            stale.push(name.clone());
        }
        names.push(name);
    }
    let extra: Vec<String> = std::fs::read_dir(&committed)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| !names.contains(n))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "man/ is stale ({stale:?}, not generated: {extra:?}); refresh with:\n  AXME_UPDATE_MAN=1 cargo test --test it cli_help"
    );
    assert!(names.contains(&"axme-intents-send.1".to_string()));

    // man(1) renders a page (man-db, see .ci/setup/20-man.sh).
    let page = committed.join("axme-intents-send.1");
    let run = capture(
        Command::new("man")
            .arg("-l")
            .arg(&page)
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "100"),
    );
    run.assert_code(0);
    let text = run.stdout.replace("\u{8}", "");
    assert!(text.contains("--idempotency-key"), "{text}");
    assert!(text.contains("Examples:"), "{text}");
    // One page to stdout, by command.
    let one = axme.run(&["man", "intents", "send"]);
    one.assert_code(0);
    assert_eq!(one.stdout.as_bytes(), std::fs::read(&page).unwrap());
    axme.run(&["man", "no", "such"]).assert_code(2);
}
