//! How a document is written: one module per format (`rss`, `atom`, `json`, `feed_page`,
//! `page`, `index`, `opml`), each a pure function of the site and the document's items;
//! same input, same bytes. Which documents exist and which items each holds is [`crate::selection`]'s choice.
//! The writer crates (`rss`, `atom_syndication`) do the XML; this module decides what goes in
//! it.

mod atom;
mod feed_page;
pub mod html;
mod index;
mod json;
mod opml;
mod page;
mod plain_text;
mod rss;

use chrono::{DateTime, FixedOffset};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::article::{Article, Version};
use crate::lang::Lang;
use crate::selection::{
    self, FEED_PAGE, Feed, Format, History, INDEX_PAGE, Month, OPML_FILE, PAGES_DIR, Place,
    TOPICS_DIR, TOPICS_OPML_FILE, Topic, feed_path, page_path,
};
use crate::site::{ID_ESCAPE, Site};

impl Site {
    /// The URL of an article's page.
    fn page_url(&self, lang: Lang, article_id: &str) -> String {
        let id = percent_encoding::utf8_percent_encode(article_id, ID_ESCAPE);
        self.url_of(&format!("{}/{PAGES_DIR}/{id}.html", lang.dir()))
    }

    /// The link an item carries: the source article, or for an article without one its page
    /// here. Never the id or the feed: readers open this link.
    fn item_link(&self, lang: Lang, article: &Article) -> String {
        match &article.link {
            Some(url) => url.to_string(),
            None => self.page_url(lang, &article.id),
        }
    }
}

impl Format {
    fn label(self) -> &'static str {
        match self {
            Format::Rss => "RSS 2.0",
            Format::Atom => "Atom 1.0",
            Format::Json => "JSON Feed 1.1",
        }
    }

    fn opml_version(self) -> &'static str {
        match self {
            Format::Rss => "RSS2",
            Format::Atom => "Atom",
            Format::Json => "JSON",
        }
    }
}

/// The pages of articles without a source link, in each language they have.
pub fn pages(site: &Site, articles: &[&Article]) -> Vec<FeedFile> {
    use rayon::prelude::*;
    articles
        .par_iter()
        .filter(|a| selection::has_page(a))
        .flat_map_iter(|article| {
            Lang::ALL.into_iter().filter_map(|lang| {
                let version = article.version(lang)?;
                Some(FeedFile {
                    path: page_path(lang, &article.id),
                    bytes: page::render(site, lang, article, version),
                })
            })
        })
        .collect()
}

/// A rendered document and where it goes, relative to the output folder (`zh/rss.xml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What a feed says about itself, in every format: title, id, where it and its page are,
/// and the archive documents it links (RFC 5005).
struct Channel<'a> {
    feed: &'a Feed,
    title: String,
    description: String,
    id: String,
    /// What its items' ids start with: its own id, but for an archive document the
    /// language feed's, since RFC 5005 archives hold the feed's own entries.
    items_id: String,
    /// The archive its `prev-archive` names (for a language's feed, the newest)...
    previous: Option<Month>,
    /// ...and for an archive, its `next-archive`.
    next: Option<Month>,
    /// For a language's feed, every month of its history (its page links them).
    months: &'a [Month],
}

impl<'a> Channel<'a> {
    fn new(site: &Site, feed: &'a Feed, history: &'a History) -> Channel<'a> {
        let language = site.channel(feed.lang);
        let (title, description, id) = match (&feed.topic, feed.archive) {
            (None, None) => (
                language.title.clone(),
                language.description.clone(),
                site.feed_id(feed.lang),
            ),
            (topic, month) => {
                let name = match (topic, month) {
                    (Some(topic), _) => topic.name.clone(),
                    (None, Some(month)) => month_label(feed.lang, month),
                    (None, None) => String::new(),
                };
                (
                    format!("{} · {name}", language.title),
                    format!("{} · {name}", language.description),
                    // Its folder as in its URLs, after the prefix, as a language's feed id is.
                    format!("{}{}", site.id_prefix, url_folder(feed)),
                )
            }
        };
        let items_id = if feed.archive.is_some() {
            site.feed_id(feed.lang)
        } else {
            id.clone()
        };
        let is_language = feed.topic.is_none() && feed.archive.is_none();
        Channel {
            feed,
            title,
            description,
            id,
            items_id,
            previous: history.previous(feed),
            next: history.next(feed),
            months: if is_language {
                history.months(feed.lang)
            } else {
                &[]
            },
        }
    }

    fn lang(&self) -> Lang {
        self.feed.lang
    }

    /// An item's id: the feed's id and the article's. A topic feed's items have ids of their
    /// own: readers that merge items with one id across feeds (newsboat, tt-rss) would show
    /// an article of two topics in only one of them. An archive's are its language feed's.
    fn item_id(&self, article_id: &str) -> String {
        format!(
            "{}/{}",
            self.items_id,
            percent_encoding::utf8_percent_encode(article_id, ID_ESCAPE)
        )
    }

    /// The absolute URL of a file in the feed's folder (the topic percent-encoded).
    fn url(&self, site: &Site, file: &str) -> String {
        site.url_of(&feed_url_path(self.feed, file))
    }

    /// The RFC 5005 links of the feed in `format`, as (relation, URL): an archive names the
    /// subscription feed it belongs to (`current`) and the archives around it; a language's
    /// feed its newest archive.
    fn history_links(&self, site: &Site, format: Format) -> Vec<(&'static str, String)> {
        let lang = self.lang();
        let archive = |month| site.url_of(&Feed::archive(lang, month).path(format.file_name()));
        let mut links = Vec::new();
        if self.feed.archive.is_some() {
            links.push(("current", site.url_of(&feed_path(lang, format))));
        }
        links.extend(self.previous.map(|m| ("prev-archive", archive(m))));
        links.extend(self.next.map(|m| ("next-archive", archive(m))));
        links
    }
}

