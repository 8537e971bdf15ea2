//! Article text → safe HTML and plain text.
//!
//! Article text is plain text, never markup: `<script>` in an article must show as characters.
//! The English side carries inline Markdown (`**bold**`, `*italic*`), which pulldown-cmark
//! renders; everything pulldown-cmark would pass through raw (HTML blocks and inline HTML) is
//! turned back into text, and only http(s) links survive.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// How a version's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Plain text (the Chinese side).
    Plain,
    /// Plain text with inline Markdown (the English side).
    InlineMarkdown,
}

/// The paragraphs as HTML: one `<p>` per paragraph, text escaped.
pub fn paragraphs(paragraphs: &[String], markup: Markup) -> String {
    let mut out = String::with_capacity(paragraphs.iter().map(|p| p.len() + 8).sum());
    for paragraph in paragraphs {
        match markup {
            Markup::Plain => {
                pulldown_cmark::html::push_html(&mut out, plain_paragraph(paragraph).into_iter())
            }
            Markup::InlineMarkdown => {
                pulldown_cmark::html::push_html(&mut out, safe_events(inline_events(paragraph)))
            }
        }
    }
    out
}

/// The paragraph as plain text: Markdown markers dropped, at most `max_chars` characters
/// (cut at a character boundary, marked with `…`).
pub fn plain_text(paragraph: &str, markup: Markup, max_chars: usize) -> String {
    let mut out = String::with_capacity(paragraph.len().min(max_chars * 4));
    match markup {
        Markup::Plain => out.push_str(paragraph),
        Markup::InlineMarkdown => {
            for event in inline_events(paragraph) {
                match event {
                    Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                        out.push_str(&t)
                    }
                    Event::SoftBreak | Event::HardBreak => out.push(' '),
                    _ => {}
                }
            }
        }
    }
    if let Some((cut, _)) = out.char_indices().nth(max_chars) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// Plain text as HTML text (no paragraph around it): `<`, `>` and `&` escaped, as the
/// Markdown renderer escapes text, so an escaped title and a rendered paragraph agree.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html_body_text(
        pulldown_cmark_escape::FmtWriter(&mut out),
        text,
    );
    out
}

/// Text for an HTML attribute value: quotes escaped too.
pub fn attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(pulldown_cmark_escape::FmtWriter(&mut out), text);
    out
}

fn plain_paragraph(text: &str) -> [Event<'_>; 3] {
    [
        Event::Start(Tag::Paragraph),
        Event::Text(CowStr::Borrowed(text)),
        Event::End(TagEnd::Paragraph),
    ]
}

/// The Markdown events of one paragraph, read as inline Markdown only.
///
/// Each line of an article is a paragraph, so a line that happens to open with `#`, `>`, `-`,
/// `1.` or four spaces must not become a heading, quote, list or code block. If the line does
/// not parse as a single paragraph, its opening marker is backslash-escaped and it is parsed
/// again; failing that, it is taken as plain text.
fn inline_events(text: &str) -> Vec<Event<'_>> {
    let events: Vec<Event> = Parser::new_ext(text, Options::empty())
        .into_offset_iter()
        .map(|(event, range)| xml_safe(literal_reference(event, &text[range])))
        .collect();
    if is_one_paragraph(&events) {
        return events;
    }
    let escaped = escape_block_marker(text);
    let reparsed: Vec<Event> = Parser::new_ext(&escaped, Options::empty())
        .into_offset_iter()
        .map(|(event, range)| xml_safe(literal_reference(event, &escaped[range])))
        .map(Event::into_static)
        .collect();
    if is_one_paragraph(&reparsed) {
        return reparsed;
    }
    plain_paragraph(text).into()
}

/// Keeps a character reference as the article wrote it.
///
/// Markdown decodes `&lt;`, `&amp;` and `&#x4E2D;` into the characters they name, but an
/// article that says `writing "<" as "&lt;"` means those four characters: article text is
/// shown, never interpreted. The Markdown of articles is emphasis, not HTML.
fn literal_reference<'a>(event: Event<'a>, written: &'a str) -> Event<'a> {
    match event {
        Event::Text(decoded)
            if written.len() > 2
                && written.starts_with('&')
                && written.ends_with(';')
                && *decoded != *written =>
        {
            Event::Text(CowStr::Borrowed(written))
        }
        other => other,
    }
}

