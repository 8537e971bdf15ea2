//! Which documents the site has and which articles each holds: per language a feed in each
//! format and its page, the same for every topic, a page per article without a source link,
//! the entry page and the OPML lists. How each is written is [`crate::render`]'s business,
//! where it goes [`crate::publish`]'s.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::article::{Article, Version};
use crate::lang::Lang;

/// The feed formats written per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
    /// JSON Feed 1.1.
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];

    /// The format the index page and the OPML list offer for subscribing: one per language,
    /// since both formats carry the same items under the same ids. Atom, because it says
    /// what every field is (text or HTML, published or updated, who wrote it).
    pub const SUBSCRIBE: Format = Format::Atom;

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
            Format::Json => "feed.json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }
}

/// The entry page, at the root of the output folder: both languages' pages and feeds.
pub const INDEX_PAGE: &str = "index.html";
/// The OPML subscription list: one feed per language.
pub const OPML_FILE: &str = "feeds.opml";
/// The OPML list of every topic feed, grouped per language.
pub const TOPICS_OPML_FILE: &str = "topics.opml";
/// The page of a feed, in the feed's folder: its items as a browser shows them.
pub const FEED_PAGE: &str = "index.html";
/// The folder, per language, of the topic feeds (`zh/topics/<topic>/`).
pub const TOPICS_DIR: &str = "topics";

/// The folder, per language, of the pages bifeed writes for articles that have no source
/// link of their own (`zh/articles/<id>.html`), so that every item has a link a person can
/// open.
pub const PAGES_DIR: &str = "articles";

/// Where an article's page goes, relative to the output folder. The id is the file name
/// as it is; URLs percent-encode it.
pub fn page_path(lang: Lang, article_id: &str) -> String {
    format!("{}/{PAGES_DIR}/{article_id}.html", lang.dir())
}

/// Where a language's feed in `format` goes, relative to the output folder (`zh/rss.xml`).
pub fn feed_path(lang: Lang, format: Format) -> String {
    Feed::language(lang).path(format.file_name())
}

/// The folder, per language, of the archive documents (`zh/archive/2024-05/`).
pub const ARCHIVE_DIR: &str = "archive";

/// A feed people subscribe to: a language's, or one topic's within a language; or one month
/// of a language's history, an archive document (RFC 5005). Each has a folder of its own
/// holding it in its [`Feed::formats`] and its page ([`FEED_PAGE`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Feed {
    pub lang: Lang,
    pub topic: Option<TopicName>,
    pub archive: Option<Month>,
}

/// A month of article dates, in the articles' time zone: what an archive document holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    pub fn of(date: &DateTime<FixedOffset>) -> Month {
        use chrono::Datelike;
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Its folder name, `2024-05`: sorts as the months do.
    pub fn slug(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// A topic as people see it and as its folder is named.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicName {
    /// Its folder name and URL segment (see [`topic_slug`]).
    pub slug: String,
    /// The keyword as the articles spell it most often.
    pub name: String,
}

impl Feed {
    pub fn language(lang: Lang) -> Feed {
        Feed {
            lang,
            topic: None,
            archive: None,
        }
    }

    pub fn topic(lang: Lang, topic: TopicName) -> Feed {
        Feed {
            lang,
            topic: Some(topic),
            archive: None,
        }
    }

    pub fn archive(lang: Lang, month: Month) -> Feed {
        Feed {
            lang,
            topic: None,
            archive: Some(month),
        }
    }

    /// The feed's folder relative to the output folder, as on disk (`zh`, `zh/topics/宜春`,
    /// `zh/archive/2024-05`).
    pub fn folder(&self) -> String {
        match (&self.topic, self.archive) {
            (Some(t), _) => format!("{}/{TOPICS_DIR}/{}", self.lang.dir(), t.slug),
            (None, Some(month)) => format!("{}/{ARCHIVE_DIR}/{}", self.lang.dir(), month.slug()),
            (None, None) => self.lang.dir().to_string(),
        }
    }

