//! Command-line interface: parsing, dispatch, and turning errors into exit codes.
//!
//! The clap types of each command group live in that group's file next to what it does;
//! this file only assembles the tree and decides how a run ends.

mod agents;
mod auth;
mod bench;
mod cleanup;
mod complete;
mod completions;
mod context;
mod error;
mod examples;
mod global;
mod handler;
mod help;
mod ids;
mod inbox;
mod intents;
mod listen;
mod local_context;
mod login_browser;
mod man;
mod mcp;
mod mesh;
mod open;
mod output;
mod provision;
mod quota;
mod remote;
mod scenario_create;
mod scenarios;
mod send;
mod server;
mod server_migrate;
mod sessions;
mod status;
mod table;
mod tasks;
mod timeline;
mod version;
mod webhooks;
mod workspace;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use error::{CliError, CliResult, Exit};
use global::{Ctx, GlobalArgs};

#[derive(Debug, Parser)]
#[command(
    name = "axme",
    version,
    about = "Durable async API operations: intents, agents, scenarios",
    long_about = "axme sends and watches durable intents over the AXP protocol, runs agents that \
                  handle them, and includes the gateway itself (`axme server`).",
    after_help = "Start a local gateway with `axme server`, then point commands at it (the \
                  default is http://127.0.0.1:8100).\nPrecedence of settings: flag > environment \
                  > stored context > default.",
    arg_required_else_help = true
)]
pub(crate) struct Cli {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in to a gateway and store the credentials in a context.
    Login(auth::LoginArgs),
    /// Forget the session and keys of the current context.
    Logout(auth::LogoutArgs),
    /// Show who the current credentials act as.
    Whoami(auth::WhoamiArgs),
    /// The organizations your credentials belong to.
    #[command(subcommand)]
    Org(workspace::OrgCommand),
    /// The workspaces your credentials belong to; select the one to act in.
    #[command(subcommand)]
    Workspace(workspace::WorkspaceCommand),
    /// Your sign-in sessions on the gateway: list them, revoke one.
    #[command(subcommand, alias = "session")]
    Sessions(sessions::SessionsCommand),
    /// The workspace's limits and what it uses of them.
    #[command(subcommand)]
    Quota(quota::QuotaCommand),
    /// Check that the gateway is reachable and how fast it answers.
    Status(status::StatusArgs),
    /// Check config, secret storage, connectivity and credentials, one line per check.
    Doctor(status::DoctorArgs),
    /// Manage contexts: named gateways with their credentials.
    #[command(subcommand)]
    Context(context::ContextCommand),
    /// Send, inspect and watch intents.
    #[command(subcommand, alias = "intent")]
    Intents(intents::IntentsCommand),
    /// Validate and apply scenario bundles.
    #[command(subcommand, alias = "scenario")]
    Scenarios(scenarios::ScenariosCommand),
    /// List agents and run one in the terminal.
    #[command(subcommand, alias = "agent")]
    Agents(agents::AgentsCommand),
    /// Fleet health and the kill switch: list, show, kill, resume, events.
    #[command(subcommand)]
    Mesh(mesh::MeshCommand),
    /// Human tasks waiting for you: list, approve, reject, submit.
    #[command(subcommand, alias = "task")]
    Tasks(tasks::TasksCommand),
    /// Your inbox: threads finished intents left for you (reply_to); reply in them.
    #[command(subcommand)]
    Inbox(inbox::InboxCommand),
    /// Webhooks: events (inbox threads, replies, …) POSTed, signed, to a URL of yours.
    #[command(subcommand, alias = "webhook")]
    Webhooks(webhooks::WebhooksCommand),
    /// Print the configuration an MCP host (Cursor, Claude Desktop) needs for this gateway.
    Mcp(mcp::McpArgs),
    /// Run the built-in examples end to end.
    #[command(subcommand, alias = "example")]
    Examples(examples::ExamplesCommand),
    /// Open the gateway's web console (or an intent in it) in the browser.
    Open(open::OpenArgs),
    /// Run the embedded AXP gateway in the foreground.
    #[command(args_conflicts_with_subcommands = true)]
    Server(Box<server::ServerArgs>),
    /// Measure the gateway's throughput and latency.
    Bench(bench::BenchArgs),
    /// Print a shell completion script.
    Completions(completions::CompletionsArgs),
    /// Print a manual page, or write them all (--out-dir).
    Man(man::ManArgs),
    /// Print the version of axme.
    Version,
}

