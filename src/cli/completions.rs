//! `axme completions <shell>`: the script that makes a shell complete axme's commands, flags
//! and values. It is small: on every <TAB> it asks `axme` itself for the candidates
//! (clap_complete's dynamic completion, answered in `complete.rs`), so stored contexts,
//! examples, recent intent ids and agent addresses complete too.

use clap::Args;
use clap_complete::Shell;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use super::error::CliResult;
use super::output::write_stdout;

#[derive(Debug, Args)]
#[command(
    after_help = "The script asks `axme` (found on PATH) for candidates on every <TAB>, so \
                  stored contexts, examples, recent intent ids and agent addresses complete \
                  too.\n\nExamples:\n  \
                  axme completions bash > ~/.local/share/bash-completion/completions/axme\n  \
                  axme completions zsh > ~/.zfunc/_axme\n  \
                  axme completions fish > ~/.config/fish/completions/axme.fish\n  \
                  source <(axme completions bash)        # this shell only"
)]
pub struct CompletionsArgs {
    /// Shell to generate the script for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionsArgs) -> CliResult {
    write_stdout(&script(args.shell))
}

/// Installed in `$fpath`, the zsh file is the body of `_axme`, run on the first <TAB>
/// (which defines the completer): complete that <TAB> too.
const ZSH_FIRST_TAB: &str =
    "if [[ ${funcstack[1]-} == _axme ]]; then _clap_dynamic_completer_axme \"$@\"; fi\n";

/// The completion script for `shell`: a registration calling `axme -- <words>` with
/// `COMPLETE=<shell>` (a shell clap_complete cannot register gets the static script).
pub fn script(shell: Shell) -> Vec<u8> {
    let adapter: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::PowerShell => &Powershell,
        Shell::Elvish => &Elvish,
        _ => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut super::command(), "axme", &mut out);
            return out;
        }
    };
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = adapter.write_registration("COMPLETE", "axme", "axme", "axme", &mut out);
    if shell == Shell::Zsh {
        out.extend_from_slice(ZSH_FIRST_TAB.as_bytes());
    }
    out
}
