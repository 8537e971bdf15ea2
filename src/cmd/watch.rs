//! `bifeed watch`: build, then rebuild on every change until stopped.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::cli::Paths;

pub fn run(paths: Paths, poll: Option<u64>) -> anyhow::Result<ExitCode> {
    crate::limits::open_files();
    let mut watcher = crate::watch::Watcher::new(paths.sources(), poll.map(Duration::from_millis))?;
    crate::watch::handle_signals(watcher.stopper(), || {}).context("installing signal handlers")?;
    watcher.build_first();
    super::ready("ready");
    watcher.run()?;
    Ok(ExitCode::SUCCESS)
}
