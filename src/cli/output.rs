//! How commands talk to the user: results on stdout (text, JSON or JSON Lines), notices and
//! progress on stderr, colour only where it helps.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use serde::Serialize;

use super::error::{CliError, CliResult};
use super::table::Col;
use crate::config::env;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text and tables (fitted to the terminal).
    Text,
    /// Text with every table column and full ids, never shortened.
    Wide,
    /// One JSON document (pretty-printed).
    Json,
    /// One compact JSON object per line (for streams and `jq -c`).
    Jsonl,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

/// Text styles we use; kept to a handful so output stays calm.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    Dim,
    Green,
    Yellow,
    Red,
    Blue,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Dim => "2",
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Blue => "34",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Output {
    pub format: OutputFormat,
    pub color: bool,
    pub quiet: bool,
    /// Spinners are drawn only on a terminal stderr, and not with `--quiet`.
    progress: bool,
    /// stdout is a terminal: tables fit its width and ids are shortened.
    pub tty: bool,
}

impl Output {
    pub fn new(format: OutputFormat, color: ColorChoice, quiet: bool, verbose: u8) -> Self {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && env::get(env::NO_COLOR).is_none()
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        Output {
            format,
            color,
            quiet,
            // Verbose logs go to stderr too; a spinner would garble them.
            progress: std::io::stderr().is_terminal() && !quiet && verbose == 0,
            tty: std::io::stdout().is_terminal(),
        }
    }

    /// True for `json`/`jsonl`: commands print data, not prose.
    pub fn is_machine(&self) -> bool {
        !self.is_text()
    }

    /// Text or wide text.
    pub fn is_text(&self) -> bool {
        matches!(self.format, OutputFormat::Text | OutputFormat::Wide)
    }

    /// Shorten ids and fit tables: text on a terminal, not `-o wide`.
    pub fn fits(&self) -> bool {
        self.tty && self.format == OutputFormat::Text
    }

    /// `ids` as shown in a table: the shortest unique prefixes when fitting a terminal.
    pub fn short_ids(&self, ids: &[&str]) -> Vec<String> {
        if !self.fits() {
            return ids.iter().map(|i| i.to_string()).collect();
        }
        let n = super::table::short_len(ids);
        ids.iter()
            .map(|i| i.get(..n).unwrap_or(i).to_string())
            .collect()
    }

    /// A line of human output on stdout.
    pub fn line(&self, text: impl AsRef<str>) -> CliResult {
        write_stdout(format!("{}\n", text.as_ref()).as_bytes())
    }

    /// One value: pretty JSON for `json`, one compact line for `jsonl`.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> CliResult {
        let text = match self.format {
            OutputFormat::Jsonl => serde_json::to_string(value),
            _ => serde_json::to_string_pretty(value),
        }
        .map_err(|e| CliError::failure(format!("cannot encode output as JSON: {e}")))?;
        self.line(text)
    }

    /// A list: a JSON array for `json`, one object per line for `jsonl`.
    pub fn json_list<T: Serialize>(&self, items: &[T]) -> CliResult {
        if self.format == OutputFormat::Jsonl {
            items.iter().try_for_each(|item| self.json(item))
        } else {
            self.json(items)
        }
    }

    /// A table on stdout; headers in bold when colour is on; the last column is shortened
    /// first on a narrow terminal.
    pub fn table(&self, headers: &[&'static str], rows: Vec<Vec<String>>) -> CliResult {
        let last = headers.len().saturating_sub(1);
        let cols: Vec<Col> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if i == last {
                    Col::new(h).shrink()
                } else {
                    Col::new(h)
                }
            })
            .collect();
        self.table_cols(&cols, rows)
    }

    /// A table with column rules (see table.rs).
    pub fn table_cols(&self, cols: &[Col], rows: Vec<Vec<String>>) -> CliResult {
        let limit = self.fits().then(super::table::terminal_width);
        let wide = self.format == OutputFormat::Wide;
        let lines = super::table::render(cols, &rows, wide, limit, self.color);
        self.line(lines.join("\n"))
    }

    /// A notice on stderr (suppressed by `--quiet`).
    pub fn notice(&self, text: impl AsRef<str>) {
        if !self.quiet {
            eprintln_safe(text.as_ref());
        }
    }

    /// A warning on stderr (shown even with `--quiet`: it may change what the user does).
    pub fn warn(&self, text: impl AsRef<str>) {
        eprintln_safe(&format!(
            "{} {}",
            self.paint_stderr("warning:", Style::Yellow),
            text.as_ref()
        ));
    }

    /// A status with its mark, coloured the same way everywhere (tables, --wait, watch).
    pub fn status(&self, status: crate::protocol::Status) -> String {
        let label = super::timeline::status_label(status);
        match status_style(status) {
            Some(style) => self.paint(&label, style),
            None => label,
        }
    }

    /// Wrap `text` in an ANSI style when colour is on (for stdout text).
    pub fn paint(&self, text: &str, style: Style) -> String {
        paint(text, style, self.color)
    }

    fn paint_stderr(&self, text: &str, style: Style) -> String {
        paint(text, style, self.color && std::io::stderr().is_terminal())
    }

    /// A spinner on stderr while something slow runs; a no-op when stderr is not a terminal
    /// or `--quiet` is set. It disappears when dropped.
    pub fn spinner(&self, message: impl Into<String>) -> Spinner {
        if !self.progress {
            return Spinner(None);
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(indicatif::ProgressStyle::default_spinner());
        bar.set_message(message.into());
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner(Some(bar))
    }
}

/// See [`Output::spinner`].
pub struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    /// Drawn at all (stderr is a terminal, not --quiet).
    pub fn is_shown(&self) -> bool {
        self.0.is_some()
    }

    pub fn set_message(&self, message: impl Into<String>) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.into());
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The colour of a status: green done, red failed or stopped, yellow waiting, blue moving.
pub fn status_style(status: crate::protocol::Status) -> Option<Style> {
    use crate::protocol::Status;
    match status {
        Status::Completed => Some(Style::Green),
        Status::Failed | Status::TimedOut | Status::Canceled => Some(Style::Red),
        Status::Waiting => Some(Style::Yellow),
        Status::Delivered | Status::Acknowledged | Status::InProgress => Some(Style::Blue),
        Status::Created | Status::Submitted => None,
    }
}

pub fn paint(text: &str, style: Style, enabled: bool) -> String {
    if enabled {
        format!("\x1b[{}m{text}\x1b[0m", style.code())
    } else {
        text.to_string()
    }
}

/// Write to stdout. A closed pipe (`axme … | head`) ends the command quietly with success:
/// Rust ignores SIGPIPE, so without this every such pipe would print an error.
pub fn write_stdout(bytes: &[u8]) -> CliResult {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::broken_pipe()),
        Err(e) => Err(CliError::failure(format!("cannot write to stdout: {e}"))),
    }
}

/// `eprintln!` panics when stderr is closed; a lost notice is not worth a crash.
pub fn eprintln_safe(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Show the first and last characters of a secret, enough to tell two keys apart.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 16 {
        return "****".to_string();
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_a_short_prefix_and_suffix() {
        assert_eq!(mask_secret("short"), "****");
        assert_eq!(mask_secret("axme_sa_abc_0123456789secret"), "axme_sa_…cret");
    }

    #[test]
    fn paint_is_identity_without_colour() {
        assert_eq!(paint("x", Style::Red, false), "x");
        assert_eq!(paint("x", Style::Red, true), "\x1b[31mx\x1b[0m");
    }
}
