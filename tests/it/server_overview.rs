//! The quota overview (issue 12): `GET /v1/portal/enterprise/overview` reports the
//! gateway's real limits (its settings) and the workspace's usage (today's intents from the
//! store, accounts, open streams); another workspace is refused; `axme quota show` renders
//! it as the public CLI does.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn the_overview_reports_real_limits_and_usage() {
    let server = TestServer::start_with(
        &[
            "--ephemeral",
            "--rate-limit",
            "key.write=120/min",
            "--max-streams",
            "50",
        ],
        &[],
    );
    let admin = server.admin();
    let path = "/v1/portal/enterprise/overview";
    let before = server.get(path, &admin).await;
    before.expect_ok();
    let used = |body: &serde_json::Value, key: &str| {
        body["overview"]["usage_summary"]["dimensions"][key]["used"]
            .as_u64()
            .unwrap_or_else(|| panic!("no usage of {key}: {body}"))
    };
    let limits = &before.body["overview"]["quota_policy"]["dimensions"];
    assert_eq!(limits["rate_limit_per_minute"], 120, "{}", before.text);
    assert_eq!(limits["sse_streams_max"], 50);
    assert_eq!(limits["payload_max_bytes"], 128 * 1024);
    assert_eq!(limits["intents_per_day"], 0, "no daily cap");
    assert_eq!(
        before.body["overview"]["quota_policy"]["tier"],
        "self_hosted"
    );
    assert_eq!(used(&before.body, "intents_per_day"), 0);
    let agents_before = used(&before.body, "service_accounts_per_workspace");
    assert!(used(&before.body, "actors_total") >= 1, "the admin");

    // Three intents, one more agent, one open stream: all counted.
    server.provision_agent(&admin, "counted").await;
    let mut first = String::new();
    for n in 0..3 {
        let r = server
            .post(
                "/v1/intents",
                &admin,
                &intent_body("counted", json!({"n": n})),
            )
            .await;
        r.expect_ok();
        first = str_field(&r.body, "intent_id");
    }
    let (stream, _) = crate::common::sse::open(
        &server,
        &format!("/v1/intents/{first}/events/stream?since=99&wait_seconds=30"),
        &admin,
        &[],
    )
    .await;
    assert_eq!(stream.status(), 200);
    let after = server
        .get(&format!("{path}?workspace_id=default"), &admin)
        .await;
    after.expect_ok();
    assert_eq!(used(&after.body, "intents_per_day"), 3, "{}", after.text);
    assert_eq!(
        used(&after.body, "service_accounts_per_workspace"),
        agents_before + 1
    );
    assert!(used(&after.body, "sse_streams_max") >= 1);
    assert_eq!(after.body["workspace_id"], before.body["workspace_id"]);
    drop(stream);

    // Another workspace's overview is not this key's to read.
    server
        .get(&format!("{path}?workspace_id=elsewhere"), &admin)
        .await
        .expect_error(403, "outside_membership_scope");
    server
        .call(reqwest::Method::GET, path, None, None)
        .await
        .expect_error(401, "missing_actor_token");

    // The CLI: the public CLI's table, and the answer as it is with -o json.
    let axme = Axme::new();
    let base: &[&str] = &[
        "--base-url",
        server.url.as_str(),
        "--api-key",
        admin.as_str(),
    ];
    let shown = axme.run(&[&["quota", "show"][..], base].concat());
    shown.assert_code(0);
    for text in [
        "DIMENSION",
        "USAGE%",
        "Intents / day",
        "Rate limit / min",
        "128.0 KB",
        "SSE streams",
        "Tier: self-hosted",
        "hard_enforcement=true",
    ] {
        assert!(shown.stdout.contains(text), "{text}:\n{}", shown.stdout);
    }
    let row = shown
        .stdout
        .lines()
        .find(|l| l.starts_with("Intents / day"))
        .unwrap();
    assert!(row.contains(" 3 ") && row.contains("none"), "{row}");
    let json = axme.run(&[&["quota", "show", "-o", "json"][..], base].concat());
    json.assert_code(0);
    assert_eq!(
        json.json()["overview"]["quota_policy"]["dimensions"]["sse_streams_max"],
        50
    );
}
