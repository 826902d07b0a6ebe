//! The `local` context `axme server` writes on the first start of a database, so that on a
//! fresh machine `axme server` in one terminal and `axme intents send …` in another just work.
//!
//! Hooked in as the banner's writer: it holds the banner back until it is flushed, reads the
//! URL and the just-created admin key from it, stores the context, then prints the banner. The server code
//! stays unaware of contexts.

use std::io::{self, Write};

use crate::config::{LOCAL_CONTEXT_NAME, write_local_context};
use crate::protocol::Banner;

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
        let Some(Banner {
            url,
            admin_key: Some(key),
            ..
        }) = Banner::parse(&self.text)
        else {
            return;
        };
        let url = url.replace("://0.0.0.0:", "://127.0.0.1:");
        match write_local_context(&url, &key) {
            Ok(Some(writes)) => {
                tracing::info!(
                    context = LOCAL_CONTEXT_NAME,
                    %url,
                    "stored a `local` context with this server's admin key for the axme CLI"
                );
                for why in writes.iter().filter_map(|w| w.fell_back.as_deref()) {
                    tracing::warn!(
                        reason = why,
                        "the OS keyring is not usable; the `local` context's key went to \
                         secrets.json (mode 0600) instead (AXME_SECRET_STORAGE=file chooses it)"
                    );
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "could not store the `local` CLI context"),
        }
    }
}

impl<W: Write> Write for LocalContextBanner<W> {
    /// The banner is held back until it is flushed, so the context exists before anyone
    /// who waits for the banner can run a command.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.enabled && !self.done {
            self.text.push_str(&String::from_utf8_lossy(buf));
            return Ok(buf.len());
        }
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.enabled && !self.done {
            self.done = true;
            self.after_banner();
            let text = std::mem::take(&mut self.text);
            self.inner.write_all(text.as_bytes())?;
        }
        self.inner.flush()
    }
}
