//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>): the same items as RSS and Atom, under
//! the same ids, for readers and scripts that would rather read JSON.

use serde::Serialize;

use super::{Channel, FEED_PAGE, Format, Item, RenderError, Site};

const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    language: &'static str,
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hubs: Vec<Hub<'a>>,
    items: Vec<Entry<'a>>,
}

/// An endpoint a reader can subscribe to for pushed updates (JSON Feed's `hubs`).
#[derive(Serialize)]
struct Hub<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: &'a str,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Entry<'a> {
    id: String,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    summary: &'a str,
    date_published: String,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    tags: &'a [String],
    authors: [Author<'a>; 1],
}

pub(super) fn render(site: &Site, meta: &Channel, items: &[Item]) -> Result<Vec<u8>, RenderError> {
    let lang = meta.lang();
    let feed = Feed {
        version: VERSION,
        title: &meta.title,
        home_page_url: meta.url(site, FEED_PAGE),
        feed_url: meta.url(site, Format::Json.file_name()),
        description: &meta.description,
        language: lang.tag(),
        authors: vec![Author {
            name: &site.author.name,
            url: site.author.uri.as_ref().map(|u| u.as_str()),
        }],
        hubs: site
            .hubs
            .iter()
            .map(|hub| Hub {
                kind: "WebSub",
                url: hub.as_str(),
            })
            .collect(),
        items: items
            .iter()
            .map(|item| Entry {
                id: meta.item_id(&item.article.id),
                url: &item.link,
                title: &item.version.title,
                content_html: &item.content,
                summary: &item.summary,
                // In UTC with `Z`, as the Atom feed: the instant every reader reads right.
                date_published: item
                    .article
                    .date
                    .with_timezone(&chrono::Utc)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                tags: item.keywords,
                authors: [Author {
                    name: &item.author,
                    url: None,
                }],
            })
            .collect(),
    };
    let size: usize = items
        .iter()
        .map(|i| i.content.len() + i.summary.len() + 512)
        .sum();
    let mut bytes = Vec::with_capacity(size);
    serde_json::to_writer_pretty(&mut bytes, &feed)
        .map_err(|e| RenderError::new(meta.feed, Format::Json, e))?;
    bytes.push(b'\n');
    Ok(bytes)
}
