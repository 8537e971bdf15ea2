//! The commands, one thin module each: read the configuration, run the library's pipeline,
//! tell the user. `main.rs` sets up logging and calls [`run`].

mod build;
mod check;
mod serve;
mod watch;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Tells whoever started a long-running command that it is ready: one line on standard output,
/// after the first build is published (and, for `serve`, the address is bound). It is part of
/// the interface (see the README), unlike the log lines on standard error.
fn ready(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // Nobody may be reading: that is no reason to stop.
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// Runs the command the user asked for; its exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { paths, strict } => build::run(paths, strict),
        Command::Watch { paths, poll } => watch::run(paths, poll),
        Command::Serve { paths, addr, poll } => serve::run(paths, addr, poll),
        Command::Check { config, articles } => check::run(config, articles),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "bifeed", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
