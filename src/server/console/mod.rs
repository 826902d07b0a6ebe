//! The web console (issue 14): pages served by the gateway itself, from hand-written
//! HTML/CSS/JS compiled into the binary (`assets/`, `include_str!` in `pages.rs`), so nothing is fetched
//! from anywhere else and nothing is read or built at start-up.
//!
//! - `/` redirects to `/ui/`; `/ui/` is the console for a signed-in visitor and redirects
//!   to `/ui/sign-in` for anyone else. The sign-in page, its script and the style sheet
//!   are the only things an anonymous visitor gets.
//! - A session (`session.rs`) is an HttpOnly, SameSite=Strict cookie scoped to `/ui`,
//!   stored hashed in the store, acting as one API key. The console reads and writes
//!   through `/ui/api/v1/…`, which forwards to the `/v1` API as that key, so it sees
//!   exactly what the key may see; every state-changing request carries the session's CSRF
//!   token (`x-csrf-token`).
//! - Pages are client-side routes after `#` (`/ui/#/intents/ID`), so one document serves
//!   them all.
//!
//! All of it but [`url`] is built with the cargo feature `console` (on by default); without
//! it the gateway serves no `/ui/` (README: "What the console costs").

#[cfg(feature = "console")]
mod pages;
#[cfg(feature = "console")]
mod session;

#[cfg(feature = "console")]
pub use pages::pages;
#[cfg(feature = "console")]
pub use session::{API_PROXY_ROUTE, api_proxy};

/// Where a console page lives, for the banner and `axme open`.
pub fn url(base: &str, intent_id: Option<&str>) -> String {
    let base = base.trim_end_matches('/');
    match intent_id {
        Some(id) => format!("{base}/ui/#/intents/{id}"),
        None => format!("{base}/ui/"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn console_urls() {
        assert_eq!(super::url("http://h:1/", None), "http://h:1/ui/");
        assert_eq!(
            super::url("http://h:1", Some("abc")),
            "http://h:1/ui/#/intents/abc"
        );
    }
}
