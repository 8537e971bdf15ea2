//! RSS 2.0, with `atom:link rel="self"` and `content:encoded`.

use rss::extension::atom::{AtomExtension, Link};
use rss::{Category, Channel, Guid, Item};

use super::{Format, Item as FeedItem, Site, content, feed_path, newest, summary};
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
    let xml = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .unwrap_or_default();
    hex_references(xml)
}

/// Rewrites `&amp;` and `&lt;` outside CDATA sections as `&#x26;` and `&#x3C;`.
///
/// The same characters to an XML parser, but RSS leaves open whether a title is text or HTML,
/// and the RSS Best Practices Profile (which the W3C validator checks) asks publishers to
/// write plain-text `&` and `<` as hexadecimal references so that consumers can tell.
fn hex_references(xml: Vec<u8>) -> Vec<u8> {
    let Ok(xml) = String::from_utf8(xml) else {
        return Vec::new();
    };
    let mut out = String::with_capacity(xml.len() + 64);
    let mut rest = xml.as_str();
    while let Some(start) = rest.find("<![CDATA[") {
        let end = rest[start..]
            .find("]]>")
            .map_or(rest.len(), |e| start + e + 3);
        out.push_str(
            &rest[..start]
                .replace("&amp;", "&#x26;")
                .replace("&lt;", "&#x3C;"),
        );
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    out.push_str(&rest.replace("&amp;", "&#x26;").replace("&lt;", "&#x3C;"));
    out.into_bytes()
}

fn rss_item(site: &Site, lang: Lang, item: &FeedItem) -> Item {
    let version = item.version;
    Item {
        title: Some(version.title.clone()),
        link: item.article.link.as_ref().map(|u| u.to_string()),
        description: Some(summary(lang, version)),
        guid: Some(Guid {
            value: site.item_id(lang, &item.article.id),
            permalink: false,
        }),
        pub_date: Some(item.article.date.to_rfc2822()),
        categories: version
            .feed_keywords()
            .iter()
            .map(|k| Category {
                name: k.clone(),
                domain: None,
            })
            .collect(),
        content: Some(content(lang, version)),
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
    }
}
