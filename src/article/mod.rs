//! The article model and its parser: text in, [`Article`] (or a [`Rejection`]) out.
//!
//! Everything here is pure: the caller supplies the decoded text and the facts about the file
//! (its id and modification time), so every rule can be unit-tested without touching a disk.

mod byline;
mod date;
mod keywords;
mod parse;

pub use date::DateSource;
pub use keywords::extract as extract_keywords;
pub use parse::{Context, parse};

use chrono::{DateTime, FixedOffset};
use url::Url;

pub use crate::diagnostic::{Rejection, Warning};
use crate::lang::Lang;

/// One article file, understood.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Stable identity taken from the file name (see [`article_id`]); feed ids derive from it.
    pub id: String,
    /// When the article was published, in the configured time zone (Beijing time by default).
    pub date: DateTime<FixedOffset>,
    /// Where [`Article::date`] came from, for `bifeed check`.
    pub date_source: DateSource,
    /// The `【来源】` URL, only when it is an absolute http(s) URL.
    pub link: Option<Url>,
    pub views: Option<u64>,
    pub zh: Option<Version>,
    pub en: Option<Version>,
}

impl Version {
    /// The keywords a feed item shows: the listed ones, or for Chinese text without a list,
    /// the ones extracted from the headline and body.
    pub fn feed_keywords(&self) -> &[String] {
        match self.keywords_from {
            KeywordSource::Extracted => self.extracted.0.get_or_init(|| {
                extract_keywords(
                    &self.title,
                    &self.paragraphs,
                    &self.authors,
                    &self.english_keywords,
                )
            }),
            _ => &self.keywords,
        }
    }
}

impl Version {
    /// Takes `extracted` as this text's extracted keywords, when they are extracted at all:
    /// what an earlier read of the same file found, spared a second segmentation.
    pub fn know_extracted(&self, extracted: &[String]) {
        if self.keywords_from == KeywordSource::Extracted {
            let _ = self.extracted.0.set(extracted.to_vec());
        }
    }
}

impl Article {
    pub fn version(&self, lang: Lang) -> Option<&Version> {
        match lang {
            Lang::Zh => self.zh.as_ref(),
            Lang::En => self.en.as_ref(),
        }
    }
}

/// The article in one language: what one feed item shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub title: String,
    /// The English `### News Content:` headline when it differs from the title: the
    /// article's own subheading, shown at the top of the content.
    pub subheading: Option<String>,
    /// The reporters the dateline names (`(记者 张一凡)`), in this language's spelling.
    pub authors: Vec<String>,
    pub keywords: Vec<String>,
    pub keywords_from: KeywordSource,
    /// First paragraph without its dateline, as plain text (Markdown markers removed).
    pub summary: String,
    /// Every body paragraph as written, dateline included. The English side may carry inline
    /// Markdown, which the feed renderer turns into HTML.
    pub paragraphs: Vec<String>,
    /// For Chinese text whose keywords are extracted, the keywords the English part lists:
    /// the editor's choice, which names the story's people and places in pinyin (see
    /// [`extract_keywords`]). Empty otherwise.
    pub english_keywords: Vec<String>,
    /// Keywords extracted from the text, computed the first time a feed needs them.
    pub extracted: KeywordCache,
}

/// Extracted keywords, computed at most once per article: segmenting is the costliest step
/// of rendering, and the watcher keeps articles for as long as it runs.
#[derive(Debug, Clone, Default)]
pub struct KeywordCache(std::sync::OnceLock<Vec<String>>);

/// A cache is not part of what an article is: filled or not, two versions compare by content.
impl PartialEq for KeywordCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Where a version's keywords come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordSource {
    /// Listed in the file (`### Keywords:` or `关键词:`), at this line.
    Listed { line: usize },
    /// Chinese text without a `关键词` line: extracted from the text (see [`extract_keywords`])
    /// when a feed shows the article, since segmenting is the costliest step of a build.
    Extracted,
    /// English text without a `### Keywords:` line: none.
    Missing,
}

impl std::fmt::Display for KeywordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeywordSource::Listed { line } => write!(f, "listed at line {line}"),
            KeywordSource::Extracted => f.write_str("extracted from the text"),
            KeywordSource::Missing => f.write_str("none listed"),
        }
    }
}

/// An accepted article and what was noticed while reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub article: Article,
    pub warnings: Vec<Warning>,
    /// The file ends as the format does, with its footer (`【来源】`, `Views:`). A file still
    /// being written has none yet; the footer is optional, so this alone decides nothing.
    pub has_footer: bool,
}

/// The id of the article stored in `file_name`: the 16-hex-digit part of
/// `<sequence>_<16 hex>.txt` (lower-cased), or the file stem for any other name.
///
/// The hex part is the producer's stable identity for the article, unlike the sequence number,
/// which changes when the folder is renumbered.
pub fn article_id(file_name: &str) -> String {
    let stem = match file_name.rfind('.') {
        Some(dot) if dot > 0 => &file_name[..dot],
        _ => file_name,
    };
    let tail_start = stem.len().saturating_sub(16);
    let (head, tail) = stem.split_at(if stem.is_char_boundary(tail_start) {
        tail_start
    } else {
        0
    });
    let is_hex_id = tail.len() == 16
        && tail.bytes().all(|b| b.is_ascii_hexdigit())
        && (head.is_empty() || head.ends_with('_'));
    if is_hex_id {
        tail.to_ascii_lowercase()
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_the_hex_part_of_the_name() {
        assert_eq!(article_id("000_dde0ca4d50be1d1c.txt"), "dde0ca4d50be1d1c");
        assert_eq!(article_id("17_DDE0CA4D50BE1D1C.txt"), "dde0ca4d50be1d1c");
        assert_eq!(article_id("dde0ca4d50be1d1c.txt"), "dde0ca4d50be1d1c");
    }

    #[test]
    fn other_names_use_the_stem() {
        assert_eq!(article_id("city-news.txt"), "city-news");
        assert_eq!(article_id("000_dde0ca4d50be1d1.txt"), "000_dde0ca4d50be1d1");
        assert_eq!(article_id("x-dde0ca4d50be1d1c.txt"), "x-dde0ca4d50be1d1c");
        assert_eq!(article_id("新闻.txt"), "新闻");
        assert_eq!(article_id("宜春新闻稿件第一篇.txt"), "宜春新闻稿件第一篇");
    }
}
