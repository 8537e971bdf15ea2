//! RSS 2.0, with `atom:link rel="self"` and `content:encoded`.

use rss::extension::atom::{AtomExtension, Link};
use rss::extension::dublincore::DublinCoreExtension;
use rss::{Category, Channel, Guid, Item};

use super::{
    Channel as Meta, FEED_PAGE, Format, Item as FeedItem, RenderError, Site, html, newest,
    plain_text,
};

pub(super) fn render(site: &Site, meta: &Meta, items: &[FeedItem]) -> Result<Vec<u8>, RenderError> {
    let lang = meta.lang();
    let mut channel = Channel {
        title: meta.title.clone(),
        link: meta.url(site, FEED_PAGE),
        description: meta.description.clone(),
        language: Some(lang.tag().to_string()),
        last_build_date: (!items.is_empty()).then(|| newest(items).to_rfc2822()),
        generator: Some("bifeed".to_string()),
        // The self link, and the WebSub hubs (section 4) that push it to subscribers.
        atom_ext: Some(AtomExtension {
            links: std::iter::once(Link {
                href: meta.url(site, Format::Rss.file_name()),
                rel: "self".to_string(),
                mime_type: Some(Format::Rss.media_type().to_string()),
                ..Link::default()
            })
            .chain(
                meta.history_links(site, Format::Rss)
                    .into_iter()
                    .map(|(rel, href)| Link {
                        href,
                        rel: rel.to_string(),
                        mime_type: Some(Format::Rss.media_type().to_string()),
                        ..Link::default()
                    }),
            )
            .chain(site.hubs.iter().map(|hub| Link {
                href: hub.to_string(),
                rel: "hub".to_string(),
                ..Link::default()
            }))
            .collect(),
        }),
        items: items.iter().map(|item| rss_item(meta, item)).collect(),
        ..Channel::default()
    };
    if meta.feed.archive.is_some() {
        channel.namespaces = super::history_namespace();
        channel.extensions = super::archive_marker!(rss::extension::Extension);
    }
    let size: usize = items
        .iter()
        .map(|i| i.content.len() + i.summary.len() + 1024)
        .sum();
    let xml = channel
        .pretty_write_to(Vec::with_capacity(size), b' ', 2)
        .map_err(|e| RenderError::new(meta.feed, Format::Rss, e))?;
    // Every text element of RSS may be read as HTML: the title, categories, dc:creator.
    Ok(plain_text::mark(xml, None))
}

fn rss_item(meta: &Meta, item: &FeedItem) -> Item {
    let version = item.version;
    Item {
        title: Some(version.title.clone()),
        link: Some(item.link.clone()),
        // RSS descriptions are HTML.
        description: Some(html::escape(&item.summary)),
        guid: Some(Guid {
            value: meta.item_id(&item.article.id),
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
