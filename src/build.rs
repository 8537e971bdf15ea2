//! The one-shot pipeline: list → read → parse → render → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::Lang;
use crate::article::Article;
use crate::collection::Collection;
use crate::config::Config;
use crate::feed::{self, FeedFile};
use crate::output;
use crate::source::ListError;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    List(#[from] ListError),
    #[error("cannot write {}: {error}", path.display())]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("--strict: {0} article file(s) rejected; nothing was written")]
    Strict(usize),
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
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} articles (zh {}, en {}), {} rejected; {} files written, {} unchanged, in {} ms",
            self.articles,
            self.zh_items,
            self.en_items,
            self.rejected,
            self.written.len(),
            self.unchanged.len(),
            self.elapsed.as_millis()
        )
    }
}

/// `bifeed build`: reads the articles folder and writes the four feeds.
pub fn build(config: &Config, strict: bool) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let (mut collection, changes) = Collection::load(config)?;
    for problem in changes.problems.iter().chain(&collection.clashes()) {
        tracing::warn!("{problem}");
    }
    let rejected = collection.counts().rejected;
    if strict && rejected > 0 {
        return Err(BuildError::Strict(rejected));
    }
    let mut summary = render_and_publish(config, &mut collection)?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Renders the feeds of `collection` and writes those whose bytes changed.
pub fn render_and_publish(
    config: &Config,
    collection: &mut Collection,
) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let shown = collection.feed_articles(config);
    let articles: Vec<&Article> = shown.iter().map(|a| a.as_ref()).collect();
    let files = feed::render(&config.site, &articles, config.limit);
    let rendered = started.elapsed();
    let mut summary = publish(&config.output, &files)?;
    tracing::debug!(
        "rendered in {} µs, written in {} µs",
        rendered.as_micros(),
        (started.elapsed() - rendered).as_micros()
    );
    let counts = collection.counts();
    summary.articles = counts.articles;
    summary.rejected = counts.rejected;
    summary.zh_items = counts.zh;
    summary.en_items = counts.en;
    Ok(summary)
}

/// Writes rendered files into the output folder, and next to every feed a gzip copy
/// (`zh/rss.xml.gz`) that `serve` sends to clients that accept gzip.
///
/// Only files whose bytes changed are written, and all of them are first written to
/// temporary files: if any of those writes fails (a full disk, say), nothing is replaced and
/// every previous file stays as it was. Then each is renamed over the old one.
pub fn publish(out: &Path, files: &[FeedFile]) -> Result<Summary, BuildError> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| BuildError::Write { path, error }
    };
    let dirs =
        std::iter::once(out.to_path_buf()).chain(Lang::ALL.iter().map(|l| out.join(l.dir())));
    for dir in dirs {
        output::remove_stale_temp_files(&dir).map_err(write_error(&dir))?;
    }
    let mut summary = Summary::default();
    let mut staged = Vec::with_capacity(files.len() * 2);
    for file in files {
        let path = out.join(&file.path);
        let changed = output::stage(&path, &file.bytes).map_err(write_error(&path))?;
        let gz_path = out.join(format!("{}.gz", file.path));
        let needs_gz = file.path.ends_with(".xml") && (changed.is_some() || !gz_path.exists());
        match changed {
            Some(s) => {
                staged.push((path, s));
                summary.written.push(file.path.clone());
            }
            None => summary.unchanged.push(file.path.clone()),
        }
        if needs_gz
            && let Some(s) =
                output::stage(&gz_path, &gzip(&file.bytes)).map_err(write_error(&gz_path))?
        {
            staged.push((gz_path, s));
        }
    }
    for (path, s) in staged {
        s.commit().map_err(write_error(&path))?;
    }
    Ok(summary)
}

/// Deterministic gzip: no file name or time in the header, fixed level.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::default(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}
