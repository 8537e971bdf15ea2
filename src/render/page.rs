//! The page of an article that has no source link: its text, on the site, so that the feed
//! item has a link a person can open (readers otherwise make one up from the id or the feed).

use chrono::Datelike;

use super::html::{self, attribute as esc};
use super::{Format, INDEX_PAGE, Site, feed_path, markup};
use crate::article::{Article, Version};
use crate::lang::Lang;

pub(super) fn render(site: &Site, lang: Lang, article: &Article, version: &Version) -> Vec<u8> {
    let other = lang.other();
    let translation = article
        .version(other)
        .map(|v| (site.page_url(other, &article.id), v));
    let feed = site.url_of(&feed_path(lang, Format::Atom));
    let channel = site.channel(lang);
    let mut page =
        String::with_capacity(2048 + version.paragraphs.iter().map(String::len).sum::<usize>());
    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · {}</title>\n",
        lang.tag(),
        esc(&version.title),
        esc(&channel.title)
    ));
    // The page in each language it has, and the entry page for any other.
    if let Some((url, _)) = &translation {
        for (tag, href) in [
            (lang.tag(), site.page_url(lang, &article.id)),
            (other.tag(), url.clone()),
            ("x-default", site.url_of(INDEX_PAGE)),
        ] {
            page.push_str(&format!(
                "<link rel=\"alternate\" hreflang=\"{tag}\" href=\"{}\">\n",
                esc(&href)
            ));
        }
    }
    page.push_str(&format!(
        "<link rel=\"alternate\" type=\"{}\" title=\"{}\" href=\"{}\">\n",
        Format::Atom.media_type(),
        esc(&channel.title),
        esc(&feed)
    ));
    page.push_str(
        "<style>body{font:17px/1.7 system-ui,sans-serif;max-width:40em;margin:2em auto;\
         padding:0 1em;color:#222}h1{line-height:1.3}.meta,.keywords,nav{color:#555;\
         font-size:.9em}a{color:#0645ad}</style>\n</head>\n<body>\n<main>\n<article>\n",
    );
    page.push_str(&format!("<h1>{}</h1>\n", html::escape(&version.title)));
    let authors = version.authors.join(lang.list_separator());
    page.push_str(&format!(
        "<p class=\"meta\"><time datetime=\"{}\">{}</time>{}</p>\n",
        article.date.to_rfc3339(),
        human_date(lang, article),
        if authors.is_empty() {
            String::new()
        } else {
            format!(" · {}", html::escape(&authors))
        }
    ));
    if let Some(subheading) = &version.subheading {
        page.push_str(&format!("<h2>{}</h2>\n", html::escape(subheading)));
    }
    page.push_str(&html::paragraphs(&version.paragraphs, markup(lang)));
    let keywords = version.feed_keywords();
    if !keywords.is_empty() {
        let label = match lang {
            Lang::Zh => "关键词：",
            Lang::En => "Keywords: ",
        };
        page.push_str(&format!(
            "<p class=\"keywords\">{label}{}</p>\n",
            html::escape(&keywords.join(lang.list_separator()))
        ));
    }
    page.push_str("</article>\n<nav>\n");
    if let Some((url, v)) = &translation {
        page.push_str(&format!(
            "<p lang=\"{}\"><a href=\"{}\" hreflang=\"{}\">{}</a></p>\n",
            other.tag(),
            esc(url),
            other.tag(),
            html::escape(&v.title)
        ));
    }
    page.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>\n</nav>\n</main>\n</body>\n</html>\n",
        esc(site.base_url.as_ref()),
        html::escape(&channel.title)
    ));
    page.into_bytes()
}

/// The article's day as people of the language write it, in the articles' time zone.
pub(super) fn human_date(lang: Lang, article: &Article) -> String {
    let d = article.date;
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%B %-d, %Y").to_string(),
    }
}
