//! `feeds.opml`: the feeds as an OPML 2.0 subscription list, to import in one step.
//!
//! One feed per language, [`Format::SUBSCRIBE`]: importing the RSS and the Atom feed of one
//! language would subscribe to every item twice under one id, and readers that de-duplicate
//! by id across feeds (newsboat, tt-rss, elfeed) then show one of the two feeds empty.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Format, Site, feed_path};
use crate::lang::Lang;

pub(super) fn render(site: &Site) -> Vec<u8> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write(&mut writer, site);
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    bytes
}

fn write(w: &mut Writer<Vec<u8>>, site: &Site) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    w.write_event(Event::Start(
        BytesStart::new("opml").with_attributes([("version", "2.0")]),
    ))?;
    w.write_event(Event::Start(BytesStart::new("head")))?;
    w.write_event(Event::Start(BytesStart::new("title")))?;
    let title = format!("{} · {}", site.zh.title, site.en.title);
    w.write_event(Event::Text(BytesText::new(&title)))?;
    w.write_event(Event::End(BytesEnd::new("title")))?;
    w.write_event(Event::End(BytesEnd::new("head")))?;
    w.write_event(Event::Start(BytesStart::new("body")))?;
    for lang in Lang::ALL {
        let channel = site.channel(lang);
        let format = Format::SUBSCRIBE;
        let url = site.url_of(&feed_path(lang, format));
        let home = site.base_url.to_string();
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
    w.write_event(Event::End(BytesEnd::new("body")))?;
    w.write_event(Event::End(BytesEnd::new("opml")))?;
    Ok(())
}