    /// The formats it is written in: every one, but for an archive document only those that
    /// RFC 5005 archives are defined for (Atom, and RSS with the same elements).
    pub fn formats(&self) -> &'static [Format] {
        if self.archive.is_some() {
            &[Format::Rss, Format::Atom]
        } else {
            &Format::ALL
        }
    }

    /// A file of the feed's folder, relative to the output folder.
    pub fn path(&self, file: &str) -> String {
        format!("{}/{file}", self.folder())
    }

    /// The files bifeed writes in the feed's folder (each format and the page), relative to
    /// the output folder: what is published, and what goes when the feed does.
    pub fn files(&self) -> impl Iterator<Item = String> + '_ {
        self.formats()
            .iter()
            .map(|f| f.file_name())
            .chain([FEED_PAGE])
            .map(|file| self.path(file))
    }
}

/// A topic's folder name: the keyword's letters and digits (of any script) in lower case,
/// every run of anything else one `-`, so that two spellings of one keyword ("AI & Coding",
/// "ai coding") are one topic, and a Chinese keyword keeps its characters (宜春). At most
/// [`SLUG_CHARS`] characters; `None` for a keyword with no letter or digit.
pub fn topic_slug(keyword: &str) -> Option<String> {
    slug_of(keyword).map(Cow::into_owned)
}

/// [`topic_slug`], borrowing the keyword when it is its own slug (宜春, coffee): topics are
/// gathered from every keyword of every article at each rebuild.
fn slug_of(keyword: &str) -> Option<Cow<'_, str>> {
    let is_own = keyword.chars().count() <= SLUG_CHARS
        && !keyword.is_empty()
        && keyword
            .chars()
            .all(|c| c.is_alphanumeric() && !c.is_uppercase() && c.to_lowercase().eq([c]));
    if is_own {
        return Some(Cow::Borrowed(keyword));
    }
    let mut slug = String::with_capacity(keyword.len());
    let mut chars = 0;
    let mut gap = false;
    for c in keyword.chars() {
        if !c.is_alphanumeric() {
            gap = true;
            continue;
        }
        let dash = gap && !slug.is_empty();
        if chars + usize::from(dash) + 1 > SLUG_CHARS {
            break;
        }
        if dash {
            slug.push('-');
            chars += 1;
        }
        gap = false;
        slug.extend(c.to_lowercase());
        chars += 1;
    }
    (!slug.is_empty()).then_some(Cow::Owned(slug))
}

/// Longest topic folder name, in characters: file systems allow 255 bytes, URLs grow by
/// percent-encoding, and a keyword is a few words.
const SLUG_CHARS: usize = 60;

/// A topic feed and the articles it holds (ids, newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub feed: Feed,
    pub articles: Vec<String>,
    /// How many articles carry the keyword: below the threshold, the topic is there only
    /// because its feed was published before.
    pub carried_by: usize,
}

/// One article as topics see it: its id, date and keywords in one language, each as its
/// place in the vocabulary [`topics`] is given.
#[derive(Debug, Clone, Copy)]
pub struct Tagged<'a> {
    pub id: &'a str,
    pub date: DateTime<FixedOffset>,
    pub keywords: &'a [u32],
}

