//! `notification` workflow steps (spec §12.4) reach their recipients: a thread in each one's
//! inbox (an e-mail contact's is the account their email login gets) and, with
//! `--smtp-url`, a mail through the relay (the SMTP sink of cli_login_smtp), its template
//! fields filled in; the mail's state shows on the thread. A relay that refuses, or none at
//! all, never fails the workflow: the result and the thread say what happened.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli_login_smtp::{SmtpSink, code_in};
use crate::common::workflow::{apply, wait_terminal};
use crate::common::*;

/// Under `AXME_TEST_STORE=postgres`, the database the server of [`mail_server`] uses (kept
/// by the test until the server is gone).
fn database() -> Option<PgDb> {
    crate::common::pg::suite_on_postgres().then(PgDb::create)
}

fn mail_server(sink: &SmtpSink, db: Option<&PgDb>) -> TestServer {
    let url = sink.url();
    let mut args = vec!["--ephemeral"];
    if let Some(db) = db {
        args = vec!["--db", &db.url];
    }
    args.extend([
        "--smtp-url",
        &url,
        "--smtp-from",
        "axme@example.com",
        "--push-retry-interval",
        "200ms",
    ]);
    TestServer::start_with(&args, &[])
}

/// A workflow of one notification step to the bundle's human contact.
fn bundle(contact: &str, channels: Value) -> Value {
    json!({
        "scenario_id": "test.notify_mail.v1",
        "humans": [{"role": "ops", "contact": contact}, {"role": "nobody", "contact": ""}],
        "workflow": {"steps": [
            {"step_id": "tell", "runtime_type": "notification",
             "config": {"channels": channels, "subject": "Run {{intent_id}} started",
                        "body": "Order {{payload.order_id}} of {{intent_id}} ({{step_id}})"}}
        ]},
        "intent": {"type": "intent.notify.v1", "payload": {"order_id": "A-7"}}
    })
}