/// A month as a page or title names it: `2024年5月`, `May 2024`.
fn month_label(lang: Lang, month: Month) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月", month.year, month.month),
        Lang::En => chrono::NaiveDate::from_ymd_opt(month.year, month.month, 1)
            .map_or_else(|| month.slug(), |d| d.format("%B %Y").to_string()),
    }
}

/// The RFC 5005 namespace (`fh:archive`, marking an archive document).
const HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

/// The namespace declaration an archive document needs for its marker, `<fh:archive/>`
/// (RFC 5005, section 4).
fn history_namespace() -> std::collections::BTreeMap<String, String> {
    [("fh".to_string(), HISTORY_NS.to_string())].into()
}

/// The marker `<fh:archive/>` as an extension map of a writer crate: `rss` and
/// `atom_syndication` each have their own extension types, of the same shape.
macro_rules! archive_marker {
    ($extension:ty) => {{
        let mut marker: $extension = Default::default();
        marker.name = "fh:archive".to_string();
        let archive = [("archive".to_string(), vec![marker])];
        [("fh".to_string(), archive.into())].into()
    }};
}
use archive_marker;

/// A file of a feed's folder as a URL path relative to the site (the topic percent-encoded).
fn feed_url_path(feed: &Feed, file: &str) -> String {
    format!("{}/{file}", url_folder(feed))
}

/// A feed's folder as a URL path relative to the site (`zh`, `zh/topics/%E5%AE%9C%E6%98%A5`).
fn url_folder(feed: &Feed) -> String {
    match &feed.topic {
        None => feed.folder(),
        Some(topic) => format!(
            "{}/{TOPICS_DIR}/{}",
            feed.lang.dir(),
            percent_encoding::utf8_percent_encode(&topic.slug, ID_ESCAPE)
        ),
    }
}

/// Renders every feed (each language's and each topic's, in every format, with its page), the
/// entry page and the OPML lists. `articles` holds every article a feed shows; `limit` caps
/// the items of a language's feed (0: every article); `topics` says which articles each
/// topic feed holds.
pub fn render(
    site: &Site,
    articles: &[&Article],
    topics: &[Topic],
    limit: usize,
) -> Result<Vec<FeedFile>, RenderError> {
    let main: [Vec<(&Article, &Version)>; 2] =
        Lang::ALL.map(|lang| selection::feed_articles(articles, lang, limit));
    let on_page = main.each_ref().map(|chosen| {
        chosen
            .iter()
            .map(|(a, _)| a.id.as_str())
            .collect::<FxHashSet<&str>>()
    });
    let by_id: FxHashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), *a)).collect();
    let language_feeds = Lang::ALL.map(Feed::language);
    let mut feeds: Vec<(&Feed, Vec<&Article>)> = language_feeds
        .iter()
        .zip(main)
        .map(|(feed, chosen)| (feed, chosen.into_iter().map(|(a, _)| a).collect()))
        .collect();
    for topic in topics {
        let chosen = topic
            .articles
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect();
        feeds.push((&topic.feed, chosen));
    }
    let mut files = render_feeds(site, feeds, &on_page, topics, &History::default())?;
    files.extend(site_files(site, topics));
    Ok(files)
}

