//! How a document is written: one module per format (`rss`, `atom`, `page`, `index`,
//! `opml`), each a pure function of the site and the document's items; same input, same
//! bytes. Which documents exist and which items each holds is [`crate::selection`]'s choice.
//! The writer crates (`rss`, `atom_syndication`) do the XML; this module decides what goes in
//! it.

mod atom;
pub mod html;
mod index;
mod opml;
mod page;
mod plain_text;
mod rss;

use chrono::{DateTime, FixedOffset};

use crate::article::{Article, Version};
use crate::lang::Lang;
use crate::selection::{self, Format, INDEX_PAGE, OPML_FILE, PAGES_DIR, feed_path, page_path};
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
        }
    }

    fn opml_version(self) -> &'static str {
        match self {
            Format::Rss => "RSS2",
            Format::Atom => "Atom",
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

/// A rendered feed and where it goes, relative to the output folder (`zh/rss.xml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Renders all four feeds, the index page and the OPML list. `limit` caps the items per
/// feed; 0 means every article.
pub fn render(
    site: &Site,
    articles: &[&Article],
    limit: usize,
) -> Result<Vec<FeedFile>, RenderError> {
    let language = |lang| {
        let items = select(site, articles, lang, limit);
        let (rss, atom) = rayon::join(
            || rss::render(site, lang, &items),
            || atom::render(site, lang, &items),
        );
        [(Format::Rss, rss), (Format::Atom, atom)]
    };
    let (zh, en) = rayon::join(|| language(Lang::Zh), || language(Lang::En));
    let mut files = Vec::with_capacity(6);
    for (lang, rendered) in [(Lang::Zh, zh), (Lang::En, en)] {
        for (format, bytes) in rendered {
            files.push(FeedFile {
                path: feed_path(lang, format),
                bytes: bytes?,
            });
        }
    }
    files.push(FeedFile {
        path: INDEX_PAGE.to_string(),
        bytes: index::render(site),
    });
    files.push(FeedFile {
        path: OPML_FILE.to_string(),
        bytes: opml::render(site),
    });
    Ok(files)
}

/// A feed the writer crate could not write. Writing into memory fails for no I/O reason and
/// every string is bifeed's own, so this is a bug; it fails the build rather than publish an
/// empty feed over a good one.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the {lang} {} feed: {reason}", format.file_name())]
pub struct RenderError {
    lang: Lang,
    format: Format,
    reason: String,
}

impl RenderError {
    fn new(lang: Lang, format: Format, reason: impl std::fmt::Display) -> RenderError {
        RenderError {
            lang,
            format,
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

/// The items of a language's feed (see [`selection::feed_articles`]), their HTML rendered on
/// every core.
fn select<'a>(site: &'a Site, articles: &[&'a Article], lang: Lang, limit: usize) -> Vec<Item<'a>> {
    use rayon::prelude::*;
    let mut items: Vec<Item> = selection::feed_articles(articles, lang, limit)
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
