//! Media uploads (spec §9.6) over HTTP: create an upload, PUT its bytes to the upload URL
//! (streamed to a file under the media directory), finalize it (size and SHA-256
//! checked), read its metadata and download the same bytes, from another key of the
//! workspace too. Refusals: more bytes than declared (413), a size or checksum that does
//! not match (409), finalizing before the bytes (409), bytes after finalizing (409), an
//! expired upload (410), another workspace's upload (404), another agent's upload to
//! write (403), bad bodies (422), a size past the gateway's limit (413), no key (401).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::common::{Resp, TestServer, str_field};

async fn put(server: &TestServer, url: &str, key: Option<&str>, bytes: Vec<u8>) -> Resp {
    let mut req = server.http.put(url).body(bytes);
    if let Some(key) = key {
        req = req.header("x-api-key", key);
    }
    Resp::read(req.send().await.expect("the PUT reaches the server")).await
}

fn create_body(owner: &str, size: usize, sha: Option<&str>) -> Value {
    let mut body = json!({"owner_agent": owner, "filename": "report \"final\".bin",
                          "mime_type": "application/octet-stream", "size_bytes": size});
    if let Some(sha) = sha {
        body["sha256"] = json!(sha);
    }
    body
}

#[tokio::test]
async fn an_upload_round_trips() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;
    let other = server.create_workspace(&admin, "other").await;
    // 300 kB: several chunks on the way in and out.
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let sha = hex::encode(Sha256::digest(&bytes));

    let r = server
        .post(
            "/v1/media/create-upload",
            &alpha.key,
            &create_body(&alpha.address, bytes.len(), Some(&sha)),
        )
        .await;
    r.expect_ok();
    let id = str_field(&r.body, "upload_id");
    let upload_url = str_field(&r.body, "upload_url");
    assert_eq!(upload_url, format!("{}/v1/media/{id}/content", server.url));
    assert_eq!(r.body["status"], "pending");
    assert_eq!(r.body["max_size_bytes"], json!(104_857_600));
    assert_eq!(r.body["bucket"], "axme-local");
    assert!(str_field(&r.body, "object_path").ends_with(&format!("{id}/report__final_.bin")));

    // Nothing to finalize or download yet.
    let finalize = json!({"upload_id": id, "size_bytes": bytes.len(), "sha256": sha});
    server
        .post("/v1/media/finalize-upload", &alpha.key, &finalize)
        .await
        .expect_error(409, "upload_incomplete");
    let content = format!("/v1/media/{id}/content");
    server
        .get(&content, &alpha.key)
        .await
        .expect_error(409, "upload_not_ready");

    // Too many bytes: refused, nothing kept; then the right ones.
    let mut more = bytes.clone();
    more.push(0);
    put(&server, &upload_url, Some(&alpha.key), more)
        .await
        .expect_error(413, "payload_too_large");
    let r = put(&server, &upload_url, Some(&alpha.key), bytes[..10].to_vec()).await;
    r.expect_ok();
    server
        .post("/v1/media/finalize-upload", &alpha.key, &finalize)
        .await
        .expect_error(409, "size_mismatch");
    let r = put(&server, &upload_url, Some(&alpha.key), bytes.clone()).await;
    r.expect_ok();
    assert_eq!(
        (&r.body["received_bytes"], &r.body["sha256"]),
        (&json!(bytes.len()), &json!(sha))
    );
    let wrong = json!({"upload_id": id, "size_bytes": bytes.len(), "sha256": "0".repeat(64)});
    server
        .post("/v1/media/finalize-upload", &alpha.key, &wrong)
        .await
        .expect_error(409, "checksum_mismatch");
    let r = server
        .post("/v1/media/finalize-upload", &alpha.key, &finalize)
        .await;
    r.expect_ok();
    assert_eq!(
        (&r.body["status"], &r.body["sha256"], &r.body["size_bytes"]),
        (&json!("ready"), &json!(sha), &json!(bytes.len()))
    );
    // Finalizing again with the same facts answers the same; more bytes are refused.
    server
        .post("/v1/media/finalize-upload", &alpha.key, &finalize)
        .await
        .expect_ok();
    put(&server, &upload_url, Some(&alpha.key), bytes.clone())
        .await
        .expect_error(409, "upload_already_finalized");

    // Any key of the workspace reads and downloads it; another workspace sees nothing.
    let r = server.get(&format!("/v1/media/{id}"), &beta.key).await;
    r.expect_ok();
    let upload = &r.body["upload"];
    assert_eq!(
        (
            &upload["status"],
            &upload["filename"],
            &upload["owner_agent"],
            &upload["preview_url"]
        ),
        (
            &json!("ready"),
            &json!("report \"final\".bin"),
            &json!(alpha.address),
            &Value::Null
        )
    );
    assert_eq!(
        upload["download_url"],
        json!(format!("{}{content}", server.url))
    );
    let got = server
        .http
        .get(server.endpoint(&content))
        .header("x-api-key", &beta.key)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.headers()["content-type"].to_str().unwrap(),
        "application/octet-stream"
    );
    assert_eq!(
        got.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"report _final_.bin\""
    );
    assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);
    server
        .get(&format!("/v1/media/{id}"), &other.admin_key)
        .await
        .expect_error(404, "upload_not_found");
    server
        .get(&content, &other.admin_key)
        .await
        .expect_error(404, "upload_not_found");
}

