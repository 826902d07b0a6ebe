//! Contexts and credentials, driven through the real binary with a private config dir.

use crate::common::Axme;

const KEY_A: &str = "axme_sa_aaaa_0123456789abcdefSECRETA";
const KEY_B: &str = "axme_sa_bbbb_0123456789abcdefSECRETB";

fn show(axme: &Axme, extra: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut args = vec!["context", "show", "-o", "json"];
    args.extend_from_slice(extra);
    let run = axme.run_with(&args, env);
    run.assert_code(0);
    run.json()
}

#[test]
fn base_url_and_api_key_follow_flag_then_env_then_context_then_default() {
    let axme = Axme::new();
    let fresh = show(&axme, &[], &[]);
    assert_eq!(fresh["base_url"], "http://127.0.0.1:8100");
    assert_eq!(fresh["sources"]["base_url"], "default");
    assert_eq!(fresh["has_api_key"], false);

    axme.run(&[
        "context",
        "set",
        "prod",
        "--base-url",
        "https://ctx.example/",
        "--api-key",
        KEY_A,
    ])
    .assert_code(0);
    let stored = show(&axme, &[], &[]);
    assert_eq!(stored["name"], "prod");
    assert_eq!(stored["base_url"], "https://ctx.example");
    assert_eq!(stored["sources"]["base_url"], "context");
    assert_eq!(stored["sources"]["api_key"], "context");

    // Unlike the public CLI, the environment beats a stored context.
    let env = [
        ("AXME_BASE_URL", "https://env.example"),
        ("AXME_API_KEY", KEY_B),
    ];
    let from_env = show(&axme, &["--show-key"], &env);
    assert_eq!(from_env["base_url"], "https://env.example");
    assert_eq!(from_env["api_key"], KEY_B);
    assert_eq!(from_env["sources"]["api_key"], "env");

    let flags = [
        "--show-key",
        "--base-url",
        "https://flag.example",
        "--api-key",
        "flag-key-0123456789",
    ];
    let from_flags = show(&axme, &flags, &env);
    assert_eq!(from_flags["base_url"], "https://flag.example");
    assert_eq!(from_flags["api_key"], "flag-key-0123456789");
    assert_eq!(from_flags["sources"]["base_url"], "flag");
    assert_eq!(from_flags["sources"]["api_key"], "flag");
}

