//! Articles → feed documents. Pure: same articles and site, same bytes.
//!
//! Every language gets an RSS 2.0 and an Atom 1.0 feed of its newest articles. The writer
//! crates (`rss`, `atom_syndication`) do the XML; this module decides what goes in it.

mod atom;
pub mod html;
mod index;
mod opml;
mod page;
mod plain_text;
mod rss;

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use url::Url;

use crate::Lang;
use crate::article::{Article, Version};

/// What the feeds say about the site that publishes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Public URL of the output folder, ending in `/`: `zh/rss.xml` is served under it.
    pub base_url: Url,
    /// Prefix of every feed and item id (`tag:example.com,2026:`); ids must never change, so
    /// this is fixed once, independent of where the feeds are served later.
    pub id_prefix: String,
    pub author: Author,
    pub zh: Channel,
    pub en: Channel,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub name: String,
    pub email: Option<String>,
    pub uri: Option<Url>,
}

/// One language's feed title and description.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub title: String,
    pub description: String,
}

impl Site {
    pub fn channel(&self, lang: Lang) -> &Channel {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Absolute URL of a file in the output folder.
    pub fn url_of(&self, path: &str) -> String {
        self.base_url
            .join(path)
            .map_or_else(|_| format!("{}{path}", self.base_url), String::from)
    }

    fn feed_id(&self, lang: Lang) -> String {
        format!("{}{}", self.id_prefix, lang.dir())
    }

    /// Item id: distinct per language, since a reader may subscribe to both.
    fn item_id(&self, lang: Lang, article_id: &str) -> String {
        let id = percent_encoding::utf8_percent_encode(article_id, ID_ESCAPE);
        format!("{}{}/{id}", self.id_prefix, lang.dir())
    }
}

/// Everything but RFC 3986 unreserved characters is escaped in ids taken from file names.
const ID_ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The feed formats written per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Rss,
    Atom,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Rss, Format::Atom];

    /// The format the index page and the OPML list offer for subscribing: one per language,
    /// since both formats carry the same items under the same ids. Atom, because it says
    /// what every field is (text or HTML, published or updated, who wrote it).
    pub const SUBSCRIBE: Format = Format::Atom;

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Rss => "rss.xml",
            Format::Atom => "atom.xml",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
        }
    }

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

/// The site page listing the feeds, at the root of the output folder.
pub const INDEX_PAGE: &str = "index.html";
/// The OPML subscription list: one feed per language.
pub const OPML_FILE: &str = "feeds.opml";

/// The folder, per language, of the pages bifeed writes for articles that have no source
/// link of their own (`zh/articles/<id>.html`), so that every item has a link a person can
/// open.
pub const PAGES_DIR: &str = "articles";

/// Where an article's page goes, relative to the output folder. The id is the file name
/// as it is; URLs percent-encode it.
pub fn page_path(lang: Lang, article_id: &str) -> String {
    format!("{}/{PAGES_DIR}/{article_id}.html", lang.dir())
}

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

/// The pages of articles without a source link, in each language they have.
pub fn pages(site: &Site, articles: &[&Article]) -> Vec<FeedFile> {
    use rayon::prelude::*;
    articles
        .par_iter()
        .filter(|a| a.link.is_none())
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
pub fn render(site: &Site, articles: &[&Article], limit: usize) -> Vec<FeedFile> {
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
                bytes,
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
    files
}

pub fn feed_path(lang: Lang, format: Format) -> String {
    format!("{}/{}", lang.dir(), format.file_name())
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

/// The newest articles that have a version in `lang`, newest first, ties broken by id so the
/// order never depends on the order files were listed; their HTML rendered on every core.
fn select<'a>(site: &'a Site, articles: &[&'a Article], lang: Lang, limit: usize) -> Vec<Item<'a>> {
    use rayon::prelude::*;
    let mut chosen: Vec<(&Article, &Version)> = articles
        .iter()
        .filter_map(|a| a.version(lang).map(|version| (*a, version)))
        .collect();
    chosen.sort_by(|a, b| b.0.date.cmp(&a.0.date).then_with(|| a.0.id.cmp(&b.0.id)));
    if limit > 0 {
        chosen.truncate(limit);
    }
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

/// Drops the characters XML 1.0 cannot carry (C0 controls but tab and newlines, U+FFFE,
/// U+FFFF). The writer crates emit them raw, which makes the whole feed unreadable, so every
/// text that reaches a feed passes through here first.
pub fn remove_xml_forbidden(text: &str) -> Cow<'_, str> {
    if has_xml_forbidden(text) {
        Cow::Owned(text.chars().filter(|&c| is_xml_char(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// A byte scan: this runs over every article, and forbidden characters are rare. They are the
/// C0 control bytes other than tab, LF and CR, and U+FFFE/U+FFFF, which UTF-8 writes as
/// `EF BF BE`/`EF BF BF` (`EF BF` alone also starts common full-width forms such as `￥`).
fn has_xml_forbidden(text: &str) -> bool {
    let bytes = text.as_bytes();
    // No early exit, so the compiler can check 32 bytes at a time.
    let control = bytes.iter().fold(false, |found, &b| {
        found | (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')
    });
    control
        || memchr::memmem::find_iter(bytes, b"\xEF\xBF")
            .any(|at| matches!(bytes.get(at + 2), Some(0xBE | 0xBF)))
}

fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_sharing_the_first_bytes_stay() {
        // ￥ (U+FFE5) and ￣ (U+FFE3) start with the same two bytes as U+FFFE and U+FFFF.
        assert!(matches!(
            remove_xml_forbidden("价格￥100 ￣"),
            Cow::Borrowed(_)
        ));
        assert_eq!(remove_xml_forbidden("￥\u{fffe}￥\u{ffff}"), "￥￥");
    }

    #[test]
    fn forbidden_characters_go_and_the_rest_stays() {
        assert_eq!(
            remove_xml_forbidden("a\u{0}b\u{8}\tc\n\r\u{b}\u{c}\u{1f}d\u{fffe}\u{ffff}e"),
            "ab\tc\n\rde"
        );
        assert!(matches!(
            remove_xml_forbidden("正常 text\u{200b}😀"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn item_ids_escape_file_name_characters() {
        let site = Site {
            base_url: Url::parse("https://example.com/").unwrap(),
            id_prefix: "tag:example.com,2026:".into(),
            author: Author {
                name: "a".into(),
                email: None,
                uri: None,
            },
            zh: Channel {
                title: "t".into(),
                description: "d".into(),
            },
            en: Channel {
                title: "t".into(),
                description: "d".into(),
            },
        };
        assert_eq!(
            site.item_id(Lang::Zh, "dde0ca4d50be1d1c"),
            "tag:example.com,2026:zh/dde0ca4d50be1d1c"
        );
        assert_eq!(
            site.item_id(Lang::En, "a b/新"),
            "tag:example.com,2026:en/a%20b%2F%E6%96%B0"
        );
    }
}