/// The topics of a language: one per keyword that at least `min_articles` articles carry,
/// plus every topic in `kept` (published before) that still has an article, so that a topic
/// falling below the threshold keeps its feed for its subscribers rather than turning into a
/// 404. Each holds its newest `limit` articles (0: all), newest first, ties broken by id;
/// topics are in slug order. `words` is the vocabulary the articles' keywords point into:
/// each word's slug is made once, not once per article that uses it.
pub fn topics<'a, W: AsRef<str>>(
    lang: Lang,
    articles: impl IntoIterator<Item = Tagged<'a>, IntoIter: Clone>,
    words: &'a [W],
    min_articles: usize,
    kept: &FxHashSet<String>,
    limit: usize,
) -> Vec<Topic> {
    struct Gathered<'a> {
        slug: Cow<'a, str>,
        /// How many articles carry it.
        count: usize,
        /// The newest `limit` of them, newest first.
        members: Vec<&'a str>,
        /// Each spelling (a word) and how many articles use it: most topics have one.
        spellings: Vec<(u32, usize)>,
    }
    const UNSEEN: u32 = u32::MAX;
    const NO_SLUG: u32 = u32::MAX - 1;
    let word = |w: u32| words.get(w as usize).map_or("", AsRef::as_ref);
    // Per word, its topic (an index into `gathered`).
    let mut topic_of: Vec<u32> = vec![UNSEEN; words.len()];
    let mut by_slug: FxHashMap<Cow<'a, str>, u32> = FxHashMap::default();
    let mut gathered: Vec<Gathered<'a>> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    // Newest first, ties by id (as the collection hands them over, checked in one pass): a
    // topic then keeps only its first `limit` articles and counts the rest, rather than sort
    // the tens of thousands a common keyword gathers. Only articles out of that order are
    // gathered into a list to sort: a hundred thousand of them are megabytes a rebuild.
    let articles = articles.into_iter();
    let newest_first = |a: &Tagged, b: &Tagged| b.date.cmp(&a.date).then_with(|| a.id.cmp(b.id));
    let (in_order, sorted) = if articles
        .clone()
        .is_sorted_by(|a, b| newest_first(a, b).is_le())
    {
        (Some(articles), None)
    } else {
        let mut sorted: Vec<Tagged<'a>> = articles.collect();
        sorted.sort_by(newest_first);
        (None, Some(sorted))
    };
    for article in in_order
        .into_iter()
        .flatten()
        .chain(sorted.into_iter().flatten())
    {
        seen.clear();
        for &keyword in article.keywords {
            let Some(slot) = topic_of.get_mut(keyword as usize) else {
                continue;
            };
            if *slot == UNSEEN {
                *slot = match slug_of(word(keyword)) {
                    None => NO_SLUG,
                    Some(slug) => *by_slug.entry(slug.clone()).or_insert_with(|| {
                        gathered.push(Gathered {
                            slug,
                            count: 0,
                            members: Vec::new(),
                            spellings: Vec::new(),
                        });
                        (gathered.len() - 1) as u32
                    }),
                };
            }
            let topic = *slot;
            // Two spellings of one topic in one article count once.
            if topic == NO_SLUG || seen.contains(&topic) {
                continue;
            }
            seen.push(topic);
            let t = &mut gathered[topic as usize];
            t.count += 1;
            if limit == 0 || t.members.len() < limit {
                t.members.push(article.id);
            }
            match t.spellings.iter_mut().find(|(s, _)| *s == keyword) {
                Some((_, n)) => *n += 1,
                None => t.spellings.push((keyword, 1)),
            }
        }
    }
    let mut topics: Vec<Topic> = gathered
        .into_iter()
        .filter(|t| min_articles > 0 && (t.count >= min_articles || kept.contains(t.slug.as_ref())))
        .map(|t| {
            let slug = t.slug.into_owned();
            // The most common spelling; among equals the first in byte order.
            let name = t
                .spellings
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| word(b.0).cmp(word(a.0))))
                .map_or_else(|| slug.clone(), |(s, _)| word(*s).to_string());
            Topic {
                feed: Feed::topic(lang, TopicName { slug, name }),
                articles: t.members.into_iter().map(String::from).collect(),
                carried_by: t.count,
            }
        })
        .collect();
    topics.sort_unstable_by(|a, b| a.feed.cmp(&b.feed));
    topics
}

/// The format of a published file that is a feed (`zh/rss.xml`, `en/topics/ai/feed.json`).
pub fn feed_format(path: &str) -> Option<Format> {
    let name = path.rsplit('/').next().unwrap_or(path);
    Format::ALL.into_iter().find(|f| f.file_name() == name)
}

/// Whether a published file gets a gzip copy beside it (`zh/rss.xml.gz`) for clients that
/// take gzip: the feeds and the pages that list them, which readers and browsers fetch again
/// and again. (Article pages are many, small and seldom fetched twice.)
pub fn has_gzip_copy(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == FEED_PAGE || Format::ALL.iter().any(|f| f.file_name() == name)
}