/// Renders the given feeds, each in every format with its page, whose items are the given
/// articles in order (those without a version in the feed's language are left out).
/// `on_page` holds, per language, the ids its page shows (where translations link); `topics`
/// every topic feed of the site (where keywords link); `history` every archive document
/// (which feeds and archives link).
pub fn render_feeds(
    site: &Site,
    feeds: Vec<(&Feed, Vec<&Article>)>,
    on_page: &[FxHashSet<&str>; 2],
    topics: &[Topic],
    history: &History,
) -> Result<Vec<FeedFile>, RenderError> {
    use rayon::prelude::*;
    let places = Places::new(site, on_page);
    let topic_slugs: [FxHashSet<&str>; 2] = Lang::ALL.map(|lang| {
        topics
            .iter()
            .filter(|t| t.feed.lang == lang)
            .filter_map(|t| t.feed.topic.as_ref().map(|n| n.slug.as_str()))
            .collect()
    });
    let rendered: Vec<Vec<FeedFile>> = feeds
        .into_par_iter()
        .map(|(feed, articles)| {
            let lang = feed.lang;
            let chosen = articles
                .into_iter()
                .filter_map(|a| Some((a, a.version(lang)?)))
                .collect();
            let channel = Channel::new(site, feed, history);
            let items = items(site, &channel, chosen, &places);
            let mut files = Vec::with_capacity(4);
            for &format in feed.formats() {
                let bytes = match format {
                    Format::Rss => rss::render(site, &channel, &items)?,
                    Format::Atom => atom::render(site, &channel, &items)?,
                    Format::Json => json::render(site, &channel, &items)?,
                };
                files.push(FeedFile {
                    path: feed.path(format.file_name()),
                    bytes,
                });
            }
            // An archive's page leaves keywords unlinked: linking the topics of the day
            // would rewrite every archive whenever a topic comes or goes.
            let no_topics = FxHashSet::default();
            let linked = if feed.archive.is_some() {
                &no_topics
            } else {
                &topic_slugs[lang.index()]
            };
            files.push(FeedFile {
                path: feed.path(FEED_PAGE),
                bytes: feed_page::render(site, &channel, &items, linked),
            });
            Ok(files)
        })
        .collect::<Result<_, RenderError>>()?;
    Ok(rendered.into_iter().flatten().collect())
}

/// The documents that list the site's feeds: the entry page and the OPML lists (`topics`:
/// every topic feed of the site).
pub fn site_files(site: &Site, topics: &[Topic]) -> [FeedFile; 3] {
    [
        FeedFile {
            path: INDEX_PAGE.to_string(),
            bytes: index::render(site),
        },
        FeedFile {
            path: OPML_FILE.to_string(),
            bytes: opml::render(site),
        },
        FeedFile {
            path: TOPICS_OPML_FILE.to_string(),
            bytes: opml::render_topics(site, topics),
        },
    ]
}

/// Where each article is shown on the site, per language: its place on the language's page
/// (`zh/index.html#a-<id>`), or its own page. An item links its translation there.
struct Places<'a> {
    on_page: &'a [FxHashSet<&'a str>; 2],
    pages: [String; 2],
}

impl<'a> Places<'a> {
    fn new(site: &Site, on_page: &'a [FxHashSet<&'a str>; 2]) -> Places<'a> {
        Places {
            on_page,
            pages: Lang::ALL.map(|lang| site.url_of(&Feed::language(lang).path(FEED_PAGE))),
        }
    }

    /// Where `article` is shown in `lang`, if anywhere.
    fn of(&self, site: &Site, lang: Lang, article: &Article) -> Option<String> {
        let on_page = self.on_page[lang.index()].contains(article.id.as_str());
        match selection::place(
            article.version(lang).is_some(),
            on_page,
            selection::has_page(article),
        ) {
            Place::OnPage => Some(format!(
                "{}#{}",
                self.pages[lang.index()],
                anchor(&article.id)
            )),
            Place::OwnPage => Some(site.page_url(lang, &article.id)),
            Place::Nowhere => None,
        }
    }
}

/// The HTML id of an article's place on a page: `a-` and its id, percent-encoded, so that
/// any file name makes a valid id and fragment.
fn anchor(article_id: &str) -> String {
    format!(
        "a-{}",
        percent_encoding::utf8_percent_encode(article_id, ID_ESCAPE)
    )
}

/// A feed the writer crate could not write. Writing into memory fails for no I/O reason and
/// every string is bifeed's own, so this is a bug; it fails the build rather than publish an
/// empty feed over a good one.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {reason}")]
pub struct RenderError {
    path: String,
    reason: String,
}

