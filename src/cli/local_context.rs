//! The `local` context `axme server` writes on the first start of a database, so that on a
//! fresh machine `axme server` in one terminal and `axme intents send …` in another just work.
//!
//! Hooked in as the banner's writer: it passes the banner through unchanged and, once the
//! banner is flushed, reads the URL and the just-created admin key from it. The server code
//! stays unaware of contexts.

use std::io::{self, Write};

use crate::config::{LOCAL_CONTEXT_NAME, write_local_context};

pub struct LocalContextBanner<W: Write> {
    inner: W,
    text: String,
    enabled: bool,
    done: bool,
}

impl<W: Write> LocalContextBanner<W> {
    /// `enabled` is false for throwaway servers (ephemeral database or a random port): a
    /// context pointing at them would be stale as soon as they stop.
    pub fn new(inner: W, enabled: bool) -> Self {
        LocalContextBanner {
            inner,
            text: String::new(),
            enabled,
            done: false,
        }
    }

    fn after_banner(&mut self) {
        let find = |label: &str, prefix: &str| {
            self.text
                .lines()
                .find(|l| l.trim_start().starts_with(label))
                .and_then(|l| l.split_whitespace().find(|w| w.starts_with(prefix)))
                .map(str::to_string)
        };
        let (Some(url), Some(key)) = (find("listening", "http"), find("admin key", "axme_sa_"))
        else {
            return;
        };
        self.done = true;
        let url = url.replace("://0.0.0.0:", "://127.0.0.1:");
        match write_local_context(&url, &key) {
            Ok(true) => tracing::info!(
                context = LOCAL_CONTEXT_NAME,
                %url,
                "stored a `local` context with this server's admin key for the axme CLI"
            ),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not store the `local` CLI context"),
        }
    }
}

impl<W: Write> Write for LocalContextBanner<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if self.enabled && !self.done {
            self.text.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()?;
        if self.enabled && !self.done {
            self.after_banner();
        }
        Ok(())
    }
}
