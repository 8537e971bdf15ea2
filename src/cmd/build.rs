//! `bifeed build`: one build of the feeds, then exit.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::cli::Paths;
use crate::publish::websub::{Notifier, changed_feeds};

pub fn run(paths: Paths, strict: bool) -> anyhow::Result<ExitCode> {
    let config = paths.sources().load()?;
    let summary = crate::build::build(&config, strict)
        .with_context(|| format!("building feeds from {}", config.articles.display()))?;
    tracing::info!("{summary} → {}", config.output.display());
    // The feeds are written; the hubs are told after. A hub that stays down delays the exit
    // by at most HUB_WAIT and misses these changes: a one-shot build keeps no list of what a
    // hub was not told (`watch` keeps trying).
    if let Some(notifier) = Notifier::start(&config.websub.hubs) {
        notifier.changed(changed_feeds(&config.site, &summary.written));
        notifier.finish(HUB_WAIT);
    }
    Ok(ExitCode::SUCCESS)
}

/// Longest `build` keeps trying a failing WebSub hub before it exits.
const HUB_WAIT: Duration = Duration::from_secs(10);
