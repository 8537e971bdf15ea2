//! The one-shot pipeline: list → read → parse → render → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::collections::BTreeSet;

use rustc_hash::FxHashSet;

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
    #[error("cannot write {}: {error}", crate::source::shown(path))]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("--strict: {0} article file(s) rejected; nothing was written")]
    Strict(usize),
    #[error(transparent)]
    Busy(#[from] crate::collection::Busy),
    #[error(transparent)]
    Lock(#[from] output::LockError),
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

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} articles (zh {}, en {}), {} rejected; {} files written, {} unchanged, ",
            self.articles,
            self.zh_items,
            self.en_items,
            self.rejected,
            self.written.len(),
            self.unchanged.len(),
        )?;
        if !self.removed.is_empty() {
            write!(f, "{} removed, ", self.removed.len())?;
        }
        write!(f, "in {} ms", self.elapsed.as_millis())
    }
}

/// What the output folder publishes: the folder (canonical), and the files bifeed wrote
/// there (relative to it). `serve` serves these and nothing else, from wherever the config
/// last put them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outputs {
    pub folder: PathBuf,
    pub files: BTreeSet<String>,
}

impl Outputs {
    pub fn new(folder: &Path, files: BTreeSet<String>) -> Outputs {
        Outputs {
            folder: std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf()),
            files,
        }
    }

    /// Before the first build of this run: the files every build writes.
    pub fn expected(folder: &Path) -> Outputs {
        let feeds = Lang::ALL.into_iter().flat_map(|lang| {
            feed::Format::ALL.into_iter().flat_map(move |format| {
                let path = feed::feed_path(lang, format);
                [format!("{path}.gz"), path]
            })
        });
        let files = feeds
            .chain([feed::INDEX_PAGE.to_string(), feed::OPML_FILE.to_string()])
            .collect();
        Outputs::new(folder, files)
    }
}

