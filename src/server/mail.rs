//! Mail through an SMTP relay (`axme server --smtp-url URL --smtp-from ADDR`): login codes,
//! and the e-mail of workflows' `notification` steps (`engine::mail_out`).
//!
//! URL forms: `smtp://host[:port]` (plain, port 25; for a local relay or a test sink),
//! `smtp+starttls://host[:port]` (STARTTLS required, port 587), `smtps://host[:port]`
//! (implicit TLS, port 465). Credentials come from the URL's userinfo
//! (`smtps://user:pass@host`) or, for the password, from `AXME_SMTP_PASSWORD` (the user then
//! defaults to the sender address). TLS is rustls with the webpki roots. Neither the password
//! nor a code is ever logged or shown: [`Mailer::endpoint`] is the URL without userinfo.

use std::fmt;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

/// Bound of one whole send (connect, greeting, TLS, the commands, the data): the login
/// request waits for it, so it must not hang on a dead relay.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a mail did not go out, sorted by what the client should do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailError {
    /// The recipient address cannot be put in a mail.
    BadRecipient,
    /// The relay refused for good (5xx), e.g. an unknown recipient or a refused sender.
    Refused(String),
    /// The relay could not be reached, answered 4xx, broke off, or took too long.
    Unavailable(String),
}

impl fmt::Display for MailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MailError::BadRecipient => f.write_str("the address cannot receive mail"),
            MailError::Refused(detail) => write!(f, "the mail server refused it ({detail})"),
            MailError::Unavailable(detail) => {
                write!(f, "the mail server is unavailable ({detail})")
            }
        }
    }
}

/// An SMTP relay and the sender address of login mails.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    endpoint: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the transport: it holds the credentials.
        f.debug_struct("Mailer")
            .field("endpoint", &self.endpoint)
            .field("from", &self.from.email.to_string())
            .finish()
    }
}

impl Mailer {
    /// Checks the URL and the sender and builds the transport (no connection is made yet).
    pub fn new(url: &str, from: &str, password: Option<String>) -> Result<Mailer, String> {
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|_| format!("--smtp-from {from:?} is not an email address"))?;
        // Never echo the URL itself: its userinfo may hold the password.
        let parsed = reqwest::Url::parse(url.trim())
            .map_err(|e| format!("--smtp-url is not a URL ({e})"))?;
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("--smtp-url has no host")?
            .trim_matches(|c| c == '[' || c == ']')
            .to_string();
        let scheme = parsed.scheme().to_string();
        let (default_port, tls) = match scheme.as_str() {
            "smtp" => (25, None),
            "smtp+starttls" => (587, Some(false)),
            "smtps" => (465, Some(true)),
            other => {
                return Err(format!(
                    "--smtp-url scheme {other:?} is not one of smtp://, smtp+starttls://, smtps://"
                ));
            }
        };
        let port = parsed.port().unwrap_or(default_port);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            .port(port)
            .timeout(Some(SEND_TIMEOUT));
        if let Some(implicit) = tls {
            let params = TlsParameters::new(host.clone())
                .map_err(|e| format!("cannot set up TLS for {host}: {e}"))?;
            builder = builder.tls(if implicit {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            });
        }
        let user = percent_decode(parsed.username())?;
        let password = match parsed.password() {
            Some(p) => Some(percent_decode(p)?),
            None => password.filter(|p| !p.is_empty()),
        };
        if let Some(password) = password {
            let user = if user.is_empty() {
                from.email.to_string()
            } else {
                user
            };
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            endpoint: format!("{scheme}://{}:{port}", parsed.host_str().unwrap_or(&host)),
        })
    }

    /// `scheme://host:port`, safe to print.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Mails `code` to `to`; it is valid `valid_minutes` from now, until `expires_at`.
    pub async fn send_login_code(
        &self,
        to: &str,
        code: &str,
        valid_minutes: i64,
        expires_at: &str,
    ) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|_| MailError::BadRecipient)?;
        // Lines under 76 characters: the mail goes out as plain 7-bit text.
        let body = format!(
            "Hello,\n\n\
             someone (hopefully you) asked to sign in to axme as {to_email}.\n\
             Your one-time code is:\n\n    {code}\n\n\
             Type it where `axme login` asks for it. It works once and\n\
             expires in {valid_minutes} minutes ({expires_at}).\n\n\
             If you did not ask for it, ignore this mail: without the code\n\
             nobody can sign in.\n",
            to_email = to.email,
        );
        self.send(to, "Your axme sign-in code", body).await
    }

    /// Mails a workflow's `notification` step (spec §12.4): its subject and text as given.
    pub async fn send_notification(
        &self,
        to: &str,
        subject: &str,
        text: &str,
    ) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|_| MailError::BadRecipient)?;
        // A header must be one line; the text goes out as it is.
        let subject: String = subject.replace(['\r', '\n'], " ");
        self.send(to, &subject, text.to_string()).await
    }

    /// One plain-text mail, within [`SEND_TIMEOUT`].
    async fn send(&self, to: Mailbox, subject: &str, body: String) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| MailError::BadRecipient)?;
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(classify(&e)),
            Err(_) => Err(MailError::Unavailable(format!(
                "no answer within {} s",
                SEND_TIMEOUT.as_secs()
            ))),
        }
    }
}

fn classify(e: &SmtpError) -> MailError {
    let detail = one_line(&e.to_string());
    if e.is_permanent() {
        MailError::Refused(detail)
    } else {
        MailError::Unavailable(detail)
    }
}

/// The first line of a relay's answer, kept short: it goes into an error body.
fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    line.chars().take(200).collect()
}

/// `%XX` escapes of a URL's userinfo, decoded.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("--smtp-url has a bad %-escape in its user or password")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "--smtp-url's user or password is not UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_and_default_ports() {
        let m = Mailer::new("smtp://127.0.0.1:2525", "axme@example.com", None).unwrap();
        assert_eq!(m.endpoint(), "smtp://127.0.0.1:2525");
        let m = Mailer::new("smtps://u:p%40ss@mail.example.com", "a@example.com", None).unwrap();
        assert_eq!(m.endpoint(), "smtps://mail.example.com:465");
        assert!(!format!("{m:?}").contains("p@ss"));
        let m = Mailer::new("smtp+starttls://mail.example.com", "a@example.com", None).unwrap();
        assert_eq!(m.endpoint(), "smtp+starttls://mail.example.com:587");
    }

    #[test]
    fn refuses_bad_settings_without_echoing_the_url() {
        let err = Mailer::new("http://u:secret@host", "a@example.com", None).unwrap_err();
        assert!(err.contains("scheme") && !err.contains("secret"), "{err}");
        assert!(Mailer::new("smtp://host", "not an address", None).is_err());
        assert!(Mailer::new("nonsense", "a@example.com", None).is_err());
        assert_eq!(percent_decode("a%20b").unwrap(), "a b");
        assert!(percent_decode("a%2").is_err());
    }
}
