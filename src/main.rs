use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use bifeed::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    ignore_file_size_signal();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_target(false);
    // A one-shot command's lines need no clock; a long-running one's do.
    if matches!(cli.command, Command::Watch { .. } | Command::Serve { .. }) {
        logs.init();
    } else {
        logs.without_time().init();
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A write past the file size limit (`ulimit -f`) raises SIGXFSZ, which kills the process by
/// default. Handled, the write fails with EFBIG instead and is reported like a full disk, with
/// the previous feeds left in place.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: the handler does nothing, which is async-signal-safe.
    if let Err(e) = unsafe { signal_hook::low_level::register(signal_hook::consts::SIGXFSZ, || {}) }
    {
        tracing::debug!("cannot handle SIGXFSZ: {e}");
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { paths, strict } => {
            let config = paths.sources().load()?;
            let summary = bifeed::build::build(&config, strict)
                .with_context(|| format!("building feeds from {}", config.articles.display()))?;
            tracing::info!("{summary} → {}", config.output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch { paths, poll } => {
            bifeed::limits::open_files();
            let poll = poll.map(std::time::Duration::from_millis);
            let watcher = bifeed::watch::Watcher::new(paths.sources(), poll)?;
            bifeed::watch::stop_on_signals(watcher.stopper())
                .context("installing signal handlers")?;
            watcher.run()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { paths, addr, poll } => {
            let poll = poll.map(std::time::Duration::from_millis);
            bifeed::serve::run(paths.sources(), addr, poll)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config, articles } => {
            let sources = bifeed::config::Sources {
                file: config,
                articles,
                ..Default::default()
            };
            let config = sources.load()?;
            let files = bifeed::collection::outcomes(&config)
                .with_context(|| format!("checking {}", config.articles.display()))?;
            let counts = bifeed::check::report(files, &mut std::io::stdout().lock())?;
            Ok(if counts.rejected > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
