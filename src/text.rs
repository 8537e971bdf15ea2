//! Rules about text that every stage shares: what a Chinese character is, which characters XML
//! can carry, what a web link is. One definition each, so that the parser, the keyword
//! extractor, the configuration and the renderers never disagree.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::GB18030;
use url::Url;

/// A Han (Chinese) character: the CJK Unified Ideographs with all their extensions and the
/// compatibility ideographs. Rare characters (extension B and later, as in names of people and
/// places) are Chinese text too.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{2EBF0}'..='\u{2EE5F}'
        | '\u{30000}'..='\u{323AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// Whether a URL is one a feed reader can open: absolute, http or https, with a host. Feeds
/// must carry absolute links, and other schemes (`javascript:`, `file:`) are never links.
pub fn is_web_url(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
}

/// Bytes in lower-case hex (digests in names, signatures and ETags).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Drops the characters XML 1.0 cannot carry (C0 controls but tab and newlines, U+FFFE,
/// U+FFFF). The writer crates emit them raw, which makes the whole feed unreadable, so every
/// text that reaches a feed passes through here first.
pub fn remove_xml_forbidden(text: &str) -> Cow<'_, str> {
    if has_xml_forbidden(text) {
        Cow::Owned(text.chars().filter(|&c| is_xml_char(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// A byte scan: this runs over every article, and forbidden characters are rare. They are the
/// C0 control bytes other than tab, LF and CR, and U+FFFE/U+FFFF, which UTF-8 writes as
/// `EF BF BE`/`EF BF BF` (`EF BF` alone also starts common full-width forms such as `￥`).
fn has_xml_forbidden(text: &str) -> bool {
    let bytes = text.as_bytes();
    // No early exit, so the compiler can check 32 bytes at a time.
    let control = bytes.iter().fold(false, |found, &b| {
        found | (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r')
    });
    control
        || memchr::memmem::find_iter(bytes, b"\xEF\xBF")
            .any(|at| matches!(bytes.get(at + 2), Some(0xBE | 0xBF)))
}

fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// A path as logs and reports show it: one line, readable.
///
/// Control characters are escaped (a newline in a file name would otherwise forge a log
/// line), and a name that is not UTF-8 is read as GB18030, the legacy encoding of Chinese
/// file names, or else has its invalid bytes written `\xXX`.
pub fn shown(path: &Path) -> Shown<'_> {
    Shown(path)
}

pub struct Shown<'a>(&'a Path);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bytes = self.0.as_os_str().as_encoded_bytes();
        let text: Cow<str> = match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => match GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(decoded) => decoded,
                None => Cow::Owned(
                    bytes
                        .utf8_chunks()
                        .map(|c| {
                            let bad: String =
                                c.invalid().iter().map(|b| format!("\\x{b:02X}")).collect();
                            format!("{}{bad}", c.valid())
                        })
                        .collect(),
                ),
            },
        };
        for c in text.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_sharing_the_first_bytes_stay() {
        // ￥ (U+FFE5) and ￣ (U+FFE3) start with the same two bytes as U+FFFE and U+FFFF.
        assert!(matches!(
            remove_xml_forbidden("价格￥100 ￣"),
            Cow::Borrowed(_)
        ));
        assert_eq!(remove_xml_forbidden("￥\u{fffe}￥\u{ffff}"), "￥￥");
    }

    #[test]
    fn forbidden_characters_go_and_the_rest_stays() {
        assert_eq!(
            remove_xml_forbidden("a\u{0}b\u{8}\tc\n\r\u{b}\u{c}\u{1f}d\u{fffe}\u{ffff}e"),
            "ab\tc\n\rde"
        );
        assert!(matches!(
            remove_xml_forbidden("正常 text\u{200b}😀"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn rare_chinese_characters_are_han() {
        for c in ['中', '㐀', '𠀀', '𪜀', '𫠠', '丽'] {
            assert!(is_han(c), "{c}");
        }
        for c in ['a', '。', '，', 'ア', '한'] {
            assert!(!is_han(c), "{c}");
        }
    }

    #[test]
    fn only_http_links_with_a_host_are_web_links() {
        let web = |s: &str| Url::parse(s).is_ok_and(|u| is_web_url(&u));
        assert!(web("https://example.com/a"));
        assert!(web("http://example.com"));
        assert!(!web("javascript:alert(1)"));
        assert!(!web("file:///etc/passwd"));
        assert!(!web("mailto:a@example.com"));
    }
}
