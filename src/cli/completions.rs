//! `axme completions <shell>`: shell completion scripts, generated from the command tree.

use clap::Args;
use clap_complete::Shell;

use super::error::CliResult;
use super::output::write_stdout;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  axme completions bash > ~/.local/share/bash-completion/completions/axme\n  \
                        axme completions zsh > ~/.zfunc/_axme\n  \
                        axme completions fish > ~/.config/fish/completions/axme.fish"
)]
pub struct CompletionsArgs {
    /// Shell to generate the script for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> CliResult {
    write_stdout(&script(args.shell))
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut super::command(), "axme", &mut out);
    out
}
