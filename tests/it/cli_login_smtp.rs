//! Login codes by mail: `axme server --smtp-url smtp://127.0.0.1:PORT` against a tiny SMTP
//! sink in this file. The code reaches the CLI only through the captured mail (never the
//! server's log), and a relay that refuses the recipient gives a clear one-line error.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::json;

/// A minimal SMTP server on 127.0.0.1:0 that keeps every message it accepts (also used by
/// server_notify_mail).
pub(crate) struct SmtpSink {
    port: u16,
    pub(crate) mails: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// `rcpt_reply` is the answer to every `RCPT TO` (e.g. `250 ok` or `554 no such user`).
    pub(crate) fn start(rcpt_reply: &'static str) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the sink");
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let _ = session(stream, rcpt_reply, &kept);
                });
            }
        });
        SmtpSink { port, mails }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The first mail, waiting up to 20 s for it.
    pub(crate) fn first_mail(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(mail) = self.mails.lock().unwrap().first() {
                return mail.clone();
            }
            assert!(Instant::now() < deadline, "no mail reached the sink");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// One SMTP conversation: greeting, then one reply per command; DATA is read up to the
/// lone dot and kept.
fn session(stream: TcpStream, rcpt_reply: &str, kept: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP ready\r\n")?;
    let mut envelope = String::new();
    loop {
        let mut line = String::new();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" => "250-sink.test\r\n250 8BITMIME".to_string(),
            "RCPT" => {
                envelope.push_str(&line);
                rcpt_reply.to_string()
            }
            "MAIL" => {
                envelope.push_str(&line);
                "250 ok".to_string()
            }
            "DATA" => {
                out.write_all(b"354 end with <CRLF>.<CRLF>\r\n")?;
                let mut data = envelope.clone();
                loop {
                    let mut l = String::new();
                    if lines.read_line(&mut l)? == 0 || l == ".\r\n" {
                        break;
                    }
                    data.push_str(&l);
                }
                kept.lock().unwrap().push(data);
                "250 queued".to_string()
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => "250 ok".to_string(),
        };
        out.write_all(format!("{reply}\r\n").as_bytes())?;
    }
}

/// The 6-digit code on a line of its own in the mail's body.
pub(crate) fn code_in(mail: &str) -> String {
    mail.lines()
        .map(str::trim)
        .find(|l| l.len() == 6 && l.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in the mail:\n{mail}"))
        .to_string()
}

/// True when `code` stands alone somewhere in `log` (not inside a longer token such as a
/// timestamp's fraction or a hex id).
fn leaks(log: &str, code: &str) -> bool {
    log.match_indices(code).any(|(at, _)| {
        let before = log[..at].chars().next_back();
        let after = log[at + code.len()..].chars().next();
        let joined = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.');
        !joined(before) && !joined(after)
    })
}

fn mail_server(sink: &SmtpSink) -> TestServer {
    TestServer::start_with(
        &[
            "--ephemeral",
            "--smtp-url",
            &sink.url(),
            "--smtp-from",
            "axme@example.com",
        ],
        &[],
    )
}

#[test]
fn login_code_arrives_by_mail_and_never_in_the_log() {
    let sink = SmtpSink::start("250 ok");
    let server = mail_server(&sink);
    assert!(
        server
            .banner
            .contains(&format!("login codes mailed via {}", sink.url())),
        "{}",
        server.banner
    );

    let axme = Axme::new();
    let mut child = axme
        .command(&[
            "login",
            "--base-url",
            &server.url,
            "--email",
            "ada@example.com",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn login");
    let mail = sink.first_mail();
    let code = code_in(&mail);
    writeln!(child.stdin.take().unwrap(), "{code}").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("sent to ada@example.com"), "{stderr}");

    assert!(mail.contains("RCPT TO:<ada@example.com>"), "{mail}");
    assert!(mail.contains("MAIL FROM:<axme@example.com>"), "{mail}");
    assert!(mail.contains("Subject: Your axme sign-in code"), "{mail}");
    assert!(mail.contains("expires in 10 minutes"), "{mail}");

    let who = axme.run(&["whoami", "--json"]);
    who.assert_code(0);
    assert_eq!(who.json()["account"]["email"], "ada@example.com");
    // Anyone with a mailbox can sign in here, so a mailed login is not a workspace admin.
    assert_eq!(who.json()["principal"]["is_admin"], false);

    let log = server.stderr();
    assert!(log.contains("login code sent to ada@example.com"), "{log}");
    assert!(!log.contains("LOGIN CODE"), "{log}");
    assert!(!leaks(&log, &code), "the code {code} is in the log:\n{log}");
}

#[test]
fn a_refused_recipient_is_a_clear_error() {
    let sink = SmtpSink::start("554 5.1.1 no such user here");
    let server = mail_server(&sink);

    let axme = Axme::new();
    let run = axme.run(&[
        "login",
        "--base-url",
        &server.url,
        "--email",
        "bob@example.com",
    ]);
    run.assert_code(1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("could not mail the login code to bob@example.com"),
        "{}",
        run.stderr
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    let r = rt.block_on(server.post(
        "/v1/auth/login-intent",
        "",
        &json!({"email": "cy@example.com"}),
    ));
    r.expect_error(502, "mail_delivery_failed");
    assert_eq!(r.body["error"]["retryable"], false, "{}", r.body);
    assert!(sink.mails.lock().unwrap().is_empty());
    let log = server.stderr();
    assert!(!log.contains("LOGIN CODE"), "{log}");
}

#[test]
fn an_unreachable_relay_answers_503_and_bad_settings_stop_the_start() {
    // A port with nothing listening: connection refused, worth retrying later.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("smtp://127.0.0.1:{port}");
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--smtp-url",
            &url,
            "--smtp-from",
            "axme@example.com",
        ],
        &[],
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let r = rt.block_on(server.post(
        "/v1/auth/login-intent",
        "",
        &json!({"email": "dee@example.com"}),
    ));
    r.expect_error(503, "mail_delivery_failed");
    assert_eq!(r.body["error"]["retryable"], true, "{}", r.body);

    // Settings are checked before the server starts; the password never shows.
    let axme = Axme::new();
    let run = axme.run(&["server", "--ephemeral", "--smtp-url", &url]);
    run.assert_code(2);
    assert!(run.stderr.contains("--smtp-from"), "{}", run.stderr);
    let run = axme.run(&[
        "server",
        "--ephemeral",
        "--smtp-url",
        "imap://user:hunter2@mail.example.com",
        "--smtp-from",
        "axme@example.com",
    ]);
    run.assert_code(2);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}
