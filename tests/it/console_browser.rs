//! The web console in a real browser (issue 14): Debian's Chromium, headless, driven over
//! WebDriver (`common/webdriver.rs`) against the real `axme server`. One browser for the
//! whole story, as a person would use it: sign in with a key; an intent sent from the CLI
//! appears without a reload and its timeline reaches COMPLETED live; type and text filters
//! run in the gateway and the filtered list stays live; Retry sends a new intent and links
//! it; Agents shows a listener come and go without a reload; a human task approved from Tasks completes its workflow; an invalid bundle shows its
//! error at its path; another workspace's intent is not visible; sign-out ends the session.
//! Each page is saved at 1280×800 to `target/ui-screens/` (each screenshot's size checked);
//! the README's committed screenshot is checked too.

use serde_json::{Value, json};

use crate::common::cli::Axme;
use crate::common::webdriver::{Browser, png_size};
use crate::common::{Resp, TestServer};

fn approval_bundle() -> Value {
    json!({
        "scenario_id": "console.release.v1",
        "humans": [{ "role": "approver", "display_name": "Release manager" }],
        "workflow": { "steps": [{
            "step_id": "approve",
            "tool_id": "tool.approval.human_signoff",
            "assigned_to": "approver",
            "human_task": {
                "title": "Ship 1.2.3?",
                "description": "Approve the release once the change ticket is filed.",
                "allowed_outcomes": ["approved", "rejected"],
                "form_schema": {
                    "type": "object",
                    "required": ["ticket"],
                    "properties": {
                        "ticket": { "type": "string", "title": "Change ticket", "pattern": "^T-[0-9]+$" },
                        "risk": { "type": "string", "enum": ["low", "high"] }
                    }
                }
            }
        }]},
        "intent": { "type": "intent.release.v1", "payload": { "version": "1.2.3" } }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_in_a_real_browser() {
    let server = TestServer::start();
    let admin = server.admin();
    let bob = server.provision_agent(&admin, "bob").await;
    let base = server.url.trim_end_matches('/').to_string();
    let browser = Browser::start(1280, 800).await;

    // Anonymous: only the sign-in page.
    browser.go(&format!("{base}/ui/")).await;
    browser
        .wait_for(
            "the sign-in page",
            "return location.pathname === '/ui/sign-in'",
        )
        .await;
    browser.screenshot("sign-in").await;
    browser.type_into("#api-key", &admin).await;
    browser.click("#key-form button").await;
    browser
        .wait_for(
            "the signed-in console",
            "const who = document.getElementById('who'); return who && who.textContent",
        )
        .await;
    browser
        .wait_for(
            "the intents table",
            "return document.querySelector('tbody td')",
        )
        .await;
    browser
        .wait_for(
            "the change stream open",
            "return document.querySelector('.live').dataset.live === 'yes'",
        )
        .await;

    // An intent sent from the CLI shows up without a reload.
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];
    let sent = axme.run_with(&["intents", "send", "--to", "bob"], &env);
    sent.assert_code(0);
    let id = sent.stdout.trim().to_string();
    let row = format!("tbody tr[data-intent=\"{id}\"]");
    browser
        .wait_for(
            "the CLI's intent in the list",
            &format!("return document.querySelector('{row}')"),
        )
        .await;
    browser
        .wait_for(
            "the counts to include it",
            "return document.querySelector('.counts').textContent.includes('SUBMITTED')",
        )
        .await;
    browser.screenshot("intents").await;

    // Its page: the timeline follows it live to COMPLETED.
    browser.click(&format!("{row} a")).await;
    browser
        .wait_for(
            "the timeline",
            "return document.querySelectorAll('ol.timeline li').length >= 2",
        )
        .await;
    server
        .post(
            &format!("/v1/intents/{id}/resolve"),
            &bob.key,
            &json!({ "status": "COMPLETED", "result": { "shipped": true, "version": "1.2.3" } }),
        )
        .await
        .expect_ok();
    browser
        .wait_for(
            "intent.completed in the timeline",
            "return document.querySelector('ol.timeline').textContent.includes('intent.completed')",
        )
        .await;
    browser
        .wait_for(
            "the result and status",
            "return document.querySelector('dl.fields').textContent.includes('COMPLETED') \
             && document.getElementById('view').textContent.includes('shipped')",
        )
        .await;
    browser.screenshot("intent").await;

    // Another workspace's intent is not visible, neither in the list nor by its id.
    let other = server.create_workspace(&admin, "other").await;
    let carol = server.provision_agent(&other.admin_key, "carol").await;
    let hidden = server
        .create_intent(&other.admin_key, &carol.address, json!({ "secret": 1 }))
        .await;
    browser.go(&format!("{base}/ui/#/intents")).await;
    browser
        .wait_for(
            "the list with our intent",
            &format!("return document.querySelector('{row}')"),
        )
        .await;
    // (Ids made in the same second share their first characters: compare whole ids.)
    let shown = browser
        .js(
            "return Array.from(document.querySelectorAll('tbody tr[data-intent]'), r => r.dataset.intent)",
            json!([]),
        )
        .await;
    assert!(!shown.to_string().contains(&hidden), "{shown}");
    assert!(shown.to_string().contains(&id), "{shown}");
    browser.go(&format!("{base}/ui/#/intents/{hidden}")).await;
    browser
        .wait_for(
            "a refusal for the other workspace's intent",
            "return document.querySelector('#view .error')",
        )
        .await;

    filters_run_in_the_gateway(&browser, &server, &admin, &bob.address).await;
    retry_sends_a_new_intent(&browser, &server, &admin, &bob.address).await;

    // Agents: a listener's arrival and departure show without a reload.
    let dave = server.provision_agent(&admin, "dave").await;
    browser.go(&format!("{base}/ui/#/agents")).await;
    browser
        .wait_for(
            "bob in the agents table, live",
            "return document.querySelector('tbody') && document.querySelector('tbody').textContent.includes('agent://local/default/bob') \
             && document.querySelector('.live').dataset.live === 'yes'",
        )
        .await;
    let daves = format!("tr[data-agent=\"{}\"] td[data-listeners]", dave.address);
    let listening = server
        .http
        .get(server.endpoint("/v1/agents/dave/intents/stream?wait_seconds=5"))
        .header("x-api-key", &dave.key)
        .send()
        .await
        .unwrap();
    assert_eq!(listening.status(), 200);
    browser
        .wait_for(
            "dave's listener, connected",
            &format!("return document.querySelector('{daves}[data-connected=\"1\"]')"),
        )
        .await;
    browser.screenshot("agents").await;
    drop(listening);
    browser
        .wait_for(
            "dave's listener gone idle",
            &format!(
                "const td = document.querySelector('{daves}'); \
                 return td.dataset.connected === '0' && td.dataset.listeners === '1' \
                 && td.textContent.includes('1 idle')"
            ),
        )
        .await;

    // Tasks: the form is checked before it is sent; approval completes the workflow.
    let applied = server
        .post("/v1/scenarios/apply", &admin, &approval_bundle())
        .await;
    applied.expect_ok();
    let parent = applied.body["intent_id"].as_str().unwrap().to_string();
    browser.go(&format!("{base}/ui/#/tasks")).await;
    browser
        .wait_for(
            "the task card",
            "return document.querySelector('form.card input[type=text]')",
        )
        .await;
    browser.screenshot("tasks").await;
    browser.click("form.card button:not(.danger)").await;
    browser
        .wait_for(
            "the missing ticket flagged before sending",
            "return document.querySelector('form.card input[type=text] ~ .field-error').textContent.includes('required')",
        )
        .await;
    browser
        .type_into("form.card input[type=text]", "not a ticket")
        .await;
    browser
        .wait_for(
            "the pattern flagged as typed",
            "return document.querySelector('form.card input[type=text] ~ .field-error').textContent.includes('must match')",
        )
        .await;
    let waiting = server.intent(&admin, &parent).await;
    assert_eq!(waiting["status"], "WAITING", "{waiting}");
    browser
        .js(
            "const i = document.querySelector('form.card input[type=text]'); i.value = ''; \
             i.dispatchEvent(new Event('input'));",
            json!([]),
        )
        .await;
    browser
        .type_into("form.card input[type=text]", "T-42")
        .await;
    browser.click("form.card button:not(.danger)").await;
    browser
        .wait_for(
            "the answer sent",
            "return document.querySelector('form.card [role=status]').textContent.includes('approved: sent')",
        )
        .await;
    let mut done = Value::Null;
    for _ in 0..200 {
        done = server.intent(&admin, &parent).await;
        if done["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(done["status"], "COMPLETED", "{done}");

    // Scenarios: an invalid bundle's error is shown at its path.
    browser.go(&format!("{base}/ui/#/scenarios")).await;
    browser
        .wait_for(
            "the bundle editor",
            "return document.getElementById('bundle')",
        )
        .await;
    let invalid = json!({
        "scenario_id": "console.invalid.v1",
        "workflow": { "steps": [{ "step_id": "work", "tool_id": "tool.agent.task.v1" }] },
        "intent": { "type": "intent.invalid.v1" }
    });
    browser
        .js(
            "document.getElementById('bundle').value = arguments[0];",
            json!([serde_json::to_string_pretty(&invalid).unwrap()]),
        )
        .await;
    browser.click("#view .actions button.secondary").await;
    let at = browser
        .wait_for(
            "the error at its path",
            "const li = document.querySelector('#report li[data-path]'); \
             return li && li.getAttribute('data-path')",
        )
        .await;
    assert_eq!(at, json!("workflow.steps[0].assigned_to"));
    browser.screenshot("scenarios").await;
    // A valid one is applied, and the console goes to its parent intent.
    let mut valid = approval_bundle();
    valid["scenario_id"] = json!("console.applied.v1");
    browser
        .js(
            "document.getElementById('bundle').value = arguments[0];",
            json!([serde_json::to_string_pretty(&valid).unwrap()]),
        )
        .await;
    browser.click("#view .actions button:not(.secondary)").await;
    let applied = browser
        .wait_for(
            "the applied bundle's parent intent",
            "const code = document.querySelector('h1 code'); \
             return location.hash.startsWith('#/intents/') && code && code.textContent",
        )
        .await;
    let parent = server.intent(&admin, applied.as_str().unwrap()).await;
    assert_eq!(parent["intent_type"], "intent.release.v1", "{parent}");

    // Sign-out ends the session: the old cookie opens nothing any more.
    let cookie = browser
        .cookies()
        .await
        .into_iter()
        .find(|c| c["name"] == "axme_console")
        .expect("the session cookie");
    assert_eq!(cookie["httpOnly"], true, "{cookie}");
    assert_eq!(cookie["sameSite"], "Strict", "{cookie}");
    let cookie = format!("axme_console={}", cookie["value"].as_str().unwrap());
    browser.click("#sign-out").await;
    browser
        .wait_for(
            "the sign-in page",
            "return location.pathname === '/ui/sign-in'",
        )
        .await;
    browser.go(&format!("{base}/ui/#/intents")).await;
    browser
        .wait_for(
            "the sign-in page again",
            "return location.pathname === '/ui/sign-in'",
        )
        .await;
    let replay = server
        .http
        .get(server.endpoint("/ui/api/v1/intents"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    Resp::read(replay)
        .await
        .expect_error(401, "console_session_required");
}

async fn send(
    server: &TestServer,
    key: &str,
    to: &str,
    intent_type: &str,
    payload: Value,
) -> String {
    let body = json!({ "intent_type": intent_type, "to_agent": to, "payload": payload });
    let created = server.post("/v1/intents", key, &body).await;
    created.expect_ok();
    created.body["intent_id"].as_str().unwrap().to_string()
}

async fn rows(browser: &Browser) -> Value {
    browser
        .js(
            "return Array.from(document.querySelectorAll('tbody tr[data-intent]'), r => r.dataset.intent)",
            json!([]),
        )
        .await
}

/// Type and text filters are query parameters the gateway applies (a page holds only
/// matching intents); the filtered list still takes new matching intents live, and only those.
async fn filters_run_in_the_gateway(browser: &Browser, server: &TestServer, admin: &str, to: &str) {
    let base = server.url.trim_end_matches('/');
    // More than a page of others first: a filter applied to the loaded page would miss it.
    for n in 0..30 {
        send(
            server,
            admin,
            to,
            "intent.console.noise.v1",
            json!({ "n": n }),
        )
        .await;
    }
    let first = send(
        server,
        admin,
        to,
        "intent.console.filter.v1",
        json!({ "ticket": "FILTER-7" }),
    )
    .await;
    let old = send(
        server,
        admin,
        to,
        "intent.console.filter.v1",
        json!({ "ticket": "OTHER" }),
    )
    .await;
    for n in 30..60 {
        send(
            server,
            admin,
            to,
            "intent.console.noise.v1",
            json!({ "n": n }),
        )
        .await;
    }
    // Pages of 25, newest first, through Older and Newer.
    browser
        .go(&format!("{base}/ui/#/intents?type=intent.console.noise.v1"))
        .await;
    let page = |n: usize, rows: usize| {
        format!(
            "return document.querySelector('.pager span').textContent === 'Page {n}' \
             && document.querySelectorAll('tbody tr[data-intent]').length === {rows}"
        )
    };
    browser.wait_for("the first page", &page(1, 25)).await;
    let first_page = rows(browser).await;
    browser.click(".pager button:last-of-type").await;
    browser.wait_for("the second page", &page(2, 25)).await;
    let second_page = rows(browser).await;
    assert!(
        first_page
            .as_array()
            .unwrap()
            .iter()
            .all(|id| !second_page.as_array().unwrap().contains(id)),
        "{first_page} / {second_page}"
    );
    browser.click(".pager button:last-of-type").await;
    browser.wait_for("the last page", &page(3, 10)).await;
    let older_off = browser
        .js(
            "return document.querySelector('.pager button:last-of-type').disabled",
            json!([]),
        )
        .await;
    assert_eq!(older_off, json!(true));
    browser.click(".pager button:first-of-type").await;
    browser
        .wait_for("the second page again", &page(2, 25))
        .await;
    browser
        .go(&format!(
            "{base}/ui/#/intents?type=intent.console.filter.*&text=filter-7"
        ))
        .await;
    browser
        .wait_for(
            "the filtered list",
            &format!(
                "return document.querySelector('tbody tr[data-intent=\"{first}\"]') \
                      && document.querySelector('.live').dataset.live === 'yes'"
            ),
        )
        .await;
    assert_eq!(rows(browser).await, json!([first]));
    let typed = browser
        .js("return document.getElementById('f-type').value", json!([]))
        .await;
    assert_eq!(typed, json!("intent.console.filter.*"));
    browser
        .wait_for(
            "the counts of the filtered list",
            "return document.querySelector('.counts b').textContent === '1'",
        )
        .await;
    // Live: one of another type (with the same text), then a match.
    let other = send(
        server,
        admin,
        to,
        "intent.console.other.v1",
        json!({ "ticket": "FILTER-7" }),
    )
    .await;
    let second = send(
        server,
        admin,
        to,
        "intent.console.filter.v1",
        json!({ "ticket": "filter-7b" }),
    )
    .await;
    browser
        .wait_for(
            "the new match in the list",
            &format!("return document.querySelector('tbody tr[data-intent=\"{second}\"]')"),
        )
        .await;
    let shown = rows(browser).await;
    assert_eq!(shown, json!([second, first]), "not {other} nor {old}");
    browser.screenshot("intents-filtered").await;
}

/// Retry on a canceled intent: a new intent with its type, payload, receiver and correlation
/// id, linked from the page; pressing it again links the same one.
async fn retry_sends_a_new_intent(browser: &Browser, server: &TestServer, admin: &str, to: &str) {
    let base = server.url.trim_end_matches('/');
    let payload = json!({ "attempt": 1, "items": ["a", "b"] });
    let id = send(
        server,
        admin,
        to,
        "intent.console.retry.v1",
        payload.clone(),
    )
    .await;
    browser.go(&format!("{base}/ui/#/intents/{id}")).await;
    browser
        .wait_for(
            "the cancel button and the timeline",
            "return document.querySelector('#view .actions button.danger') \
             && document.querySelectorAll('ol.timeline li').length >= 2",
        )
        .await;
    browser.click("#view .actions button.danger").await;
    browser
        .wait_for(
            "the retry button of the canceled intent",
            "return document.getElementById('retry') \
             && document.querySelector('dl.fields').textContent.includes('CANCELED')",
        )
        .await;
    let help = browser
        .js(
            "return document.getElementById('retry-help').textContent",
            json!([]),
        )
        .await;
    assert!(
        help.as_str()
            .unwrap()
            .contains("new intent with this one's type, payload, receiver"),
        "{help}"
    );
    browser.click("#retry").await;
    let link = browser
        .wait_for(
            "the link to the new intent",
            "const a = document.getElementById('retried'); return a && a.textContent",
        )
        .await;
    let new_id = link.as_str().unwrap().to_string();
    assert_ne!(new_id, id);
    browser
        .js(
            "document.querySelector('#view [role=status]').textContent = ''",
            json!([]),
        )
        .await;
    browser.click("#retry").await;
    let again = browser
        .wait_for(
            "the same link again",
            "const a = document.getElementById('retried'); return a && a.textContent",
        )
        .await;
    assert_eq!(again, json!(new_id), "a second press sends no third intent");
    let (old, new) = (
        server.intent(admin, &id).await,
        server.intent(admin, &new_id).await,
    );
    assert_eq!(old["status"], "CANCELED", "{old}");
    for field in ["intent_type", "to_agent", "payload", "correlation_id"] {
        assert_eq!(old[field], new[field], "{field}: {old} / {new}");
    }
    assert_ne!(new["status"], "CANCELED", "{new}");
    browser.click("#retried").await;
    browser
        .wait_for(
            "the new intent's page",
            &format!("return document.querySelector('h1 code').textContent === '{new_id}'"),
        )
        .await;
}

/// The README shows the intent page as the browser test saw it, at 1280×800.
#[test]
fn the_readme_shows_a_screenshot_of_the_intent_timeline() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("](docs/console-intent.png)"));
    let png = std::fs::read(root.join("docs/console-intent.png")).unwrap();
    assert_eq!(png_size(&png), Some((1280, 800)));
}