/// The articles a language's feed holds: the newest that have a version in `lang`, newest
/// first, ties broken by id so the order never depends on the order files were listed. `limit`
/// caps them; 0 means every article.
pub fn feed_articles<'a>(
    articles: &[&'a Article],
    lang: Lang,
    limit: usize,
) -> Vec<(&'a Article, &'a Version)> {
    let mut chosen: Vec<(&Article, &Version)> = articles
        .iter()
        .filter_map(|a| a.version(lang).map(|version| (*a, version)))
        .collect();
    chosen.sort_by(|a, b| b.0.date.cmp(&a.0.date).then_with(|| a.0.id.cmp(&b.0.id)));
    if limit > 0 {
        chosen.truncate(limit);
    }
    chosen
}

/// Where an article is shown in a language, for its translation's items to link: on the
/// language's page (among its newest), on a page of its own, or nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    OnPage,
    OwnPage,
    Nowhere,
}

/// Where an article is shown in a language: whether it has a version in it, whether the
/// language's page shows it, whether it has a page of its own (see [`has_page`]).
pub fn place(has_version: bool, on_page: bool, has_page: bool) -> Place {
    match (has_version, on_page, has_page) {
        (false, _, _) => Place::Nowhere,
        (true, true, _) => Place::OnPage,
        (true, false, true) => Place::OwnPage,
        (true, false, false) => Place::Nowhere,
    }
}

/// One item of a feed as far as what its documents show depends on it, known without the
/// article's text: the version of its file (which file gives it and when that was written:
/// the article, its id included, follows from it), and where its translation is shown.
#[derive(Debug, Clone, Copy, Hash)]
pub struct ItemPrint {
    pub version: u64,
    pub translation: Place,
}

/// What a feed's documents are made of: its name, its items (`items`, see [`items_print`]),
/// and the other documents they link (`links`: the topics of its language, which its page's
/// keywords link to, and the archive documents it links, see [`History::links_print`]).
/// Equal fingerprints, equal documents, for one config and one program: a build renders
/// only the feeds whose fingerprint changed.
pub fn fingerprint(feed: &Feed, links: u64, items: u64) -> u64 {
    use std::hash::{Hash, Hasher};
    // FxHasher: the same on every run, as fingerprints are kept in the articles cache.
    let mut hasher = rustc_hash::FxHasher::default();
    (feed, links, items).hash(&mut hasher);
    hasher.finish()
}

/// A fingerprint of a feed's items, in their order, for [`fingerprint`].
pub fn items_print(items: impl IntoIterator<Item = ItemPrint>) -> u64 {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    for item in items {
        std::hash::Hash::hash(&item, &mut hasher);
    }
    hasher.finish()
}

/// One month of a language's history, an archive document (RFC 5005), and the fingerprint
/// of its items (see [`items_print`]). Archives hold nearly every article, so what a rebuild
/// asks of all of them is this alone, taken in one pass; the ids of a month's articles are
/// gathered only for the months rendered again (see [`archived`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    pub feed: Feed,
    pub items: u64,
}

/// The archive documents of a language: every article its feed does not hold, one document
/// per month of their dates. `older` are those articles (what each shows, and its date),
/// newest first, as the language's feed orders them (ties by id); the archives come newest
/// month first.
///
/// Following `prev-archive` from the feed through them meets every article once: the feed
/// holds the newest, the archives the rest. An article leaving the feed is older than
/// every one still in it and newer than every archived one, so it lands in the newest
/// archive (or starts a newer one): older archives change only when an article of their
/// month is added, edited or removed.
pub fn archives(
    lang: Lang,
    older: impl IntoIterator<Item = (ItemPrint, DateTime<FixedOffset>)>,
) -> Vec<Archive> {
    use std::hash::{Hash, Hasher};
    // By month, whatever the order of the months: each month one archive.
    let mut months: std::collections::BTreeMap<Month, rustc_hash::FxHasher> = Default::default();
    for (item, date) in older {
        item.hash(months.entry(Month::of(&date)).or_default());
    }
    months
        .into_iter()
        .rev()
        .map(|(month, items)| Archive {
            feed: Feed::archive(lang, month),
            items: items.finish(),
        })
        .collect()
}

