//! `feeds.opml`: the feeds as an OPML 2.0 subscription list, to import in one step.
//!
//! One feed per language, [`Format::SUBSCRIBE`]: importing the RSS and the Atom feed of one
//! language would subscribe to every item twice under one id, and readers that de-duplicate
//! by id across feeds (newsboat, tt-rss, elfeed) then show one of the two feeds empty.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Channel, FEED_PAGE, Format, Site, Topic, feed_path};
use crate::lang::Lang;

pub(super) fn render(site: &Site) -> Vec<u8> {
    let title = format!("{} · {}", site.zh.title, site.en.title);
    document(&title, |w| write(w, site))
}

/// The document up to its `<body>`, titled `title`.
fn open(w: &mut Writer<Vec<u8>>, title: &str) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.write_event(Event::Start(
        BytesStart::new("opml").with_attributes([("version", "2.0")]),
    ))?;
    w.write_event(Event::Start(BytesStart::new("head")))?;
    w.write_event(Event::Start(BytesStart::new("title")))?;
    w.write_event(Event::Text(BytesText::new(title)))?;
    w.write_event(Event::End(BytesEnd::new("title")))?;
    w.write_event(Event::End(BytesEnd::new("head")))?;
    w.write_event(Event::Start(BytesStart::new("body")))
}

fn close(w: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new("body")))?;
    w.write_event(Event::End(BytesEnd::new("opml")))?;
    Ok(())
}

/// Writes a document with `body` and returns its bytes. Writing into a Vec cannot fail.
fn document(
    title: &str,
    body: impl FnOnce(&mut Writer<Vec<u8>>) -> std::io::Result<()>,
) -> Vec<u8> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = open(&mut writer, title)
        .and_then(|()| body(&mut writer))
        .and_then(|()| close(&mut writer));
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    bytes
}

fn write(w: &mut Writer<Vec<u8>>, site: &Site) -> std::io::Result<()> {
    for lang in Lang::ALL {
        let channel = site.channel(lang);
        let format = Format::SUBSCRIBE;
        let url = site.url_of(&feed_path(lang, format));
        let home = site.url_of(&crate::selection::Feed::language(lang).path(FEED_PAGE));
        w.write_event(Event::Empty(BytesStart::new("outline").with_attributes([
            ("type", "rss"),
            ("text", channel.title.as_str()),
            ("title", channel.title.as_str()),
            ("description", channel.description.as_str()),
            ("language", lang.tag()),
            ("version", format.opml_version()),
            ("xmlUrl", url.as_str()),
            ("htmlUrl", home.as_str()),
        ])))?;
    }
    Ok(())
}

/// `topics.opml`: every topic feed ([`Format::SUBSCRIBE`]), in an outline per language, so
/// that a reader imports all of them at once or a person picks some.
pub(super) fn render_topics(site: &Site, topics: &[Topic]) -> Vec<u8> {
    let title = format!("{} · {} (topics)", site.zh.title, site.en.title);
    document(&title, |w| write_topics(w, site, topics))
}

fn write_topics(w: &mut Writer<Vec<u8>>, site: &Site, topics: &[Topic]) -> std::io::Result<()> {
    let format = Format::SUBSCRIBE;
    for lang in Lang::ALL {
        let channel = site.channel(lang);
        let mut topics = topics.iter().filter(|t| t.feed.lang == lang).peekable();
        if topics.peek().is_none() {
            continue;
        }
        w.write_event(Event::Start(BytesStart::new("outline").with_attributes([
            ("text", channel.title.as_str()),
            ("title", channel.title.as_str()),
            ("language", lang.tag()),
        ])))?;
        let history = crate::selection::History::default();
        for topic in topics {
            let meta = Channel::new(site, &topic.feed, &history);
            let url = meta.url(site, format.file_name());
            let page = meta.url(site, FEED_PAGE);
            w.write_event(Event::Empty(BytesStart::new("outline").with_attributes([
                ("type", "rss"),
                ("text", meta.title.as_str()),
                ("title", meta.title.as_str()),
                ("language", lang.tag()),
                ("version", format.opml_version()),
                ("xmlUrl", url.as_str()),
                ("htmlUrl", page.as_str()),
            ])))?;
        }
        w.write_event(Event::End(BytesEnd::new("outline")))?;
    }
    Ok(())
}
