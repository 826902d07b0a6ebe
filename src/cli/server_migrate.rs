//! `axme server migrate`: move a SQLite database to PostgreSQL (`store::pg::import`).

use std::path::PathBuf;

use super::error::{CliError, CliResult};
use crate::server::store::pg::PgUrl;
use crate::server::store::pg::import;

#[derive(Debug, clap::Subcommand)]
pub enum ServerCommand {
    /// Copy a SQLite database (intents, events, accounts, keys, timers, sessions, inbox…)
    /// into an empty PostgreSQL database, then serve it with --db postgres://….
    Migrate(MigrateArgs),
}

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The SQLite database file to copy (stop the server that uses it first).
    #[arg(long, value_name = "PATH")]
    pub from: PathBuf,
    /// The PostgreSQL database to fill (postgres://user@host:port/db[?sslmode=require]);
    /// it must hold no axme data yet.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

pub fn run(command: ServerCommand) -> CliResult {
    let ServerCommand::Migrate(args) = command;
    let url = PgUrl::parse(&args.to).map_err(|e| {
        CliError::usage(format!("--to: {e}"))
            .with_hint("e.g. --to postgres://axme@127.0.0.1:5432/axme")
    })?;
    let copied = import::copy_sqlite(&args.from, &url).map_err(|e| {
        let error = CliError::failure(e);
        if error.message.contains("empty database") {
            error.with_hint("create a new database (createdb) and pass its URL to --to")
        } else {
            error
        }
    })?;
    println!("copied {} to {}", args.from.display(), url.redacted());
    for (table, rows) in &copied.tables {
        println!("  {table:<20} {rows}");
    }
    // Push secrets stay sealed with the SQLite database's key: the nodes need that file.
    let key = crate::server::sealer::key_file_beside(&args.from);
    if key.exists() {
        println!(
            "serve it with: axme server --db {} --secret-key-file {}",
            url.redacted(),
            key.display()
        );
        println!("(push secrets are sealed with that key file: give every node a copy of it)");
    } else {
        println!("serve it with: axme server --db {}", url.redacted());
    }
    Ok(())
}
