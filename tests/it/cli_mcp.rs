//! `axme mcp`: the MCP host configuration for the current context, and that what it says
//! reaches the gateway's `/mcp`.

use serde_json::{Value, json};

use crate::common::TestServer;
use crate::common::cli::Axme;

#[tokio::test]
async fn the_printed_configuration_reaches_the_gateway() {
    let server = TestServer::in_process();
    let admin = server.admin();
    let axme = Axme::new();
    let env = [
        ("AXME_BASE_URL", server.url.as_str()),
        ("AXME_API_KEY", admin.as_str()),
    ];

    // Text: stdout is the configuration alone, the key only referred to.
    let run = axme.run_with(&["mcp"], &env);
    run.assert_code(0);
    let config = run.json();
    let entry = &config["mcpServers"]["axme"];
    assert_eq!(entry["url"], json!(format!("{}/mcp", server.url)));
    assert_eq!(entry["headers"]["x-api-key"], "${env:AXME_API_KEY}");
    assert!(!run.stdout.contains(&admin), "the key was printed");
    assert!(run.stderr.contains("AXME_API_KEY"), "{}", run.stderr);

    // Claude Desktop: through mcp-remote, a placeholder for the key unless asked.
    let run = axme.run_with(&["mcp", "--host", "claude-desktop", "--name", "gw"], &env);
    run.assert_code(0);
    let entry = &run.json()["mcpServers"]["gw"];
    assert_eq!(entry["command"], "npx");
    let args: Vec<&str> = entry["args"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(args.contains(&"mcp-remote") && args.contains(&format!("{}/mcp", server.url).as_str()));
    assert!(!run.stdout.contains(&admin));

    // JSON for scripts.
    let run = axme.run_with(&["mcp", "-o", "json"], &env);
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["ok"], true);
    assert_eq!(out["url"], json!(format!("{}/mcp", server.url)));
    assert_eq!(out["key_source"], "env");
    assert_eq!(out["key_shown"], false);
    assert_eq!(out["config"]["mcpServers"]["axme"]["url"], out["url"]);

    // With the key shown, the configuration is all a host needs: use it as one would.
    let run = axme.run_with(&["mcp", "--show-key"], &env);
    run.assert_code(0);
    let entry = run.json()["mcpServers"]["axme"].clone();
    assert_eq!(entry["headers"]["x-api-key"], json!(admin));
    let answer: Value = server
        .http
        .post(entry["url"].as_str().unwrap())
        .header("x-api-key", entry["headers"]["x-api-key"].as_str().unwrap())
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["result"]["protocolVersion"], "2024-11-05",
        "{answer}"
    );

    // No key at all: --show-key is a usage error; without it, a warning.
    let bare = [("AXME_BASE_URL", server.url.as_str())];
    axme.run_with(&["mcp", "--show-key"], &bare).assert_code(2);
    let run = axme.run_with(&["mcp"], &bare);
    run.assert_code(0);
    assert!(run.stderr.contains("no API key"), "{}", run.stderr);
}
