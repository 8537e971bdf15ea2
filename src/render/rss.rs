//! RSS 2.0, with `atom:link rel="self"` and `content:encoded`.

use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::{Category, Channel, Guid, Item};

use super::{Format, Item as FeedItem, RenderError, Site, feed_path, html, newest, plain_text};
use crate::lang::Lang;

pub(super) fn render(site: &Site, lang: Lang, items: &[FeedItem]) -> Result<Vec<u8>, RenderError> {
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
    let size: usize = items
        .iter()
        .map(|i| i.content.len() + i.summary.len() + 1024)
        .sum();
    let xml = channel
        .pretty_write_to(Vec::with_capacity(size), b' ', 2)
        .map_err(|e| RenderError::new(lang, Format::Rss, e))?;
    // Every text element of RSS may be read as HTML: the title, categories, dc:creator.
    Ok(plain_text::mark(xml, None))
}

fn rss_item(site: &Site, lang: Lang, item: &FeedItem) -> Item {
    let version = item.version;
    Item {
        title: Some(version.title.clone()),
        link: Some(item.link.clone()),
        // RSS descriptions are HTML.
        description: Some(html::escape(&item.summary)),
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
