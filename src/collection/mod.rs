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

use std::cmp::Reverse;
use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use crate::article::{Article, Rejection, Warning};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::source::{self, Found, ListError, Stamp, shown};

mod load;
mod remembered;

pub use load::{FileOutcome, outcomes};
use load::{Loaded, load, open, reread};
pub use remembered::Remembered;

#[derive(Debug, Clone)]
struct Entry {
    /// Size, times and inode when the file was read; `None` for files that cannot be read at
    /// all (a fifo, a link leaving the folder), which are looked at again on every listing.
    stamp: Option<Stamp>,
    /// Path to open (articles folder + path inside it).
    path: PathBuf,
    state: Result<Accepted, Rejection>,
    /// What was noticed in an accepted file: told again by a run that takes the file from
    /// the articles cache.
    warnings: Box<[Warning]>,
}

/// What the collection keeps of an accepted article.
#[derive(Debug, Clone)]
struct Accepted {
    id: String,
    date: DateTime<FixedOffset>,
    zh: bool,
    en: bool,
    /// No source link: the article gets a page of its own, so its text is always kept.
    linkless: bool,
    /// The keywords of each language's version (zh, en) as places in the collection's
    /// [`Vocabulary`], when topic feeds need them: a topic's feed holds every article that
    /// carries its keyword, not only those in memory.
    keywords: [Box<[u32]>; 2],
    /// The whole article, while the feeds show it (always, for an article without a link).
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

/// What is known of an accepted article without its text: enough to tell whether a feed
/// that shows it must be rendered again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listed {
    /// Which file holds it and that file's stamp, as one number: it changes whenever what
    /// the article says may have changed.
    pub version: u64,
    pub zh: bool,
    pub en: bool,
    pub linkless: bool,
}

impl Listed {
    pub fn has(&self, lang: Lang) -> bool {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }

    /// What `entry`, the accepted file `a` at `key`, is known as in a run whose first
    /// listing began at `listed_at`.
    fn of(key: &OsString, entry: &Entry, a: &Accepted, listed_at: Option<i128>) -> Listed {
        let version = {
            use std::hash::{Hash, Hasher};
            let mut hasher = rustc_hash::FxHasher::default();
            key.hash(&mut hasher);
            entry.stamp.map(|s| s.to_parts()).hash(&mut hasher);
            // A file written in the moments before this run's listing could have been
            // written again since with the same stamp (see `Remembered`): its version is
            // then this run's own, so the feeds that show it are rendered again, never taken
            // for what an earlier run rendered.
            let trusted_before =
                listed_at.map_or(i128::MIN, |t| t - remembered::settled().as_nanos() as i128);
            if !entry
                .stamp
                .is_some_and(|s| s.settled_before(trusted_before))
            {
                listed_at.hash(&mut hasher);
            }
            hasher.finish()
        };
        Listed {
            version,
            zh: a.zh,
            en: a.en,
            linkless: a.linkless,
        }
    }
}

/// Every keyword the articles carry, each kept once: a keyword is on hundreds of articles,
/// and topics look at each word once, not once per article.
#[derive(Debug, Clone, Default)]
struct Vocabulary {
    words: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u32>,
    /// Which vocabulary this is: a keyword's place means something only in its own.
    identity: Identity,
}

/// A number no other vocabulary of this process has, a copy included (a copy goes on to
/// intern words of its own at the same places).
#[derive(Debug)]
struct Identity(u64);

