//! install.sh: POSIX sh, installs the binary and completions, idempotent. The test hands it the
//! already-built binary (AXME_BINARY) instead of letting it run `cargo install`.

use std::path::Path;
use std::process::Command;

fn install(home: &Path, shell: &str) -> crate::common::Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let mut cmd = Command::new("sh");
    cmd.arg(script)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", home)
        .env("SHELL", shell)
        .env("AXME_INSTALL_DIR", home.join("bin"))
        .env("AXME_BINARY", crate::common::BIN);
    crate::common::capture(&mut cmd)
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn installs_binary_and_completions_and_is_idempotent() {
    let home = tempfile::tempdir().unwrap();
    let first = install(home.path(), "/bin/bash");
    first.assert_code(0);
    let binary = home.path().join("bin/axme");
    #[cfg(unix)]
    assert_eq!(crate::common::mode(&binary), 0o755);
    let completion = home
        .path()
        .join(".local/share/bash-completion/completions/axme");
    assert!(completion.is_file(), "{}", first.stdout);
    assert!(
        first.stdout.contains("is not on your PATH"),
        "{}",
        first.stdout
    );
    let version = crate::common::capture(Command::new(&binary).arg("version"));
    version.assert_code(0);
    assert!(version.stdout.starts_with("axme "));

    let before = tree(home.path());
    let second = install(home.path(), "/bin/bash");
    second.assert_code(0);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(before, tree(home.path()), "a second run changes nothing");
}

#[test]
fn puts_completions_where_each_shell_looks() {
    for (shell, path) in [
        ("/usr/bin/zsh", ".local/share/zsh/site-functions/_axme"),
        ("/usr/bin/fish", ".config/fish/completions/axme.fish"),
    ] {
        let home = tempfile::tempdir().unwrap();
        install(home.path(), shell).assert_code(0);
        assert!(home.path().join(path).is_file(), "{shell}");
    }
    let home = tempfile::tempdir().unwrap();
    let run = install(home.path(), "/bin/tcsh");
    run.assert_code(0);
    assert!(
        run.stdout.contains("No completions installed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_missing_binary_is_a_one_line_error() {
    let home = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let run = crate::common::capture(
        Command::new("sh")
            .arg(script)
            .env("HOME", home.path())
            .env("AXME_BINARY", home.path().join("nope")),
    );
    run.assert_code(1);
    assert!(run.stderr.starts_with("axme install: "), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1);
}

#[test]
fn man_pages_and_next_steps_that_match_the_readme() {
    let home = tempfile::tempdir().unwrap();
    let run = install(home.path(), "/bin/bash");
    run.assert_code(0);
    let man = home.path().join(".local/share/man/man1");
    assert!(man.join("axme.1").is_file(), "{}", run.stdout);
    assert!(man.join("axme-intents-send.1").is_file());
    // Not on PATH: the next steps use the binary's full path.
    let full = home.path().join("bin/axme");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let quick_start = readme
        .split("## Quick start")
        .nth(1)
        .and_then(|s| s.split("```sh").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("a quick start block");
    let steps: Vec<&str> = quick_start
        .lines()
        .filter_map(|l| l.trim().strip_prefix("axme "))
        .collect();
    assert!(!steps.is_empty());
    let next = run.stdout.split("Next:").nth(1).expect("Next: lines");
    for step in steps {
        let command = step.split('#').next().unwrap().trim();
        assert!(
            next.contains(&format!("{} {command}", full.display())),
            "install.sh's Next: lacks the README's `axme {command}`:\n{next}"
        );
    }
    // The build shows cargo's progress: install.sh never silences cargo.
    let script =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh")).unwrap();
    let cargo_line = script
        .lines()
        .find(|l| l.contains("cargo install"))
        .unwrap();
    assert!(!cargo_line.contains("--quiet"), "{cargo_line}");
}
