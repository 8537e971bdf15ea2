//! One build: the pipeline run once (collection → selection → render → publish), by `build`
//! and, after every change, by `watch`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use std::collections::BTreeSet;

use rustc_hash::FxHashSet;

use crate::article::Article;
use crate::collection::Collection;
use crate::config::Config;
use crate::lang::Lang;
use crate::publish::{self, folder};
use crate::render;
use crate::selection;
use crate::source::ListError;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    List(#[from] ListError),
    #[error(transparent)]
    Publish(#[from] publish::PublishError),
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error("--strict: {0} article file(s) rejected; nothing was written")]
    Strict(usize),
    #[error(transparent)]
    Busy(#[from] crate::collection::Busy),
    #[error(transparent)]
    Lock(#[from] folder::LockError),
    #[error(
        "{count} article file(s) could not be read ({first}); nothing was written, the \
         previous feeds stay"
    )]
    Unreadable { count: usize, first: String },
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub articles: usize,
    pub rejected: usize,
    pub zh_items: usize,
    pub en_items: usize,
    /// Feed files rewritten (paths relative to the output folder).
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    /// Pages removed because their article went or got a source link.
    pub removed: Vec<String>,
    /// Every file the output folder holds for bifeed now (feeds, their gzip copies, the
    /// index page, OPML, article pages), relative to it: what `serve` publishes.
    pub outputs: BTreeSet<String>,
    pub elapsed: Duration,
}

impl Summary {
    /// What the feeds hold now, as both `build` and `watch` report it:
    /// `N articles (zh X, en Y), R rejected`.
    pub fn articles(&self) -> String {
        format!(
            "{} articles (zh {}, en {}), {} rejected",
            self.articles, self.zh_items, self.en_items, self.rejected
        )
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}; {} files written, {} unchanged, ",
            self.articles(),
            self.written.len(),
            self.unchanged.len(),
        )?;
        if !self.removed.is_empty() {
            write!(f, "{} removed, ", self.removed.len())?;
        }
        write!(f, "in {} ms", self.elapsed.as_millis())
    }
}

/// `bifeed build`: reads the articles folder and writes the four feeds.
pub fn build(config: &Config, strict: bool) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let _lock = folder::Lock::take(&config.output)?;
    let (mut collection, mut changes) = Collection::load(config)?;
    // Files the system could not read just now (out of file descriptors, say) are read again
    // a few times; the build fails rather than publish the feeds without them.
    let mut delay = Duration::from_millis(100);
    for _ in 0..5 {
        if changes.retry.is_empty() {
            break;
        }
        std::thread::sleep(delay);
        delay *= 2;
        let retry = std::mem::take(&mut changes.retry);
        changes.busy.clear();
        let more = collection.refresh_paths(config, retry.iter().map(PathBuf::as_path))?;
        changes.merge(more);
    }
    if let Some(first) = changes.busy.first() {
        return Err(BuildError::Unreadable {
            count: changes.busy.len(),
            first: first.clone(),
        });
    }
    tracing::debug!("listed and read in {} ms", started.elapsed().as_millis());
    for problem in changes.problems.iter().chain(&collection.clashes()) {
        tracing::warn!("{problem}");
    }
    let rejected = collection.counts().rejected;
    if strict && rejected > 0 {
        return Err(BuildError::Strict(rejected));
    }
    let mut summary = render_and_publish(config, &mut collection, &mut render::Memo::default())?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The topic feeds of every language: the keywords enough articles carry, and those already
/// published that still have an article (see [`selection::topics`]).
fn topics(config: &Config, collection: &Collection) -> Vec<selection::Topic> {
    let min = config.topics.min_articles;
    if min == 0 {
        return Vec::new();
    }
    Lang::ALL
        .into_iter()
        .flat_map(|lang| {
            let kept = publish::published_topics(&config.output, lang);
            let tagged = collection
                .keywords(lang)
                .map(|(id, date, keywords)| selection::Tagged { id, date, keywords });
            selection::topics(lang, tagged, min, &kept, config.limit)
        })
        .collect()
}

/// Renders the feeds of `collection` whose items changed since `memo` was last told (all of
/// them with an empty memo), and writes those whose bytes changed. On an error the memo is
/// emptied: what was published may no longer be what it remembers.
pub fn render_and_publish(
    config: &Config,
    collection: &mut Collection,
    memo: &mut render::Memo,
) -> Result<Summary, BuildError> {
    let result = publish_changed(config, collection, memo);
    if result.is_err() {
        *memo = render::Memo::default();
    }
    result
}

fn publish_changed(
    config: &Config,
    collection: &mut Collection,
    memo: &mut render::Memo,
) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let topics = topics(config, collection);
    let also: FxHashSet<&str> = topics
        .iter()
        .flat_map(|t| t.articles.iter().map(String::as_str))
        .collect();
    let (shown, counts) = collection.feed_articles(config, &also)?;
    let chosen = started.elapsed();
    let articles: Vec<&Article> = shown.iter().map(|a| a.as_ref()).collect();
    let mut made = render::render_changed(&config.site, &articles, &topics, config.limit, memo)?;
    let mut files = made.take_files();
    let due = collection.pages_due();
    let due: Vec<&Article> = due.iter().map(|a| a.as_ref()).collect();
    files.extend(render::pages(&config.site, &due));
    let rendered = started.elapsed();
    let written = publish::publish(&config.output, &files)?;
    let mut summary = Summary {
        written: written.written,
        unchanged: written.unchanged,
        ..Summary::default()
    };
    let pages: FxHashSet<String> = collection
        .paged_articles()
        .flat_map(|a| {
            Lang::ALL
                .into_iter()
                .filter(|&lang| a.version(lang).is_some())
                .map(|lang| selection::page_path(lang, &a.id))
        })
        .collect();
    summary.removed = publish::remove_stale_pages(&config.output, &pages)?;
    let topic_folders: FxHashSet<String> = topics.iter().map(|t| t.feed.folder()).collect();
    summary.removed.extend(publish::remove_stale_topics(
        &config.output,
        &topic_folders,
    )?);
    collection.pages_published();
    summary.outputs = files
        .iter()
        .map(|f| &f.path)
        .chain(&made.unchanged)
        .flat_map(|path| {
            let gz = selection::has_gzip_copy(path).then(|| format!("{path}.gz"));
            std::iter::once(path.clone()).chain(gz)
        })
        .chain(pages)
        .collect();
    summary.unchanged.extend(made.unchanged.iter().cloned());
    drop(articles);
    memo.remember(made, shown);
    tracing::debug!(
        "items chosen in {} µs, rendered in {} µs, written in {} µs",
        chosen.as_micros(),
        (rendered - chosen).as_micros(),
        (started.elapsed() - rendered).as_micros()
    );
    summary.articles = counts.articles;
    summary.rejected = counts.rejected;
    summary.zh_items = counts.zh;
    summary.en_items = counts.en;
    Ok(summary)
}
