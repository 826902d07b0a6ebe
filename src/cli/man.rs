//! `axme man`: manual pages (roff, by clap_mangen) from the same command tree as `--help`.
//! The pages are committed in man/ (checked for staleness by a test, like completions/) and
//! installed by install.sh.

use std::path::PathBuf;

use clap::Args;

use super::error::{CliError, CliResult};
use super::output::write_stdout;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print, e.g. `intents send` (default: axme itself)
    pub command: Vec<String>,
    /// Write every page into this directory instead (axme.1, axme-intents-send.1, …)
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out_dir: Option<PathBuf>,
}

pub fn run(args: ManArgs) -> CliResult {
    let pages = pages()?;
    if let Some(dir) = args.out_dir {
        std::fs::create_dir_all(&dir)
            .map_err(|e| CliError::failure(format!("cannot create {}: {e}", dir.display())))?;
        for (name, page) in &pages {
            let path = dir.join(name);
            std::fs::write(&path, page)
                .map_err(|e| CliError::failure(format!("cannot write {}: {e}", path.display())))?;
        }
        return Ok(());
    }
    let name = if args.command.is_empty() {
        "axme.1".to_string()
    } else {
        format!("axme-{}.1", args.command.join("-"))
    };
    match pages.iter().find(|(n, _)| *n == name) {
        Some((_, page)) => write_stdout(page),
        None => Err(CliError::usage(format!(
            "no manual page for `axme {}`",
            args.command.join(" ")
        ))
        .with_hint("`axme man --out-dir DIR` writes them all; `axme --help` lists the commands")),
    }
}

/// Every page, `(file name, roff)`: the root with its global options in full, each
/// subcommand with them summed up (as its `--help` shows them).
pub fn pages() -> CliResult<Vec<(String, Vec<u8>)>> {
    fn built(for_subcommand: bool) -> clap::Command {
        let mut cmd = super::help_command(for_subcommand).disable_help_subcommand(true);
        cmd.build();
        cmd
    }
    fn walk(cmd: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> CliResult {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            pages.push(render(sub.clone())?);
            walk(sub, pages)?;
        }
        Ok(())
    }
    fn render(cmd: clap::Command) -> CliResult<(String, Vec<u8>)> {
        let man = clap_mangen::Man::new(cmd).manual("axme manual");
        let mut page = Vec::new();
        man.render(&mut page)
            .map_err(|e| CliError::failure(format!("cannot render a manual page: {e}")))?;
        Ok((man.get_filename(), page))
    }
    let mut pages = vec![render(built(false))?];
    walk(&built(true), &mut pages)?;
    Ok(pages)
}
