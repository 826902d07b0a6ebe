//! The CLI against a gateway serving TLS with a self-signed certificate (issue 10): trusted
//! through `--ca-cert`, `AXME_CA_CERT` or a context's `ca_cert`, with verification on; and
//! refused, saying how to trust it, without.

use crate::common::{Axme, TestServer};

#[test]
fn the_cli_trusts_a_self_signed_gateway_only_when_told_to() {
    let dir = crate::common::temp_dir();
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()])
        .expect("generate a certificate");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let server =
        TestServer::start_with(&["--ephemeral", "--tls-cert", cert, "--tls-key", key], &[]);
    let port = server.url.rsplit(':').next().unwrap();
    let base = format!("https://127.0.0.1:{port}");
    let admin = server.admin();
    let axme = Axme::new();
    let list = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["--base-url", base.as_str(), "--api-key", admin.as_str()];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["intents", "list", "-o", "json"]);
        axme.run_with(&args, env)
    };

    // Not trusted: a clear refusal that says what to do (verification is never skipped).
    let refused = list(&[], &[]);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    assert!(
        refused
            .stderr
            .contains("TLS certificate that is not trusted")
            && refused.stderr.contains("--ca-cert FILE")
            && refused.stderr.contains("AXME_CA_CERT"),
        "{}",
        refused.stderr
    );

    // Trusted by the flag, or by the variable.
    list(&["--ca-cert", cert], &[]).assert_code(0);
    list(&[], &[("AXME_CA_CERT", cert)]).assert_code(0);

    // A file without a certificate is a usage error naming where it came from.
    let wrong = list(&["--ca-cert", key], &[]);
    wrong.assert_code(2);
    assert!(
        wrong.stderr.contains("no PEM certificate") && wrong.stderr.contains("--ca-cert"),
        "{}",
        wrong.stderr
    );

    // Stored in a context (as an absolute path) and used from there.
    axme.run(&[
        "context",
        "set",
        "tls",
        "--base-url",
        &base,
        "--api-key",
        &admin,
        "--ca-cert",
        cert,
        "--use",
    ])
    .assert_code(0);
    let shown = axme.run(&["context", "show", "-o", "json"]);
    shown.assert_code(0);
    let shown = shown.json();
    assert_eq!(shown["ca_cert"], cert, "{shown}");
    assert_eq!(shown["sources"]["ca_cert"], "context", "{shown}");
    axme.run(&["intents", "list", "-o", "json"]).assert_code(0);
    axme.run(&["context", "set", "tls", "--unset", "ca-cert"])
        .assert_code(0);
    let refused = axme.run(&["intents", "list", "-o", "json"]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("--ca-cert"), "{}", refused.stderr);
}
