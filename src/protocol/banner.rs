//! The banner `axme server` prints on stdout once it listens: written by the server, read
//! by whoever started it (the CLI's `local` context, `axme bench`, the tests), all through
//! this one definition.
//!
//! ```text
//! axme server 0.1.0
//!   listening   http://127.0.0.1:8100
//!   console     http://127.0.0.1:8100/ui/
//!   database    /path/axme.db (sqlite, synchronous=NORMAL)
//!   workspace   agent://local/default
//!   login codes written to this log
//!   admin key   axme_sa_…   (shown once; store it now)
//! ```
//!
//! The admin key line is always last: a reader is done when it has seen it.

const LISTENING: &str = "listening";
const CONSOLE: &str = "console";
const DATABASE: &str = "database";
const WORKSPACE: &str = "workspace";
const LOGIN_CODES: &str = "login codes";
const ADMIN_KEY: &str = "admin key";
const KEY_SHOWN_ONCE: &str = "(shown once; store it now)";
const KEY_CREATED_BEFORE: &str = "(already created; see the first start's banner)";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Banner {
    pub version: String,
    /// `http://host:port` the server listens on.
    pub url: String,
    /// Where the data lives, e.g. `/path/axme.db (sqlite, synchronous=NORMAL)`.
    pub database: String,
    /// `agent://org/workspace` of the default workspace.
    pub workspace: String,
    /// Where login codes go: `written to this log` or `mailed via smtp://…`.
    pub login_codes: String,
    /// The admin key, on the first start of a database only.
    pub admin_key: Option<String>,
}

impl Banner {
    pub fn render(&self) -> String {
        let admin = match &self.admin_key {
            Some(key) => format!("{key}   {KEY_SHOWN_ONCE}"),
            None => KEY_CREATED_BEFORE.to_string(),
        };
        format!(
            "axme server {}\n  {LISTENING}   {}\n  {CONSOLE}     {}\n  {DATABASE}    {}\n  {WORKSPACE}   {}\n  {LOGIN_CODES} {}\n  {ADMIN_KEY}   {admin}\n",
            self.version,
            self.url,
            self.console_url(),
            self.database,
            self.workspace,
            self.login_codes
        )
    }

    /// Reads a whole banner; `None` until its `listening` and `admin key` lines are there.
    pub fn parse(text: &str) -> Option<Banner> {
        let mut reader = BannerReader::default();
        for line in text.lines() {
            if reader.line(line) {
                break;
            }
        }
        reader.banner()
    }

    /// The web console's address (served by the same gateway).
    pub fn console_url(&self) -> String {
        if cfg!(feature = "console") {
            format!("{}/ui/", self.url.trim_end_matches('/'))
        } else {
            "none (built without the console feature)".to_string()
        }
    }

    /// `NORMAL` or `FULL`, from the database line of a SQLite server.
    pub fn synchronous(&self) -> Option<&str> {
        let rest = self.database.split("synchronous=").nth(1)?;
        let end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }
}

/// Reads a banner line by line as a server prints it (for readers that wait with a
/// timeout).
#[derive(Debug, Default)]
pub struct BannerReader {
    banner: Banner,
    listening: bool,
    complete: bool,
}

impl BannerReader {
    /// Takes one line of stdout; true once the banner is complete (the admin key line).
    pub fn line(&mut self, line: &str) -> bool {
        let line = line.trim_end();
        if let Some(version) = line.strip_prefix("axme server ") {
            self.banner.version = version.trim().to_string();
        } else if let Some(value) = field(line, LISTENING) {
            self.banner.url = value.trim_end_matches('/').to_string();
            self.listening = true;
        } else if let Some(value) = field(line, DATABASE) {
            self.banner.database = value.to_string();
        } else if let Some(value) = field(line, WORKSPACE) {
            self.banner.workspace = value.to_string();
        } else if let Some(value) = field(line, LOGIN_CODES) {
            self.banner.login_codes = value.to_string();
        } else if let Some(value) = field(line, ADMIN_KEY) {
            self.banner.admin_key = value
                .split_whitespace()
                .next()
                .filter(|word| !word.starts_with('('))
                .map(str::to_string);
            self.complete = true;
        }
        self.complete
    }

    /// The URL, as soon as the `listening` line was read.
    pub fn url(&self) -> Option<&str> {
        self.listening.then_some(self.banner.url.as_str())
    }

    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// The banner once complete.
    pub fn banner(self) -> Option<Banner> {
        (self.listening && self.complete).then_some(self.banner)
    }
}

/// The value of `  label   value`.
fn field<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    line.trim_start().strip_prefix(label).map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_rendered_parses_back() {
        let first = Banner {
            version: "0.1.0".into(),
            url: "http://127.0.0.1:8100".into(),
            database: "/d/axme.db (sqlite, synchronous=FULL)".into(),
            workspace: "agent://local/default".into(),
            login_codes: "written to this log".into(),
            admin_key: Some("axme_sa_x_y".into()),
        };
        let text = first.render();
        assert!(text.starts_with(
            "axme server 0.1.0\n  listening   http://127.0.0.1:8100\n  console     http://127.0.0.1:8100/ui/\n"
        ));
        assert!(text.ends_with("  admin key   axme_sa_x_y   (shown once; store it now)\n"));
        assert_eq!(Banner::parse(&text), Some(first.clone()));
        assert_eq!(first.synchronous(), Some("FULL"));
        let later = Banner {
            admin_key: None,
            ..first
        };
        assert_eq!(Banner::parse(&later.render()), Some(later));
        assert_eq!(
            Banner::parse("axme server 0.1.0\n  listening   http://h:1\n"),
            None
        );
    }
}