/// The articles (ids, newest first) of the archives of `months`, from the same `older` as
/// [`archives`] was given (here each article's id and date).
pub fn archived<'a>(
    older: impl IntoIterator<Item = (&'a str, DateTime<FixedOffset>)>,
    months: &std::collections::BTreeSet<Month>,
) -> std::collections::BTreeMap<Month, Vec<String>> {
    let mut archived: std::collections::BTreeMap<Month, Vec<String>> = Default::default();
    if months.is_empty() {
        return archived;
    }
    for (id, date) in older {
        let month = Month::of(&date);
        if months.contains(&month) {
            archived.entry(month).or_default().push(id.to_string());
        }
    }
    archived
}

/// The months each language has an archive document for, newest first: what the feeds,
/// the archives and the language pages link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    months: [Vec<Month>; 2],
}

impl History {
    pub fn of(archives: &[Archive]) -> History {
        let mut history = History::default();
        for archive in archives {
            if let Some(month) = archive.feed.archive {
                history.months[archive.feed.lang.index()].push(month);
            }
        }
        for months in &mut history.months {
            months.sort_unstable_by(|a, b| b.cmp(a));
            months.dedup();
        }
        history
    }

    /// A language's archive months, newest first.
    pub fn months(&self, lang: Lang) -> &[Month] {
        &self.months[lang.index()]
    }

    /// The archive a feed's `prev-archive` names: for a language's feed its newest archive,
    /// for an archive the month before it that has one.
    pub fn previous(&self, feed: &Feed) -> Option<Month> {
        let months = self.months(feed.lang);
        match (&feed.topic, feed.archive) {
            (Some(_), _) => None,
            (None, None) => months.first().copied(),
            (None, Some(month)) => months.iter().copied().find(|m| *m < month),
        }
    }

    /// The archive an archive's `next-archive` names: the month after it that has one.
    pub fn next(&self, feed: &Feed) -> Option<Month> {
        let month = feed.archive?;
        self.months(feed.lang)
            .iter()
            .rev()
            .copied()
            .find(|m| *m > month)
    }

    /// A fingerprint of the archives `feed`'s documents link, for [`fingerprint`]: a
    /// language's feed links its newest archive and its page every month; an archive its
    /// neighbours.
    pub fn links_print(&self, feed: &Feed) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        match (&feed.topic, feed.archive) {
            (Some(_), _) => {}
            (None, None) => self.months(feed.lang).hash(&mut hasher),
            (None, Some(_)) => (self.previous(feed), self.next(feed)).hash(&mut hasher),
        }
        hasher.finish()
    }
}

/// A fingerprint of a language's topics, for [`fingerprint`].
pub fn topics_print(topics: &[Topic], lang: Lang) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut slugs: Vec<&str> = topics
        .iter()
        .filter(|t| t.feed.lang == lang)
        .filter_map(|t| t.feed.topic.as_ref().map(|n| n.slug.as_str()))
        .collect();
    slugs.sort_unstable();
    let mut hasher = rustc_hash::FxHasher::default();
    slugs.hash(&mut hasher);
    hasher.finish()
}

/// Whether an article gets a page of its own: when it has no source link, so that its items
/// link somewhere a person can open.
pub fn has_page(article: &Article) -> bool {
    article.link.is_none()
}

/// The media type of a document, by its path: what `serve` sends as `Content-Type` and the
/// pages' autodiscovery links announce.
pub fn media_type(path: &str) -> Option<&'static str> {
    if let Some(format) = feed_format(path) {
        return Some(format.media_type());
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(match name {
        n if n.ends_with(".opml") => "text/x-opml",
        n if n.ends_with(".json") => "application/json",
        n if n.ends_with(".xml") => "application/xml",
        n if n.ends_with(".html") => "text/html",
        _ => return None,
    })
}

