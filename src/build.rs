//! One build: the pipeline run once (collection → selection → render → publish), by `build`
//! and, after every change, by `watch`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::article::Article;
use crate::cache::{Cache, Contents};
use crate::collection::{Collection, Listed};
use crate::config::Config;
use crate::lang::Lang;
use crate::publish::{self, folder};
use crate::render;
use crate::selection::{self, Feed};
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

/// What each feed was last rendered from (its [`selection::fingerprint`]), so that a rebuild
/// renders again only the feeds whose items changed: an edit touches a few of hundreds of
/// topic feeds. Kept by `watch` between rebuilds and by the articles cache between runs, and
/// forgotten whenever what was published may differ from what it remembers (a failed
/// publish, a deleted output, a new config).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memo {
    feeds: FxHashMap<Feed, Rendered>,
    /// Each language's topics as last gathered, and from what: gathering reads every
    /// article's keywords (150 ms at a million articles), and most edits change none.
    topics: [Option<Gathered>; 2],
}

/// A language's topics and what they were gathered from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Gathered {
    /// The collection's articles as topics read them (see [`Collection::tagging`]).
    tagging: (u64, u64),
    /// The topic feeds published that are not among `topics`: one of them is a topic again
    /// once an article carries its keyword. (Those among `topics` that enough articles carry
    /// are there whether published or not: the first build publishes them all.)
    kept_outside: FxHashSet<String>,
    min_articles: usize,
    limit: usize,
    topics: Vec<selection::Topic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rendered {
    /// The feed's fingerprint when it was rendered.
    print: u64,
    /// Its files as they were left in the output folder (see [`outputs_print`]): a run that
    /// takes the memo from the cache renders again a feed whose files someone touched since.
    outputs: u64,
}

/// A [`Memo`] as the articles cache keeps it: per feed its language, its topic (slug and
/// name) or archive month (year and month), its fingerprint and its files' stamps.
pub type MemoRecords = Vec<(Lang, Option<(String, String)>, Option<(i32, u32)>, u64, u64)>;

impl Memo {
    pub fn to_records(&self) -> MemoRecords {
        let mut records: MemoRecords = self
            .feeds
            .iter()
            .map(|(feed, r)| {
                let topic = feed
                    .topic
                    .as_ref()
                    .map(|t| (t.slug.clone(), t.name.clone()));
                let month = feed.archive.map(|m| (m.year, m.month));
                (feed.lang, topic, month, r.print, r.outputs)
            })
            .collect();
        records.sort_unstable();
        records
    }

    /// How many feeds this memo and `other` remember differently (or only one remembers).
    fn differing(&self, other: &Memo) -> usize {
        let changed = self
            .feeds
            .iter()
            .filter(|(feed, r)| other.feeds.get(*feed) != Some(r))
            .count();
        let gone = other
            .feeds
            .keys()
            .filter(|feed| !self.feeds.contains_key(*feed))
            .count();
        changed + gone
    }

    fn len(&self) -> usize {
        self.feeds.len()
    }

    /// The memo of `records`, but for the feeds whose files in `output` are not as they were
    /// left (gone, replaced, a stale gzip copy): those are rendered and written again.
    pub fn from_records(records: MemoRecords, output: &Path) -> Memo {
        let feeds = records
            .into_iter()
            .map(|(lang, topic, month, print, outputs)| {
                let topic = topic.map(|(slug, name)| selection::TopicName { slug, name });
                let archive = month.map(|(year, month)| selection::Month { year, month });
                let feed = Feed {
                    lang,
                    topic,
                    archive,
                };
                (feed, Rendered { print, outputs })
            })
            .filter(|(feed, r)| outputs_print(output, feed) == Some(r.outputs))
            .collect();
        Memo {
            feeds,
            topics: Default::default(),
        }
    }
}

/// The stamps (size, modification time, inode) of a feed's files in `output`, gzip copies
/// included, as one number; `None` when one is missing.
fn outputs_print(output: &Path, feed: &Feed) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    for file in feed.files() {
        let gz = selection::has_gzip_copy(&file).then(|| format!("{file}.gz"));
        for file in std::iter::once(file).chain(gz) {
            let meta = std::fs::symlink_metadata(output.join(&file)).ok()?;
            meta.len().hash(&mut hasher);
            meta.modified()
                .ok()
                .map(crate::source::unix_ns)
                .hash(&mut hasher);
            #[cfg(unix)]
            std::os::unix::fs::MetadataExt::ino(&meta).hash(&mut hasher);
        }
    }
    Some(hasher.finish())
}

