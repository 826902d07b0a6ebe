//! Abuse limits (issue 10, points 3, 5, 6): request rates with 429 + Retry-After +
//! X-RateLimit-*, sign-in limits per address and client, slow heads and bodies, connection
//! and stream caps, and keep-alive surviving an early refusal.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::TestServer;
use reqwest::Method;
use serde_json::json;

fn host_of(server: &TestServer) -> String {
    server.url.trim_start_matches("http://").to_string()
}

/// The code the server logged for `email` (the newest one).
fn logged_code(server: &TestServer, email: &str, nth: usize) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = server.stderr();
        let codes: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("LOGIN CODE") && l.contains(email))
            .collect();
        if let Some(line) = codes.get(nth) {
            let after = line.split("LOGIN CODE ").nth(1).expect("code after marker");
            return after.chars().take(6).collect();
        }
        assert!(
            Instant::now() < deadline,
            "no code {nth} in the log:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn a_key_past_its_rate_gets_429_with_retry_after_and_rate_headers() {
    let server = TestServer::start_with(&["--ephemeral", "--rate-limit", "key.read=3/min"], &[]);
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "reader").await;
    for remaining in ["2", "1", "0"] {
        let r = server.get("/v1/intents", &agent.key).await;
        r.expect_ok();
        assert_eq!(r.header("x-ratelimit-limit").as_deref(), Some("3"));
        assert_eq!(
            r.header("x-ratelimit-remaining").as_deref(),
            Some(remaining)
        );
        assert!(r.header("x-ratelimit-reset").is_some());
    }
    let r = server.get("/v1/intents", &agent.key).await;
    r.expect_error(429, "rate_limit_exceeded");
    assert_eq!(
        r.header("retry-after").as_deref(),
        Some("20"),
        "{:?}",
        r.headers
    );
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("0"));
    assert_eq!(r.body["error"]["retryable"], json!(true));
    assert_eq!(r.body["error"]["details"]["scope"], json!("key"));
    // Another key has its own bucket; writes are another class.
    server.get("/v1/intents", &admin).await.expect_ok();
    server
        .post(
            "/v1/intents",
            &agent.key,
            &crate::common::intent_body(&agent.address, json!({})),
        )
        .await
        .expect_ok();
    // A forged key is never charged to the real one: it counts against the address.
    let forged = format!("{}x", agent.key);
    server
        .call(Method::GET, "/v1/intents", Some(&forged), None)
        .await
        .expect_error(401, "invalid_platform_api_key");
    let metrics = server.call(Method::GET, "/metrics", None, None).await.text;
    assert!(
        metrics.contains("axme_rate_limited_total{scope=\"key\",class=\"read\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("axme_http_requests_total{route=\"/v1/intents\",status=\"429\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn sign_in_is_limited_per_client_address() {
    let server = TestServer::start_with(&["--ephemeral", "--rate-limit", "ip.login=2/min"], &[]);
    for i in 0..2 {
        server
            .call(
                Method::POST,
                "/v1/auth/login-intent",
                None,
                Some(&json!({"email": format!("u{i}@example.com")})),
            )
            .await
            .expect_ok();
    }
    let r = server
        .call(
            Method::POST,
            "/v1/auth/login-intent",
            None,
            Some(&json!({"email": "u9@example.com"})),
        )
        .await;
    r.expect_error(429, "rate_limit_exceeded");
    assert_eq!(r.header("retry-after").as_deref(), Some("30"));
    assert_eq!(r.body["error"]["details"]["scope"], json!("ip"));
}

async fn ask(server: &TestServer, email: &str) -> crate::common::Resp {
    server
        .call(
            Method::POST,
            "/v1/auth/login-intent",
            None,
            Some(&json!({ "email": email })),
        )
        .await
}

async fn verify(server: &TestServer, login_id: &str, code: &str) -> crate::common::Resp {
    server
        .call(
            Method::POST,
            &format!("/v1/auth/login-intent/{login_id}/verify"),
            None,
            Some(&json!({ "code": code })),
        )
        .await
}

#[tokio::test]
async fn wrong_codes_lock_an_address_and_codes_per_hour_are_capped() {
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--login-lockout-failures",
            "3",
            "--login-codes-per-hour",
            "2",
        ],
        &[],
    );
    let first = ask(&server, "victim@example.com").await;
    first.expect_ok();
    let login_id = first.body["intent_id"].as_str().unwrap().to_string();
    let code = logged_code(&server, "victim@example.com", 0);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        verify(&server, &login_id, wrong)
            .await
            .expect_error(422, "invalid_login_code");
    }
    // Locked: even the right code is refused now, and no new code is issued.
    let r = verify(&server, &login_id, &code).await;
    r.expect_error(429, "login_locked");
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((3000..=3600).contains(&wait), "{wait}");
    ask(&server, "victim@example.com")
        .await
        .expect_error(429, "login_locked");
    // Another address is not affected, but it gets two codes an hour.
    ask(&server, "other@example.com").await.expect_ok();
    ask(&server, "other@example.com").await.expect_ok();
    let r = ask(&server, "other@example.com").await;
    r.expect_error(429, "login_rate_limited");
    assert!(r.header("retry-after").is_some());
}

/// Writes a request head (and part of a body) on a raw connection.
fn raw(server: &TestServer) -> TcpStream {
    let tcp = TcpStream::connect(host_of(server)).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    tcp
}

