//! The workspace change feed behind the console's live lists: `GET /v1/intents/counts`
//! and `GET /v1/intents/changes/stream` show only what the caller may see.

use std::time::Duration;

use serde_json::json;

use crate::common::{TestServer, sse};

#[tokio::test]
async fn changes_and_counts_show_only_what_the_key_may_see() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let bob = server.provision_agent(&admin, "bob").await;
    let eve = server.provision_agent(&admin, "eve").await;
    let other = server.create_workspace(&admin, "other").await;
    let path = "/v1/intents/changes/stream?wait_seconds=1";
    let (admin_stream, admin_at) = sse::open(&server, path, &admin, &[]).await;
    let (eve_stream, eve_at) = sse::open(&server, path, &eve.key, &[]).await;
    let (other_stream, other_at) = sse::open(&server, path, &other.admin_key, &[]).await;

    let id = server
        .create_intent(&admin, &bob.address, json!({ "n": 1 }))
        .await;
    server
        .post(&format!("/v1/intents/{id}/cancel"), &admin, &json!({}))
        .await
        .expect_ok();

    let limit = Duration::from_secs(10);
    let seen = sse::read_all(admin_stream, admin_at, limit).await;
    assert_eq!(seen.status, 200);
    assert!(seen.ended, "an idle change stream ends after wait_seconds");
    let changed: Vec<_> = seen
        .frames()
        .into_iter()
        .filter(|f| f.event.as_deref() == Some("intent.changed"))
        .map(|f| f.json())
        .collect();
    assert!(
        changed.iter().all(|i| i["intent_id"] == json!(id)),
        "{changed:?}"
    );
    assert_eq!(
        changed.last().map(|i| i["status"].clone()),
        Some(json!("CANCELED")),
        "{}",
        seen.raw
    );
    let last = seen.frames().last().cloned().unwrap();
    assert_eq!(last.event.as_deref(), Some("stream.timeout"));
    for (stream, at) in [(eve_stream, eve_at), (other_stream, other_at)] {
        let seen = sse::read_all(stream, at, limit).await;
        assert!(!seen.raw.contains("intent.changed"), "{}", seen.raw);
        assert!(seen.raw.contains("stream.timeout"), "{}", seen.raw);
    }

    let counts = server.get("/v1/intents/counts", &admin).await;
    counts.expect_ok();
    assert_eq!(counts.body["counts"], json!({ "CANCELED": 1 }));
    assert_eq!(counts.body["total"], 1);
    for key in [&eve.key, &other.admin_key] {
        let counts = server.get("/v1/intents/counts", key).await;
        assert_eq!(counts.body["total"], 0, "{}", counts.text);
    }
    let bobs = server.get("/v1/intents/counts", &bob.key).await;
    assert_eq!(bobs.body["total"], 1, "{}", bobs.text);
    server
        .call(reqwest::Method::GET, "/v1/intents/counts", None, None)
        .await
        .expect_error(401, "missing_platform_api_key");
}
