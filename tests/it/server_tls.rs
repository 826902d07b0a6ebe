//! Beyond loopback (issue 10, point 7): HTTPS with a certificate made here, and a refusal
//! to serve plain HTTP on an address other machines can reach unless told to.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::TestServer;
use serde_json::json;

#[tokio::test]
async fn serves_https_with_a_self_signed_certificate() {
    let dir = crate::common::temp_dir();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .expect("generate a certificate");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        &[],
    );
    assert!(server.url.starts_with("https://"), "{}", server.banner);
    let port = server.url.rsplit(':').next().unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(reqwest::Certificate::from_pem(made.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", format!("127.0.0.1:{port}").parse().unwrap())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let base = format!("https://localhost:{port}");
    let health = client.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let admin = server.admin();
    let created = client
        .post(format!("{base}/v1/intents"))
        .header("x-api-key", &admin)
        .json(&json!({"intent_type": "t.v1", "to_agent": "nobody", "payload": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200, "{}", created.text().await.unwrap());
    // Over HTTPS the console's session cookie is Secure as well.
    let signed = client
        .post(format!("{base}/ui/session"))
        .json(&json!({ "api_key": admin }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 200);
    let cookie = signed.headers()["set-cookie"].to_str().unwrap().to_string();
    for flag in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/ui"] {
        assert!(
            cookie.split("; ").any(|f| f == flag),
            "{flag} missing: {cookie}"
        );
    }
    // Plain HTTP on the TLS port gets nowhere, and an untrusting client refuses it.
    let plain = server
        .http
        .get(format!("http://127.0.0.1:{port}/health"))
        .send()
        .await;
    assert!(plain.is_err() || plain.is_ok_and(|r| r.status() != 200));
    let untrusting = reqwest::Client::builder()
        .no_proxy()
        .resolve("localhost", format!("127.0.0.1:{port}").parse().unwrap())
        .build()
        .unwrap();
    assert!(
        untrusting
            .get(format!("{base}/health"))
            .send()
            .await
            .is_err()
    );
}

#[test]
fn plain_http_beyond_loopback_is_refused_unless_asked_for() {
    let out = Command::new(env!("CARGO_BIN_EXE_axme"))
        .args(["server", "--ephemeral", "--listen", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .output()
        .expect("run axme server");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing to serve plain HTTP on 0.0.0.0:0"),
        "{stderr}"
    );
    assert!(stderr.contains("--tls-cert"), "{stderr}");

    // The harness passes --listen 127.0.0.1:0; a later --listen wins.
    let server = TestServer::start_with(
        &["--ephemeral", "--insecure-http", "--listen", "0.0.0.0:0"],
        &[],
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !server.stderr().contains("--insecure-http") {
        assert!(std::time::Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
    // Without SMTP such a gateway does not write sign-in codes to its log.
    assert!(
        server.banner.contains("login codes off"),
        "{}",
        server.banner
    );
}
