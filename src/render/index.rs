//! `index.html`: the entry page, bilingual: each language's news page and feeds, with the
//! autodiscovery links that let a feed reader given the site's address find them.
//!
//! Autodiscovery names one feed per language, [`Format::SUBSCRIBE`]: the RSS and Atom feeds
//! of a language carry the same items under the same ids, and readers that subscribe to
//! every feed a page names (and de-duplicate by id across feeds) would show one of the two
//! empty. The other format stays listed on the page for people who pick one by hand.

use super::html::attribute as esc;
use super::{FEED_PAGE, Feed, Format, INDEX_PAGE, Site, TOPICS_OPML_FILE, feed_path};
use crate::lang::Lang;

pub(super) fn render(site: &Site) -> Vec<u8> {
    let mut page = String::with_capacity(4096);
    let title = format!("{} · {}", site.zh.title, site.en.title);
    page.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str(&format!("<title>{}</title>\n", esc(&title)));
    for lang in Lang::ALL {
        let format = Format::SUBSCRIBE;
        page.push_str(&format!(
            "<link rel=\"alternate\" type=\"{}\" hreflang=\"{}\" title=\"{}\" href=\"{}\">\n",
            format.media_type(),
            lang.tag(),
            esc(&site.channel(lang).title),
            esc(&site.url_of(&feed_path(lang, format))),
        ));
    }
    for lang in Lang::ALL {
        page.push_str(&format!(
            "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
            lang.tag(),
            esc(&site.url_of(&Feed::language(lang).path(FEED_PAGE))),
        ));
    }
    page.push_str(&format!(
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\">\n",
        esc(&site.url_of(INDEX_PAGE)),
    ));
    page.push_str(
        "<style>body{font:16px/1.6 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}\
         section{margin:1.5em 0}a{color:#0645ad}small{color:#555}</style>\n</head>\n<body>\n<main>\n",
    );
    page.push_str(&format!("<h1>{}</h1>\n", esc(&title)));
    for lang in Lang::ALL {
        let channel = site.channel(lang);
        let (read, subscribe, other_format) = match lang {
            Lang::Zh => ("阅读新闻", "订阅", "同样的新闻，另一种格式"),
            Lang::En => (
                "Read the news",
                "Subscribe",
                "the same news in another format",
            ),
        };
        page.push_str(&format!(
            "<section lang=\"{}\">\n<h2>{}</h2>\n<p>{}</p>\n<ul>\n",
            lang.tag(),
            esc(&channel.title),
            esc(&channel.description)
        ));
        page.push_str(&format!(
            "<li><a href=\"{}\" hreflang=\"{}\">{read}</a></li>\n",
            Feed::language(lang).path(FEED_PAGE),
            lang.tag(),
        ));
        page.push_str(&format!(
            "<li><a href=\"{}\" type=\"{}\">{subscribe} ({})</a></li>\n",
            feed_path(lang, Format::SUBSCRIBE),
            Format::SUBSCRIBE.media_type(),
            Format::SUBSCRIBE.label()
        ));
        for format in Format::ALL.into_iter().filter(|&f| f != Format::SUBSCRIBE) {
            page.push_str(&format!(
                "<li><a href=\"{}\" type=\"{}\">{}</a> <small>({other_format})</small></li>\n",
                feed_path(lang, format),
                format.media_type(),
                format.label()
            ));
        }
        page.push_str("</ul>\n</section>\n");
    }
    page.push_str(
        "<p><a href=\"feeds.opml\">OPML</a>: 一次订阅两种语言 / \
         subscribe to both languages in one step</p>\n",
    );
    page.push_str(&format!(
        "<p><a href=\"{TOPICS_OPML_FILE}\">OPML</a>: 按话题订阅 / every topic feed, to pick \
         from</p>\n</main>\n</body>\n</html>\n"
    ));
    page.into_bytes()
}
