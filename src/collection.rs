//! The articles folder in memory: every article file and what became of it.
//!
//! [`Collection::refresh`] lists the folder (names and metadata, no reads) and re-reads only
//! the files that are new or whose stamp changed, and [`Collection::refresh_paths`] looks at
//! just the files a file event names, so the watcher keeps 10,000 articles current without
//! reading 10,000 files after every edit.
//!
//! Memory stays small however large the folder: for every article the collection keeps only
//! what choosing the feeds' items takes (id, date, languages). The full text is kept for the
//! articles the feeds show, and read again when an article enters the feeds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};

use crate::Lang;
use crate::article::{self, Article, Parsed, Rejection};
use crate::config::Config;
use crate::source::{self, Folder, Found, ListError, SourceFile, Stamp};

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
    pub fn problems(&self) -> Vec<String> {
        let path = self.path.display();
        match &self.result {
            Err(r) => vec![format!("{path}:{}: rejected: {}", r.line, r.reason)],
            Ok(parsed) => parsed
                .warnings
                .iter()
                .map(|w| format!("{path}:{}: {}", w.line, w.message))
                .collect(),
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    /// Size, times and inode when the file was read; `None` for files that cannot be read at
    /// all (a fifo, a link leaving the folder), which are looked at again on every listing.
    stamp: Option<Stamp>,
    /// Path to open (articles folder + path inside it).
    path: PathBuf,
    state: Result<Accepted, Rejection>,
}

/// What the collection keeps of an accepted article.
#[derive(Debug, Clone)]
struct Accepted {
    id: String,
    date: DateTime<FixedOffset>,
    zh: bool,
    en: bool,
    /// The whole article, while the feeds show it.
    full: Option<Arc<Article>>,
}

impl Accepted {
    fn has(&self, lang: Lang) -> bool {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

/// What a refresh found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    /// Files added or changed (paths inside the articles folder).
    pub paths: Vec<PathBuf>,
    /// The rejections and warnings of the files read, as `path:line: reason` lines.
    pub problems: Vec<String>,
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
        self.problems.extend(other.problems);
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

/// Counts for the logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Articles that go into the feeds (accepted, not superseded).
    pub articles: usize,
    pub zh: usize,
    pub en: usize,
    pub rejected: usize,
}

/// Every article file of a folder, keyed by its path inside the folder. The key is the
/// path's bytes, so the order (which decides id clashes) is plain byte order, and looking a
/// file up costs no path parsing.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    files: BTreeMap<OsString, Entry>,
    /// The folders the last full listing walked, for the watcher.
    dirs: Vec<PathBuf>,
}

impl Collection {
    /// Lists and reads the whole articles folder.
    pub fn load(config: &Config) -> Result<(Collection, Changes), ListError> {
        let mut collection = Collection::default();
        let changes = collection.refresh(config)?;
        Ok((collection, changes))
    }

    /// Brings the collection up to date with the whole folder: new and changed files are
    /// read, files that are gone are dropped, the rest is kept as it was.
    pub fn refresh(&mut self, config: &Config) -> Result<Changes, ListError> {
        let listing = open(config)?.list();
        let mut changes = Changes::default();
        let mut old = std::mem::take(&mut self.files);
        for found in listing.entries {
            let key = found.rel().as_os_str().to_owned();
            let previous = old.remove(&key);
            self.update(key, found, previous, config, &mut changes);
        }
        changes.removed = old.len();
        self.dirs = listing.dirs;
        Ok(changes)
    }

    /// Brings only the given files (paths inside the articles folder) up to date: what a
    /// file event names, without listing the other 10,000.
    pub fn refresh_paths<'a>(
        &mut self,
        config: &Config,
        rels: impl IntoIterator<Item = &'a Path>,
    ) -> Result<Changes, ListError> {
        let folder = open(config)?;
        let mut changes = Changes::default();
        for rel in rels {
            let key = rel.as_os_str().to_owned();
            let previous = self.files.remove(&key);
            match folder.look(rel) {
                Some(found) => self.update(key, found, previous, config, &mut changes),
                None if previous.is_some() => changes.removed += 1,
                None => {}
            }
        }
        Ok(changes)
    }

    /// Stores what is now at `key`, reading the file unless its stamp says it is unchanged.
    fn update(
        &mut self,
        key: OsString,
        found: Found,
        previous: Option<Entry>,
        config: &Config,
        changes: &mut Changes,
    ) {
        let unchanged = previous.as_ref().is_some_and(|p| match &found {
            Found::File(file) => p.stamp == Some(file.stamp),
            Found::Unusable(u) => {
                p.stamp.is_none() && matches!(&p.state, Err(r) if r.reason == u.reason)
            }
        });
        let existed = previous.is_some();
        if let Some(previous) = previous.filter(|_| unchanged) {
            self.files.insert(key, previous);
            return;
        }
        if existed {
            changes.changed += 1;
        } else {
            changes.added += 1;
        }
        changes.paths.push(found.rel().to_path_buf());
        let (entry, outcome) = match found {
            Found::File(file) => {
                let outcome = read_article(&file, config);
                let entry = Entry {
                    stamp: Some(file.stamp),
                    path: file.path,
                    state: outcome.result.as_ref().map(accepted).map_err(Clone::clone),
                };
                (entry, outcome)
            }
            Found::Unusable(u) => {
                let rejection = Rejection {
                    line: 1,
                    reason: u.reason,
                };
                let outcome = FileOutcome {
                    path: u.path.clone(),
                    encoding: None,
                    result: Err(rejection.clone()),
                };
                let entry = Entry {
                    stamp: None,
                    path: u.path,
                    state: Err(rejection),
                };
                (entry, outcome)
            }
        };
        changes.problems.extend(outcome.problems());
        self.files.insert(key, entry);
    }

    /// The folders walked by the last full listing: the articles folder and its subfolders.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The accepted entries that go into the feeds: a later file with the same id wins.
    fn winners(&self) -> Vec<(&OsString, &Entry, &Accepted)> {
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(self.files.len());
        let mut winners: Vec<Option<(&OsString, &Entry, &Accepted)>> =
            Vec::with_capacity(self.files.len());
        for (key, entry) in &self.files {
            let Ok(accepted) = &entry.state else { continue };
            if let Some(earlier) = by_id.insert(accepted.id.as_str(), winners.len()) {
                winners[earlier] = None;
            }
            winners.push(Some((key, entry, accepted)));
        }
        winners.into_iter().flatten().collect()
    }

    /// The articles the feeds show: per language the newest `limit` (0: all), newest first,
    /// ties broken by id. Reads the ones whose text is not in memory, and lets go of the text
    /// of articles the feeds no longer show.
    pub fn feed_articles(&mut self, config: &Config) -> Vec<Arc<Article>> {
        let window: HashSet<OsString> = {
            let winners = self.winners();
            let mut window = HashSet::new();
            for lang in Lang::ALL {
                let mut items: Vec<&(&OsString, &Entry, &Accepted)> =
                    winners.iter().filter(|(_, _, a)| a.has(lang)).collect();
                items.sort_by(|x, y| y.2.date.cmp(&x.2.date).then_with(|| x.2.id.cmp(&y.2.id)));
                let take = if config.limit == 0 {
                    items.len()
                } else {
                    config.limit
                };
                window.extend(items.iter().take(take).map(|(key, _, _)| (*key).clone()));
            }
            window
        };
        let mut articles = Vec::with_capacity(window.len());
        for (key, entry) in &mut self.files {
            let Ok(accepted) = &mut entry.state else {
                continue;
            };
            if !window.contains(key) {
                accepted.full = None;
                continue;
            }
            if accepted.full.is_none() {
                accepted.full = reread(entry.path.clone(), entry.stamp, key, config);
            }
            if let Some(full) = &accepted.full {
                articles.push(Arc::clone(full));
            }
        }
        articles
    }

    pub fn counts(&self) -> Counts {
        let winners = self.winners();
        Counts {
            articles: winners.len(),
            zh: winners.iter().filter(|(_, _, a)| a.zh).count(),
            en: winners.iter().filter(|(_, _, a)| a.en).count(),
            rejected: self.files.values().filter(|e| e.state.is_err()).count(),
        }
    }

    /// Accepted files whose id a later file also uses, as `path:1: ...` lines.
    pub fn clashes(&self) -> Vec<String> {
        let mut by_id: HashMap<&str, &Path> = HashMap::new();
        let mut out = Vec::new();
        for entry in self.files.values() {
            let Ok(accepted) = &entry.state else { continue };
            if let Some(earlier) = by_id.insert(accepted.id.as_str(), &entry.path) {
                out.push(clash_message(earlier, &accepted.id, &entry.path));
            }
        }
        out
    }
}