/// `bifeed build`: reads the articles folder and writes the four feeds.
pub fn build(config: &Config, strict: bool) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let _lock = output::Lock::take(&config.output)?;
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
    let (shown, counts) = collection.feed_articles(config)?;
    let chosen = started.elapsed();
    let articles: Vec<&Article> = shown.iter().map(|a| a.as_ref()).collect();
    let mut files = feed::render(&config.site, &articles, config.limit);
    let due = collection.pages_due();
    let due: Vec<&Article> = due.iter().map(|a| a.as_ref()).collect();
    files.extend(feed::pages(&config.site, &due));
    let rendered = started.elapsed();
    let mut summary = publish(&config.output, &files)?;
    let pages: FxHashSet<String> = collection
        .paged_articles()
        .flat_map(|a| {
            Lang::ALL
                .into_iter()
                .filter(|&lang| a.version(lang).is_some())
                .map(|lang| feed::page_path(lang, &a.id))
        })
        .collect();
    summary.removed = remove_stale_pages(&config.output, &pages)?;
    collection.pages_published();
    summary.outputs = files
        .iter()
        .flat_map(|f| {
            let gz = f.path.ends_with(".xml").then(|| format!("{}.gz", f.path));
            std::iter::once(f.path.clone()).chain(gz)
        })
        .chain(pages)
        .collect();
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
    let dirs = std::iter::once(out.to_path_buf()).chain(
        Lang::ALL
            .iter()
            .flat_map(|l| [out.join(l.dir()), out.join(l.dir()).join(feed::PAGES_DIR)]),
    );
    for dir in dirs {
        output::remove_stale_temp_files(&dir).map_err(write_error(&dir))?;
    }
    // Files (and the gzip copy of each feed) are staged on threads of their own, up to
    // `STAGING_THREADS` at once. Most of a stage is waiting for the disk to confirm a sync;
    // threads let those waits overlap, which a pool sized to the cores would not. The bound
    // keeps a build with a thousand new article pages from taking a thousand file
    // descriptors at once (and threads).
    let mut staged_files: Vec<StagedFile> = Vec::with_capacity(files.len());
    for batch in files.chunks(STAGING_THREADS) {
        let staged = std::thread::scope(|scope| {
            let stages: Vec<_> = batch
                .iter()
                .map(|file| scope.spawn(move || stage_file(out, file)))
                .collect();
            stages
                .into_iter()
                .map(|stage| {
                    stage
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Result<Vec<_>, _>>()
        })?;
        staged_files.extend(staged);
    }
    let mut summary = Summary::default();
    let mut commits = Vec::with_capacity(files.len() * 2);
    for (file, staged) in files.iter().zip(staged_files) {
        match staged.file {
            Some(s) => {
                commits.push((out.join(&file.path), s));
                summary.written.push(file.path.clone());
            }
            None => summary.unchanged.push(file.path.clone()),
        }
        if let Some(gz) = staged.gz {
            commits.push((out.join(format!("{}.gz", file.path)), gz));
        }
    }
    for (path, s) in commits {
        s.commit()
            .map_err(|error| BuildError::Write { path, error })?;
    }
    Ok(summary)
}

/// Removes the article pages that `pages` (paths relative to `out`) no longer holds: their
/// article was removed, lost a language, or gained a source link. Only `.html` files in the
/// pages folders are bifeed's to remove.
fn remove_stale_pages(out: &Path, pages: &FxHashSet<String>) -> Result<Vec<String>, BuildError> {
    let mut removed = Vec::new();
    for lang in Lang::ALL {
        let rel_dir = format!("{}/{}", lang.dir(), feed::PAGES_DIR);
        let dir = out.join(&rel_dir);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(BuildError::Write { path: dir, error }),
        };
        for entry in entries {
            let entry = entry.map_err(|error| BuildError::Write {
                path: dir.clone(),
                error,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{rel_dir}/{name}");
            if !name.ends_with(".html") || name.starts_with('.') || pages.contains(&rel) {
                continue;
            }
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed.push(rel),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => {
                    return Err(BuildError::Write {
                        path: entry.path(),
                        error,
                    });
                }
            }
        }
    }
    removed.sort();
    Ok(removed)
}

/// Files staged at once: each holds a temporary file (two for a feed) until all are
/// committed, so this bounds the file descriptors a build takes beyond what it reads.
const STAGING_THREADS: usize = 16;

/// A file staged for publishing, and its gzip copy if it is a feed that needs a new one.
struct StagedFile {
    file: Option<output::Staged>,
    gz: Option<output::Staged>,
}

fn stage_file(out: &Path, file: &FeedFile) -> Result<StagedFile, BuildError> {
    let path = out.join(&file.path);
    let error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| BuildError::Write { path, error }
    };
    let staged = output::stage(&path, &file.bytes).map_err(error(&path))?;
    let gz_path = out.join(format!("{}.gz", file.path));
    let gz = if file.path.ends_with(".xml") && (staged.is_some() || !holds(&gz_path, &file.bytes)) {
        output::stage(&gz_path, &gzip(&file.bytes)).map_err(error(&gz_path))?
    } else {
        None
    };
    Ok(StagedFile { file: staged, gz })
}

/// Whether the gzip file at `path` holds `bytes`, from its trailer alone: the CRC-32 and
/// length of what it decompresses to.
///
/// A feed and its gzip copy are two renames; a process killed between them leaves a new feed
/// beside the old copy, and the next build, finding the feed unchanged, must still see that
/// the copy is not.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let mut trailer = [0u8; 8];
    let read = std::fs::File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::End(-8))?;
        f.read_exact(&mut trailer)
    });
    // ISIZE is the length modulo 2^32, as the gzip format stores it.
    read.is_ok()
        && trailer[..4] == crc32fast::hash(bytes).to_le_bytes()
        && trailer[4..] == (bytes.len() as u32).to_le_bytes()
}

/// Deterministic gzip: no file name or time in the header.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    // Feeds of every article run to tens of megabytes, where the default level costs a second
    // per feed for a third less; those get the fast level. The level depends on the size
    // alone, so the output stays deterministic.
    let level = if bytes.len() > 4 << 20 {
        flate2::Compression::fast()
    } else {
        flate2::Compression::default()
    };
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::with_capacity(bytes.len() / 4), level);
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}
