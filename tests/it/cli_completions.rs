//! The committed completion scripts in completions/ match what the binary generates.
//! Refresh them with: AXME_UPDATE_COMPLETIONS=1 cargo test --test it cli_completions

use std::path::Path;

use serde_json::json;

use crate::common::{Axme, BIN, TestServer, capture};

const SCRIPTS: [(&str, &str); 4] = [
    ("bash", "axme.bash"),
    ("zsh", "_axme"),
    ("fish", "axme.fish"),
    ("powershell", "_axme.ps1"),
];

#[test]
fn committed_completions_are_up_to_date() {
    let axme = crate::common::Axme::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("AXME_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let run = axme.run(&["completions", shell]);
        run.assert_code(0);
        assert!(run.stdout.contains("axme"), "{shell} script looks empty");
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &run.stdout).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(run.stdout.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{{{}}} are stale; refresh with:\n  AXME_UPDATE_COMPLETIONS=1 cargo test --test it cli_completions",
        stale.join(",")
    );
}

#[test]
fn elvish_is_supported_and_unknown_shells_are_usage_errors() {
    let axme = crate::common::Axme::new();
    axme.run(&["completions", "elvish"]).assert_code(0);
    let run = axme.run(&["completions", "tcsh"]);
    run.assert_code(2);
    assert!(run.stderr.contains("bash"), "{}", run.stderr);
}

/// Asks the binary for the candidates of the last word, as `shell`'s registration script
/// does on <TAB>: `COMPLETE=<shell> axme -- axme <words…>` (bash and zsh also pass the
/// index of the word). Returns the candidate values.
fn complete(axme: &Axme, shell: &str, words: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let index = words.len().to_string();
    let mut args = vec!["--", "axme"];
    args.extend_from_slice(words);
    let mut env = env.to_vec();
    env.push(("COMPLETE", shell));
    env.push(("_CLAP_COMPLETE_INDEX", &index));
    let run = axme.run_with(&args, &env);
    run.assert_code(0);
    assert!(
        run.stderr.is_empty(),
        "a completion printed on stderr: {}",
        run.stderr
    );
    run.stdout
        .lines()
        .filter(|l| !l.is_empty())
        // fish: value<TAB>help; zsh: value:help.
        .map(|l| match shell {
            "fish" => l.split('\t').next().unwrap_or_default().to_string(),
            "zsh" => zsh_value(l),
            _ => l.to_string(),
        })
        .collect()
}

#[test]
fn context_and_example_names_complete_in_every_shell() {
    let axme = Axme::new();
    for name in ["alpha", "beta"] {
        axme.run(&["context", "set", name, "--base-url", "http://127.0.0.1:9"])
            .assert_code(0);
    }
    for shell in ["bash", "zsh", "fish"] {
        let names = complete(&axme, shell, &["context", "use", ""], &[]);
        assert!(
            names.contains(&"alpha".to_string()) && names.contains(&"beta".to_string()),
            "{shell}: {names:?}"
        );
        assert_eq!(
            complete(&axme, shell, &["context", "delete", "b"], &[]),
            ["beta"],
            "{shell}"
        );
        assert_eq!(
            complete(&axme, shell, &["--context", "al"], &[]),
            ["alpha"],
            "{shell}"
        );
        assert_eq!(
            complete(&axme, shell, &["examples", "run", "d"], &[]),
            ["durable-api"],
            "{shell}"
        );
    }
}

#[tokio::test]
async fn intent_ids_and_agent_addresses_complete_from_the_gateway() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "completer").await;
    let id = server
        .create_intent(&admin, &agent.address, json!({}))
        .await;
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    for shell in ["bash", "zsh", "fish"] {
        let ids = complete(&axme, shell, &["intents", "get", ""], &env);
        assert!(ids.contains(&id), "{shell}: {ids:?}");
        assert_eq!(
            complete(&axme, shell, &["intents", "watch", &id[..10]], &env),
            std::slice::from_ref(&id)
        );
        let agents = complete(&axme, shell, &["agents", "show", ""], &env);
        assert!(agents.contains(&agent.address), "{shell}: {agents:?}");
        let to = complete(&axme, shell, &["intents", "send", "--to", "agent://"], &env);
        assert!(to.contains(&agent.address), "{shell}: {to:?}");
    }
    // The gateway named on the command line wins over the environment's.
    let elsewhere = [
        ("AXME_BASE_URL", "http://127.0.0.1:9"),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let words = ["--base-url", server.url.as_str(), "intents", "get", ""];
    assert!(complete(&axme, "fish", &words, &elsewhere).contains(&id));
}

#[test]
fn a_gateway_that_does_not_answer_completes_nothing_quickly() {
    let axme = Axme::new();
    // A port nobody listens on, and one that accepts but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}", silent.local_addr().unwrap());
    for url in ["http://127.0.0.1:9", silent_url.as_str()] {
        let env = [("AXME_BASE_URL", url), ("AXME_API_KEY", "axme_sa_nothing")];
        let started = std::time::Instant::now();
        // Only the flags clap offers for an empty word; no value.
        let flags_only = |found: Vec<String>| found.iter().all(|c| c.starts_with('-'));
        assert!(flags_only(complete(
            &axme,
            "bash",
            &["intents", "get", ""],
            &env
        )));
        assert!(flags_only(complete(
            &axme,
            "fish",
            &["agents", "listen", ""],
            &env
        )));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{url}"
        );
    }
}

/// The bash script as bash runs it: sourced, then called the way `complete -F` calls it.
#[test]
fn the_bash_script_completes_values_in_bash() {
    let axme = Axme::new();
    axme.run(&[
        "context",
        "set",
        "alpha",
        "--base-url",
        "http://127.0.0.1:9",
    ])
    .assert_code(0);
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = r#"
        source <(axme completions bash)
        COMP_WORDS=(axme context use al); COMP_CWORD=3; COMP_TYPE=9
        _clap_complete_axme axme al use
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["-c", script])
        .env("PATH", path)
        .env("AXME_CONFIG_DIR", axme.config_dir())
        .env("AXME_SECRET_STORAGE", "file")
        .env_remove("COMPLETE");
    let run = capture(&mut cmd);
    run.assert_code(0);
    assert_eq!(run.stdout.trim(), "alpha", "{}", run.stderr);
}

/// The value of a zsh candidate line `value:help`, `:` in the value escaped as `\:`.
fn zsh_value(line: &str) -> String {
    let mut value = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.extend(chars.next()),
            ':' => break,
            c => value.push(c),
        }
    }
    value
}
