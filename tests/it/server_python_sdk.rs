//! The official Python SDK (`pip install axme==0.2.0`) against a real `axme server`:
//! `tests/it/python/sdk_scenario.py` does the driving; this test prepares a venv under
//! `target/py-sdk-venv` (reused across runs), a server and an agent, then runs it.
//! The same venv holds the PyPI `mcp` client library (pinned below), with which
//! `tests/it/python/mcp_client.py` drives `/mcp` as an MCP host would.
//! Both skip only where python3 is missing and `CI` is unset.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::python;
use crate::common::{Agent, TestServer};

const SDK_REQUIREMENT: &str = "axme==0.2.0";
/// The MCP client library the MCP test drives `/mcp` with.
const MCP_REQUIREMENT: &str = "mcp==2.3.0";
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);

/// `target/py-sdk-venv` with the SDK, or None where python3 is missing outside CI (the
/// test then skips).
pub fn sdk_venv() -> Option<PathBuf> {
    python::venv("py-sdk-venv", &[SDK_REQUIREMENT], "the Python SDK test")
}

/// Runs `sdk_scenario.py` against `server` with `admin`'s and `agent`'s keys (made on any
/// node of its database) and asserts it passed.
pub async fn run_sdk_scenario(venv: &Path, server: &TestServer, admin: &str, agent: &Agent) {
    assert!(!agent.org_id.is_empty() && !agent.workspace_id.is_empty());
    let envs = [
        ("AXME_TEST_BASE_URL", server.url.as_str()),
        ("AXME_TEST_ADMIN_KEY", admin),
        ("AXME_TEST_AGENT_KEY", agent.key.as_str()),
        ("AXME_TEST_AGENT_ADDRESS", agent.address.as_str()),
        ("AXME_TEST_ORG_ID", agent.org_id.as_str()),
        ("AXME_TEST_WORKSPACE_ID", agent.workspace_id.as_str()),
    ];
    let what = "the Python SDK scenario";
    python::run_script(
        venv,
        "sdk_scenario.py",
        &envs,
        "SDK SCENARIO OK",
        what,
        SCRIPT_TIMEOUT,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_drives_the_server() {
    let Some(venv) = tokio::task::spawn_blocking(sdk_venv)
        .await
        .expect("venv task")
    else {
        return;
    };
    let server = TestServer::start();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "sdk-agent").await;
    run_sdk_scenario(&venv, &server, &admin, &agent).await;
}

/// The PyPI `mcp` client library (Streamable HTTP transport) as an MCP host uses it:
/// initialize, list the tools, send an intent with `axme.send` that an agent (the SDK's
/// `listen`, in the script) completes, and follow it to COMPLETED with `axme.get_intent`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_client_library_drives_the_server() {
    let Some(venv) = tokio::task::spawn_blocking(|| {
        let pins = [SDK_REQUIREMENT, MCP_REQUIREMENT];
        python::venv("py-sdk-venv", &pins, "the MCP client test")
    })
    .await
    .expect("venv task") else {
        return;
    };
    let server = TestServer::start();
    let admin = server.admin();
    let agent = server.provision_agent(&admin, "mcp-agent").await;
    let envs = [
        ("AXME_TEST_BASE_URL", server.url.as_str()),
        ("AXME_TEST_ADMIN_KEY", admin.as_str()),
        ("AXME_TEST_AGENT_KEY", agent.key.as_str()),
        ("AXME_TEST_AGENT_ADDRESS", agent.address.as_str()),
    ];
    let what = "the MCP client script";
    python::run_script(
        &venv,
        "mcp_client.py",
        &envs,
        "MCP CLIENT OK",
        what,
        SCRIPT_TIMEOUT,
    )
    .await;
}
