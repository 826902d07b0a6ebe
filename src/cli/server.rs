//! `axme server`: flags of the embedded gateway.

use super::error::{CliError, CliResult};

#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8100")]
    pub listen: String,
}

pub fn run(_args: ServerArgs) -> CliResult {
    Err(CliError::failure("axme server is not yet available"))
}
