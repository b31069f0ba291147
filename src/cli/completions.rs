//! `heroku-j1 completions <shell>`: the shell completion script for every command and
//! flag, generated from the same clap definition as the parser (clap_complete).

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

/// Options of `heroku-j1 completions`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Install, e.g.:
  bash: heroku-j1 completions bash > ~/.local/share/bash-completion/completions/heroku-j1
  zsh:  heroku-j1 completions zsh > ~/.zfunc/_heroku-j1   (with fpath+=~/.zfunc)
  fish: heroku-j1 completions fish > ~/.config/fish/completions/heroku-j1.fish")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the script on stdout.
#[must_use]
pub fn run(args: &CompletionsArgs) -> ExitCode {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "heroku-j1", &mut std::io::stdout());
    ExitCode::SUCCESS
}
