//! Reading the article files the listing found: each file to what the collection keeps of it
//! (or, for `check`, in full), on every core, with files the system cannot read just now told
//! apart from files that are not articles.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset, Utc};

use super::{Accepted, Busy, Entry};
use crate::article::{self, Article, Parsed, Rejection};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::source::{self, Folder, Found, ListError, ReadError, SourceFile, Stamp, shown};

/// One file of the articles folder read in full: what `check` reports and the logs show.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The path as the user gave it (articles folder + path inside it), for messages.
    pub path: PathBuf,
    /// How the bytes were decoded, when they were.
    pub encoding: Option<&'static str>,
    pub result: Result<Parsed, Rejection>,
}

impl FileOutcome {
    /// Every rejection or warning of the file, as `path:line: reason` lines.
    pub fn problems(&self) -> Vec<Diagnostic> {
        match &self.result {
            Err(r) => vec![Diagnostic::rejected(&self.path, r)],
            Ok(parsed) => parsed
                .warnings
                .iter()
                .map(|w| Diagnostic::warning(&self.path, Some(w.line), w.message.clone()))
                .collect(),
        }
    }
}

/// What reading one listed file gave.
pub(super) enum Loaded {
    /// What the collection keeps of it, its problems as log lines, and the keywords of each
    /// language's version (when topic feeds need them), for the collection's vocabulary.
    Entry(Box<Entry>, Vec<Diagnostic>, [Vec<String>; 2]),
    /// The system could not read it just now: why.
    Busy(String),
    /// It looks half written, and was written a moment ago: look again later.
    Unsettled,
}

/// Reads one file and reduces it to what the collection keeps, plus its problems as log
/// lines. Dropping the text here, on the worker, keeps memory small while a big folder loads.
pub(super) fn load(
    found: &Found,
    root: &Path,
    config: &Config,
    keep_full: bool,
    settle: Option<Duration>,
) -> Loaded {
    match found {
        Found::File(file) => {
            let outcome = match read_article(file, root, config) {
                Ok(outcome) => outcome,
                Err(e) => return Loaded::Busy(source::io_reason(&e)),
            };
            let unfinished =
                outcome.result.as_ref().is_ok_and(|p| !p.has_footer) || outcome.result.is_err();
            let recent = settle.is_some_and(|settle| {
                SystemTime::now()
                    .duration_since(file.stamp.modified)
                    .is_ok_and(|age| age < settle)
            });
            if unfinished && recent {
                return Loaded::Unsettled;
            }
            let problems = outcome.problems();
            let mut warnings = Box::default();
            let mut keywords: [Vec<String>; 2] = Default::default();
            let state = outcome.result.map(|parsed| {
                warnings = parsed.warnings.into_boxed_slice();
                let article = parsed.article;
                let linkless = article.link.is_none();
                // Extracting Chinese keywords is the costliest step of reading an article:
                // only when topic feeds need them (then on this worker, in parallel).
                keywords = Lang::ALL.map(|lang| match article.version(lang) {
                    Some(v) if config.topics.min_articles > 0 => v.feed_keywords().to_vec(),
                    _ => Vec::new(),
                });
                Accepted {
                    id: article.id.clone(),
                    date: article.date,
                    zh: article.zh.is_some(),
                    en: article.en.is_some(),
                    linkless,
                    keywords: Default::default(),
                    full: (keep_full || linkless).then(|| Arc::new(article)),
                }
            });
            let entry = Entry {
                stamp: Some(file.stamp),
                path: file.path.clone(),
                state,
                warnings,
            };
            Loaded::Entry(Box::new(entry), problems, keywords)
        }
        Found::Unusable(u) => {
            let problems = vec![Diagnostic::rejected(
                &u.path,
                &Rejection {
                    line: 1,
                    reason: u.reason.clone(),
                },
            )];
            let entry = Entry {
                stamp: None,
                path: u.path.clone(),
                state: Err(Rejection {
                    line: 1,
                    reason: u.reason.clone(),
                }),
                warnings: Box::default(),
            };
            Loaded::Entry(Box::new(entry), problems, Default::default())
        }
        Found::Busy { reason, .. } => Loaded::Busy(reason.clone()),
    }
}