/// The `Content-Type` a document is sent with: its media type, with its charset (every
/// document is UTF-8).
pub fn content_type(path: &str) -> Option<&'static str> {
    Some(match media_type(path)? {
        "application/rss+xml" => "application/rss+xml; charset=utf-8",
        "application/atom+xml" => "application/atom+xml; charset=utf-8",
        "text/x-opml" => "text/x-opml; charset=utf-8",
        "text/html" => "text/html; charset=utf-8",
        // JSON is UTF-8 by definition (RFC 8259): no charset parameter.
        "application/feed+json" => "application/feed+json",
        "application/json" => "application/json",
        _ => "application/xml; charset=utf-8",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_sent_with_their_media_types_and_charset() {
        assert_eq!(
            content_type("zh/rss.xml"),
            Some("application/rss+xml; charset=utf-8")
        );
        assert_eq!(
            content_type("en/atom.xml"),
            Some("application/atom+xml; charset=utf-8")
        );
        assert_eq!(content_type("zh/feed.json"), Some("application/feed+json"));
        assert_eq!(
            content_type("feeds.opml"),
            Some("text/x-opml; charset=utf-8")
        );
        assert_eq!(content_type("index.html"), Some("text/html; charset=utf-8"));
        assert_eq!(content_type(".bifeed.lock"), None);
    }

    #[test]
    fn a_topic_folder_is_the_keyword_people_would_type() {
        assert_eq!(topic_slug("宜春").as_deref(), Some("宜春"));
        assert_eq!(topic_slug("AI & Coding").as_deref(), Some("ai-coding"));
        assert_eq!(topic_slug(" ai  coding ").as_deref(), Some("ai-coding"));
        assert_eq!(topic_slug("Xi'an").as_deref(), Some("xi-an"));
        assert_eq!(topic_slug("R&D").as_deref(), Some("r-d"));
        assert_eq!(topic_slug("../..").as_deref(), None);
        assert_eq!(topic_slug("").as_deref(), None);
        let long = "长".repeat(100);
        assert_eq!(
            topic_slug(&long).map(|s| s.chars().count()),
            Some(SLUG_CHARS)
        );
        let long = "a ".repeat(100);
        assert!(topic_slug(&long).is_some_and(|s| s.chars().count() <= SLUG_CHARS));
    }

    #[test]
    fn spellings_of_one_keyword_are_one_topic_named_as_most_articles_spell_it() {
        let date = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2024, 5, d)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|t| {
                    t.and_local_timezone(FixedOffset::east_opt(8 * 3600)?)
                        .single()
                })
                .unwrap()
        };
        let words = ["AI & Coding", "ai coding", "Hangzhou"];
        let keywords: [&[u32]; 4] = [&[0, 1], &[1], &[1, 2], &[2]];
        let articles = keywords.iter().enumerate().map(|(i, kw)| Tagged {
            id: ["a", "b", "c", "d"][i],
            date: date(i as u32 + 1),
            keywords: kw,
        });
        let kept = FxHashSet::from_iter(["hangzhou".to_string()]);
        let topics = topics(Lang::En, articles, &words, 3, &kept, 2);
        let shown: Vec<(String, String, Vec<String>)> = topics
            .iter()
            .map(|t| {
                let name = t.feed.topic.clone().unwrap();
                (name.slug, name.name, t.articles.clone())
            })
            .collect();
        assert_eq!(
            shown,
            [
                // The newest two of three articles (the limit); an article with two
                // spellings counts once.
                (
                    "ai-coding".into(),
                    "ai coding".into(),
                    vec!["c".into(), "b".into()]
                ),
                // Below the threshold, but published before: kept.
                (
                    "hangzhou".into(),
                    "Hangzhou".into(),
                    vec!["d".into(), "c".into()]
                ),
            ]
        );
        // No topics at all when they are off.
        assert!(super::topics(Lang::En, [], &words, 0, &kept, 2).is_empty());
    }
}