#[test]
fn context_is_chosen_by_flag_alias_env_or_active() {
    let axme = Axme::new();
    axme.run(&["context", "set", "a", "--base-url", "http://a.example"])
        .assert_code(0);
    axme.run(&["context", "set", "b", "--base-url", "http://b.example"])
        .assert_code(0);
    assert_eq!(
        show(&axme, &[], &[])["name"],
        "a",
        "the first context becomes active"
    );
    assert_eq!(show(&axme, &[], &[("AXME_CONTEXT", "b")])["name"], "b");
    assert_eq!(
        show(&axme, &["--context", "a"], &[("AXME_CONTEXT", "b")])["name"],
        "a"
    );
    assert_eq!(
        show(&axme, &["--context-name", "b"], &[])["base_url"],
        "http://b.example"
    );
    assert_eq!(show(&axme, &["b"], &[])["name"], "b");

    axme.run(&["context", "use", "b"]).assert_code(0);
    assert_eq!(show(&axme, &[], &[])["name"], "b");

    let run = axme.run(&["context", "show", "--context", "nope"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("context not found: nope"),
        "{}",
        run.stderr
    );
    let run = axme.run(&["context", "use", "nope"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .starts_with("error: context not found: nope\nhint: "),
        "{}",
        run.stderr
    );
}

#[test]
fn key_is_masked_unless_show_key_is_given() {
    let axme = Axme::new();
    axme.run(&["context", "set", "c", "--api-key", KEY_A])
        .assert_code(0);
    let masked = show(&axme, &[], &[]);
    assert!(masked.get("api_key").is_none(), "{masked}");
    assert_eq!(masked["api_key_masked"], "axme_sa_…RETA");
    let text = axme.run(&["context", "show"]);
    text.assert_code(0);
    assert!(!text.stdout.contains(KEY_A), "{}", text.stdout);
    assert!(text.stdout.contains("axme_sa_…RETA"), "{}", text.stdout);
    let shown = show(&axme, &["--show-key"], &[]);
    assert_eq!(shown["api_key"], KEY_A);
}

#[test]
fn secrets_never_reach_config_json_and_secrets_json_is_private() {
    let axme = Axme::new();
    axme.run(&[
        "context",
        "set",
        "c",
        "--api-key",
        KEY_A,
        "--actor-token",
        "session-token-xyz",
    ])
    .assert_code(0);
    let config = std::fs::read_to_string(axme.file("config.json")).unwrap();
    assert!(
        !config.contains(KEY_A) && !config.contains("session-token"),
        "{config}"
    );
    let secrets = std::fs::read_to_string(axme.file("secrets.json")).unwrap();
    assert!(secrets.contains(KEY_A), "{secrets}");
    #[cfg(unix)]
    {
        assert_eq!(crate::common::mode(&axme.file("secrets.json")), 0o600);
        assert_eq!(crate::common::mode(&axme.file("config.json")), 0o600);
    }
    // The environment's key is used, never stored.
    axme.run_with(
        &["context", "set", "d", "--org-id", "o"],
        &[("AXME_API_KEY", KEY_B)],
    )
    .assert_code(0);
    let all: String = ["config.json", "secrets.json"]
        .iter()
        .map(|f| std::fs::read_to_string(axme.file(f)).unwrap())
        .collect();
    assert!(!all.contains(KEY_B), "{all}");
}

#[test]
fn rewrites_keep_other_contexts_and_leave_no_temp_files() {
    let axme = Axme::new();
    axme.run(&[
        "context",
        "set",
        "a",
        "--base-url",
        "http://a.example",
        "--api-key",
        KEY_A,
    ])
    .assert_code(0);
    axme.run(&[
        "context",
        "set",
        "b",
        "--base-url",
        "http://b.example",
        "--api-key",
        KEY_B,
    ])
    .assert_code(0);
    axme.run(&[
        "context",
        "set",
        "a",
        "--org-id",
        "org-1",
        "--workspace-id",
        "ws-1",
    ])
    .assert_code(0);
    axme.run(&["context", "set", "a", "--unset", "workspace-id"])
        .assert_code(0);

    let run = axme.run(&["context", "list", "--json"]);
    run.assert_code(0);
    let rows = run.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["name"], "a");
    assert_eq!(rows[0]["org_id"], "org-1");
    assert_eq!(rows[0]["workspace_id"], serde_json::Value::Null);
    assert_eq!(rows[0]["has_api_key"], true);
    assert_eq!(rows[1]["base_url"], "http://b.example");
    assert_eq!(rows[1]["has_api_key"], true);
    assert_eq!(show(&axme, &["b", "--show-key"], &[])["api_key"], KEY_B);

    let names: Vec<String> = std::fs::read_dir(axme.config_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| ["config.json", "secrets.json", ".lock"].contains(&n.as_str())),
        "{names:?}"
    );
}

