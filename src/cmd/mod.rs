//! The commands, one thin module each: read the configuration, run the library's pipeline,
//! tell the user. `main.rs` sets up logging and calls [`run`].

mod build;
mod check;
mod serve;
mod watch;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the command the user asked for; its exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { paths, strict } => build::run(paths, strict),
        Command::Watch { paths, poll } => watch::run(paths, poll),
        Command::Serve { paths, addr, poll } => serve::run(paths, addr, poll),
        Command::Check { config, articles } => check::run(config, articles),
    }
}
