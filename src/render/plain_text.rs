//! Plain text that a feed reader might take for markup, written so that it cannot be.
//!
//! RSS leaves open whether a title is text or HTML, and some readers decode the text of an
//! element once more after the XML parser did (feed-extractor for Atom titles, rss2email and
//! feedparser for RSS titles that look like HTML): `&lt;3` in an article comes out as `<3`.
//! The RSS Best Practices Profile, which the W3C validator checks, asks publishers to write the
//! `&` and `<` of text that looks like markup (`<b`, `</`, `&copy`, `&#1`) as hexadecimal
//! references, so that consumers can tell it is text; and fast-xml-parser, behind
//! feed-extractor, decodes no numeric reference, so its second decoding then yields the text
//! as written. But that parser shows numeric references in text that needs no decoding at
//! all (`AI &#x26; Coding`), so text that cannot be taken for markup keeps the named
//! references every XML parser decodes. Text in CDATA sections is HTML already, and attribute
//! values are URLs and terms: both stay as they are.

/// Rewrites `&amp;` and `&lt;` as `&#x26;` and `&#x3C;` in the text of the elements named in
/// `only` (all, for `None`) whose text reads as markup.
pub(super) fn mark(xml: Vec<u8>, only: Option<&[&str]>) -> Vec<u8> {
    // Most feeds have no such text: they are returned as they are, not copied whole (a day's
    // import at 100,000 articles renders 330 RSS and Atom documents of a few hundred kilobytes
    // each).
    let mut marks = Vec::new();
    runs(&xml, only, |run, at| {
        if reads_as_markup_escaped(run) {
            marks.push(at..at + run.len());
        }
    });
    if marks.is_empty() {
        return xml;
    }
    let mut out = Vec::with_capacity(xml.len() + xml.len() / 64);
    let mut copied = 0;
    for run in marks {
        out.extend_from_slice(&xml[copied..run.start]);
        mark_run(&mut out, &xml[run.clone()]);
        copied = run.end;
    }
    out.extend_from_slice(&xml[copied..]);
    out
}

/// Calls `each` with every run of text between tags, outside CDATA sections, of the elements
/// named in `only` (all, for `None`), and where it starts in `xml`.
fn runs(xml: &[u8], only: Option<&[&str]>, mut each: impl FnMut(&[u8], usize)) {
    let cdata_start = memchr::memmem::Finder::new(b"<![CDATA[");
    let cdata_end = memchr::memmem::Finder::new(b"]]>");
    let mut at = 0;
    while at < xml.len() {
        let rest = &xml[at..];
        let (plain, cdata) = match cdata_start.find(rest) {
            Some(start) => {
                let end = cdata_end
                    .find(&rest[start..])
                    .map_or(rest.len(), |e| start + e + 3);
                (start, end - start)
            }
            None => (rest.len(), 0),
        };
        tag_runs(&rest[..plain], only, |run, offset| each(run, at + offset));
        at += plain + cdata;
    }
}

/// [`runs`] of markup without CDATA sections.
fn tag_runs(xml: &[u8], only: Option<&[&str]>, mut each: impl FnMut(&[u8], usize)) {
    let mut at = 0;
    // The element whose start tag came last: text right after it is that element's.
    let mut element: &[u8] = b"";
    while let Some(open) = memchr::memchr(b'<', &xml[at..]).map(|o| at + o) {
        if only.is_none_or(|names| names.iter().any(|n| n.as_bytes() == element)) {
            each(&xml[at..open], at);
        }
        // A tag runs to its `>`: attribute values hold `>` only escaped.
        let close = memchr::memchr(b'>', &xml[open..]).map_or(xml.len(), |c| open + c + 1);
        let tag = &xml[open..close];
        element = match tag.get(1) {
            Some(b'/' | b'?' | b'!') | None => b"",
            Some(_) => {
                let name = &tag[1..];
                let end = name
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
                    .unwrap_or(name.len());
                &name[..end]
            }
        };
        at = close;
    }
}

/// Whether escaped XML text reads as markup once unescaped. Without an `&` it holds neither
/// `<` nor `&` (an XML writer escapes both), and cannot.
fn reads_as_markup_escaped(run: &[u8]) -> bool {
    memchr::memchr(b'&', run).is_some()
        && std::str::from_utf8(run)
            .ok()
            .and_then(|run| quick_xml::escape::unescape(run).ok())
            .is_some_and(|text| reads_as_markup(&text))
}

/// Copies a run of text, its `&amp;` and `&lt;` as hexadecimal references.
fn mark_run(out: &mut Vec<u8>, run: &[u8]) {
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

#[cfg(test)]
mod tests {
    fn marked(xml: &str, only: Option<&[&str]>) -> String {
        String::from_utf8(super::mark(xml.as_bytes().to_vec(), only)).unwrap()
    }

    #[test]
    fn hex_references_only_where_text_reads_as_markup() {
        assert_eq!(
            marked(
                "<title>a &amp; &lt;b&gt;</title><d><![CDATA[&lt;p&gt; &amp;]]></d><c>x&amp;copy</c>",
                None
            ),
            "<title>a &#x26; &#x3C;b&gt;</title><d><![CDATA[&lt;p&gt; &amp;]]></d><c>x&#x26;copy</c>"
        );
        // Text that cannot be taken for markup keeps the references every parser decodes.
        for plain in [
            "<t>AI &amp; Coding</t>",
            "<t>R&amp;D and AT&amp;T, 3 &lt; 4</t>",
            "<t>&lt; 5 &amp;&amp; x</t>",
        ] {
            assert_eq!(marked(plain, None), plain);
        }
        assert_eq!(marked("<t>&amp;#38;</t>", None), "<t>&#x26;#38;</t>");
        assert_eq!(marked("<t>&lt;/p</t>", None), "<t>&#x3C;/p</t>");
        assert_eq!(marked("<t>a&amp;b1</t>", None), "<t>a&#x26;b1</t>");
        // Attributes are left alone.
        let attr = "<l href=\"http://e.com/?a=1&amp;copy=2\">x</l>";
        assert_eq!(marked(attr, None), attr);
        let open = "<a>&quot;&amp</a><![CDATA[unclosed &amp;";
        assert_eq!(marked(open, None), open);
    }

    #[test]
    fn only_the_named_elements() {
        let xml = "<entry><title type=\"text\">&amp;lt;3</title>\
                   <content type=\"html\">&lt;p&gt;x&lt;/p&gt;</content></entry>";
        assert_eq!(
            marked(xml, Some(&["title"])),
            "<entry><title type=\"text\">&#x26;lt;3</title>\
             <content type=\"html\">&lt;p&gt;x&lt;/p&gt;</content></entry>"
        );
    }
}
