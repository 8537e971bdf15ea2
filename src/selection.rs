//! Which documents the site has and which articles each holds: per language a feed in each
//! format and its page, the same for every topic, a page per article without a source link,
//! the entry page and the OPML lists. How each is written is [`crate::render`]'s business,
//! where it goes [`crate::publish`]'s.

use std::collections::BTreeMap;

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

/// A feed people subscribe to: a language's, or one topic's within a language. Each has a
/// folder of its own holding it in every [`Format`] and its page ([`FEED_PAGE`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Feed {
    pub lang: Lang,
    pub topic: Option<TopicName>,
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
        Feed { lang, topic: None }
    }

    /// The feed's folder relative to the output folder, as on disk (`zh`, `zh/topics/宜春`).
    pub fn folder(&self) -> String {
        match &self.topic {
            None => self.lang.dir().to_string(),
            Some(t) => format!("{}/{TOPICS_DIR}/{}", self.lang.dir(), t.slug),
        }
    }

    /// A file of the feed's folder, relative to the output folder.
    pub fn path(&self, file: &str) -> String {
        format!("{}/{file}", self.folder())
    }
}

/// A topic's folder name: the keyword's letters and digits (of any script) in lower case,
/// every run of anything else one `-`, so that two spellings of one keyword ("AI & Coding",
/// "ai coding") are one topic, and a Chinese keyword keeps its characters (宜春). At most
/// [`SLUG_CHARS`] characters; `None` for a keyword with no letter or digit.
pub fn topic_slug(keyword: &str) -> Option<String> {
    let mut slug = String::with_capacity(keyword.len());
    let mut chars = 0;
    let mut gap = false;
    for c in keyword.chars() {
        if !c.is_alphanumeric() {
            gap = true;
            continue;
        }
        if chars >= SLUG_CHARS {
            break;
        }
        if gap && !slug.is_empty() {
            slug.push('-');
            chars += 1;
        }
        gap = false;
        slug.extend(c.to_lowercase());
        chars += 1;
    }
    (!slug.is_empty()).then_some(slug)
}

/// Longest topic folder name, in characters: file systems allow 255 bytes, URLs grow by
/// percent-encoding, and a keyword is a few words.
const SLUG_CHARS: usize = 60;

/// A topic feed and the articles it holds (ids, newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub feed: Feed,
    pub articles: Vec<String>,
}

/// One article as topics see it: its id, date and keywords in one language.
#[derive(Debug, Clone, Copy)]
pub struct Tagged<'a> {
    pub id: &'a str,
    pub date: DateTime<FixedOffset>,
    pub keywords: &'a [String],
}

/// The topics of a language: one per keyword that at least `min_articles` articles carry,
/// plus every topic in `kept` (published before) that still has an article, so that a topic
/// falling below the threshold keeps its feed for its subscribers rather than turning into a
/// 404. Each holds its newest `limit` articles (0: all), newest first, ties broken by id;
/// topics are in slug order.
pub fn topics<'a>(
    lang: Lang,
    articles: impl IntoIterator<Item = Tagged<'a>>,
    min_articles: usize,
    kept: &FxHashSet<String>,
    limit: usize,
) -> Vec<Topic> {
    struct Gathered<'a> {
        members: Vec<(DateTime<FixedOffset>, &'a str)>,
        spellings: BTreeMap<&'a str, usize>,
    }
    let mut by_slug: FxHashMap<String, Gathered<'a>> = FxHashMap::default();
    for article in articles {
        let mut seen: Vec<String> = Vec::with_capacity(article.keywords.len());
        for keyword in article.keywords {
            let Some(slug) = topic_slug(keyword) else {
                continue;
            };
            // Two spellings of one topic in one article count once.
            if seen.contains(&slug) {
                continue;
            }
            let topic = by_slug.entry(slug.clone()).or_insert_with(|| Gathered {
                members: Vec::new(),
                spellings: BTreeMap::new(),
            });
            topic.members.push((article.date, article.id));
            *topic.spellings.entry(keyword.as_str()).or_default() += 1;
            seen.push(slug);
        }
    }
    let mut topics: Vec<Topic> = by_slug
        .into_iter()
        .filter(|(slug, t)| {
            min_articles > 0 && (t.members.len() >= min_articles || kept.contains(slug))
        })
        .map(|(slug, mut t)| {
            t.members
                .sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            if limit > 0 {
                t.members.truncate(limit);
            }
            // The most common spelling; among equals the first in byte order.
            let name = t
                .spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map_or_else(|| slug.clone(), |(s, _)| s.to_string());
            Topic {
                feed: Feed {
                    lang,
                    topic: Some(TopicName { slug, name }),
                },
                articles: t
                    .members
                    .into_iter()
                    .map(|(_, id)| id.to_string())
                    .collect(),
            }
        })
        .collect();
    topics.sort_unstable_by(|a, b| a.feed.cmp(&b.feed));
    topics
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

/// Whether an article gets a page of its own: when it has no source link, so that its items
/// link somewhere a person can open.
pub fn has_page(article: &Article) -> bool {
    article.link.is_none()
}

/// The media type of a document, by its path: what `serve` sends as `Content-Type` and the
/// pages' autodiscovery links announce.
pub fn media_type(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some(format) = Format::ALL.into_iter().find(|f| f.file_name() == name) {
        return Some(format.media_type());
    }
    Some(match name {
        n if n.ends_with(".opml") => "text/x-opml",
        n if n.ends_with(".json") => "application/json",
        n if n.ends_with(".xml") => "application/xml",
        n if n.ends_with(".html") => "text/html",
        _ => return None,
    })
}