/// Reads an article again because the feeds now show it. `Ok(None)` when the file changed
/// since it was listed (its file event brings the collection up to date right after);
/// an error when the system cannot read it just now.
pub(super) fn reread(
    path: PathBuf,
    stamp: Option<Stamp>,
    key: &OsString,
    root: &Path,
    config: &Config,
) -> Result<Option<Arc<Article>>, Busy> {
    let rel = PathBuf::from(key);
    let Some(stamp) = stamp else { return Ok(None) };
    let file = SourceFile { path, rel, stamp };
    let outcome = read_article(&file, root, config).map_err(|error| Busy {
        path: file.path.clone(),
        error,
    })?;
    match outcome.result {
        Ok(parsed) => Ok(Some(Arc::new(parsed.article))),
        Err(e) => {
            tracing::debug!("{}: changed since it was listed ({e})", shown(&file.path));
            Ok(None)
        }
    }
}

/// Every article file of the folder read in full, one at a time, in the collection's order:
/// what `check` reports, without holding the whole folder in memory.
pub fn outcomes(config: &Config) -> Result<impl Iterator<Item = FileOutcome>, ListError> {
    let folder = open(config)?;
    let listing = folder.list()?;
    let root = folder.canonical_root().to_path_buf();
    let mut entries = listing.entries;
    entries.sort_by(|a, b| a.rel().as_os_str().cmp(b.rel().as_os_str()));
    let config = config.clone();
    let unreadable = listing.unreadable.into_iter().map({
        let articles = config.articles.clone();
        move |(dir, reason)| FileOutcome {
            path: articles.join(dir),
            encoding: None,
            result: Err(Rejection {
                line: 1,
                reason: format!("cannot read this folder: {reason}"),
            }),
        }
    });
    let files = entries.into_iter().map(move |found| {
        let rejected = |path: PathBuf, reason: String| FileOutcome {
            path,
            encoding: None,
            result: Err(Rejection { line: 1, reason }),
        };
        match found {
            Found::File(file) => read_article(&file, &root, &config).unwrap_or_else(|e| {
                rejected(
                    file.path.clone(),
                    format!("cannot read it just now: {}", source::io_reason(&e)),
                )
            }),
            Found::Unusable(u) => rejected(u.path, u.reason),
            Found::Busy { rel, reason } => rejected(
                config.articles.join(rel),
                format!("cannot read it just now: {reason}"),
            ),
        }
    });
    Ok(unreadable.chain(files))
}

pub(super) fn open(config: &Config) -> Result<Folder, ListError> {
    Folder::open(&config.articles, std::slice::from_ref(&config.output))
}

/// Reads, decodes and parses one article file; an error when the system cannot read it just
/// now (see [`source::is_transient`]), which says nothing about the file.
pub(super) fn read_article(
    file: &SourceFile,
    root: &Path,
    config: &Config,
) -> Result<FileOutcome, std::io::Error> {
    thread_local! {
        // One read buffer per thread, reused for every file the thread reads.
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        let outcome = read_with(file, root, config, buffer);
        // An outsized article should not keep its memory for the rest of the run.
        buffer.truncate(0);
        buffer.shrink_to(1 << 20);
        outcome
    })
}

pub(super) fn read_with(
    file: &SourceFile,
    root: &Path,
    config: &Config,
    buffer: &mut Vec<u8>,
) -> Result<FileOutcome, std::io::Error> {
    let mut encoding = None;
    let result = match source::read(file, root, config.max_article_bytes, buffer) {
        Err(ReadError::Busy(e)) => return Err(e),
        Err(ReadError::Rejected(r)) => Err(r),
        Ok(text) => {
            encoding = Some(text.encoding);
            let ctx = article::Context {
                id: source::article_id(&file.rel),
                file_time: file_time(file, config.timezone),
                now: DateTime::<Utc>::from(SystemTime::now()).with_timezone(&config.timezone),
            };
            article::parse(&text.text, &ctx).map(|mut parsed| {
                parsed.warnings.splice(0..0, text.warnings);
                parsed
            })
        }
    };
    Ok(FileOutcome {
        path: file.path.clone(),
        encoding,
        result,
    })
}

/// The file's modification time in the articles' zone.
pub(super) fn file_time(file: &SourceFile, zone: FixedOffset) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from(file.stamp.modified).with_timezone(&zone)
}
