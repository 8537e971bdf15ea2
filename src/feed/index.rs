//! `index.html`: a small bilingual page listing the four feeds, with the autodiscovery links
//! that let a feed reader given the site's address find them.

use pulldown_cmark_escape::{FmtWriter, escape_html};

use super::{Format, Site, feed_path};
use crate::Lang;

pub(super) fn render(site: &Site) -> Vec<u8> {
    let mut page = String::with_capacity(4096);
    let title = format!("{} · {}", site.zh.title, site.en.title);
    page.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str(&format!("<title>{}</title>\n", esc(&title)));
    for lang in Lang::ALL {
        for format in Format::ALL {
            page.push_str(&format!(
                "<link rel=\"alternate\" type=\"{}\" hreflang=\"{}\" title=\"{}\" href=\"{}\">\n",
                format.media_type(),
                lang.tag(),
                esc(&format!(
                    "{} ({})",
                    site.channel(lang).title,
                    format.label()
                )),
                esc(&site.url_of(&feed_path(lang, format))),
            ));
        }
    }
    page.push_str(
        "<style>body{font:16px/1.6 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}\
         section{margin:1.5em 0}a{color:#0645ad}</style>\n</head>\n<body>\n<main>\n",
    );
    page.push_str(&format!("<h1>{}</h1>\n", esc(&title)));
    for lang in Lang::ALL {
        let channel = site.channel(lang);
        page.push_str(&format!(
            "<section lang=\"{}\">\n<h2>{}</h2>\n<p>{}</p>\n<ul>\n",
            lang.tag(),
            esc(&channel.title),
            esc(&channel.description)
        ));
        for format in Format::ALL {
            page.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                feed_path(lang, format),
                format.label()
            ));
        }
        page.push_str("</ul>\n</section>\n");
    }
    page.push_str(
        "<p><a href=\"feeds.opml\">OPML</a>: 一次订阅全部四个订阅源 / \
         subscribe to all four feeds in one step</p>\n</main>\n</body>\n</html>\n",
    );
    page.into_bytes()
}

/// Text for an HTML attribute or element: `<`, `>`, `&`, `"` and `'` escaped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = escape_html(FmtWriter(&mut out), text);
    out
}
