//! The articles folder in memory: every article file and what became of it.
//!
//! [`Collection::refresh`] lists the folder (names and metadata, no reads) and re-reads only
//! the files that are new or whose stamp changed, so the watcher can keep a collection of
//! 10,000 articles current without reading 10,000 files after every edit.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};

use crate::article::{self, Article, Parsed, Rejection};
use crate::config::Config;
use crate::source::{self, ListError, SourceFile, Stamp};

/// One file of the articles folder and what became of it.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The path as the user gave it (articles folder + path inside it), for messages.
    pub path: PathBuf,
    /// How the bytes were decoded, when they were.
    pub encoding: Option<&'static str>,
    pub result: Result<Parsed, Rejection>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Size, times and inode when the file was read; `None` for files that cannot be read at
    /// all (a fifo, a link leaving the folder), which are checked again on every refresh.
    stamp: Option<Stamp>,
    outcome: FileOutcome,
}

/// What a refresh found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Files added or changed (paths inside the articles folder).
    pub paths: Vec<PathBuf>,
}

impl Changes {
    pub fn any(&self) -> bool {
        self.added + self.changed + self.removed > 0
    }

    pub fn merge(&mut self, other: Changes) {
        self.added += other.added;
        self.changed += other.changed;
        self.removed += other.removed;
        self.paths.extend(other.paths);
    }
}

impl std::fmt::Display for Changes {
    /// `0 added, 1 changed, 0 removed (a.txt)`; file names only when there are a few.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} added, {} changed, {} removed",
            self.added, self.changed, self.removed
        )?;
        if !self.paths.is_empty() && self.paths.len() <= 3 {
            let names: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
            write!(f, " ({})", names.join(", "))?;
        }
        Ok(())
    }
}

/// Every article file of a folder, by path inside the folder (so iteration is path order).
#[derive(Debug, Clone, Default)]
pub struct Collection {
    files: BTreeMap<PathBuf, Entry>,
    /// The folders the last listing walked, for the watcher.
    dirs: Vec<PathBuf>,
}

impl Collection {
    /// Lists and reads the whole articles folder.
    pub fn load(config: &Config) -> Result<Collection, ListError> {
        let mut collection = Collection::default();
        collection.refresh(config)?;
        Ok(collection)
    }

    /// Brings the collection up to date with the folder: new and changed files are read,
    /// files that are gone are dropped, the rest is kept as it was.
    pub fn refresh(&mut self, config: &Config) -> Result<Changes, ListError> {
        let listing = source::list(&config.articles, std::slice::from_ref(&config.output))?;
        let mut changes = Changes::default();
        let mut old = std::mem::take(&mut self.files);
        for file in &listing.files {
            let entry = match old.remove(&file.rel) {
                Some(entry) if entry.stamp == Some(file.stamp) => entry,
                previous => {
                    if previous.is_some() {
                        changes.changed += 1;
                    } else {
                        changes.added += 1;
                    }
                    changes.paths.push(file.rel.clone());
                    Entry {
                        stamp: Some(file.stamp),
                        outcome: read_article(file, config),
                    }
                }
            };
            self.files.insert(file.rel.clone(), entry);
        }
        for unusable in listing.unusable {
            let previous = old.remove(&unusable.rel);
            let reason = unusable.reason;
            let same = previous
                .as_ref()
                .is_some_and(|p| matches!(&p.outcome.result, Err(r) if r.reason == reason));
            if !same {
                if previous.is_some() {
                    changes.changed += 1;
                } else {
                    changes.added += 1;
                }
                changes.paths.push(unusable.rel.clone());
            }
            let outcome = FileOutcome {
                path: unusable.path,
                encoding: None,
                result: Err(Rejection { line: 1, reason }),
            };
            self.files.insert(
                unusable.rel,
                Entry {
                    stamp: None,
                    outcome,
                },
            );
        }
        changes.removed = old.len();
        self.dirs = listing.dirs;
        Ok(changes)
    }

    /// Every file, in path order.
    pub fn files(&self) -> impl Iterator<Item = &FileOutcome> {
        self.files.values().map(|e| &e.outcome)
    }

    /// The folders walked by the last refresh: the articles folder and its subfolders.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The articles that go into the feeds: accepted, and not superseded by a later file with
    /// the same id.
    pub fn articles(&self) -> Vec<&Article> {
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut articles: Vec<Option<&Article>> = Vec::with_capacity(self.files.len());
        for outcome in self.files() {
            let Ok(parsed) = &outcome.result else {
                continue;
            };
            let article = &parsed.article;
            if let Some(earlier) = by_id.insert(article.id.as_str(), articles.len()) {
                articles[earlier] = None;
            }
            articles.push(Some(article));
        }
        articles.into_iter().flatten().collect()
    }

    /// Accepted files whose id a later file also uses: `(loser, winner)`.
    pub fn superseded(&self) -> Vec<(&FileOutcome, &FileOutcome)> {
        let mut by_id: HashMap<&str, &FileOutcome> = HashMap::new();
        let mut out = Vec::new();
        for outcome in self.files() {
            let Ok(parsed) = &outcome.result else {
                continue;
            };
            if let Some(earlier) = by_id.insert(parsed.article.id.as_str(), outcome) {
                out.push((earlier, outcome));
            }
        }
        out
    }

    pub fn rejected(&self) -> usize {
        self.files().filter(|f| f.result.is_err()).count()
    }

    /// Logs every rejection, warning and id clash as `path:line: reason`.
    pub fn log_problems(&self) {
        for file in self.files() {
            log_file_problems(file);
        }
        for (loser, winner) in self.superseded() {
            tracing::warn!("{}", clash_message(loser, winner));
        }
    }

    /// Logs the problems of the files under the given paths (inside the articles folder).
    pub fn log_problems_of<'a>(&self, rels: impl IntoIterator<Item = &'a Path>) {
        for rel in rels {
            if let Some(entry) = self.files.get(rel) {
                log_file_problems(&entry.outcome);
            }
        }
    }
}

fn log_file_problems(file: &FileOutcome) {
    match &file.result {
        Err(r) => tracing::warn!("{}:{}: rejected: {}", file.path.display(), r.line, r.reason),
        Ok(parsed) => {
            for w in &parsed.warnings {
                tracing::warn!("{}:{}: {}", file.path.display(), w.line, w.message);
            }
        }
    }
}

pub fn clash_message(loser: &FileOutcome, winner: &FileOutcome) -> String {
    let id = loser.result.as_ref().map_or("", |p| p.article.id.as_str());
    format!(
        "{}:1: id {id} is also used by {}, which wins; this file is left out",
        loser.path.display(),
        winner.path.display()
    )
}

/// Reads, decodes and parses one article file.
pub fn read_article(file: &SourceFile, config: &Config) -> FileOutcome {
    let mut encoding = None;
    let result = source::read(&file.path, config.max_article_bytes).and_then(|text| {
        encoding = Some(text.encoding);
        let name = file
            .rel
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let ctx = article::Context {
            id: article::article_id(&name),
            file_time: file_time(file, config.timezone),
        };
        let mut parsed = article::parse(&text.text, &ctx)?;
        parsed.warnings.splice(0..0, text.warnings);
        Ok(parsed)
    });
    FileOutcome {
        path: file.path.clone(),
        encoding,
        result,
    }
}

/// The file's modification time in the articles' zone, to the second (feed dates carry no
/// fractions).
fn file_time(file: &SourceFile, zone: FixedOffset) -> DateTime<FixedOffset> {
    DateTime::<Utc>::from(file.stamp.modified)
        .with_timezone(&zone)
        .trunc_subsecs(0)
}
