//! `axme status` and `axme doctor`: is the gateway there, and is this setup sound.

use clap::Args;

use super::error::{CliError, CliResult};
use super::global::Ctx;

#[derive(Debug, Args)]
pub struct StatusArgs {}

#[derive(Debug, Args)]
pub struct DoctorArgs {}

pub fn status(_ctx: &Ctx, _args: StatusArgs) -> CliResult {
    Err(CliError::not_yet_available("status"))
}

pub fn doctor(_ctx: &Ctx, _args: DoctorArgs) -> CliResult {
    Err(CliError::not_yet_available("doctor"))
}