impl Default for Identity {
    fn default() -> Identity {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Identity(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

impl Clone for Identity {
    fn clone(&self) -> Identity {
        Identity::default()
    }
}

impl Vocabulary {
    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        let word: Arc<str> = Arc::from(word);
        self.words.push(Arc::clone(&word));
        self.ids.insert(word, id);
        id
    }

    fn intern_all(&mut self, words: &[String]) -> Box<[u32]> {
        words.iter().map(|w| self.intern(w)).collect()
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
    pub problems: Vec<Diagnostic>,
    /// Files the system could not read just now (paths inside the articles folder): what was
    /// known of them stands; read them again soon.
    pub retry: Vec<PathBuf>,
    /// A line for each of those, kept apart from `problems`: a flood of them is no news.
    pub busy: Vec<String>,
    /// Files that look half written and were written a moment ago (see [`SETTLE`]): what was
    /// known of them stands; look at them again.
    pub unsettled: Vec<PathBuf>,
    /// A folder could not be read: list the whole folder again soon.
    pub relist: bool,
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
        self.retry.extend(other.retry);
        self.busy.extend(other.busy);
        self.unsettled.extend(other.unsettled);
        self.relist |= other.relist;
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
            let names: Vec<String> = self.paths.iter().map(|p| shown(p).to_string()).collect();
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
/// path's bytes, so the order of the files of one id (which decides clashes) is plain byte
/// order, and looking a file up costs a hash of a few bytes, no path parsing.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    /// How long after its last write a file without the format's ending may still be being
    /// written (see [`Collection::watching`]); `None` reads every file as it is.
    settle: Option<Duration>,
    files: FxHashMap<OsString, Entry>,
    index: Index,
    /// The folders the last full listing walked, for the watcher.
    dirs: Vec<PathBuf>,
    /// When the first listing began (nanoseconds since 1970): what the stamps of files read
    /// since are trusted from (see [`Remembered`]).
    listed_at: Option<i128>,
    vocabulary: Vocabulary,
}

/// Which files go into the feeds, kept up to date as files come and go, so that choosing a
/// feed's items after an edit costs the size of the feed, not of the folder.
#[derive(Debug, Clone, Default)]
struct Index {
    /// The accepted files of each id; the greatest key (the later file name) wins.
    by_id: FxHashMap<String, Claimants>,
    /// The winners that have a version in each language (zh, en), newest first.
    newest: [BTreeSet<Rank>; 2],
    /// What each language's topics are gathered from, as one number: the sum of every
    /// rank's [`Rank::tagging`], kept by the same inserts and removals as `newest`. An edit
    /// that leaves every article's date and keywords as they were leaves it unchanged, and
    /// the topics need not be gathered again from every article.
    tagging: [u64; 2],
    rejected: usize,
    /// The files whose text is in memory because the feeds showed them last time.
    shown: FxHashSet<OsString>,
    /// The winners without a source link, by id: each has a page of its own.
    pages: FxHashMap<String, Arc<Article>>,
    /// Ids whose page must be written again (or whose article went) since pages were last
    /// published.
    pages_due: FxHashSet<String>,
}

/// The files that give one id, in byte order (the last wins). Nearly always one: a sorted
/// list, not a tree whose every node has room for eleven (28 MB of them at 100,000 articles).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Claimants(Vec<OsString>);

impl Claimants {
    fn insert(&mut self, key: OsString) {
        if let Err(at) = self.0.binary_search(&key) {
            self.0.insert(at, key);
        }
    }

    fn remove(&mut self, key: &OsString) {
        if let Ok(at) = self.0.binary_search(key) {
            self.0.remove(at);
        }
    }

    fn last(&self) -> Option<&OsString> {
        self.0.last()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> std::slice::Iter<'_, OsString> {
        self.0.iter()
    }
}

/// A winner's place in a language's feed: newest first, ties broken by id. It carries what
/// every rebuild asks of every article (what is known of it without its text, for the
/// archives' fingerprints; its keywords in the language, for the topics): walking the
/// ranks in order is cheap, looking each article up by its file is not (at 100,000
/// articles that was two thirds of a rebuild after an edit).
#[derive(Debug, Clone)]
struct Rank {
    date: Reverse<DateTime<FixedOffset>>,
    id: String,
    key: OsString,
    listed: Listed,
    keywords: Box<[u32]>,
}

impl Rank {
    /// What a rank is ordered and found by; `listed` follows from the file at `key`.
    fn place(&self) -> (&Reverse<DateTime<FixedOffset>>, &str, &OsStr) {
        (&self.date, &self.id, &self.key)
    }
}

impl Rank {
    /// What topics read of this rank (id, date, keywords), as a number whose sum over a
    /// language's ranks changes when any of them changes: a multiset hash, so that an
    /// insert adds and a removal subtracts it.
    fn tagging(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        (&self.id, self.date.0, &self.keywords).hash(&mut hasher);
        // FxHash mixes too little for sums of many: spread it (splitmix64's finalizer).
        let mut z = hasher.finish().wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl PartialEq for Rank {
    fn eq(&self, other: &Rank) -> bool {
        self.place() == other.place()
    }
}

impl Eq for Rank {}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Rank) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rank {
    fn cmp(&self, other: &Rank) -> std::cmp::Ordering {
        self.place().cmp(&other.place())
    }
}

impl Index {
    /// The index of a whole collection, keeping what was shown and which pages are due.
    fn build(
        files: &FxHashMap<OsString, Entry>,
        previous: Index,
        listed_at: Option<i128>,
    ) -> Index {
        let mut index = Index {
            shown: previous.shown,
            pages_due: previous.pages_due,
            ..Index::default()
        };
        index.by_id.reserve(files.len());
        for (key, entry) in files {
            match &entry.state {
                Err(_) => index.rejected += 1,
                Ok(accepted) => {
                    index
                        .by_id
                        .entry(accepted.id.clone())
                        .or_default()
                        .insert(key.clone());
                }
            }
        }
        let mut winners: Vec<(&OsString, &Accepted, Listed)> = index
            .by_id
            .values()
            .filter_map(Claimants::last)
            .filter_map(|key| {
                let entry = files.get(key)?;
                match &entry.state {
                    Ok(a) => Some((key, a, Listed::of(key, entry, a, listed_at))),
                    Err(_) => None,
                }
            })
            .collect();
        // In the order of a rank (see `Rank::place`), once for both languages: sorting these
        // moves 40 bytes an article, sorting the ranks of each language a hundred.
        winners.sort_unstable_by(|(k1, a1, _), (k2, a2, _)| {
            (Reverse(a1.date), &a1.id, k1).cmp(&(Reverse(a2.date), &a2.id, k2))
        });
        // Each language on a core of its own, gathered in order: a set built from sorted items
        // is built in one pass, not by a hundred thousand inserts.
        let newest = |lang: Lang| -> (BTreeSet<Rank>, u64) {
            let ranks: Vec<Rank> = winners
                .iter()
                .filter(|(_, a, _)| a.has(lang))
                .map(|&(key, a, listed)| rank(key, a, lang, listed))
                .collect();
            let tagging = ranks
                .iter()
                .fold(0u64, |sum, r| sum.wrapping_add(r.tagging()));
            (ranks.into_iter().collect(), tagging)
        };
        let ((zh, zh_tagging), (en, en_tagging)) =
            rayon::join(|| newest(Lang::Zh), || newest(Lang::En));
        index.newest = [zh, en];
        index.tagging = [zh_tagging, en_tagging];
        for (_, a, _) in &winners {
            if let Some(full) = a.full.as_ref().filter(|_| a.linkless) {
                index.pages.insert(a.id.clone(), Arc::clone(full));
            }
        }
        // A page is due when its article came, went or was read again (a new `Arc`).
        for (id, old) in &previous.pages {
            if index.pages.get(id).is_none_or(|new| !Arc::ptr_eq(old, new)) {
                index.pages_due.insert(id.clone());
            }
        }
        for id in index.pages.keys() {
            if !previous.pages.contains_key(id) {
                index.pages_due.insert(id.clone());
            }
        }
        index
    }

    /// `a` (at `key`, known as `listed`) became the winner of its id.
    fn newest_insert(&mut self, key: &OsString, a: &Accepted, listed: Listed) {
        for lang in Lang::ALL.into_iter().filter(|&l| a.has(l)) {
            let rank = rank(key, a, lang, listed);
            let tagging = rank.tagging();
            if self.newest[lang.index()].insert(rank) {
                self.tagging[lang.index()] = self.tagging[lang.index()].wrapping_add(tagging);
            }
        }
        if let Some(full) = a.full.as_ref().filter(|_| a.linkless) {
            self.pages.insert(a.id.clone(), Arc::clone(full));
            self.pages_due.insert(a.id.clone());
        }
    }

    /// `a` (at `key`) is no longer the winner of its id.
    fn newest_remove(&mut self, key: &OsString, a: &Accepted) {
        for lang in Lang::ALL.into_iter().filter(|&l| a.has(l)) {
            // Found by its place alone (see `Rank`'s order).
            let place = Rank {
                date: Reverse(a.date),
                id: a.id.clone(),
                key: key.clone(),
                listed: Listed::default(),
                keywords: Box::default(),
            };
            if let Some(gone) = self.newest[lang.index()].take(&place) {
                self.tagging[lang.index()] =
                    self.tagging[lang.index()].wrapping_sub(gone.tagging());
            }
        }
        if self.pages.remove(&a.id).is_some() {
            self.pages_due.insert(a.id.clone());
        }
    }
}

fn rank(key: &OsString, a: &Accepted, lang: Lang, listed: Listed) -> Rank {
    Rank {
        date: Reverse(a.date),
        id: a.id.clone(),
        key: key.clone(),
        listed,
        keywords: a.keywords[lang.index()].clone(),
    }
}

/// How many files a refresh reads at once (see [`Collection::read`]).
const READ_AT_ONCE: usize = 4096;

/// Files written this recently, that do not end as an article does (no `【来源】` or `Views:`
/// footer) or are no article at all (empty, a headline alone), are taken for files still
/// being written: a writer that saves an article in chunks, or a copy in progress.
pub const SETTLE: Duration = Duration::from_secs(2);

impl Collection {
    /// A collection for the watcher: a file that looks unfinished and was written less than
    /// [`SETTLE`] ago is not read into the feeds yet; what was known of it stands, and it is
    /// looked at again (it is named in [`Changes::unsettled`]). Once it has been left alone that
    /// long it is taken as it is, footer or not.
    pub fn watching() -> Collection {
        Collection {
            settle: Some(SETTLE),
            ..Collection::default()
        }
    }

    /// Lists and reads the whole articles folder (see [`Collection::load_into`]).
    pub fn load(
        config: &Config,
        remembered: impl FnOnce() -> Option<Remembered> + Send,
    ) -> Result<(Collection, Changes), ListError> {
        let mut collection = Collection::default();
        let changes = collection.load_into(config, remembered)?;
        Ok((collection, changes))
    }

    /// The first listing of the folder: every file is read but those whose stamp is the one
    /// `remembered` (what the articles cache holds, read while the folder is listed: each
    /// takes a tenth of a second at 100,000 articles, on a core of its own) gives, whose
    /// outcome, problems included, is taken from there. The problems come in path order,
    /// however they were found.
    pub fn load_into(
        &mut self,
        config: &Config,
        remembered: impl FnOnce() -> Option<Remembered> + Send,
    ) -> Result<Changes, ListError> {
        self.listed_at
            .get_or_insert_with(|| source::unix_ns(std::time::SystemTime::now()));
        // The index of what the cache holds is built on the cache's core too: when few files
        // changed, the listing only corrects it (at 10,000 articles building it took as long
        // as half the listing, after it).
        let ((), listed) = rayon::join(
            || {
                if let Some(remembered) = remembered() {
                    self.take_in(remembered, config);
                    let previous = std::mem::take(&mut self.index);
                    self.index = Index::build(&self.files, previous, self.listed_at);
                }
            },
            || list(config),
        );
        let (folder, listing) = listed?;
        // A folder that cannot be read says nothing of its files: a fresh build leaves them
        // out, and so does one with a cache (what the cache holds of them may be stale).
        if !listing.unreadable.is_empty() {
            let missed: Vec<OsString> = self
                .files
                .keys()
                .filter(|key| listing.missed(Path::new(key)))
                .cloned()
                .collect();
            for key in &missed {
                self.take(key);
            }
        }
        let taken = self.files.len();
        let mut changes = self.refresh_from(config, &folder, listing);
        if taken > 0 {
            let mut problems = self.remembered_problems(&changes.paths);
            problems.append(&mut changes.problems);
            // As a build without the cache tells them: the folders it could not read, then the
            // files in byte order of their paths.
            problems.sort_by(|a, b| {
                (a.line.is_some(), a.path.as_os_str()).cmp(&(b.line.is_some(), b.path.as_os_str()))
            });
            changes.problems = problems;
            tracing::debug!(
                "{} of {taken} files taken from the articles cache",
                taken - changes.changed - changes.removed
            );
        }
        Ok(changes)
    }

    /// Stores `entry` at `key`, keeping the index up to date.
    fn put(&mut self, key: OsString, entry: Entry) {
        self.take(&key);
        match &entry.state {
            Err(_) => self.index.rejected += 1,
            Ok(accepted) => {
                let listed = Listed::of(&key, &entry, accepted, self.listed_at);
                let keys = self.index.by_id.entry(accepted.id.clone()).or_default();
                let previous_winner = keys.last().cloned();
                keys.insert(key.clone());
                if keys.last() == Some(&key) {
                    if let Some(previous) = previous_winner
                        && let Some(Ok(loser)) = self.files.get(&previous).map(|e| &e.state)
                    {
                        self.index.newest_remove(&previous, loser);
                    }
                    self.index.newest_insert(&key, accepted, listed);
                }
            }
        }
        self.files.insert(key, entry);
    }

    /// Removes what is at `key`, keeping the index up to date.
    fn take(&mut self, key: &OsString) -> Option<Entry> {
        let entry = self.files.remove(key)?;
        match &entry.state {
            Err(_) => self.index.rejected -= 1,
            Ok(accepted) => {
                let Collection {
                    files,
                    index,
                    listed_at,
                    ..
                } = self;
                if let Some(keys) = index.by_id.get_mut(&accepted.id) {
                    let was_winner = keys.last() == Some(key);
                    keys.remove(key);
                    let next_winner = keys.last().cloned();
                    if keys.is_empty() {
                        index.by_id.remove(&accepted.id);
                    }
                    if was_winner {
                        index.newest_remove(key, accepted);
                        if let Some(next) = next_winner
                            && let Some(entry) = files.get(&next)
                            && let Ok(a) = &entry.state
                        {
                            let listed = Listed::of(&next, entry, a, *listed_at);
                            index.newest_insert(&next, a, listed);
                        }
                    }
                }
            }
        }
        Some(entry)
    }

    /// Brings the collection up to date with the whole folder: new and changed files are
    /// read, files that are gone are dropped, the rest is kept as it was. What cannot be
    /// looked at just now (a folder or file the system cannot open for a moment) keeps what
    /// was known of it: an error never publishes fewer articles.
    pub fn refresh(&mut self, config: &Config) -> Result<Changes, ListError> {
        self.listed_at
            .get_or_insert_with(|| source::unix_ns(std::time::SystemTime::now()));
        let (folder, listing) = list(config)?;
        Ok(self.refresh_from(config, &folder, listing))
    }

    /// [`Collection::refresh`] with the folder listed. The index is corrected file by file
    /// when few files changed, and built again when many did: a set built from sorted items
    /// takes one pass, a hundred thousand inserts take longer.
    fn refresh_from(
        &mut self,
        config: &Config,
        folder: &source::Folder,
        mut listing: source::Listing,
    ) -> Changes {
        let started = std::time::Instant::now();
        let mut changes = Changes::default();
        // The listed files that are new or changed, by their place in the listing, with what
        // was known of them.
        let mut known = 0;
        let mut to_read: Vec<(usize, Option<Entry>)> = Vec::new();
        for (n, found) in listing.entries.iter().enumerate() {
            match self.files.get(found.rel().as_os_str()) {
                Some(previous) if is_unchanged(previous, found) => known += 1,
                Some(previous) => {
                    known += 1;
                    to_read.push((n, Some(previous.clone())));
                }
                None => to_read.push((n, None)),
            }
        }
        // Files not listed are gone, but for those in a folder that could not be read.
        let mut gone = Vec::new();
        if known < self.files.len() {
            let listed: FxHashSet<&OsStr> = listing
                .entries
                .iter()
                .map(|found| found.rel().as_os_str())
                .collect();
            gone.extend(
                self.files
                    .keys()
                    .filter(|key| !listed.contains(key.as_os_str()))
                    .filter(|key| !listing.missed(Path::new(key)))
                    .cloned(),
            );
        }
        let mut pending = Vec::with_capacity(to_read.len());
        let mut to_read = to_read.into_iter().peekable();
        for (n, found) in std::mem::take(&mut listing.entries).into_iter().enumerate() {
            if let Some((_, previous)) = to_read.next_if(|(m, _)| *m == n) {
                pending.push((found.rel().as_os_str().to_owned(), found, previous));
            }
        }
        // What is read is reported in path order, whatever order the folder listed it in.
        pending.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        listing.unreadable.sort();
        for (dir, reason) in &listing.unreadable {
            changes.problems.push(Diagnostic::warning(
                &config.articles.join(dir),
                None,
                format!("cannot read this folder ({reason}); its articles stay as they were"),
            ));
            changes.relist = true;
        }
        changes.removed = gone.len();
        let piecemeal = (pending.len() + gone.len()) * 4 <= self.files.len();
        if piecemeal {
            for key in &gone {
                self.take(key);
            }
        } else {
            for key in &gone {
                self.files.remove(key);
            }
        }
        let read = self.read(pending, folder.canonical_root(), config, &mut changes);
        let indexing = std::time::Instant::now();
        if piecemeal {
            for (key, entry) in read {
                self.put(key, entry);
            }
        } else {
            self.files.extend(read);
            let previous = std::mem::take(&mut self.index);
            self.index = Index::build(&self.files, previous, self.listed_at);
        }
        tracing::debug!(
            "read in {} µs, indexed in {} µs",
            (indexing - started).as_micros(),
            indexing.elapsed().as_micros()
        );
        self.dirs = listing.dirs;
        changes
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
        let mut pending = Vec::new();
        for rel in rels {
            let key = rel.as_os_str().to_owned();
            match folder.look(rel) {
                Some(found) => match self.files.get(&key) {
                    Some(previous) if is_unchanged(previous, &found) => {}
                    previous => pending.push((key, found, previous.cloned())),
                },
                None => {
                    if self.take(&key).is_some() {
                        changes.removed += 1;
                    }
                }
            }
        }
        for (key, entry) in self.read(pending, folder.canonical_root(), config, &mut changes) {
            self.put(key, entry);
        }
        Ok(changes)
    }

    /// Reads the new and changed files, on every core, and returns what the collection keeps
    /// of each. `pending` holds the key, what the listing found, and what was known of the
    /// file before; a file the system cannot read just now keeps that (and is named in
    /// [`Changes::retry`]), a new one waits for the retry.
    fn read(
        &mut self,
        pending: Vec<(OsString, Found, Option<Entry>)>,
        root: &Path,
        config: &Config,
        changes: &mut Changes,
    ) -> Vec<(OsString, Entry)> {
        use rayon::prelude::*;
        // With every article in the feeds, the text is needed right away: keep it.
        let keep_full = config.limit == 0;
        let settle = self.settle;
        let mut entries = Vec::with_capacity(pending.len());
        // A few thousand at a time: what reading a file yields before it is reduced to what
        // the collection keeps (its keywords as strings, its problems) is then never held for
        // 100,000 files at once, and the memory a first build takes stays that of its result.
        let mut pending = pending.into_iter();
        loop {
            let batch: Vec<_> = pending.by_ref().take(READ_AT_ONCE).collect();
            if batch.is_empty() {
                break;
            }
            let loaded: Vec<Loaded> = batch
                .par_iter()
                .map(|(_, found, _)| load(found, root, config, keep_full, settle))
                .collect();
            for ((key, found, previous), loaded) in batch.into_iter().zip(loaded) {
                let rel = found.rel().to_path_buf();
                match loaded {
                    Loaded::Entry(mut entry, problems, keywords) => {
                        if let Ok(accepted) = &mut entry.state {
                            accepted.keywords = keywords.map(|k| self.vocabulary.intern_all(&k));
                        }
                        if previous.is_some() {
                            changes.changed += 1;
                        } else {
                            changes.added += 1;
                        }
                        changes.problems.extend(problems);
                        changes.paths.push(rel);
                        entries.push((key, *entry));
                    }
                    Loaded::Unsettled => {
                        changes.unsettled.push(rel);
                        if let Some(previous) = previous {
                            entries.push((key, previous));
                        }
                    }
                    Loaded::Busy(reason) => {
                        changes.busy.push(format!(
                            "{}: cannot read it just now ({reason}); trying again",
                            shown(&config.articles.join(&rel))
                        ));
                        changes.retry.push(rel);
                        if let Some(previous) = previous {
                            entries.push((key, previous));
                        }
                    }
                }
            }
        }
        entries
    }

    /// The folders walked by the last full listing: the articles folder and its subfolders.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Every article with a version in `lang`, newest first (ties by id): its id, date and
    /// keywords in that language (none unless topic feeds are on), as places in
    /// [`Collection::words`].
    pub fn keywords(
        &self,
        lang: Lang,
    ) -> impl Iterator<Item = (&str, DateTime<FixedOffset>, &[u32])> + Clone {
        self.index.newest[lang.index()]
            .iter()
            .map(|rank| (rank.id.as_str(), rank.date.0, &*rank.keywords))
    }

    /// What [`Collection::keywords`] hands over for `lang`, as numbers: the same while no
    /// article with a version in `lang` came, went, or changed its date or keywords there.
    /// Keyword places point into this collection's own words, so the first number names
    /// the collection.
    pub fn tagging(&self, lang: Lang) -> (u64, u64) {
        (self.vocabulary.identity.0, self.index.tagging[lang.index()])
    }

    /// Every keyword of the collection's articles, where [`Collection::keywords`] points.
    pub fn words(&self) -> &[Arc<str>] {
        &self.vocabulary.words
    }

    /// The newest `limit` (0: all) articles with a version in `lang`, newest first (ties by
    /// id), with their dates: a language's feed.
    pub fn newest(
        &self,
        lang: Lang,
        limit: usize,
    ) -> impl Iterator<Item = (&str, DateTime<FixedOffset>)> {
        let take = if limit == 0 { usize::MAX } else { limit };
        self.index.newest[lang.index()]
            .iter()
            .take(take)
            .map(|rank| (rank.id.as_str(), rank.date.0))
    }

    /// The articles with a version in `lang` past its newest `limit`, newest first (ties by
    /// id), with their dates and what is known of them: what the language's archive
    /// documents hold. None when `limit` is 0 (the feed holds every article).
    pub fn older_than_newest(
        &self,
        lang: Lang,
        limit: usize,
    ) -> impl Iterator<Item = (&str, DateTime<FixedOffset>, Listed)> {
        let skip = if limit == 0 { usize::MAX } else { limit };
        self.index.newest[lang.index()]
            .iter()
            .skip(skip)
            .map(|rank| (rank.id.as_str(), rank.date.0, rank.listed))
    }

    /// What is known of the article `id` without its text (see [`Listed`]).
    pub fn listed(&self, id: &str) -> Option<Listed> {
        let key = self.index.by_id.get(id)?.last()?;
        let entry = self.files.get(key)?;
        let Ok(a) = &entry.state else { return None };
        Some(Listed::of(key, entry, a, self.listed_at))
    }

    /// The articles of `need` (ids: those of the feeds to render), the counts for the logs,
    /// and how many files were read. Reads the articles whose text is not in memory. The text
    /// of the articles a language's feed shows stays in memory (the next edit most likely
    /// renders those feeds again), and so does that of `keep` (what the caller renders in a
    /// later batch); that of any other lets go once it is not needed.
    pub fn feed_articles(
        &mut self,
        config: &Config,
        need: &FxHashSet<&str>,
        keep: &FxHashSet<&str>,
    ) -> Result<(Vec<Arc<Article>>, Counts, usize), Busy> {
        let take = if config.limit == 0 {
            usize::MAX
        } else {
            config.limit
        };
        let mut window: FxHashSet<OsString> = FxHashSet::default();
        for newest in &self.index.newest {
            window.extend(newest.iter().take(take).map(|r| r.key.clone()));
        }
        let needed: Vec<OsString> = need
            .iter()
            .filter_map(|id| self.index.by_id.get(*id)?.last().cloned())
            .collect();
        window.extend(needed.iter().cloned());
        let kept = keep
            .iter()
            .filter_map(|id| self.index.by_id.get(*id)?.last().cloned());
        window.extend(kept);
        for key in self.index.shown.difference(&window) {
            if let Some(Entry {
                state: Ok(accepted),
                ..
            }) = self.files.get_mut(key)
                && !accepted.linkless
            {
                accepted.full = None;
            }
        }
        let root = std::fs::canonicalize(&config.articles).unwrap_or(config.articles.clone());
        let unread: Vec<(&OsString, &Entry, &Accepted)> = needed
            .iter()
            .filter_map(|key| {
                let entry = self.files.get(key)?;
                match &entry.state {
                    Ok(a) if a.full.is_none() => Some((key, entry, a)),
                    _ => None,
                }
            })
            .collect();
        let words = &self.vocabulary.words;
        let files_read = unread.len();
        let read: Vec<(OsString, Option<Arc<Article>>)> = {
            use rayon::prelude::*;
            unread
                .into_par_iter()
                .map(|(key, entry, accepted)| {
                    let full = reread(entry.path.clone(), entry.stamp, key, &root, config)?;
                    // The keywords found when the file was read for the topics.
                    if let Some(full) = &full {
                        for lang in Lang::ALL {
                            let known = &accepted.keywords[lang.index()];
                            if let Some(version) = full.version(lang).filter(|_| !known.is_empty())
                            {
                                let words = known.iter().filter_map(|&w| words.get(w as usize));
                                let known: Vec<String> = words.map(|w| w.to_string()).collect();
                                version.know_extracted(&known);
                            }
                        }
                    }
                    Ok((key.clone(), full))
                })
                .collect::<Result<_, Busy>>()?
        };
        for (key, full) in read {
            if let Some(Entry {
                state: Ok(accepted),
                ..
            }) = self.files.get_mut(&key)
            {
                accepted.full = full;
            }
        }
        let mut articles = Vec::with_capacity(needed.len());
        for key in &needed {
            if let Some(Entry {
                state: Ok(Accepted {
                    full: Some(full), ..
                }),
                ..
            }) = self.files.get(key)
            {
                articles.push(Arc::clone(full));
            }
        }
        self.index.shown = window;
        Ok((articles, self.counts(), files_read))
    }

    /// Counts for the logs.
    pub fn counts(&self) -> Counts {
        Counts {
            articles: self.index.by_id.len(),
            zh: self.index.newest[Lang::Zh.index()].len(),
            en: self.index.newest[Lang::En.index()].len(),
            rejected: self.index.rejected,
        }
    }

    /// The articles whose page must be written again since pages were last published
    /// (every one after [`Collection::redo_pages`]).
    pub fn pages_due(&self) -> Vec<Arc<Article>> {
        let mut due: Vec<Arc<Article>> = self
            .index
            .pages_due
            .iter()
            .filter_map(|id| self.index.pages.get(id).map(Arc::clone))
            .collect();
        due.sort_by(|a, b| a.id.cmp(&b.id));
        due
    }

    /// Every article that has a page: what the pages folders may hold.
    pub fn paged_articles(&self) -> impl Iterator<Item = &Article> {
        self.index.pages.values().map(AsRef::as_ref)
    }

    /// The due pages were published.
    pub fn pages_published(&mut self) {
        self.index.pages_due.clear();
    }

    /// Makes every page due again: the site they show changed.
    pub fn redo_pages(&mut self) {
        let ids = self.index.pages.keys().cloned();
        self.index.pages_due.extend(ids);
    }

    /// Accepted files whose id another file also uses, as `path:1: ...` lines: the file
    /// whose path inside the folder sorts last (byte order) wins, so which one is published
    /// never depends on the order files arrived.
    pub fn clashes(&self) -> Vec<Diagnostic> {
        self.clash_lines(self.index.by_id.values())
    }

    /// The clashes that files at `rels` (paths inside the folder) take part in: what a change
    /// made, reported each time.
    pub fn clashes_involving(&self, rels: &[PathBuf]) -> Vec<Diagnostic> {
        let ids: std::collections::BTreeSet<&str> = rels
            .iter()
            .filter_map(|rel| match &self.files.get(rel.as_os_str())?.state {
                Ok(accepted) => Some(accepted.id.as_str()),
                Err(_) => None,
            })
            .collect();
        self.clash_lines(ids.into_iter().filter_map(|id| self.index.by_id.get(id)))
    }

    fn clash_lines<'a>(&self, groups: impl Iterator<Item = &'a Claimants>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for keys in groups.filter(|keys| keys.len() > 1) {
            let Some(winner) = keys.last().and_then(|k| self.files.get(k)) else {
                continue;
            };
            let Ok(won) = &winner.state else { continue };
            for loser in keys.iter().rev().skip(1).filter_map(|k| self.files.get(k)) {
                out.push(clash_message(&loser.path, &won.id, &winner.path));
            }
        }
        out
    }
}

/// The articles folder, opened and listed (names and metadata).
fn list(config: &Config) -> Result<(source::Folder, source::Listing), ListError> {
    let started = std::time::Instant::now();
    let folder = open(config)?;
    let listing = folder.list()?;
    tracing::debug!("listed in {} µs", started.elapsed().as_micros());
    Ok((folder, listing))
}

/// Whether what the listing found is what the collection already holds.
fn is_unchanged(previous: &Entry, found: &Found) -> bool {
    match found {
        Found::File(file) => previous.stamp == Some(file.stamp),
        Found::Unusable(u) => {
            previous.stamp.is_none() && matches!(&previous.state, Err(r) if r.reason == u.reason)
        }
        // Looked at again by the retry; until then what was known stands.
        Found::Busy { .. } => false,
    }
}

/// An article the feeds show could not be read just now: the feeds wait rather than leave it
/// out.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot read {} just now ({}); the feeds wait for it",
    shown(path),
    source::io_reason(error)
)]
pub struct Busy {
    pub path: PathBuf,
    pub error: std::io::Error,
}

pub fn clash_message(loser: &Path, id: &str, winner: &Path) -> Diagnostic {
    Diagnostic::warning(
        loser,
        Some(1),
        format!(
            "id {id} is also used by {}, which wins; this file is left out",
            shown(winner)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn accepted(id: &str, day: u32, zh: bool, en: bool) -> Entry {
        let bj = FixedOffset::east_opt(8 * 3600).unwrap();
        Entry {
            stamp: None,
            path: PathBuf::from(id),
            state: Ok(Accepted {
                id: id.to_string(),
                date: bj.with_ymd_and_hms(2024, 1, day, 0, 0, 0).unwrap(),
                zh,
                en,
                linkless: false,
                keywords: Default::default(),
                full: None,
            }),
            warnings: Box::default(),
        }
    }

    fn rejected() -> Entry {
        Entry {
            stamp: None,
            path: PathBuf::from("bad"),
            state: Err(Rejection {
                line: 1,
                reason: "bad".into(),
            }),
            warnings: Box::default(),
        }
    }

    fn assert_index_is_fresh(c: &Collection) {
        let fresh = Index::build(&c.files, Index::default(), c.listed_at);
        assert_eq!(c.index.by_id, fresh.by_id);
        // Ranks are equal by their place: what each knows of its article is compared too.
        let known = |index: &Index| {
            index.newest.each_ref().map(|ranks| {
                ranks
                    .iter()
                    .map(|r| (r.clone(), r.listed, r.keywords.clone()))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(known(&c.index), known(&fresh));
        // What topics are gathered from: an edit that moves an article must change it.
        assert_eq!(c.index.tagging, fresh.tagging);
        assert_eq!(c.index.rejected, fresh.rejected);
    }

    #[test]
    fn the_index_kept_up_to_date_equals_one_built_afresh() {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut c = Collection::default();
        let now = 1_700_000_000 * 1_000_000_000i128;
        c.listed_at = Some(now);
        for _ in 0..5_000 {
            let key = OsString::from(format!("{:02}.txt", rng.u8(..40)));
            if rng.bool() {
                let entry = if rng.u8(..10) == 0 {
                    rejected()
                } else {
                    // Few ids, so that files clash; stamps settled or not, so that versions
                    // differ between writes of one file.
                    let id = format!("id{}", rng.u8(..12));
                    let mut entry = accepted(&id, rng.u32(1..=28), rng.bool(), rng.bool());
                    let ns = now - i128::from(rng.u32(..5)) * 1_000_000_000;
                    entry.stamp = Some(crate::source::Stamp::from_parts((10, ns, ns, 1, 2)));
                    if let Ok(a) = &mut entry.state {
                        a.keywords = [rng.u32(..3), rng.u32(..3)].map(|k| Box::from([k]));
                    }
                    entry
                };
                c.put(key, entry);
            } else {
                c.take(&key);
            }
            assert_index_is_fresh(&c);
        }
    }

    #[test]
    fn a_listing_that_finds_a_few_changes_leaves_the_index_as_a_fresh_one() {
        // Few changes in many files correct the index file by file; what that leaves must be
        // what building it from every file gives, or the feeds would keep a removed article.
        let dir = tempfile::tempdir().unwrap();
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("articles");
        let mut names: Vec<_> = std::fs::read_dir(&samples)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|name| Path::new(name).extension().is_some_and(|x| x == "txt"))
            .collect();
        names.sort();
        // The last sample is added later.
        let added = names.pop().unwrap();
        for name in &names {
            std::fs::copy(samples.join(name), dir.path().join(name)).unwrap();
        }
        let config = Config {
            articles: dir.path().to_path_buf(),
            ..Config::default()
        };
        let mut c = Collection::default();
        let first = c.refresh(&config).unwrap();
        assert_eq!(first.added, names.len());
        assert_index_is_fresh(&c);

        let edited = dir.path().join(&names[0]);
        let text = std::fs::read_to_string(&edited).unwrap();
        std::fs::write(&edited, text.replacen('\n', "（更新）\n", 1)).unwrap();
        std::fs::remove_file(dir.path().join(&names[1])).unwrap();
        std::fs::copy(samples.join(&added), dir.path().join(&added)).unwrap();
        let changes = c.refresh(&config).unwrap();
        assert_eq!(
            (changes.added, changes.changed, changes.removed),
            (1, 1, 1),
            "{changes}"
        );
        assert!(
            (changes.added + changes.changed + changes.removed) * 4 <= names.len(),
            "too few samples to take the piecemeal path"
        );
        assert_index_is_fresh(&c);
        assert_eq!(c.counts().articles, names.len());
    }

    #[test]
    fn a_file_written_moments_before_the_listing_has_a_version_of_this_run_only() {
        // Its stamp may not tell a second write in the same clock tick: the feeds that show
        // it must not be taken for what an earlier run rendered.
        let second = 1_000_000_000i128;
        let now = 1_700_000_000 * second;
        let stamp = |ns: i128| Some(crate::source::Stamp::from_parts((10, ns, ns, 1, 2)));
        let run = |listed_at: i128| {
            let mut c = Collection {
                listed_at: Some(listed_at),
                ..Collection::default()
            };
            let mut old = accepted("old", 1, true, true);
            old.stamp = stamp(now - 3_600 * second);
            let mut recent = accepted("recent", 2, true, true);
            recent.stamp = stamp(now - second);
            c.put("old.txt".into(), old);
            c.put("recent.txt".into(), recent);
            // As the language feeds see them, and as the archives do.
            let listed = ["old", "recent"].map(|id| c.listed(id).map(|l| l.version).unwrap());
            let archived: Vec<u64> = c
                .older_than_newest(Lang::Zh, 1)
                .map(|(.., l)| l.version)
                .collect();
            assert_eq!(archived, [listed[0]]);
            listed
        };
        let [old_then, recent_then] = run(now);
        let [old_later, recent_later] = run(now + 60 * second);
        assert_eq!(old_then, old_later, "a settled file keeps its version");
        assert_ne!(recent_then, recent_later);
    }

    #[test]
    fn the_later_file_name_wins_an_id_and_the_earlier_comes_back_when_it_goes() {
        let mut c = Collection::default();
        c.put("a.txt".into(), accepted("x", 1, true, true));
        c.put("b.txt".into(), accepted("x", 2, true, false));
        let zh: Vec<&OsString> = c.index.newest[0].iter().map(|r| &r.key).collect();
        assert_eq!(zh, ["b.txt"]);
        assert!(
            c.index.newest[1].is_empty(),
            "the winner has no English version"
        );
        c.take(&"b.txt".into());
        let en: Vec<&OsString> = c.index.newest[1].iter().map(|r| &r.key).collect();
        assert_eq!(en, ["a.txt"]);
        assert_eq!(c.counts().articles, 1);
    }
}
