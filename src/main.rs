use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use bifeed::cli::{Cli, Command, Paths};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(false)
        .without_time()
        .init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { paths, strict } => {
            let config = paths.load()?;
            let summary = bifeed::build::build(&config, strict)
                .with_context(|| format!("building feeds from {}", config.articles.display()))?;
            tracing::info!("{summary} → {}", config.output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config, articles } => {
            let paths = Paths {
                config,
                articles,
                out: None,
            };
            let config = paths.load()?;
            let collection = bifeed::collection::Collection::load(&config)
                .with_context(|| format!("checking {}", config.articles.display()))?;
            let counts = bifeed::check::report(&collection, &mut std::io::stdout().lock())?;
            Ok(if counts.rejected > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