/// How many topic feeds are rendered and written at once: a few dozen keep every core busy,
/// and bound the memory a build of hundreds of topics takes (their articles and documents).
const FEEDS_AT_ONCE: usize = 32;
/// ...and how many items they may hold together. An archive month holds every article of
/// its month: at a million articles, a batch of 32 months held 3 GB of documents at once,
/// and at 100,000 batches of 20,000 items took a cold build to 807 MB (2,000: 338 MB, in
/// the same time); `watch` keeps what its largest batch took.
const ITEMS_AT_ONCE: usize = 2_000;
/// ...and how many articles read for one batch may be kept for a later one that shows them
/// too. The new articles of a day's import are in several of the topic feeds it touches, a
/// few batches apart, and an article's two versions in two months' archives: read again for
/// each, reading took a fifth of that import's rebuild at 100,000 articles. The bound holds
/// what keeping adds to a build's memory to about one batch's articles.
const KEPT_FOR_LATER: usize = ITEMS_AT_ONCE;

/// `feeds` in batches of at most [`FEEDS_AT_ONCE`] feeds and [`ITEMS_AT_ONCE`] items (a feed
/// larger than that is a batch of its own).
fn batched<'a, 'f>(feeds: &'a [(&'f Feed, &'f [String])]) -> Vec<&'a [(&'f Feed, &'f [String])]> {
    let mut batches = Vec::new();
    let (mut start, mut items) = (0, 0);
    for (at, (_, ids)) in feeds.iter().enumerate() {
        if at > start && (at - start == FEEDS_AT_ONCE || items + ids.len() > ITEMS_AT_ONCE) {
            batches.push(&feeds[start..at]);
            (start, items) = (at, 0);
        }
        items += ids.len();
    }
    if start < feeds.len() {
        batches.push(&feeds[start..]);
    }
    batches
}

/// Brings `kept`, the articles whose text stays in memory for a later batch, up to date
/// for batch `at`, whose articles are `need`: those no batch after it shows go, and those of
/// `need` that a later batch shows join, while there are fewer than `limit`.
fn keep_for_later<'a>(
    kept: &mut FxHashSet<&'a str>,
    need: &FxHashSet<&'a str>,
    last_shown: &FxHashMap<&str, usize>,
    at: usize,
    limit: usize,
) {
    let shown_later = |id: &str| last_shown.get(id).is_some_and(|&last| last > at);
    kept.retain(|id| shown_later(id));
    for &id in need {
        if kept.len() >= limit {
            break;
        }
        if shown_later(id) {
            kept.insert(id);
        }
    }
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
    let mut cache = Cache::of(config);
    let mut memo = Memo::default();
    // What the cache remembers of the feeds is checked against the output folder (a stat of
    // every feed's files) on the cache's core too, while the other lists the articles.
    let (mut collection, mut changes) = Collection::load(config, || {
        let Contents { articles, feeds } = cache.as_mut().and_then(Cache::read)?;
        memo = Memo::from_records(feeds, &config.output);
        Some(articles)
    })?;
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
    let remembered_memo = memo.clone();
    let mut summary = render_and_publish(config, &mut collection, &mut memo)?;
    // Writing the cache costs about a millisecond per 500 articles; a cache a few files behind
    // costs the next build only reading those files again and rendering their feeds (what it
    // misses adds up: those files are read again by every build until it is written). So it is
    // written once what it misses is worth more than writing it.
    let files_behind = changes.added + changes.changed + changes.removed;
    let feeds_behind = memo.differing(&remembered_memo);
    let worth_writing = |cache: &&mut Cache| {
        !cache.was_read()
            || files_behind > (collection.counts().articles / 200).max(20)
            || feeds_behind > (memo.len() / 20).max(16)
    };
    if let Some(cache) = cache.as_mut().filter(worth_writing) {
        let saving = Instant::now();
        cache.write(&Contents {
            articles: collection.remembered(),
            feeds: memo.to_records(),
        });
        tracing::debug!("articles cache kept in {} ms", saving.elapsed().as_millis());
    }
    summary.elapsed = started.elapsed();
    // The process ends right after a build: freeing a collection of 100,000 articles piece
    // by piece would only delay that.
    std::mem::forget(collection);
    Ok(summary)
}

