//! `axme webhooks list|add|remove` against a real gateway: a subscription made (the secret
//! minted and shown once, or given), listed as a table and as JSON, updated by adding the
//! same URL, removed by an id prefix, and the refusals a user meets.

use crate::common::*;
use serde_json::json;

fn env<'a>(server: &'a TestServer, key: &'a str) -> [(&'static str, &'a str); 2] {
    [("AXME_BASE_URL", &server.url), ("AXME_API_KEY", key)]
}

#[test]
fn webhooks_add_list_remove() {
    let server = TestServer::start();
    let admin = server.admin();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let me = rt.block_on(server.provision_agent(&admin, "hooked"));
    let axme = Axme::new();
    let mine = env(&server, &me.key);

    let empty = axme.run_with(&["webhooks", "list", "-o", "json"], &mine);
    empty.assert_code(0);
    assert_eq!(empty.json(), json!([]));

    let url = "http://127.0.0.1:9/hook";
    let added = axme.run_with(
        &[
            "webhooks",
            "add",
            url,
            "--event",
            "inbox.thread_created,inbox.reply_received",
        ],
        &mine,
    );
    added.assert_code(0);
    assert!(added.stdout.contains("active"), "{}", added.stdout);
    assert!(
        added.stdout.contains("signing secret (shown once") && added.stdout.contains("whsec_"),
        "{}",
        added.stdout
    );

    let table = axme.run_with(&["webhooks", "list"], &mine);
    table.assert_code(0);
    for text in [
        "ID",
        "STATUS",
        "EVENTS",
        "inbox.thread_created,inbox.reply_received",
        url,
    ] {
        assert!(table.stdout.contains(text), "{text}: {}", table.stdout);
    }
    let listed = axme
        .run_with(&["webhooks", "list", "-o", "json"], &mine)
        .json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    let id = listed[0]["subscription_id"].as_str().unwrap().to_string();
    assert_eq!(listed[0]["owner_agent"], json!(me.address));

    // The same URL again: the same subscription, its events replaced; a given secret is
    // not echoed.
    let again = axme.run_with(
        &[
            "webhooks",
            "add",
            url,
            "-e",
            "inbox.thread_updated",
            "--secret",
            "a-secret-of-my-own-1234",
            "-o",
            "json",
        ],
        &mine,
    );
    again.assert_code(0);
    let body = again.json();
    assert_eq!(body["subscription"]["subscription_id"], json!(id));
    assert_eq!(
        body["subscription"]["event_types"],
        json!(["inbox.thread_updated"])
    );
    assert!(body.get("secret").is_none() && !again.stdout.contains("a-secret-of-my-own"));

    // The admin names the owner.
    let by_admin = axme.run_with(
        &["webhooks", "list", "--owner", "hooked", "-o", "json"],
        &env(&server, &admin),
    );
    by_admin.assert_code(0);
    assert_eq!(by_admin.json().as_array().map(Vec::len), Some(1));

    // Refusals: a URL that is not http(s), an unknown event type (clap), a short secret
    // (the gateway's 422, one line).
    let ftp = axme.run_with(
        &["webhooks", "add", "ftp://x/y", "-e", "inbox.thread_created"],
        &mine,
    );
    assert_eq!(ftp.code, 2, "{}", ftp.stderr);
    let unknown = axme.run_with(&["webhooks", "add", url, "-e", "intent.nothing"], &mine);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    let short = axme.run_with(
        &[
            "webhooks",
            "add",
            url,
            "-e",
            "inbox.thread_created",
            "--secret",
            "short",
        ],
        &mine,
    );
    assert_ne!(short.code, 0);
    assert!(short.stderr.contains("secret"), "{}", short.stderr);
    assert!(
        !short.stderr.contains("{\""),
        "no raw body: {}",
        short.stderr
    );

    // Removed by a prefix; then listed only with --all.
    let removed = axme.run_with(&["webhooks", "remove", &id[..8]], &mine);
    removed.assert_code(0);
    assert!(
        removed.stdout.contains(&id) && removed.stdout.contains("revoked at"),
        "{}",
        removed.stdout
    );
    let live = axme
        .run_with(&["webhooks", "list", "-o", "json"], &mine)
        .json();
    assert_eq!(live, json!([]));
    let all = axme
        .run_with(&["webhooks", "list", "--all", "-o", "json"], &mine)
        .json();
    assert!(all[0]["revoked_at"].is_string(), "{all}");
    let gone = axme.run_with(&["webhooks", "remove", &id[..8]], &mine);
    assert_eq!(gone.code, 2, "{}", gone.stderr);
    // Another agent cannot remove it, even by its full id.
    let other = rt.block_on(server.provision_agent(&admin, "stranger"));
    let refused = axme.run_with(&["webhooks", "remove", &id], &env(&server, &other.key));
    assert_ne!(refused.code, 0);
}