/// The thread `thread_id` of `owner`'s inbox, read by the admin, once `done` holds for it.
async fn thread_when(
    server: &TestServer,
    admin: &str,
    owner: &str,
    thread_id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = server
            .get(
                &format!("/v1/inbox/{thread_id}?owner_agent={}", urlencode(owner)),
                admin,
            )
            .await;
        r.expect_ok();
        let thread = r.body["thread"].clone();
        if done(&thread) {
            return thread;
        }
        assert!(
            Instant::now() < deadline,
            "the thread never got there: {thread}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn a_notification_is_mailed_and_lands_in_the_contacts_inbox() {
    let sink = SmtpSink::start("250 ok");
    let db = database();
    let server = mail_server(&sink, db.as_ref());
    let admin = server.admin();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let parent = rt.block_on(async {
        let applied = apply(
            &server,
            &admin,
            &bundle(" Ops.Lead@Example.com ", json!(["email", "inbox"])),
        )
        .await;
        str_field(&applied, "intent_id")
    });
    let done = rt.block_on(wait_terminal(
        &server,
        &admin,
        &parent,
        Duration::from_secs(20),
    ));
    assert_eq!(done["status"], "COMPLETED", "{done}");

    let mail = sink.first_mail();
    assert!(mail.contains("RCPT TO:<ops.lead@example.com>"), "{mail}");
    assert!(
        mail.contains(&format!("Subject: Run {parent} started")),
        "{mail}"
    );
    assert!(
        mail.contains(&format!("Order A-7 of {parent} (tell)")),
        "{mail}"
    );

    let result = &done["result"];
    assert_eq!(
        result["recipients"],
        json!(["ops.lead@example.com"]),
        "{result}"
    );
    assert_eq!(
        result["email"]["sent_to"],
        json!(["ops.lead@example.com"]),
        "{result}"
    );
    let owner = str_field(&result["inbox"][0], "owner_agent");
    let thread_id = str_field(&result["inbox"][0], "thread_id");
    assert!(owner.contains("/user-ops-lead-example-com-"), "{owner}");
    let thread = rt.block_on(thread_when(&server, &admin, &owner, &thread_id, |t| {
        t["email"]["state"] == "sent"
    }));
    assert_eq!(thread["subject"], json!(format!("Run {parent} started")));
    assert_eq!(thread["email"]["to"], "ops.lead@example.com");
    let kinds: Vec<&str> = thread["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["event_type"].as_str())
        .collect();
    assert_eq!(kinds, ["notification.sent", "email.sent"], "{thread}");

    // The contact signs in by mailed code: the notification is in their own inbox.
    rt.block_on(async {
        let login = server
            .post(
                "/v1/auth/login-intent",
                "",
                &json!({"email": "ops.lead@example.com"}),
            )
            .await;
        login.expect_ok();
        let login_id = str_field(&login.body, "intent_id");
        let code = {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let mails = sink.mails.lock().unwrap().clone();
                if let Some(m) = mails.iter().find(|m| m.contains("sign-in code")) {
                    break code_in(m);
                }
                assert!(Instant::now() < deadline, "no login mail");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        let verified = server
            .post(
                &format!("/v1/auth/login-intent/{login_id}/verify"),
                "",
                &json!({"code": code}),
            )
            .await;
        verified.expect_ok();
        let key = str_field(&verified.body, "api_key");
        let inbox = server.get("/v1/inbox", &key).await;
        inbox.expect_ok();
        let threads = inbox.body["threads"].as_array().unwrap();
        assert!(
            threads.iter().any(|t| t["thread_id"] == json!(thread_id)),
            "{}",
            inbox.text
        );
    });
}

#[test]
fn a_refused_mail_fails_on_the_thread_not_the_workflow() {
    let sink = SmtpSink::start("554 no such user");
    let db = database();
    let server = mail_server(&sink, db.as_ref());
    let admin = server.admin();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let applied = apply(
            &server,
            &admin,
            &bundle("gone@example.com", json!(["email", "inbox"])),
        )
        .await;
        let parent = str_field(&applied, "intent_id");
        let done = wait_terminal(&server, &admin, &parent, Duration::from_secs(20)).await;
        assert_eq!(done["status"], "COMPLETED", "{done}");
        let owner = str_field(&done["result"]["inbox"][0], "owner_agent");
        let thread_id = str_field(&done["result"]["inbox"][0], "thread_id");
        let thread = thread_when(&server, &admin, &owner, &thread_id, |t| {
            t["email"]["state"] == "failed"
        })
        .await;
        assert_eq!(
            thread["email"]["attempts"], 1,
            "refused for good: no retry: {thread}"
        );
        assert!(
            thread["email"]["last_error"]
                .as_str()
                .unwrap()
                .contains("refused"),
            "{thread}"
        );
        let last = thread["timeline"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["event_type"], "email.failed", "{thread}");
    });
    assert!(sink.mails.lock().unwrap().is_empty());
}

#[tokio::test]
async fn without_a_mail_server_the_result_says_so_and_to_names_the_recipients() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let watcher = server.provision_agent(&admin, "watcher").await;
    let mut b = bundle("ops@example.com", json!(["email", "inbox"]));
    let parent = str_field(&apply(&server, &admin, &b).await, "intent_id");
    let done = wait_terminal(&server, &admin, &parent, Duration::from_secs(10)).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let result = &done["result"];
    assert_eq!(
        result["email"]["not_sent"],
        json!(["ops@example.com"]),
        "{result}"
    );
    assert!(
        result["email"]["reason"]
            .as_str()
            .unwrap()
            .contains("--smtp-url")
    );
    let owner = str_field(&result["inbox"][0], "owner_agent");
    let thread_id = str_field(&result["inbox"][0], "thread_id");
    let thread = thread_when(&server, &admin, &owner, &thread_id, |_| true).await;
    assert_eq!(thread["email"]["state"], "not_sent", "{thread}");

    // `config.to` names the recipients instead: an agent's inbox; a bad name is skipped.
    b["workflow"]["steps"][0]["config"]["to"] = json!([watcher.address, "not an address!"]);
    b["workflow"]["steps"][0]["config"]["channels"] = json!(["inbox"]);
    let parent = str_field(&apply(&server, &admin, &b).await, "intent_id");
    let done = wait_terminal(&server, &admin, &parent, Duration::from_secs(10)).await;
    let result = &done["result"];
    assert_eq!(result["recipients"], json!([watcher.address]), "{result}");
    assert_eq!(result["skipped"], json!(["not an address!"]), "{result}");
    assert_eq!(result["email"], "not requested");
    let inbox = server.get("/v1/inbox", &watcher.key).await;
    inbox.expect_ok();
    let thread = inbox.body["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["intent_id"] == json!(parent))
        .unwrap_or_else(|| panic!("no thread for the watcher: {}", inbox.text))
        .clone();
    assert_eq!(
        thread["messages"][0]["content"],
        json!(format!("Order A-7 of {parent} (tell)"))
    );
}

/// A relay nobody answers on: tried again with the push backoff, then failed for good.
#[test]
fn an_unreachable_relay_is_retried_then_the_mail_fails() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("smtp://127.0.0.1:{port}");
    let db = database();
    let mut args = vec!["--ephemeral"];
    if let Some(db) = &db {
        args = vec!["--db", &db.url];
    }
    args.extend([
        "--smtp-url",
        &url,
        "--smtp-from",
        "axme@example.com",
        "--push-retry-interval",
        "100ms",
    ]);
    let server = TestServer::start_with(&args, &[]);
    let admin = server.admin();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let applied = apply(
            &server,
            &admin,
            &bundle("later@example.com", json!(["inbox", "email"])),
        )
        .await;
        let parent = str_field(&applied, "intent_id");
        let done = wait_terminal(&server, &admin, &parent, Duration::from_secs(20)).await;
        assert_eq!(done["status"], "COMPLETED", "{done}");
        let owner = str_field(&done["result"]["inbox"][0], "owner_agent");
        let thread_id = str_field(&done["result"]["inbox"][0], "thread_id");
        let thread = thread_when(&server, &admin, &owner, &thread_id, |t| {
            t["email"]["state"] == "failed"
        })
        .await;
        assert_eq!(thread["email"]["attempts"], 3, "{thread}");
        assert!(
            thread["email"]["last_error"]
                .as_str()
                .unwrap()
                .contains("unavailable"),
            "{thread}"
        );
    });
}
