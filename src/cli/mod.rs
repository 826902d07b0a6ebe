//! Command-line interface: parsing, dispatch, and turning errors into exit codes.

pub mod error;
mod server;

use clap::{Parser, Subcommand};
use error::{CliResult, Exit};

#[derive(Debug, Parser)]
#[command(
    name = "axme",
    version,
    about = "Durable async API operations: intents, agents, scenarios"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the embedded AXP gateway in the foreground.
    Server(server::ServerArgs),
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result: CliResult = match cli.command {
        Command::Server(args) => server::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(e.exit as u8)
        }
    }
}

#[allow(dead_code)]
fn exit_code(exit: Exit) -> std::process::ExitCode {
    std::process::ExitCode::from(exit as u8)
}
