//! `axme open` and the banner's `console` line (issue 14).

use serde_json::json;

use crate::common::TestServer;
use crate::common::cli::Axme;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_banner_names_the_console_and_open_prints_its_url_without_a_browser() {
    let server = TestServer::start();
    let console = format!("  console     {}/ui/", server.url);
    assert!(
        server.banner.lines().any(|l| l == console),
        "{}",
        server.banner
    );
    assert!(
        server
            .banner
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .contains("admin key"),
        "the admin key stays the last line:\n{}",
        server.banner
    );
    let admin = server.admin();
    let bob = runtime().block_on(server.provision_agent(&admin, "bob"));
    let id = runtime().block_on(server.create_intent(&admin, &bob.address, json!({})));
    let axme = Axme::new();
    // No desktop: the URL is printed, not opened.
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
        ("DISPLAY", ""),
        ("WAYLAND_DISPLAY", ""),
    ];
    let list = axme.run_with(&["open"], &env);
    list.assert_code(0);
    assert_eq!(list.stdout.trim(), format!("{}/ui/", server.url));
    // A prefix is completed by the gateway.
    let one = axme.run_with(&["open", &id[..13]], &env);
    one.assert_code(0);
    assert_eq!(
        one.stdout.trim(),
        format!("{}/ui/#/intents/{id}", server.url)
    );
    let machine = axme.run_with(&["open", "--print", &id, "-o", "json"], &env);
    machine.assert_code(0);
    assert_eq!(
        machine.json(),
        json!({ "url": format!("{}/ui/#/intents/{id}", server.url), "opened": false })
    );
}