impl RenderError {
    fn new(feed: &Feed, format: Format, reason: impl std::fmt::Display) -> RenderError {
        RenderError {
            path: feed.path(format.file_name()),
            reason: reason.to_string(),
        }
    }
}

/// One feed item: an article in the feed's language, with what both formats show of it
/// rendered once.
struct Item<'a> {
    article: &'a Article,
    version: &'a Version,
    keywords: &'a [String],
    /// The summary as plain text (Markdown marks removed, at most [`SUMMARY_CHARS`]).
    summary: String,
    /// The whole text as HTML: the subheading, then the paragraphs.
    content: String,
    /// See [`Site::item_link`].
    link: String,
    /// Who wrote it, as readers show it: the reporters of the byline in one string (`王明、李华`),
    /// or the feed's author when the byline names nobody. One string, not one element per
    /// person: given two, feedparser and rss2email show the last, sfeed and rss-parser the
    /// first, newsboat and tt-rss both.
    author: String,
    /// The item's instant as Atom's `updated`: its date, made distinct within its feed (see
    /// [`tell_apart`]).
    updated: DateTime<FixedOffset>,
    /// Where the same article is shown in the other language (see [`Places`]).
    translation: Option<String>,
}

/// Makes the items' `updated` instants distinct, keeping each at its article's date.
///
/// Articles give a day, not a time, so the dozens of articles of one day share one instant,
/// and the W3C validator takes two Atom entries with one `updated` for a mistake. It cannot
/// move further than a fraction of a second: rss2email, feed-extractor and tt-rss show
/// `updated` as the item's date (the file's modification time, a different day for any
/// folder not written on the day, would show there as the date of the news). So the articles
/// of one day are told apart by single nanoseconds, in id order: every reader shows the
/// article's own date, and the same articles always get the same instants. The articles that
/// leave a full feed first (the oldest, the greatest id last) move no other article's.
fn tell_apart(items: &mut [Item]) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        (items[a].updated, &items[a].article.id).cmp(&(items[b].updated, &items[b].article.id))
    });
    let mut previous: Option<DateTime<FixedOffset>> = None;
    for i in order {
        if let Some(previous) = previous
            && items[i].updated <= previous
        {
            items[i].updated = previous + chrono::TimeDelta::nanoseconds(1);
        }
        previous = Some(items[i].updated);
    }
}

/// A feed's items, their HTML rendered on every core.
fn items<'a>(
    site: &'a Site,
    channel: &Channel,
    chosen: Vec<(&'a Article, &'a Version)>,
    places: &Places,
) -> Vec<Item<'a>> {
    use rayon::prelude::*;
    let lang = channel.lang();
    let mut items: Vec<Item> = chosen
        .into_par_iter()
        .map(|(article, version)| Item {
            article,
            version,
            keywords: version.feed_keywords(),
            summary: summary(lang, version),
            content: content(lang, version),
            link: site.item_link(lang, article),
            author: if version.authors.is_empty() {
                site.author.name.clone()
            } else {
                version.authors.join(lang.list_separator())
            },
            updated: article.date,
            translation: places.of(site, lang.other(), article),
        })
        .collect();
    tell_apart(&mut items);
    items
}

/// The feed's own date: its newest item's, never the build clock, so rebuilding the same
/// articles gives the same bytes. An empty feed gets the Unix epoch.
fn newest(items: &[Item]) -> DateTime<FixedOffset> {
    items
        .first()
        .map_or(DateTime::UNIX_EPOCH.fixed_offset(), |i| i.article.date)
}

/// The latest change among the items (Atom's feed-level `updated`).
fn latest_update(items: &[Item]) -> DateTime<FixedOffset> {
    items
        .iter()
        .map(|i| i.updated)
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH.fixed_offset())
}

fn markup(lang: Lang) -> html::Markup {
    match lang {
        Lang::Zh => html::Markup::Plain,
        Lang::En => html::Markup::InlineMarkdown,
    }
}

/// Longest summary shown, in characters; the full text is in the content.
const SUMMARY_CHARS: usize = 400;

/// The summary as plain text. Readers render RSS descriptions as HTML, so there an article
/// that mentions `<script>` must arrive as `&lt;script&gt;`; Atom says `type="text"`.
fn summary(lang: Lang, version: &Version) -> String {
    html::plain_text(&version.summary, markup(lang), SUMMARY_CHARS)
}

fn content(lang: Lang, version: &Version) -> String {
    let body = html::paragraphs(&version.paragraphs, markup(lang));
    match &version.subheading {
        Some(subheading) => format!("<h3>{}</h3>\n{body}", html::escape(subheading)),
        None => body,
    }
}
