//! The integration tests: one binary (the crate links once), one module per area.
//!
//! Every test drives a real gateway over HTTP on a free loopback port with a throwaway
//! database, through `common`: embedded in the test process (`TestServer::in_process`,
//! `embedded_on` with a `ManualClock` for timers) when no process boundary matters, or the
//! real `axme` binary (`TestServer::start…`) where it is the point: kill -9, signals, the
//! banner, logs, several nodes, the CLI and the Python SDK.

mod common;

mod bench_smoke;
mod cli_agents_live;
mod cli_completions;
mod cli_context;
mod cli_help;
mod cli_inbox;
mod cli_install;
mod cli_intents;
#[cfg(target_os = "linux")]
mod cli_keyring;
mod cli_listen;
mod cli_login;
mod cli_login_browser;
mod cli_login_smtp;
mod cli_mcp;
mod cli_mesh;
mod cli_open;
mod cli_scenarios;
mod cli_scripts;
mod cli_sessions;
mod cli_shell;
mod cli_terminal;
mod cli_tls;
mod cli_webhooks;
mod console_browser;
mod server_account_delete;
mod server_agents;
mod server_auth;
mod server_authz;
mod server_authz_matrix;
mod server_basics;
mod server_bulk_cancel;
mod server_changes;
mod server_cluster;
mod server_cluster_failover;
mod server_console;
mod server_durability;
mod server_hardening;
mod server_idempotency;
mod server_inbox;
mod server_input;
mod server_intents;
mod server_invites;
mod server_lease;
mod server_leniency;
mod server_limits;
mod server_macros;
mod server_mcp;
mod server_mcp_tools;
mod server_media;
mod server_memory;
mod server_mesh;
mod server_mesh_restart;
mod server_migrate;
mod server_notify_mail;
mod server_overview;
mod server_policy;
mod server_portal;
mod server_push;
mod server_python_sdk;
mod server_resolve;
mod server_scenarios;
mod server_schemas;
mod server_schemathesis;
mod server_sessions;
mod server_smoke;
mod server_soak;
mod server_sse;
mod server_task_answers;
mod server_timers;
mod server_tls;
mod server_users;
mod server_webhooks;
mod server_webhooks_refusals;
mod server_workflows;