/// The topic feeds of every language: the keywords enough articles carry, and those already
/// published that still have an article (see [`selection::topics`]).
/// Gathered again only for a language whose articles' dates or keywords changed since `memo`
/// last gathered them (or whose published topics did).
fn topics(config: &Config, collection: &Collection, memo: &mut Memo) -> Vec<selection::Topic> {
    let min = config.topics.min_articles;
    if min == 0 {
        return Vec::new();
    }
    let of = |lang: Lang, last: &mut Option<Gathered>| {
        let kept = publish::published_topics(&config.output, lang);
        let tagging = collection.tagging(lang);
        let outside = |topics: &[selection::Topic]| -> FxHashSet<String> {
            let slugs: FxHashSet<&str> = topics.iter().filter_map(topic_slug).collect();
            kept.iter()
                .filter(|slug| !slugs.contains(slug.as_str()))
                .cloned()
                .collect()
        };
        if let Some(last) = last.as_ref().filter(|last| {
            last.tagging == tagging
                && last.min_articles == min
                && last.limit == config.limit
                // A topic too few articles carry is there because its feed is published.
                && last
                    .topics
                    .iter()
                    .filter(|t| t.carried_by < min)
                    .filter_map(topic_slug)
                    .all(|slug| kept.contains(slug))
                && outside(&last.topics) == last.kept_outside
        }) {
            return last.topics.clone();
        }
        let tagged = collection
            .keywords(lang)
            .map(|(id, date, keywords)| selection::Tagged { id, date, keywords });
        let topics = selection::topics(lang, tagged, collection.words(), min, &kept, config.limit);
        *last = Some(Gathered {
            tagging,
            kept_outside: outside(&topics),
            min_articles: min,
            limit: config.limit,
            topics: topics.clone(),
        });
        topics
    };
    // Each language's on a core of its own: every article's every keyword is looked at.
    let [zh_last, en_last] = &mut memo.topics;
    let (mut zh, en) = rayon::join(|| of(Lang::Zh, zh_last), || of(Lang::En, en_last));
    zh.extend(en);
    zh
}

fn topic_slug(topic: &selection::Topic) -> Option<&str> {
    topic.feed.topic.as_ref().map(|t| t.slug.as_str())
}

/// Renders the feeds of `collection` whose items changed since `memo` was last told (all of
/// them with an empty memo), and writes those whose bytes changed. On an error the memo is
/// emptied: what was published may no longer be what it remembers.
pub fn render_and_publish(
    config: &Config,
    collection: &mut Collection,
    memo: &mut Memo,
) -> Result<Summary, BuildError> {
    let result = publish_changed(config, collection, memo);
    if result.is_err() {
        *memo = Memo::default();
    }
    result
}

