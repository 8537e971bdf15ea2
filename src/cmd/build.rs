//! `bifeed build`: one build of the feeds, then exit.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use crate::cli::Paths;
use crate::publish::store::{Publisher, Snapshot, Store};
use crate::publish::websub::{Notifier, changed_feeds};

pub fn run(paths: Paths, strict: bool) -> anyhow::Result<ExitCode> {
    let config = paths.sources().load()?;
    // Opening asks nothing of the store, but settings it cannot use fail before any build.
    let store = config
        .publish
        .as_ref()
        .map(|settings| Store::open(settings, &config.output, config.cache.as_deref()))
        .transpose()?;
    let summary = crate::build::build(&config, strict)
        .with_context(|| format!("building feeds from {}", config.articles.display()))?;
    tracing::info!("{summary} → {}", config.output.display());
    // The feeds are written; the store and the hubs are told after. A hub that stays down
    // delays the exit by at most HUB_WAIT and misses these changes: a one-shot build keeps
    // no list of what a hub was not told (`watch` keeps trying).
    let notifier = Notifier::start(&config.websub.hubs);
    let feeds = changed_feeds(&config.site, &summary.written);
    let mut code = ExitCode::SUCCESS;
    match store {
        // Hubs hear of a feed once it is in the store, where subscribers fetch it.
        Some(store) => {
            let url = store.url().to_string();
            let publisher = Publisher::start(store, notifier.as_ref().map(Notifier::notices))?;
            publisher.publish(
                Snapshot {
                    folder: config.output.clone(),
                    files: summary.outputs,
                    max_age: config.serve.cache_max_age,
                },
                feeds,
            );
            // Each failed round was logged with the objects and the store's message.
            if publisher.finish(STORE_WAIT).failed.is_some() {
                tracing::error!(
                    "not everything is published to {url}; the feeds in {} are whole, and the \
                     next build publishes what is missing",
                    config.output.display()
                );
                code = ExitCode::FAILURE;
            }
        }
        None => {
            if let Some(notifier) = &notifier {
                notifier.changed(feeds);
            }
        }
    }
    if let Some(notifier) = notifier {
        notifier.finish(HUB_WAIT);
    }
    Ok(code)
}

/// Longest `build` keeps trying a failing WebSub hub before it exits.
const HUB_WAIT: Duration = Duration::from_secs(10);
/// Longest `build` keeps trying a failing object store (after a first try that takes as long
/// as the store's requests do).
const STORE_WAIT: Duration = Duration::from_secs(10);
