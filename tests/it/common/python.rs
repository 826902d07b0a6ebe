//! Python tools the tests drive (the official SDK, schemathesis), each in a venv of its own
//! under `target/`: made once, reused while it holds the pinned packages, made again when
//! its interpreter no longer runs (a venv left by another python3).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// One test at a time checks, creates or installs into a venv (two tests may share one).
static VENV_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Exit status, stdout and stderr, for a failure message.
pub fn show(output: &Output) -> String {
    format!(
        "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The venv's interpreter.
pub fn python(venv: &Path) -> PathBuf {
    venv.join("bin").join("python")
}

fn runs(python: &Path) -> bool {
    Command::new(python)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether every `name==version` of `pins` is installed in the venv at that version.
fn holds(python: &Path, pins: &[&str]) -> bool {
    let checks: Vec<String> = pins
        .iter()
        .map(|pin| {
            let (name, version) = pin.split_once("==").expect("a pin is name==version");
            format!("m.version({name:?}) == {version:?}")
        })
        .collect();
    Command::new(python)
        .arg("-c")
        .arg(format!(
            "import importlib.metadata as m; assert {}",
            checks.join(" and ")
        ))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `target/<name>`, a venv holding `pins` (`name==version` each), for `what` (said when the
/// test skips or fails). None where python3 is missing and `CI` is unset: the test then
/// skips; in CI a missing python3 or a failed `pip install` fails it.
pub fn venv(name: &str, pins: &[&str], what: &str) -> Option<PathBuf> {
    let _one = VENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    if !runs(Path::new("python3")) {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is required in CI for {what}"
        );
        eprintln!("SKIPPED: python3 is not installed (and CI is unset), needed for {what}");
        return None;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(name);
    let python = python(&venv);
    if runs(&python) && holds(&python, pins) {
        return Some(venv);
    }
    if !runs(&python) {
        // None yet, or one left by another python3: start over.
        let _ = std::fs::remove_dir_all(&venv);
        let out = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .output()
            .expect("run python3 -m venv");
        assert!(
            out.status.success(),
            "creating the venv for {what} failed\n{}",
            show(&out)
        );
    }
    let out = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet"])
        .args(pins)
        .output()
        .expect("run pip");
    assert!(
        out.status.success(),
        "pip install {} failed ({what} needs PyPI)\n{}",
        pins.join(" "),
        show(&out)
    );
    assert!(
        holds(&python, pins),
        "{} not usable after pip install",
        pins.join(" ")
    );
    Some(venv)
}

/// Runs `tests/it/python/<script>` (`what`, for messages) on the venv's interpreter with
/// `envs`, local traffic bypassing any proxy set for PyPI, for at most `limit`; asserts it
/// exited 0 having printed `passed` (its last line says so) and prints its output.
pub async fn run_script(
    venv: &Path,
    script: &str,
    envs: &[(&str, &str)],
    passed: &str,
    what: &str,
    limit: Duration,
) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/python")
        .join(script);
    let mut cmd = tokio::process::Command::new(python(venv));
    cmd.arg(&path)
        .envs(envs.iter().copied())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONUNBUFFERED", "1")
        .kill_on_drop(true);
    let output = tokio::time::timeout(limit, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{what} ran longer than {limit:?}"))
        .unwrap_or_else(|e| panic!("run {what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains(passed),
        "{what} failed\n{}",
        show(&output)
    );
    println!("{stdout}");
}