/// Reads one response: status and body (by content-length).
fn read_response(reader: &mut BufReader<TcpStream>) -> Option<(u16, String, String)> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line).ok()? == 0 {
        return None;
    }
    let status: u16 = status_line.split_whitespace().nth(1)?.parse().ok()?;
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        head.push_str(&line);
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some((status, head, String::from_utf8_lossy(&body).into_owned()))
}

/// True when the server closed the connection (EOF or reset) within the read timeout.
fn closed(tcp: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

#[tokio::test]
async fn slow_bodies_and_heads_are_cut_off() {
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--body-timeout",
            "1s",
            "--header-timeout",
            "1s",
        ],
        &[],
    );
    let admin = server.admin();
    let started = Instant::now();
    let mut tcp = raw(&server);
    write!(
        tcp,
        "POST /v1/intents HTTP/1.1\r\nhost: x\r\nx-api-key: {admin}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"intent_type\""
    )
    .unwrap();
    let mut reader = BufReader::new(tcp.try_clone().unwrap());
    let (status, _, body) = read_response(&mut reader).expect("an answer to the slow body");
    assert_eq!(status, 408, "{body}");
    assert!(body.contains("request_timeout"), "{body}");
    assert!(closed(&mut tcp), "the connection is closed after a 408");
    assert!(started.elapsed() < Duration::from_secs(10));

    // A head that never ends.
    let started = Instant::now();
    let mut tcp = raw(&server);
    write!(tcp, "GET /health HTTP/1.1\r\nhost: x\r\n").unwrap();
    assert!(closed(&mut tcp), "an unfinished head is cut off");
    assert!(started.elapsed() < Duration::from_secs(10));
    // The server still serves.
    server
        .call(Method::GET, "/health", None, None)
        .await
        .expect_ok();
}

#[tokio::test]
async fn connections_past_the_caps_get_503_and_streams_past_theirs_too() {
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--max-connections-per-client",
            "4",
            "--max-streams",
            "1",
        ],
        &[],
    );
    let admin = server.admin();
    let held: Vec<TcpStream> = (0..4).map(|_| raw(&server)).collect();
    // The gate counts accepted connections; give the accept loop a moment to see them.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (status, head, body) = loop {
        let tcp = raw(&server);
        let mut writer = tcp.try_clone().unwrap();
        let _ = write!(writer, "GET /health HTTP/1.1\r\nhost: x\r\n\r\n");
        let mut reader = BufReader::new(tcp);
        let answer = read_response(&mut reader).expect("an answer");
        if answer.0 == 503 || Instant::now() > deadline {
            break answer;
        }
    };
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("too_many_connections"), "{body}");
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 5"),
        "{head}"
    );
    drop(held);
    // Places free up once connections close.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = server.http.get(server.endpoint("/health")).send().await;
        if r.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(Instant::now() < deadline, "the cap never freed up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // One stream open; a second is refused politely.
    let agent = server.provision_agent(&admin, "streamer").await;
    let open = server
        .http
        .get(server.endpoint("/v1/agents/local/default/streamer/intents/stream?wait_seconds=10"))
        .header("x-api-key", &agent.key)
        .send()
        .await
        .expect("first stream");
    assert_eq!(open.status(), 200);
    let deadline = Instant::now() + Duration::from_secs(10);
    let refused = loop {
        let r = server
            .get(
                "/v1/agents/local/default/streamer/intents/stream?wait_seconds=1",
                &agent.key,
            )
            .await;
        if r.status == 503 || Instant::now() > deadline {
            break r;
        }
    };
    refused.expect_error(503, "too_many_streams");
    assert_eq!(refused.header("retry-after").as_deref(), Some("5"));
    drop(open);

    // Both refusals are counted.
    let metrics = server.call(Method::GET, "/metrics", None, None).await.text;
    let counted = |line: &str| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(line))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    assert!(
        counted("axme_connections_refused_total{cap=\"per_client\"}") >= 1,
        "{metrics}"
    );
    assert_eq!(
        counted("axme_connections_refused_total{cap=\"total\"}"),
        0,
        "{metrics}"
    );
    assert!(counted("axme_streams_refused_total") >= 1, "{metrics}");
}

#[test]
fn keep_alive_survives_refusals_sent_before_the_body_is_read() {
    let server = TestServer::start();
    let body = format!(
        "{{\"intent_type\":\"t.v1\",\"to_agent\":\"x\",\"payload\":{{\"pad\":\"{}\"}}}}",
        "p".repeat(100_000)
    );
    let tcp = raw(&server);
    let mut writer = tcp.try_clone().unwrap();
    let mut reader = BufReader::new(tcp);
    for i in 0..60 {
        // A wrong key (401), then a route that does not exist (404), each with a body.
        let path = if i % 2 == 0 {
            "/v1/intents"
        } else {
            "/v1/no-such-route"
        };
        write!(
            writer,
            "POST {path} HTTP/1.1\r\nhost: x\r\nx-api-key: axme_sa_nope_nope\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let (status, head, text) = read_response(&mut reader)
            .unwrap_or_else(|| panic!("request {i}: the connection broke"));
        assert!(status == 401 || status == 404, "{status} {text}");
        assert!(
            !head.to_ascii_lowercase().contains("connection: close"),
            "request {i} closed the connection: {head}"
        );
    }
    write!(writer, "GET /health HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
    let (status, _, _) = read_response(&mut reader).expect("still alive");
    assert_eq!(status, 200);
}