fn publish_changed(
    config: &Config,
    collection: &mut Collection,
    memo: &mut Memo,
) -> Result<Summary, BuildError> {
    let started = Instant::now();
    let topics = topics(config, collection, memo);
    let gathered = started.elapsed();
    let newest: [Vec<(&str, DateTime<FixedOffset>)>; 2] =
        Lang::ALL.map(|lang| collection.newest(lang, config.limit).collect());
    let main: [Vec<String>; 2] = newest
        .each_ref()
        .map(|feed| feed.iter().map(|&(id, _)| id.to_string()).collect());
    let on_page: [FxHashSet<&str>; 2] = main
        .each_ref()
        .map(|ids| ids.iter().map(String::as_str).collect());
    // A language's page shows its newest `limit` articles: when it is full, an article older
    // than the last of them is not on it, and an archive item needs no lookup to tell.
    let shown_from: [Option<DateTime<FixedOffset>>; 2] = newest.each_ref().map(|feed| {
        (config.limit > 0 && feed.len() == config.limit)
            .then(|| feed.last().map(|&(_, date)| date))
            .flatten()
    });
    // Where an article is shown in the other language, as its items tell; `date` when known.
    let translation =
        |id: &str, date: Option<DateTime<FixedOffset>>, listed: Listed, lang: Lang| {
            let other = lang.other();
            let may_be_shown = match (shown_from[other.index()], date) {
                (Some(from), Some(date)) => date >= from,
                _ => true,
            };
            selection::place(
                listed.has(other),
                may_be_shown && on_page[other.index()].contains(id),
                listed.linkless,
            )
        };
    // Each language's articles past its feed, a document per month (RFC 5005).
    let archives: Vec<selection::Archive> = if config.archives {
        Lang::ALL
            .into_iter()
            .flat_map(|lang| {
                let older =
                    collection
                        .older_than_newest(lang, config.limit)
                        .map(|(id, date, listed)| {
                            let item = selection::ItemPrint {
                                version: listed.version,
                                translation: translation(id, Some(date), listed, lang),
                            };
                            (item, date)
                        });
                selection::archives(lang, older)
            })
            .collect()
    } else {
        Vec::new()
    };
    let history = selection::History::of(&archives);
    let topic_prints = Lang::ALL.map(|lang| selection::topics_print(&topics, lang));
    let language_feeds = Lang::ALL.map(Feed::language);
    // What each feed's items print as: the archives' was taken as they were gathered, and
    // their ids are gathered below for those rendered again.
    let no_ids = Vec::new();
    let planned = language_feeds
        .iter()
        .zip(&main)
        .chain(topics.iter().map(|t| (&t.feed, &t.articles)))
        .map(|(feed, ids)| (feed, ids, None))
        .chain(archives.iter().map(|a| (&a.feed, &no_ids, Some(a.items))));
    let planned: Vec<(&Feed, &Vec<String>, Option<u64>)> = planned.collect();
    let printed: Vec<u64> = {
        use rayon::prelude::*;
        planned
            .par_iter()
            .map(|&(feed, ids, items)| {
                let items = items.unwrap_or_else(|| {
                    selection::items_print(ids.iter().filter_map(|id| {
                        let listed = collection.listed(id)?;
                        Some(selection::ItemPrint {
                            version: listed.version,
                            translation: translation(id, None, listed, feed.lang),
                        })
                    }))
                });
                // An archive links no topic (see `render::render_feeds`).
                let topics = match feed.archive {
                    Some(_) => 0,
                    None => topic_prints[feed.lang.index()],
                };
                let links = {
                    use std::hash::{Hash, Hasher};
                    let mut hasher = rustc_hash::FxHasher::default();
                    (topics, history.links_print(feed)).hash(&mut hasher);
                    hasher.finish()
                };
                selection::fingerprint(feed, links, items)
            })
            .collect()
    };
    let mut prints = FxHashMap::default();
    let mut due_feeds: Vec<(&Feed, &Vec<String>)> = Vec::new();
    let mut unchanged = Vec::new();
    for ((feed, ids, _), print) in planned.into_iter().zip(printed) {
        if memo.feeds.get(feed).is_some_and(|r| r.print == print) {
            unchanged.extend(feed.files());
        } else {
            due_feeds.push((feed, ids));
        }
        prints.insert(feed.clone(), print);
    }
    // The articles of the archives rendered again: after an edit, none or a month or two.
    let archived: [std::collections::BTreeMap<selection::Month, Vec<String>>; 2] =
        Lang::ALL.map(|lang| {
            let months: BTreeSet<selection::Month> = due_feeds
                .iter()
                .filter(|(feed, _)| feed.lang == lang)
                .filter_map(|(feed, _)| feed.archive)
                .collect();
            let older = collection
                .older_than_newest(lang, config.limit)
                .map(|(id, date, _)| (id, date));
            selection::archived(older, &months)
        });
    let due: Vec<(&Feed, &[String])> = due_feeds
        .into_iter()
        .map(|(feed, ids)| match feed.archive {
            Some(month) => {
                let ids = archived[feed.lang.index()].get(&month);
                (feed, ids.map_or(&[][..], Vec::as_slice))
            }
            None => (feed, ids.as_slice()),
        })
        .collect();
    let due_count = due.len();
    let planned = started.elapsed();
    // Topic feeds and archives first, a batch at a time, so that what is in memory at once
    // (the batch's articles, its documents) stays small however many there are; then the
    // language feeds, the pages and the lists that link every feed, once what they link
    // exists.
    let (mut topic_feeds, language_feeds): (Vec<_>, Vec<_>) = due
        .into_iter()
        .partition(|(feed, _)| feed.topic.is_some() || feed.archive.is_some());
    // A month's archives of both languages side by side: they hold the same articles (most
    // have both versions), which one batch then reads once, not each language's batch again.
    topic_feeds.sort_by_key(|(feed, _)| feed.archive.map(std::cmp::Reverse));
    let mut batches: Vec<&[(&Feed, &[String])]> = batched(&topic_feeds);
    batches.push(&language_feeds);
    let last = batches.len() - 1;
    // The last batch that shows each article: its text is kept until then (up to
    // `KEPT_FOR_LATER` articles at once), not read again for each batch.
    let mut last_shown: FxHashMap<&str, usize> = FxHashMap::default();
    for (i, batch) in batches.iter().enumerate() {
        for id in batch.iter().flat_map(|(_, ids)| ids.iter()) {
            last_shown.insert(id.as_str(), i);
        }
    }
    let mut kept: FxHashSet<&str> = FxHashSet::default();
    let mut summary = Summary::default();
    let mut published: Vec<String> = Vec::new();
    let mut counts = Default::default();
    let (mut reading, mut rendering) = (Duration::ZERO, Duration::ZERO);
    let mut files_read = 0;
    // A batch is written while the next is read and rendered: writing is mostly waiting for
    // the disk (a day's import rewrites a hundred topic feeds, 100 MB), reading and rendering
    // are mostly the processor, and in turn they added up. The writer takes the batches in
    // order, one at a time, so each is still all staged before any of it replaces a file,
    // and the language feeds, which link the others, still come last. At most one batch
    // waits for it: memory holds two batches at most, not all.
    let out = config.output.as_path();
    std::thread::scope(|scope| -> Result<(), BuildError> {
        let (to_writer, batches_written) =
            std::sync::mpsc::sync_channel::<Vec<render::FeedFile>>(0);
        let writer = scope.spawn(move || -> Result<Vec<_>, publish::PublishError> {
            let mut done = Vec::new();
            for files in batches_written {
                let written = publish::publish(out, &files)?;
                // Only the paths: the bytes go as soon as they are written.
                let paths: Vec<String> = files.into_iter().map(|f| f.path).collect();
                done.push((written, paths));
            }
            Ok(done)
        });
        for (i, batch) in batches.into_iter().enumerate() {
            let at = Instant::now();
            let need: FxHashSet<&str> = batch
                .iter()
                .flat_map(|(_, ids)| ids.iter().map(String::as_str))
                .collect();
            keep_for_later(&mut kept, &need, &last_shown, i, KEPT_FOR_LATER);
            let (shown, now, read) = collection.feed_articles(config, &need, &kept)?;
            counts = now;
            files_read += read;
            reading += at.elapsed();
            let at = Instant::now();
            let by_id: FxHashMap<&str, &Article> =
                shown.iter().map(|a| (a.id.as_str(), &**a)).collect();
            let feeds = batch
                .iter()
                .map(|(feed, ids)| {
                    let articles = ids.iter().filter_map(|id| by_id.get(id.as_str()).copied());
                    (*feed, articles.collect())
                })
                .collect();
            let mut files = render::render_feeds(&config.site, feeds, &on_page, &topics, &history)?;
            if i == last {
                let due = collection.pages_due();
                let due: Vec<&Article> = due.iter().map(|a| a.as_ref()).collect();
                files.extend(render::pages(&config.site, &due));
                files.extend(render::site_files(&config.site, &topics));
            }
            rendering += at.elapsed();
            // Refused only when the writer has stopped on an error, which its join returns.
            if to_writer.send(files).is_err() {
                break;
            }
        }
        drop(to_writer);
        let done = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        for (written, paths) in done {
            summary.written.extend(written.written);
            summary.unchanged.extend(written.unchanged);
            published.extend(paths);
        }
        Ok(())
    })?;
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
    let folders: FxHashSet<String> = topics
        .iter()
        .map(|t| t.feed.folder())
        .chain(archives.iter().map(|a| a.feed.folder()))
        .collect();
    summary
        .removed
        .extend(publish::remove_stale_feeds(&config.output, &folders)?);
    collection.pages_published();
    summary.outputs = published
        .iter()
        .chain(&unchanged)
        .flat_map(|path| {
            let gz = selection::has_gzip_copy(path).then(|| format!("{path}.gz"));
            std::iter::once(path.clone()).chain(gz)
        })
        .chain(pages)
        .collect();
    summary.unchanged.extend(unchanged);
    // What a feed's files are now: stamped after writing for the feeds rendered.
    memo.feeds = prints
        .into_iter()
        .filter_map(|(feed, print)| {
            let outputs = match memo.feeds.get(&feed) {
                Some(r) if r.print == print => r.outputs,
                _ => outputs_print(&config.output, &feed)?,
            };
            Some((feed, Rendered { print, outputs }))
        })
        .collect();
    tracing::debug!(
        "topics gathered in {} µs, {due_count} of {} feeds due in {} µs, their articles \
         ({}) read from {files_read} files in {} µs, rendered in {} µs, written in {} µs",
        gathered.as_micros(),
        memo.feeds.len(),
        (planned - gathered).as_micros(),
        last_shown.len(),
        reading.as_micros(),
        rendering.as_micros(),
        (started.elapsed() - planned - reading - rendering).as_micros()
    );
    summary.articles = counts.articles;
    summary.rejected = counts.rejected;
    summary.zh_items = counts.zh;
    summary.en_items = counts.en;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_bound_both_the_feeds_and_the_items_held_at_once() {
        let feed = Feed::language(Lang::Zh);
        let ids = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        let (small, month, huge) = (ids(10), ids(ITEMS_AT_ONCE * 3 / 5), ids(ITEMS_AT_ONCE * 3));
        let mut feeds: Vec<(&Feed, &[String])> = vec![(&feed, &small); 70];
        feeds.extend([(&feed, &month[..]); 3]);
        feeds.push((&feed, &huge));
        feeds.push((&feed, &small));
        let batches = batched(&feeds);
        let sizes: Vec<usize> = batches.iter().map(|b| b.len()).collect();
        // 70 small feeds in 32s, the last 6 with the first month, then the months one at a
        // time (two would pass the bound), the huge one alone, then the last small one.
        assert_eq!(sizes, [32, 32, 7, 1, 1, 1, 1]);
        assert_eq!(sizes.iter().sum::<usize>(), feeds.len());
        assert!(batched(&[]).is_empty());
    }

    #[test]
    fn an_article_a_later_batch_shows_is_kept_for_it_within_the_bound() {
        // a: batches 0 and 2; b: batch 0 only; c: batches 0 and 1; d: batches 1 and 3.
        let last_shown: FxHashMap<&str, usize> = [("a", 2), ("b", 0), ("c", 1), ("d", 3)]
            .into_iter()
            .collect();
        let need = |ids: &[&'static str]| ids.iter().copied().collect::<FxHashSet<&str>>();
        let mut kept = FxHashSet::default();
        keep_for_later(&mut kept, &need(&["a", "b", "c"]), &last_shown, 0, 10);
        assert_eq!(kept, need(&["a", "c"]), "b is shown by no later batch");
        keep_for_later(&mut kept, &need(&["c", "d"]), &last_shown, 1, 10);
        assert_eq!(kept, need(&["a", "d"]), "c's last batch is done");
        keep_for_later(&mut kept, &need(&["a"]), &last_shown, 2, 10);
        assert_eq!(kept, need(&["d"]));
        keep_for_later(&mut kept, &need(&["d"]), &last_shown, 3, 10);
        assert!(
            kept.is_empty(),
            "nothing outlives the last batch that shows it"
        );

        // The bound: never more kept than it allows, however many a later batch shows.
        let mut kept = FxHashSet::default();
        keep_for_later(&mut kept, &need(&["a", "b", "c", "d"]), &last_shown, 0, 2);
        assert_eq!(kept.len(), 2);
        assert!(!kept.contains("b"));
    }
}