/// The clap command tree (for completions and tests).
pub(crate) fn command() -> clap::Command {
    Cli::command()
}

/// The tree as help and man pages show it (see help.rs); parses the same arguments.
/// `for_subcommand`: the global options are summed up under each subcommand.
pub(crate) fn help_command(for_subcommand: bool) -> clap::Command {
    help::decorate(Cli::command(), for_subcommand)
}

pub fn main() -> ExitCode {
    install_panic_hook();
    complete::answer_the_shell();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = help_command(help::names_subcommand(&args))
        .try_get_matches()
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        // clap prints help/version on stdout (exit 0) and usage errors with a suggestion on
        // stderr (exit 2).
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let color = cli.global.color;
    if cli.global.json
        && cli
            .global
            .output
            .is_some_and(|f| f != output::OutputFormat::Json && f != output::OutputFormat::Jsonl)
    {
        report(
            &CliError::usage("--json and -o text ask for different output formats")
                .with_hint("keep one of them (--json is the same as -o json)"),
            color,
        );
        return exit_code(Exit::Usage);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e, color);
            exit_code(e.exit)
        }
    }
}

fn run(cli: Cli) -> CliResult {
    // `axme server` sets up its own logging; for the others `-v` turns on ours.
    if !matches!(cli.command, Command::Server(_)) {
        let ansi = cli.global.color != output::ColorChoice::Never
            && std::io::IsTerminal::is_terminal(&std::io::stderr())
            && crate::config::env::get(crate::config::env::NO_COLOR).is_none();
        init_logging(cli.global.verbose, ansi);
    }
    let ctx = Ctx::new(cli.global);
    match cli.command {
        Command::Login(args) => auth::login(&ctx, args),
        Command::Logout(args) => auth::logout(&ctx, args),
        Command::Whoami(args) => auth::whoami(&ctx, args),
        Command::Org(command) => workspace::org(&ctx, command),
        Command::Workspace(command) => workspace::workspace(&ctx, command),
        Command::Sessions(command) => sessions::run(&ctx, command),
        Command::Quota(command) => quota::run(&ctx, command),
        Command::Status(args) => status::status(&ctx, args),
        Command::Doctor(args) => status::doctor(&ctx, args),
        Command::Context(command) => context::run(&ctx, command),
        Command::Intents(command) => intents::run(&ctx, command),
        Command::Scenarios(command) => scenarios::run(&ctx, command),
        Command::Agents(command) => agents::run(&ctx, command),
        Command::Mesh(command) => mesh::run(&ctx, command),
        Command::Tasks(command) => tasks::run(&ctx, command),
        Command::Inbox(command) => inbox::run(&ctx, command),
        Command::Webhooks(command) => webhooks::run(&ctx, command),
        Command::Mcp(args) => mcp::run(&ctx, args),
        Command::Examples(command) => examples::run(&ctx, command),
        Command::Open(args) => open::run(&ctx, args),
        Command::Server(args) => server::run(*args),
        Command::Bench(args) => bench::run(&ctx, args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Version => version::run(&ctx),
    }
}

/// `error: <what went wrong>` and, when there is one, `hint: <what to do>`, on stderr.
fn report(e: &CliError, color: output::ColorChoice) {
    if e.is_silent() {
        return;
    }
    let enabled = match color {
        output::ColorChoice::Always => true,
        output::ColorChoice::Never => false,
        output::ColorChoice::Auto => {
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && crate::config::env::get(crate::config::env::NO_COLOR).is_none()
        }
    };
    let label = output::paint("error:", output::Style::Red, enabled);
    output::eprintln_safe(&format!("{label} {}", e.message));
    if let Some(hint) = &e.hint {
        let label = output::paint("hint:", output::Style::Dim, enabled);
        output::eprintln_safe(&format!("{label} {hint}"));
    }
}

fn exit_code(exit: Exit) -> ExitCode {
    ExitCode::from(exit as u8)
}

/// A panic is a bug in axme: say so in one line instead of showing a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        output::eprintln_safe(&format!(
            "error: internal error in axme ({what}{place}); please report it"
        ));
    }));
}

fn init_logging(verbose: u8, ansi: bool) {
    let level = match verbose {
        0 => return,
        1 => "axme=debug",
        _ => "axme=trace",
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_env_filter(tracing_subscriber::EnvFilter::new(level))
        .try_init();
}
