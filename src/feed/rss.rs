//! RSS 2.0, with `atom:link rel="self"` and `content:encoded`.

use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::{Category, Channel, Guid, Item};

use super::{Format, Item as FeedItem, Site, feed_path, newest};
use crate::Lang;

pub(super) fn render(site: &Site, lang: Lang, items: &[FeedItem]) -> Vec<u8> {
    let meta = site.channel(lang);
    let channel = Channel {
        title: meta.title.clone(),
        link: site.base_url.to_string(),
        description: meta.description.clone(),
        language: Some(lang.tag().to_string()),
        last_build_date: (!items.is_empty()).then(|| newest(items).to_rfc2822()),
        generator: Some("bifeed".to_string()),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: site.url_of(&feed_path(lang, Format::Rss)),
                rel: "self".to_string(),
                mime_type: Some(Format::Rss.media_type().to_string()),
                ..Link::default()
            }],
        }),
        items: items
            .iter()
            .map(|item| rss_item(site, lang, item))
            .collect(),
        ..Channel::default()
    };
    // Writing into a Vec cannot fail for I/O reasons, and every string is our own.
    let size: usize = items
        .iter()
        .map(|i| i.content.len() + i.summary.len() + 1024)
        .sum();
    let xml = channel
        .pretty_write_to(Vec::with_capacity(size), b' ', 2)
        .unwrap_or_default();
    hex_references(xml)
}

/// Rewrites `&amp;` and `&lt;` as `&#x26;` and `&#x3C;` in the plain-text elements whose text
/// would read as markup, and nowhere else.
///
/// RSS leaves open whether a title is text or HTML. The RSS Best Practices Profile, which the
/// W3C validator checks, asks publishers to write the `&` and `<` of plain text that looks like
/// markup (`<b`, `</`, `&copy`, `&#1`) as hexadecimal references, so that consumers can tell
/// it is text. But some consumers never decode numeric references (fast-xml-parser, behind
/// node's feed-extractor, shows `AI &#x26; Coding`), so text that cannot be taken for markup
/// keeps the named references every XML parser decodes. Text in CDATA sections is HTML
/// already, and attribute values are URLs: both stay as they are.
fn hex_references(xml: Vec<u8>) -> Vec<u8> {
    let cdata_start = memchr::memmem::Finder::new(b"<![CDATA[");
    let cdata_end = memchr::memmem::Finder::new(b"]]>");
    let mut out = Vec::with_capacity(xml.len() + xml.len() / 64);
    let mut rest = &xml[..];
    while !rest.is_empty() {
        let (plain, cdata) = match cdata_start.find(rest) {
            Some(start) => {
                let end = cdata_end
                    .find(&rest[start..])
                    .map_or(rest.len(), |e| start + e + 3);
                (&rest[..start], &rest[start..end])
            }
            None => (rest, &rest[rest.len()..]),
        };
        rewrite_text_runs(&mut out, plain);
        out.extend_from_slice(cdata);
        rest = &rest[plain.len() + cdata.len()..];
    }
    out
}

/// Copies `xml` (markup without CDATA sections), rewriting the text between tags that needs it.
fn rewrite_text_runs(out: &mut Vec<u8>, xml: &[u8]) {
    let mut rest = xml;
    while let Some(open) = memchr::memchr(b'<', rest) {
        rewrite_run(out, &rest[..open]);
        // A tag runs to its `>`: attribute values hold `>` only escaped.
        let close = memchr::memchr(b'>', &rest[open..]).map_or(rest.len(), |c| open + c + 1);
        out.extend_from_slice(&rest[open..close]);
        rest = &rest[close..];
    }
    rewrite_run(out, rest);
}

