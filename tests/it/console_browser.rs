//! The web console in a real browser (issue 14): Debian's Chromium, headless, driven over
//! WebDriver (`common/webdriver.rs`) against the real `axme server`. One browser for the
//! whole story, as a person would use it: sign in with a key; an intent sent from the CLI
//! appears without a reload and its timeline reaches COMPLETED live; a human task approved
//! from Tasks completes its workflow; an invalid bundle shows its error at its path; another
//! workspace's intent is not visible; sign-out ends the session. Each page is saved at
//! 1280×800 to `target/ui-screens/`.

use serde_json::{Value, json};

use crate::common::cli::Axme;
use crate::common::webdriver::Browser;
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

    // Agents.
    browser.go(&format!("{base}/ui/#/agents")).await;
    browser
        .wait_for(
            "bob in the agents table",
            "return document.querySelector('tbody') && document.querySelector('tbody').textContent.includes('agent://local/default/bob')",
        )
        .await;
    browser.screenshot("agents").await;

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
