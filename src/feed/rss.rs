//! RSS 2.0, with `atom:link rel="self"` and `content:encoded`.

use rss::extension::atom::{AtomExtension, Link};
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

/// Rewrites `&amp;` and `&lt;` outside CDATA sections as `&#x26;` and `&#x3C;`.
///
/// The same characters to an XML parser, but RSS leaves open whether a title is text or HTML,
/// and the RSS Best Practices Profile (which the W3C validator checks) asks publishers to
/// write plain-text `&` and `<` as hexadecimal references so that consumers can tell.
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
        rewrite_plain(&mut out, plain);
        out.extend_from_slice(cdata);
        rest = &rest[plain.len() + cdata.len()..];
    }
    out
}

fn rewrite_plain(out: &mut Vec<u8>, mut text: &[u8]) {
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

fn rss_item(site: &Site, lang: Lang, item: &FeedItem) -> Item {
    let version = item.version;
    Item {
        title: Some(version.title.clone()),
        link: item.article.link.as_ref().map(|u| u.to_string()),
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
        ..Item::default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_references_outside_cdata_only() {
        let xml =
            "<title>a &amp; &lt;b&gt;</title><d><![CDATA[&lt;p&gt; &amp;]]></d><c>x&amp;y</c>";
        assert_eq!(
            String::from_utf8(super::hex_references(xml.as_bytes().to_vec())).unwrap(),
            "<title>a &#x26; &#x3C;b&gt;</title><d><![CDATA[&lt;p&gt; &amp;]]></d><c>x&#x26;y</c>"
        );
        let open = "<a>&quot;&amp</a><![CDATA[unclosed &amp;";
        assert_eq!(
            String::from_utf8(super::hex_references(open.as_bytes().to_vec())).unwrap(),
            "<a>&quot;&amp</a><![CDATA[unclosed &amp;"
        );
    }
}