fn rewrite_run(out: &mut Vec<u8>, run: &[u8]) {
    let looks_like_markup = std::str::from_utf8(run)
        .ok()
        .and_then(|run| quick_xml::escape::unescape(run).ok())
        .is_some_and(|text| reads_as_markup(&text));
    if !looks_like_markup {
        out.extend_from_slice(run);
        return;
    }
    let mut text = run;
    while let Some(at) = memchr::memchr(b'&', text) {
        out.extend_from_slice(&text[..at]);
        let entity = &text[at..];
        let (replacement, len): (&[u8], usize) = if entity.starts_with(b"&amp;") {
            (b"&#x26;", 5)
        } else if entity.starts_with(b"&lt;") {
            (b"&#x3C;", 4)
        } else {
            (b"&", 1)
        };
        out.extend_from_slice(replacement);
        text = &text[at + len..];
    }
    out.extend_from_slice(text);
}

/// Whether plain text could be taken for HTML: a tag opening (`<b`, `</`) or a character
/// reference (`&amp`, `&#38`, `&x1`), the patterns the RSS profile and the W3C validator name.
fn reads_as_markup(text: &str) -> bool {
    let tag = text.match_indices('<').any(|(at, _)| {
        text[at + 1..]
            .chars()
            .next()
            .is_some_and(|c| c == '/' || c.is_ascii_alphabetic())
    });
    tag || text.match_indices('&').any(|(at, _)| {
        let after = &text[at + 1..];
        let numeric = after.starts_with('#');
        let name: &str = after[usize::from(numeric)..]
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        !name.is_empty()
            && (numeric
                || !name.chars().all(char::is_alphabetic)
                || name == "apos"
                || quick_xml::escape::resolve_html5_entity(name).is_some())
    })
}

fn rss_item(site: &Site, lang: Lang, item: &FeedItem) -> Item {
    let version = item.version;
    Item {
        title: Some(version.title.clone()),
        link: Some(item.link.clone()),
        description: Some(item.summary.clone()),
        guid: Some(Guid {
            value: site.item_id(lang, &item.article.id),
            permalink: false,
        }),
        pub_date: Some(item.article.date.to_rfc2822()),
        categories: item
            .keywords
            .iter()
            .map(|k| Category {
                name: k.clone(),
                domain: None,
            })
            .collect(),
        content: Some(item.content.clone()),
        // RSS's own <author> must be an e-mail address; readers take a name from dc:creator.
        dublin_core_ext: Some(DublinCoreExtension {
            creators: vec![item.author.clone()],
            ..DublinCoreExtension::default()
        }),
        ..Item::default()
    }
}

#[cfg(test)]
mod tests {
    fn rewritten(xml: &str) -> String {
        String::from_utf8(super::hex_references(xml.as_bytes().to_vec())).unwrap()
    }

    #[test]
    fn hex_references_only_where_text_reads_as_markup() {
        assert_eq!(
            rewritten(
                "<title>a &amp; &lt;b&gt;</title><d><![CDATA[&lt;p&gt; &amp;]]></d><c>x&amp;copy</c>"
            ),
            "<title>a &#x26; &#x3C;b&gt;</title><d><![CDATA[&lt;p&gt; &amp;]]></d><c>x&#x26;copy</c>"
        );
        // Text that cannot be taken for markup keeps the references every parser decodes.
        for plain in [
            "<t>AI &amp; Coding</t>",
            "<t>R&amp;D and AT&amp;T, 3 &lt; 4</t>",
            "<t>&lt; 5 &amp;&amp; x</t>",
        ] {
            assert_eq!(rewritten(plain), plain);
        }
        assert_eq!(rewritten("<t>&amp;#38;</t>"), "<t>&#x26;#38;</t>");
        assert_eq!(rewritten("<t>&lt;/p</t>"), "<t>&#x3C;/p</t>");
        assert_eq!(rewritten("<t>a&amp;b1</t>"), "<t>a&#x26;b1</t>");
        // Attributes are left alone.
        let attr = "<l href=\"http://e.com/?a=1&amp;copy=2\">x</l>";
        assert_eq!(rewritten(attr), attr);
        let open = "<a>&quot;&amp</a><![CDATA[unclosed &amp;";
        assert_eq!(rewritten(open), open);
    }
}