#[tokio::test]
async fn refusals() {
    let settings = axme::server::Settings {
        max_media_bytes: 1000,
        ..axme::server::Settings::default()
    };
    let clock = Arc::new(axme::server::clock::ManualClock::starting_now());
    let server = TestServer::embedded_on(settings, clock.clone());
    let admin = server.admin();
    let alpha = server.provision_agent(&admin, "alpha").await;
    let beta = server.provision_agent(&admin, "beta").await;

    let base = create_body(&alpha.address, 10, None);
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    for (body, name) in [
        (with("filename", json!("")), "filename"),
        (with("filename", json!("a\nb")), "filename"),
        (with("mime_type", json!("png")), "mime_type"),
        (with("mime_type", json!("text/plain\r\nx: y")), "mime_type"),
        (with("size_bytes", json!(0)), "size_bytes"),
        (with("size_bytes", json!(-1)), "size_bytes"),
        (with("size_bytes", json!(2_147_483_649u64)), "size_bytes"),
        (with("sha256", json!("ABC")), "sha256"),
        (with("ttl_seconds", json!(10)), "ttl_seconds"),
        (
            json!({"filename": "x", "mime_type": "a/b", "size_bytes": 1}),
            "owner_agent",
        ),
    ] {
        let r = server
            .post("/v1/media/create-upload", &alpha.key, &body)
            .await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(
            r.body["error"]["details"]["field"], name,
            "{body}: {}",
            r.text
        );
    }
    // Past the gateway's limit (1000 bytes here).
    server
        .post(
            "/v1/media/create-upload",
            &alpha.key,
            &with("size_bytes", json!(1001)),
        )
        .await
        .expect_error(413, "payload_too_large");
    // Another agent's upload: not beta's to make, send or finalize.
    server
        .post("/v1/media/create-upload", &beta.key, &base)
        .await
        .expect_error(403, "policy_denied");
    let r = server
        .post("/v1/media/create-upload", &alpha.key, &base)
        .await;
    r.expect_ok();
    let id = str_field(&r.body, "upload_id");
    let url = str_field(&r.body, "upload_url");
    put(&server, &url, Some(&beta.key), vec![1; 10])
        .await
        .expect_error(403, "policy_denied");
    put(&server, &url, None, vec![1; 10])
        .await
        .expect_error(401, "missing_platform_api_key");
    put(
        &server,
        &format!("{}/v1/media/not-an-id/content", server.url),
        Some(&alpha.key),
        vec![1],
    )
    .await
    .expect_error(404, "upload_not_found");
    let finalize = json!({"upload_id": id, "size_bytes": 10});
    server
        .post("/v1/media/finalize-upload", &beta.key, &finalize)
        .await
        .expect_error(403, "policy_denied");
    for (body, name) in [
        (json!({"upload_id": "x", "size_bytes": 10}), "upload_id"),
        (json!({"upload_id": id, "size_bytes": 0}), "size_bytes"),
        (json!({"upload_id": id}), "size_bytes"),
        (
            json!({"upload_id": id, "size_bytes": 10, "sha256": "z"}),
            "sha256",
        ),
    ] {
        let r = server
            .post("/v1/media/finalize-upload", &alpha.key, &body)
            .await;
        r.expect_error(422, "schema_invalid");
        assert_eq!(
            r.body["error"]["details"]["field"], name,
            "{body}: {}",
            r.text
        );
    }
    server
        .post(
            "/v1/media/finalize-upload",
            &alpha.key,
            &json!({"upload_id": uuid::Uuid::new_v4().to_string(), "size_bytes": 1}),
        )
        .await
        .expect_error(404, "upload_not_found");
    // A declared checksum is checked at finalize.
    let declared = with("sha256", json!("1".repeat(64)));
    let r = server
        .post("/v1/media/create-upload", &alpha.key, &declared)
        .await;
    r.expect_ok();
    let checked_id = str_field(&r.body, "upload_id");
    put(
        &server,
        &str_field(&r.body, "upload_url"),
        Some(&alpha.key),
        vec![7; 10],
    )
    .await
    .expect_ok();
    server
        .post(
            "/v1/media/finalize-upload",
            &alpha.key,
            &json!({"upload_id": checked_id, "size_bytes": 10}),
        )
        .await
        .expect_error(409, "checksum_mismatch");
    // Past its expiry (one day by default) an upload takes nothing more.
    clock.advance(Duration::from_secs(24 * 3600 + 1));
    put(&server, &url, Some(&alpha.key), vec![1; 10])
        .await
        .expect_error(410, "upload_expired");
    server
        .post("/v1/media/finalize-upload", &alpha.key, &finalize)
        .await
        .expect_error(410, "upload_expired");
    let r = server.get(&format!("/v1/media/{id}"), &alpha.key).await;
    assert_eq!(r.body["upload"]["status"], "expired", "{}", r.text);
    let r = server
        .call(reqwest::Method::GET, &format!("/v1/media/{id}"), None, None)
        .await;
    r.expect_error(401, "missing_platform_api_key");
}
