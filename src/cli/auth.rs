//! `axme login|logout|whoami`: credentials of a context.

use clap::Args;

use super::error::{CliError, CliResult};
use super::global::Ctx;

#[derive(Debug, Args)]
#[command(
    after_help = "Non-interactive (CI): `axme login --base-url URL --api-key KEY` or set \
                        AXME_API_KEY. Interactive: a one-time code is sent to your email. \
                        --context NAME picks the context the credentials are stored in."
)]
pub struct LoginArgs {
    /// Email address to send the one-time code to (prompted for on a terminal)
    #[arg(long, value_name = "EMAIL")]
    pub email: Option<String>,
    /// Never prompt; fail if credentials are missing
    #[arg(long)]
    pub no_input: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {}

#[derive(Debug, Args)]
pub struct WhoamiArgs {}

pub fn login(_ctx: &Ctx, _args: LoginArgs) -> CliResult {
    Err(CliError::not_yet_available("login"))
}

pub fn logout(_ctx: &Ctx, _args: LogoutArgs) -> CliResult {
    Err(CliError::not_yet_available("logout"))
}

pub fn whoami(_ctx: &Ctx, _args: WhoamiArgs) -> CliResult {
    Err(CliError::not_yet_available("whoami"))
}
