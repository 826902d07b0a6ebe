//! Helpers shared by the integration tests (one binary: an unused helper is a warning).

/// Running the CLI with a private config dir.
pub mod cli;
/// The gateway in the test process, on a clock the test moves.
pub mod embedded;
/// A private gnome-keyring on its own D-Bus session (Linux).
#[cfg(target_os = "linux")]
pub mod keyring;
/// A fresh PostgreSQL database per test.
pub mod pg;
/// Venvs of the Python tools the tests drive.
pub mod python;
/// Starting the real gateway and talking HTTP to it.
pub mod server;
/// Reading raw Server-Sent Events responses.
pub mod sse;
/// Driving Chromium over WebDriver (the console's browser test).
pub mod webdriver;
/// Scenario and workflow steps (apply, deliver, resume, wait).
pub mod workflow;

pub use cli::*;
#[cfg(target_os = "linux")]
pub use keyring::Keyring;
pub use pg::PgDb;
pub use server::*;
