//! `axme inbox list|show|reply` against a real gateway: a finished intent's `reply_to`
//! thread listed and shown (tables and `-o json`), a reply, and a thread that is not yours.

use crate::common::*;
use serde_json::{Value, json};

fn env<'a>(server: &'a TestServer, key: &'a str) -> [(&'static str, &'a str); 2] {
    [("AXME_BASE_URL", &server.url), ("AXME_API_KEY", key)]
}

#[test]
fn inbox_list_show_reply() {
    let server = TestServer::start();
    let admin = server.admin();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (me, id) = rt.block_on(async {
        let me = server.provision_agent(&admin, "reader").await;
        let mut body = intent_body("agent://local/default/worker", json!({"n": 1}));
        body["reply_to"] = json!("reader");
        let r = server.post("/v1/intents", &admin, &body).await;
        r.expect_ok();
        let id = str_field(&r.body, "intent_id");
        server
            .post(
                &format!("/v1/intents/{id}/resolve"),
                &admin,
                &json!({"status": "COMPLETED", "result": {"pages": 3}}),
            )
            .await
            .expect_ok();
        (me, id)
    });
    let axme = Axme::new();
    let mine = env(&server, &me.key);

    let table = axme.run_with(&["inbox", "list"], &mine);
    table.assert_code(0);
    assert!(table.stdout.contains("THREAD ID"), "{}", table.stdout);
    assert!(table.stdout.contains("test.echo.v1"), "{}", table.stdout);
    assert!(table.stdout.contains("done"), "{}", table.stdout);
    let listed = axme.run_with(&["inbox", "list", "-o", "json"], &mine);
    listed.assert_code(0);
    let threads = listed.json();
    assert_eq!(threads.as_array().map(Vec::len), Some(1), "{threads}");
    assert_eq!(threads[0]["thread_id"], json!(id));
    let done = axme.run_with(
        &["inbox", "list", "--status", "active", "-o", "json"],
        &mine,
    );
    assert_eq!(done.json(), json!([]));

    let shown = axme.run_with(&["inbox", "show", &id], &mine);
    shown.assert_code(0);
    assert!(shown.stdout.contains(&id), "{}", shown.stdout);
    assert!(shown.stdout.contains("\"pages\":3"), "{}", shown.stdout);
    let thread = axme
        .run_with(&["inbox", "show", &id, "-o", "json"], &mine)
        .json();
    assert_eq!(thread["owner_agent"], json!(me.address));

    // A new thread id starts a conversation; the reply shows in the thread.
    let fresh = uuid::Uuid::new_v4().to_string();
    let replied = axme.run_with(&["inbox", "reply", &fresh, "-m", "on it"], &mine);
    replied.assert_code(0);
    assert!(
        replied.stdout.contains("replied (1 message in the thread)"),
        "{}",
        replied.stdout
    );
    let thread: Value = axme
        .run_with(&["inbox", "show", &fresh, "-o", "json"], &mine)
        .json();
    assert_eq!(thread["messages"][0]["content"], "on it");
    // A completion thread is done: the refusal is one line, exit code of a rejected request.
    let refused = axme.run_with(&["inbox", "reply", &id, "-m", "late"], &mine);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("done"), "{}", refused.stderr);
    assert!(
        !refused.stderr.contains("{\""),
        "no raw body: {}",
        refused.stderr
    );

    // Another agent does not see it; the admin names the owner.
    let other = rt.block_on(server.provision_agent(&admin, "stranger"));
    let hidden = axme.run_with(&["inbox", "show", &id], &env(&server, &other.key));
    assert_ne!(hidden.code, 0);
    let by_admin = axme.run_with(
        &["inbox", "list", "--owner", "reader", "-o", "json"],
        &env(&server, &admin),
    );
    by_admin.assert_code(0);
    assert_eq!(by_admin.json().as_array().map(Vec::len), Some(2));
}
