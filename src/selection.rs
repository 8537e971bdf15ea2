//! Which documents the site has and which articles each holds: a feed per language and
//! format, a page per article without a source link, the index page and the OPML list. The
//! next documents (topic feeds, archives) are added here; how each is written is
//! [`crate::render`]'s business, where it goes [`crate::publish`]'s.

use crate::article::{Article, Version};
use crate::lang::Lang;

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

/// Where a language's feed in `format` goes, relative to the output folder (`zh/rss.xml`).
pub fn feed_path(lang: Lang, format: Format) -> String {
    format!("{}/{}", lang.dir(), format.file_name())
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
        n if n.ends_with(".xml") => "application/xml",
        n if n.ends_with(".html") => "text/html",
        _ => return None,
    })
}