#[test]
fn corrupt_files_are_named_in_the_error_and_left_untouched() {
    for file in ["config.json", "secrets.json"] {
        let axme = Axme::new();
        axme.run(&["context", "set", "a", "--api-key", KEY_A])
            .assert_code(0);
        let garbage = "{\"contexts\": {\"a\": tru";
        std::fs::write(axme.file(file), garbage).unwrap();
        for args in [
            &["context", "show"][..],
            &["context", "list"],
            &["context", "set", "b", "--api-key", KEY_B],
            &["context", "delete", "a"],
        ] {
            let run = axme.run(args);
            run.assert_code(1);
            assert!(
                run.stderr.starts_with("error: "),
                "{args:?}: {}",
                run.stderr
            );
            assert!(
                run.stderr.contains(&axme.file(file).display().to_string()),
                "{}",
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            assert_eq!(std::fs::read_to_string(axme.file(file)).unwrap(), garbage);
        }
    }
}

#[test]
fn deleting_the_active_context_leaves_none_active() {
    let axme = Axme::new();
    axme.run(&["context", "set", "a", "--api-key", KEY_A])
        .assert_code(0);
    axme.run(&["context", "set", "b", "--api-key", KEY_B])
        .assert_code(0);
    let run = axme.run(&["context", "delete", "a"]);
    run.assert_code(0);
    assert!(run.stderr.contains("none is active"), "{}", run.stderr);
    let secrets = std::fs::read_to_string(axme.file("secrets.json")).unwrap();
    assert!(
        !secrets.contains(KEY_A) && secrets.contains(KEY_B),
        "{secrets}"
    );
    let now = show(&axme, &[], &[]);
    assert_eq!(now["name"], "default");
    assert_eq!(now["has_api_key"], false);
    axme.run(&["context", "delete", "a"]).assert_code(2);
    let list = axme.run(&["context", "list", "-o", "json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn legacy_secrets_in_config_json_keep_working_and_move_out_on_save() {
    let axme = Axme::new();
    std::fs::create_dir_all(axme.config_dir()).unwrap();
    let legacy = format!(
        r#"{{"active_context":"old","contexts":{{"old":{{"base_url":"https://old.example","api_key":"{KEY_A}"}}}},"last_login_email":"me@example.com"}}"#
    );
    std::fs::write(axme.file("config.json"), legacy).unwrap();
    assert_eq!(show(&axme, &["--show-key"], &[])["api_key"], KEY_A);
    axme.run(&["context", "set", "new"]).assert_code(0);
    let config = std::fs::read_to_string(axme.file("config.json")).unwrap();
    assert!(!config.contains(KEY_A), "{config}");
    assert!(
        config.contains("last_login_email"),
        "unknown keys survive: {config}"
    );
    assert_eq!(show(&axme, &["old", "--show-key"], &[])["api_key"], KEY_A);
}

#[test]
fn bad_values_are_usage_errors() {
    let axme = Axme::new();
    for args in [
        &["context", "set", "bad name"][..],
        &["context", "set", "x", "--base-url", "not a url"],
        &["context", "show", "--base-url", "ftp://example.com"],
    ] {
        let run = axme.run(args);
        run.assert_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
    axme.run(&["context", "set", "a"]).assert_code(0);
    let run = axme.run_with(&["context", "show"], &[("AXME_SECRET_STORAGE", "vault")]);
    run.assert_code(2);
    assert!(run.stderr.contains("AXME_SECRET_STORAGE"), "{}", run.stderr);
}

/// Without a usable keyring (here: a D-Bus address that leads nowhere) secrets fall back to the
/// 0600 file, and every write that does says so; reading them is quiet. Insisting on the
/// keyring fails instead.
#[cfg(target_os = "linux")]
#[test]
fn unusable_keyring_falls_back_to_the_file_and_says_so_on_every_write() {
    let axme = Axme::new();
    let run_auto = |args: &[&str]| {
        let mut cmd = axme.command(args);
        cmd.env_remove("AXME_SECRET_STORAGE").env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/axme-test-bus",
        );
        crate::common::capture(&mut cmd)
    };
    for key in [KEY_B, KEY_A] {
        let run = run_auto(&["context", "set", "a", "--api-key", key]);
        run.assert_code(0);
        assert!(
            run.stderr.contains("warning: the OS keyring is not usable")
                && run.stderr.contains("secrets.json"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("DBus error"), "{}", run.stderr);
    }
    assert!(
        std::fs::read_to_string(axme.file("secrets.json"))
            .unwrap()
            .contains(KEY_A)
    );
    let read = run_auto(&["context", "show", "--show-key", "--json"]);
    read.assert_code(0);
    assert!(read.stderr.is_empty(), "{}", read.stderr);
    assert_eq!(read.json()["api_key"], KEY_A);

    let mut forced = axme.command(&["context", "set", "a", "--api-key", KEY_B]);
    forced.env("AXME_SECRET_STORAGE", "keyring").env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/axme-test-bus",
    );
    let forced = crate::common::capture(&mut forced);
    forced.assert_code(1);
    assert!(
        forced.stderr.contains("AXME_SECRET_STORAGE=file"),
        "{}",
        forced.stderr
    );
    assert!(
        std::fs::read_to_string(axme.file("secrets.json"))
            .unwrap()
            .contains(KEY_A)
    );
}

#[test]
fn concurrent_writers_do_not_lose_each_others_contexts() {
    let axme = Axme::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let name = format!("c{i}");
            let key = format!("key-{i}-0123456789abcdef");
            axme.command(&["context", "set", &name, "--api-key", &key])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let rows = axme.run(&["context", "list", "--json"]).json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 8, "{rows:?}");
    assert!(rows.iter().all(|r| r["has_api_key"] == true), "{rows:?}");
}
