//! Atom 1.0 (RFC 4287).

use atom_syndication::{
    Category, Content, Entry, Feed, Generator, Link, Person, Text, WriteConfig,
};

use chrono::{DateTime, FixedOffset};

use super::{
    Channel, FEED_PAGE, Format, Item, RenderError, Site, feed_path, html, latest_update, plain_text,
};

pub(super) fn render(site: &Site, meta: &Channel, items: &[Item]) -> Result<Vec<u8>, RenderError> {
    let lang = meta.lang();
    let other = lang.other();
    let mut links = vec![
        link(
            meta.url(site, Format::Atom.file_name()),
            "self",
            Format::Atom.media_type(),
            None,
        ),
        link(meta.url(site, FEED_PAGE), "alternate", "text/html", None),
    ];
    // The same feed in the other language, so readers can offer the switch (a topic is a
    // keyword of one language: it has none; nor has an archive).
    if meta.feed.topic.is_none() && meta.feed.archive.is_none() {
        links.push(link(
            site.url_of(&feed_path(other, Format::Atom)),
            "alternate",
            Format::Atom.media_type(),
            Some(other.tag()),
        ));
    }
    // RFC 5005: where the history goes on (and, in an archive, the feed it belongs to).
    links.extend(
        meta.history_links(site, Format::Atom)
            .into_iter()
            .map(|(rel, href)| link(href, rel, Format::Atom.media_type(), None)),
    );
    // WebSub (section 4): the hubs, next to the self link a subscription names.
    links.extend(site.hubs.iter().map(|hub| Link {
        href: hub.to_string(),
        rel: "hub".to_string(),
        ..Link::default()
    }));
    let mut feed = Feed {
        title: Text::plain(meta.title.clone()),
        subtitle: Some(Text::plain(meta.description.clone())),
        id: meta.id.clone(),
        updated: utc(latest_update(items)),
        authors: vec![Person {
            name: site.author.name.clone(),
            email: site.author.email.clone(),
            uri: site.author.uri.as_ref().map(|u| u.to_string()),
            ..Person::default()
        }],
        links,
        generator: Some(Generator {
            value: "bifeed".to_string(),
            ..Generator::default()
        }),
        lang: Some(lang.tag().to_string()),
        entries: items.iter().map(|item| entry(meta, item)).collect(),
        ..Feed::default()
    };
    if meta.feed.archive.is_some() {
        feed.namespaces = super::history_namespace();
        feed.extensions = super::archive_marker!(atom_syndication::extension::Extension);
    }
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: Some(2),
    };
    // Escaped HTML grows by about a quarter; sizing the buffer once spares the copies of
    // growing a feed of every article to tens of megabytes.
    let size: usize = items
        .iter()
        .map(|i| i.content.len() * 5 / 4 + i.summary.len() + 1024)
        .sum();
    let xml = feed
        .write_with_config(Vec::with_capacity(size), config)
        .map_err(|e| RenderError::new(meta.feed, Format::Atom, e))?;
    // The plain-text constructs; summary and content are HTML, escaped once, as Atom says.
    Ok(plain_text::mark(
        utc_designator(xml),
        Some(&["title", "subtitle", "name"]),
    ))
}

/// The same instant in UTC. Some readers (elfeed, rsstail) drop the offset of an Atom date
/// and read `2024-05-17T00:00:00+08:00` as midnight UTC, eight hours late; in UTC there is
/// nothing to drop.
fn utc(instant: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    instant.with_timezone(&chrono::Utc).fixed_offset()
}

/// Writes UTC dates with `Z`, the form every reader tested parses (the writer spells UTC
/// `+00:00`). Text never holds a raw `<`, so the pattern only matches date elements.
fn utc_designator(xml: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(xml.len());
    let mut rest = &xml[..];
    let finder = memchr::memmem::Finder::new(b"+00:00</");
    while let Some(at) = finder.find(rest) {
        out.extend_from_slice(&rest[..at]);
        let tail = &rest[at + 6..];
        if tail.starts_with(b"</updated>") || tail.starts_with(b"</published>") {
            out.push(b'Z');
        } else {
            out.extend_from_slice(b"+00:00");
        }
        rest = tail;
    }
    out.extend_from_slice(rest);
    out
}

/// An entry's links: its own, and the same article in the other language where the site
/// shows it (`hreflang`).
///
/// Readers take one alternate link as the item's: some the first (sfeed, Miniflux, feed-rs),
/// some the last (newsboat, feedparser, whatever its type). So the item's own link comes
/// first and last, the translation between: once typed `text/html`, once without a type, two
/// distinct combinations of type and hreflang as RFC 4287 requires of alternate links.
fn item_links(item: &Item, lang: crate::lang::Lang) -> Vec<Link> {
    let own = link(item.link.clone(), "alternate", "text/html", None);
    let Some(translation) = &item.translation else {
        return vec![own];
    };
    let last = Link {
        mime_type: None,
        ..own.clone()
    };
    vec![
        own,
        link(
            translation.clone(),
            "alternate",
            "text/html",
            Some(lang.other().tag()),
        ),
        last,
    ]
}

fn link(href: String, rel: &str, media_type: &str, hreflang: Option<&str>) -> Link {
    Link {
        href,
        rel: rel.to_string(),
        mime_type: Some(media_type.to_string()),
        hreflang: hreflang.map(str::to_string),
        ..Link::default()
    }
}

fn entry(meta: &Channel, item: &Item) -> Entry {
    let lang = meta.lang();
    let version = item.version;
    Entry {
        title: Text::plain(version.title.clone()),
        id: meta.item_id(&item.article.id),
        updated: utc(item.updated),
        published: Some(utc(item.article.date)),
        // On every entry: no reader tested shows the feed's author for an entry without one.
        authors: vec![Person {
            name: item.author.clone(),
            ..Person::default()
        }],
        links: item_links(item, lang),
        categories: item
            .keywords
            .iter()
            .map(|k| Category {
                term: k.clone(),
                ..Category::default()
            })
            .collect(),
        // HTML, not `type="text"`: rsstail would show a plain summary right, but the W3C
        // validator warns when plain text mentions an HTML tag (`</script>`).
        summary: Some(Text::html(html::escape(&item.summary))),
        content: Some(Content {
            value: Some(item.content.clone()),
            content_type: Some("html".to_string()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}