fn accepted(parsed: &Parsed) -> Accepted {
    let article = &parsed.article;
    Accepted {
        id: article.id.clone(),
        date: article.date,
        zh: article.zh.is_some(),
        en: article.en.is_some(),
        full: None,
    }
}

/// Reads an article again because the feeds now show it. Should the file have changed since
/// it was listed, its file event brings the collection up to date right after.
fn reread(
    path: PathBuf,
    stamp: Option<Stamp>,
    key: &OsString,
    config: &Config,
) -> Option<Arc<Article>> {
    let rel = PathBuf::from(key);
    let file = SourceFile {
        path,
        rel,
        stamp: stamp?,
    };
    match read_article(&file, config).result {
        Ok(parsed) => Some(Arc::new(parsed.article)),
        Err(e) => {
            tracing::debug!("{}: changed since it was listed ({e})", file.path.display());
            None
        }
    }
}

/// Every article file of the folder read in full, one at a time, in the collection's order:
/// what `check` reports, without holding the whole folder in memory.
pub fn outcomes(config: &Config) -> Result<impl Iterator<Item = FileOutcome>, ListError> {
    let mut entries = open(config)?.list().entries;
    entries.sort_by(|a, b| a.rel().as_os_str().cmp(b.rel().as_os_str()));
    let config = config.clone();
    Ok(entries.into_iter().map(move |found| match found {
        Found::File(file) => read_article(&file, &config),
        Found::Unusable(u) => FileOutcome {
            path: u.path,
            encoding: None,
            result: Err(Rejection {
                line: 1,
                reason: u.reason,
            }),
        },
    }))
}

fn open(config: &Config) -> Result<Folder, ListError> {
    Folder::open(&config.articles, std::slice::from_ref(&config.output))
}

pub fn clash_message(loser: &Path, id: &str, winner: &Path) -> String {
    format!(
        "{}:1: id {id} is also used by {}, which wins; this file is left out",
        loser.display(),
        winner.display()
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
