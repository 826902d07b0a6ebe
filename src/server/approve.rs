//! The page where a person approves a CLI's browser sign-in (`axme login --browser`), served
//! by the gateway itself at the grant's `approval_url` (`/login/cli?grant=ID`). Plain HTML
//! forms, no script, part of every build (not the console feature).
//!
//! Who approves proves it the way `axme login` does: an email one-time code (mailed, or in
//! the log of a gateway without a relay, which only its operator reads). So the CLI gets a
//! session of that very account, as after `axme login --email`. An API key is not taken
//! here: whoever holds one can give it to `axme login --api-key` directly.
//!
//! 1. `GET /login/cli?grant=ID`: the grant's user code (to compare with the terminal's)
//!    and an email form; sets the CSRF cookie.
//! 2. `POST /login/cli/email`: sends the code; answers the code form.
//! 3. `POST /login/cli/approve`: checks the code (single use, tries counted as at
//!    `verify`), then moves the grant `pending` → `approved`, once; the CLI's next poll
//!    collects the session.
//!
//! CSRF: a random token in a cookie (`HttpOnly; SameSite=Strict; Path=/login/cli`, `Secure`
//! under TLS) that every form repeats; a post without the matching pair, or whose `Origin`
//! is another site, is refused. The URL carries the grant id only; pages are `no-store`,
//! `no-referrer` and never framed.

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::server::engine::directory::hash_secret;
use crate::server::http::AppState;
use crate::server::http::auth::send_login_code;
use crate::server::http::cli_grants::{APPROVAL_PATH, APPROVED, PENDING};
use crate::server::http::sign_in::user_of_code;
use crate::server::store::auth::{CliGrantRow, GrantStep};

const EMAIL_PATH: &str = "/login/cli/email";
const APPROVE_PATH: &str = "/login/cli/approve";
const CSRF_COOKIE: &str = "axme_cli_csrf";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(APPROVAL_PATH, get(show))
        .route(EMAIL_PATH, post(send_code))
        .route(APPROVE_PATH, post(approve))
}

/// The fields of the page's forms (each form sends the ones it has).
#[derive(Debug, Default, Deserialize)]
struct GrantForm {
    #[serde(default)]
    grant: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    login_id: String,
    #[serde(default)]
    code: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;\
padding:0 1rem;color:#1d232b}h1{font-size:1.4rem}.code{font:600 2rem/1.2 ui-monospace,\
monospace;letter-spacing:.15em;padding:.6rem 1rem;border:1px solid #c9d1da;border-radius:6px;\
display:inline-block}.note{color:#5b6672}.error{color:#a4161a}input{font-size:1rem;\
padding:.4rem;width:100%;box-sizing:border-box}button{font-size:1rem;padding:.5rem 1.2rem;\
margin-top:.8rem}";

/// An HTML page with the headers every one of these pages carries.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · axme</title><style>{STYLE}</style></head><body><h1>{title}</h1>\
         {body}</body></html>",
        title = escape(title)
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn closed(state: &str) -> Response {
    let why = if state == PENDING {
        "It expired before anyone approved it."
    } else {
        "It was already approved."
    };
    page(
        StatusCode::GONE,
        "This sign-in request is closed",
        &format!(
            "<p>{why}</p><p class=\"note\">Run <code>axme login --browser</code> again for a \
             new one.</p>"
        ),
    )
}

fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "No such sign-in request",
        "<p>Open the link your terminal printed, or run <code>axme login --browser</code> \
         again.</p>",
    )
}

fn refused() -> Response {
    page(
        StatusCode::FORBIDDEN,
        "This form could not be accepted",
        "<p>It came from another site or from an older page. Open the link your terminal \
         printed again.</p>",
    )
}

/// The grant if it can still be approved, else the page that says why not.
async fn open_grant(app: &AppState, grant_id: &str) -> Result<CliGrantRow, Response> {
    let found = app.store.cli_grant(grant_id.to_string()).await;
    let grant = match found {
        Ok(Some(grant)) => grant,
        Ok(None) => return Err(not_found()),
        Err(e) => {
            tracing::warn!(error = %e, "could not read a CLI grant");
            return Err(page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "<p>The gateway could not read this request just now.</p>",
            ));
        }
    };
    if grant.state != PENDING || grant.expires_at <= app.now().unix_seconds() {
        return Err(closed(&grant.state));
    }
    Ok(grant)
}

/// The grant id of `?grant=ID` (the first one: a client may have added it again).
fn grant_of(query: Option<&str>) -> String {
    query
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("grant="))
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The post carries the cookie's token and, when the browser names it, our own origin.
fn csrf_ok(headers: &HeaderMap, form: &GrantForm) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin
            .split_once("://")
            .map_or("", |(_, rest)| rest.trim_end_matches('/'));
        if origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
            return false;
        }
    }
    let Some(cookie) = cookie_value(headers, CSRF_COOKIE) else {
        return false;
    };
    // Compared as hashes, so the time taken says nothing about the token.
    !form.csrf.is_empty() && hash_secret(cookie) == hash_secret(&form.csrf)
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
        escape(value)
    )
}

