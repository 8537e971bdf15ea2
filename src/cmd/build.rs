//! `bifeed build`: one build of the feeds, then exit.

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::Paths;

pub fn run(paths: Paths, strict: bool) -> anyhow::Result<ExitCode> {
    let config = paths.sources().load()?;
    let summary = crate::build::build(&config, strict)
        .with_context(|| format!("building feeds from {}", config.articles.display()))?;
    tracing::info!("{summary} → {}", config.output.display());
    Ok(ExitCode::SUCCESS)
}
