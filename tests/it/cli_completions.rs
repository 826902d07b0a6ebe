//! The committed completion scripts in completions/ match what the binary generates.
//! Refresh them with: AXME_UPDATE_COMPLETIONS=1 cargo test --test it cli_completions

use std::path::Path;

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