fn intro(grant: &CliGrantRow) -> String {
    let client = grant
        .client
        .as_deref()
        .map(|c| format!(" ({})", escape(c)))
        .unwrap_or_default();
    format!(
        "<p>A command line{client} asks to sign in to this gateway as you. Approve it only if \
         you started it and this code matches the one in your terminal:</p>\
         <p><span class=\"code\">{}</span></p>",
        escape(&grant.user_code)
    )
}

fn email_form(grant: &CliGrantRow, csrf: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    format!(
        "{}<p>Sign in with your email address; a one-time code is sent to it (a gateway \
         without a mail relay writes it to its log).</p>{error}<form method=\"post\" \
         action=\"{EMAIL_PATH}\">{}{}<label>Email<input type=\"email\" name=\"email\" \
         required autocomplete=\"email\"></label><button type=\"submit\">Send the code\
         </button></form>",
        intro(grant),
        hidden("grant", &grant.grant_id),
        hidden("csrf", csrf),
    )
}

fn code_form(grant: &CliGrantRow, form: &GrantForm, sent_to: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    format!(
        "{}<p>{}</p>{error}<form method=\"post\" action=\"{APPROVE_PATH}\">{}{}{}\
         <label>Code<input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" \
         required></label><button type=\"submit\">Approve the sign-in</button></form>",
        intro(grant),
        escape(sent_to),
        hidden("grant", &grant.grant_id),
        hidden("csrf", &form.csrf),
        hidden("login_id", &form.login_id),
    )
}

async fn show(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let grant_id = grant_of(query.as_deref());
    let grant = match open_grant(&app, &grant_id).await {
        Ok(grant) => grant,
        Err(page) => return page,
    };
    let mut token = [0u8; 32];
    rand::fill(&mut token[..]);
    let csrf = hex::encode(token);
    let mut response = page(
        StatusCode::OK,
        "Approve a command-line sign-in",
        &email_form(&grant, &csrf, None),
    );
    let secure = if app.tls.is_some() { "; Secure" } else { "" };
    let cookie = format!(
        "{CSRF_COOKIE}={csrf}; Path=/login/cli; HttpOnly; SameSite=Strict; Max-Age=1800{secure}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The form of a post, or the page that refuses it.
async fn checked(
    app: &AppState,
    headers: &HeaderMap,
    form: Result<Form<GrantForm>, FormRejection>,
) -> Result<(GrantForm, CliGrantRow), Response> {
    let Ok(Form(form)) = form else {
        return Err(refused());
    };
    if !csrf_ok(headers, &form) {
        return Err(refused());
    }
    let grant = open_grant(app, &form.grant).await?;
    Ok((form, grant))
}

async fn send_code(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<GrantForm>, FormRejection>,
) -> Response {
    let (mut form, grant) = match checked(&app, &headers, form).await {
        Ok(checked) => checked,
        Err(page) => return page,
    };
    let title = "Approve a command-line sign-in";
    match send_login_code(&app, &form.email).await {
        Ok(login) => {
            form.login_id = login.intent_id;
            let sent_to = match login.delivery.as_deref() {
                Some("server_log") => format!(
                    "A code for {} was written to the gateway's log (it has no mail relay). \
                     Enter it to approve:",
                    form.email.trim()
                ),
                _ => format!(
                    "A code was sent to {}. Enter it to approve:",
                    form.email.trim()
                ),
            };
            page(
                StatusCode::OK,
                title,
                &code_form(&grant, &form, &sent_to, None),
            )
        }
        Err(e) => page(
            e.status,
            title,
            &email_form(&grant, &form.csrf, Some(&e.body.error.message)),
        ),
    }
}

async fn approve(
    State(app): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<GrantForm>, FormRejection>,
) -> Response {
    let (form, grant) = match checked(&app, &headers, form).await {
        Ok(checked) => checked,
        Err(page) => return page,
    };
    let title = "Approve a command-line sign-in";
    let user = match user_of_code(&app, form.login_id.trim(), form.code.trim()).await {
        Ok(user) => user,
        // A wrong code may be typed again while tries remain.
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            return page(
                e.status,
                title,
                &code_form(
                    &grant,
                    &form,
                    "Enter the code to approve:",
                    Some(&e.body.error.message),
                ),
            );
        }
        Err(e) => {
            return page(
                e.status,
                title,
                &email_form(&grant, &form.csrf, Some(&e.body.error.message)),
            );
        }
    };
    let step = GrantStep {
        grant_id: grant.grant_id.clone(),
        from: PENDING.into(),
        to: APPROVED.into(),
        email: Some(user.email.clone()),
        now: app.now().unix_seconds(),
        at: app.now().to_string(),
    };
    match app.store.step_cli_grant(step).await {
        Ok(Some(_)) => {
            tracing::info!(grant_id = %grant.grant_id, email = %user.email, "CLI browser sign-in approved");
            page(
                StatusCode::OK,
                "Sign-in approved",
                &format!(
                    "<p>The command line showing <span class=\"code\">{}</span> is now signed \
                     in as {}. Go back to your terminal; you can close this tab.</p>",
                    escape(&grant.user_code),
                    escape(&user.email)
                ),
            )
        }
        Ok(None) => closed(APPROVED),
        Err(e) => {
            tracing::warn!(error = %e, "could not approve a CLI grant");
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "<p>The gateway could not record the approval just now.</p>",
            )
        }
    }
}
