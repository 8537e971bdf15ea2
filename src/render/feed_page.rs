//! The page of a feed (`zh/index.html`, `zh/topics/<topic>/index.html`): its items as a
//! browser shows them, since browsers no longer render a feed (Chrome drops XSLT). Plain
//! HTML and a little CSS: it reads on a phone and without JavaScript.
//!
//! Every item links its source, its keywords' topic pages, and the same article in the
//! other language (`hreflang`); a language's page names the other language's page and the
//! entry page (`x-default`) in its head, for search engines and browsers that offer the
//! switch.

use rustc_hash::FxHashSet;

use super::html::{self, attribute as esc};
use super::page::human_date;
use super::{
    Channel, FEED_PAGE, Feed, Format, INDEX_PAGE, Item, Month, Site, anchor, feed_url_path,
    month_label,
};
use crate::lang::Lang;
use crate::selection::{TopicName, topic_slug};

pub(super) fn render(
    site: &Site,
    meta: &Channel,
    items: &[Item],
    topics: &FxHashSet<&str>,
) -> Vec<u8> {
    let lang = meta.lang();
    let words = Words::of(lang);
    let mut page = String::with_capacity(4096 + items.len() * 1500);
    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n",
        lang.tag(),
        html::escape(&meta.title)
    ));
    for format in [Format::Atom, Format::Json] {
        if !meta.feed.formats().contains(&format) {
            continue;
        }
        page.push_str(&format!(
            "<link rel=\"alternate\" type=\"{}\" title=\"{}\" href=\"{}\">\n",
            format.media_type(),
            esc(&meta.title),
            esc(&meta.url(site, format.file_name()))
        ));
    }
    if meta.feed.topic.is_none() && meta.feed.archive.is_none() {
        for l in Lang::ALL {
            page.push_str(&format!(
                "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                l.tag(),
                esc(&site.url_of(&Feed::language(l).path(FEED_PAGE)))
            ));
        }
        page.push_str(&format!(
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\">\n",
            esc(&site.url_of(INDEX_PAGE))
        ));
    }
    page.push_str(STYLE);
    page.push_str("</head>\n<body>\n<header>\n");
    page.push_str(&format!("<h1>{}</h1>\n", html::escape(&meta.title)));
    page.push_str(&format!(
        "<p>{}</p>\n<nav>",
        html::escape(&meta.description)
    ));
    let other = lang.other();
    if meta.feed.topic.is_some() || meta.feed.archive.is_some() {
        page.push_str(&format!(
            "<a href=\"{}\">{}</a> · ",
            esc(&site.url_of(&Feed::language(lang).path(FEED_PAGE))),
            html::escape(&site.channel(lang).title)
        ));
    } else {
        page.push_str(&format!(
            "<a href=\"{}\" hreflang=\"{}\" lang=\"{}\">{}</a> · ",
            esc(&site.url_of(&Feed::language(other).path(FEED_PAGE))),
            other.tag(),
            other.tag(),
            html::escape(&site.channel(other).title)
        ));
    }
    page.push_str(words.subscribe);
    for format in [Format::Atom, Format::Rss, Format::Json] {
        if !meta.feed.formats().contains(&format) {
            continue;
        }
        page.push_str(&format!(
            " <a href=\"{}\" type=\"{}\">{}</a>",
            esc(&meta.url(site, format.file_name())),
            format.media_type(),
            format.label()
        ));
    }
    page.push_str("</nav>\n");
    history_nav(&mut page, site, meta, &words);
    page.push_str("</header>\n<main>\n");
    if items.is_empty() {
        page.push_str(&format!("<p>{}</p>\n", words.empty));
    }
    for item in items {
        item_html(&mut page, site, lang, item, topics, &words);
    }
    page.push_str(&format!(
        "</main>\n<footer><a href=\"{}\">{}</a></footer>\n</body>\n</html>\n",
        esc(&site.url_of(INDEX_PAGE)),
        html::escape(&format!("{} · {}", site.zh.title, site.en.title))
    ));
    page.into_bytes()
}