/// Whatever the parser hands out passes the XML character check again: the article's own
/// text was cleaned before parsing, but a parser is free to make characters (a reference it
/// decodes where [`literal_reference`] does not reach).
fn xml_safe(event: Event<'_>) -> Event<'_> {
    fn clean(t: CowStr<'_>) -> CowStr<'_> {
        match crate::text::remove_xml_forbidden(&t) {
            std::borrow::Cow::Borrowed(_) => t,
            std::borrow::Cow::Owned(cleaned) => CowStr::from(cleaned),
        }
    }
    match event {
        Event::Text(t) => Event::Text(clean(t)),
        Event::Code(t) => Event::Code(clean(t)),
        Event::Html(t) => Event::Html(clean(t)),
        Event::InlineHtml(t) => Event::InlineHtml(clean(t)),
        other => other,
    }
}

fn is_one_paragraph(events: &[Event]) -> bool {
    let [
        Event::Start(Tag::Paragraph),
        inner @ ..,
        Event::End(TagEnd::Paragraph),
    ] = events
    else {
        return false;
    };
    !inner.iter().any(|e| {
        matches!(
            e,
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) | Event::Rule
        )
    })
}

/// Escapes what would make a line a block: a leading punctuation mark, or the `.`/`)` after a
/// leading number (`1.` opens an ordered list).
fn escape_block_marker(text: &str) -> String {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let at = if digits > 0 { digits } else { 0 };
    match text[at..].chars().next() {
        Some(c) if c.is_ascii_punctuation() => format!("{}\\{}", &text[..at], &text[at..]),
        _ => text.to_string(),
    }
}

/// Neutralises what Markdown would let through: raw HTML becomes text, links other than
/// absolute http(s) lose their link (keeping their words), and images become their alt text.
fn safe_events(events: Vec<Event<'_>>) -> impl Iterator<Item = Event<'_>> {
    let mut dropped_links = Vec::new();
    events.into_iter().filter_map(move |event| match event {
        Event::Html(t) | Event::InlineHtml(t) => Some(Event::Text(t)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = is_web_url(&dest_url);
            dropped_links.push(!keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type: if link_type == LinkType::Email {
                    LinkType::Inline
                } else {
                    link_type
                },
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link) => {
            let dropped = dropped_links.pop().unwrap_or(true);
            (!dropped).then_some(Event::End(TagEnd::Link))
        }
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        other => Some(other),
    })
}

fn is_web_url(dest: &str) -> bool {
    url::Url::parse(dest).is_ok_and(|u| crate::text::is_web_url(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        paragraphs(&[text.to_string()], Markup::InlineMarkdown)
    }

    #[test]
    fn plain_text_is_escaped_never_interpreted() {
        let html = paragraphs(
            &["<script>alert(1)</script> & **不是粗体**".to_string()],
            Markup::Plain,
        );
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; **不是粗体**</p>\n"
        );
    }

    #[test]
    fn inline_markdown_is_rendered() {
        assert_eq!(
            md("**China News Service** – a *pilot* city"),
            "<p><strong>China News Service</strong> – a <em>pilot</em> city</p>\n"
        );
    }

    #[test]
    fn raw_html_in_markdown_shows_as_text() {
        assert_eq!(
            md("Hello <script>alert(1)</script> <b onclick=x>hi</b>"),
            "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt; &lt;b onclick=x&gt;hi&lt;/b&gt;</p>\n"
        );
        assert_eq!(
            md("<div>block</div>"),
            "<p>&lt;div&gt;block&lt;/div&gt;</p>\n"
        );
    }

    #[test]
    fn character_references_are_text_not_markup() {
        assert_eq!(
            md("writing \"<\" as \"&lt;\", and **&amp; &copy; &#x4E2D; &lt;b&gt;**"),
            "<p>writing \"&lt;\" as \"&amp;lt;\", and <strong>&amp;amp; &amp;copy; \
             &amp;#x4E2D; &amp;lt;b&amp;gt;</strong></p>\n"
        );
        assert_eq!(
            plain_text("a &#1; &amp; *b*", Markup::InlineMarkdown, 100),
            "a &#1; &amp; b"
        );
        // A reference in a code span was never decoded; one in a link stays a link.
        assert_eq!(md("`&lt;`"), "<p><code>&amp;lt;</code></p>\n");
        assert_eq!(
            md("[a&amp;b](https://e.com/?x=1&amp;y=2)"),
            "<p><a href=\"https://e.com/?x=1&amp;y=2\">a&amp;amp;b</a></p>\n"
        );
    }

    #[test]
    fn block_markers_stay_text() {
        assert_eq!(md("# Not a heading"), "<p># Not a heading</p>\n");
        assert_eq!(md("1. Not a list"), "<p>1. Not a list</p>\n");
        assert_eq!(md("- not a list"), "<p>- not a list</p>\n");
        assert_eq!(md("> not a quote"), "<p>&gt; not a quote</p>\n");
        assert_eq!(md("---"), "<p>---</p>\n");
        assert_eq!(md("2024) was a year"), "<p>2024) was a year</p>\n");
    }

    #[test]
    fn only_web_links_survive() {
        assert_eq!(
            md("[site](https://example.com/a) and [bad](javascript:alert(1))"),
            "<p><a href=\"https://example.com/a\">site</a> and bad</p>\n"
        );
        assert_eq!(md("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>\n");
        assert_eq!(md("![alt text](http://e.com/x.png)"), "<p>alt text</p>\n");
    }

    #[test]
    fn escape_makes_text_safe_html() {
        // Quotes need no escaping outside attributes.
        assert_eq!(escape("a <b> & \"c\""), "a &lt;b&gt; &amp; \"c\"");
    }

    #[test]
    fn plain_text_drops_markers_and_truncates() {
        assert_eq!(
            plain_text("The **bold** and *it*", Markup::InlineMarkdown, 100),
            "The bold and it"
        );
        assert_eq!(plain_text("一二三四五", Markup::Plain, 3), "一二三…");
        assert_eq!(plain_text("<b>", Markup::InlineMarkdown, 10), "<b>");
    }
}