/// The way into the history: a language's page lists the months of its archive; an
/// archive's page names the months before and after it.
fn history_nav(page: &mut String, site: &Site, meta: &Channel, words: &Words) {
    let lang = meta.lang();
    let month_link = |month: Month| {
        format!(
            "<a href=\"{}\">{}</a>",
            esc(&site.url_of(&Feed::archive(lang, month).path(FEED_PAGE))),
            html::escape(&month_label(lang, month))
        )
    };
    if !meta.months.is_empty() {
        let months: Vec<String> = meta.months.iter().map(|&m| month_link(m)).collect();
        page.push_str(&format!(
            "<nav class=\"history\">{} {}</nav>\n",
            words.earlier,
            months.join(" · ")
        ));
    } else if meta.feed.archive.is_some() {
        let around: Vec<String> = [
            meta.previous.map(|m| format!("← {}", month_link(m))),
            meta.next.map(|m| format!("{} →", month_link(m))),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !around.is_empty() {
            page.push_str(&format!(
                "<nav class=\"history\">{}</nav>\n",
                around.join(" · ")
            ));
        }
    }
}

fn item_html(
    page: &mut String,
    site: &Site,
    lang: Lang,
    item: &Item,
    topics: &FxHashSet<&str>,
    words: &Words,
) {
    let version = item.version;
    page.push_str(&format!(
        "<article id=\"{}\">\n<h2><a href=\"{}\">{}</a></h2>\n",
        anchor(&item.article.id),
        esc(&item.link),
        html::escape(&version.title)
    ));
    page.push_str(&format!(
        "<p class=\"meta\"><time datetime=\"{}\">{}</time> · {}</p>\n",
        item.article.date.to_rfc3339(),
        human_date(lang, item.article),
        html::escape(&item.author)
    ));
    if !item.summary.is_empty() {
        page.push_str(&format!("<p>{}</p>\n", html::escape(&item.summary)));
    }
    if !item.keywords.is_empty() {
        page.push_str(&format!(
            "<ul class=\"keywords\" aria-label=\"{}\">",
            words.keywords
        ));
        for keyword in item.keywords {
            let topic = topic_slug(keyword).filter(|s| topics.contains(s.as_str()));
            match topic {
                Some(slug) => {
                    let feed = Feed::topic(
                        lang,
                        TopicName {
                            slug,
                            name: keyword.clone(),
                        },
                    );
                    page.push_str(&format!(
                        "<li><a href=\"{}\">{}</a></li>",
                        esc(&site.url_of(&feed_url_path(&feed, FEED_PAGE))),
                        html::escape(keyword)
                    ));
                }
                None => page.push_str(&format!("<li>{}</li>", html::escape(keyword))),
            }
        }
        page.push_str("</ul>\n");
    }
    page.push_str(&format!(
        "<p class=\"links\"><a href=\"{}\">{}</a>",
        esc(&item.link),
        if item.article.link.is_some() {
            words.source
        } else {
            words.read
        }
    ));
    if let Some(url) = &item.translation {
        let other = lang.other();
        page.push_str(&format!(
            " · <a href=\"{}\" hreflang=\"{}\" lang=\"{}\">{}</a>",
            esc(url),
            other.tag(),
            other.tag(),
            Words::of(other).this_language
        ));
    }
    page.push_str("</p>\n</article>\n");
}

/// The page's own words, in its language.
struct Words {
    subscribe: &'static str,
    keywords: &'static str,
    source: &'static str,
    read: &'static str,
    empty: &'static str,
    /// What introduces the list of archive months.
    earlier: &'static str,
    /// The language's name in itself: the label of a link to a translation into it.
    this_language: &'static str,
}

impl Words {
    fn of(lang: Lang) -> Words {
        match lang {
            Lang::Zh => Words {
                subscribe: "订阅：",
                keywords: "关键词",
                source: "原文",
                read: "全文",
                empty: "暂无新闻。",
                earlier: "往期：",
                this_language: "中文",
            },
            Lang::En => Words {
                subscribe: "Subscribe:",
                keywords: "Keywords",
                source: "Source",
                read: "Full text",
                empty: "No news yet.",
                earlier: "Earlier:",
                this_language: "English",
            },
        }
    }
}

const STYLE: &str = "<style>\
body{font:17px/1.6 system-ui,-apple-system,\"Noto Sans CJK SC\",\"PingFang SC\",sans-serif;\
max-width:42em;margin:0 auto;padding:1em;color:#222;background:#fff}\
h1{font-size:1.6em;line-height:1.3;margin:.3em 0}\
h2{font-size:1.2em;line-height:1.35;margin:0 0 .2em}\
header p,nav,.meta,.links,footer{color:#555;font-size:.9em}\
article{border-top:1px solid #ddd;padding:1em 0}\
a{color:#0645ad}h2 a{color:inherit;text-decoration:none}h2 a:hover{text-decoration:underline}\
.keywords{list-style:none;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;gap:.4em}\
.keywords li{background:#eef2f8;border-radius:1em;padding:0 .7em;font-size:.85em}\
footer{border-top:1px solid #ddd;padding-top:1em}\
@media (prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}\
.keywords li{background:#223}header p,nav,.meta,.links,footer{color:#aaa}}\
</style>\n";
