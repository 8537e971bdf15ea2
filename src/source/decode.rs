//! Decoding an article's bytes into text: UTF-8, UTF-16 with a byte-order mark, or the
//! Chinese legacy encodings.

use std::borrow::Cow;

use encoding_rs::{BIG5, Encoding, GB18030, UTF_16LE};

use crate::diagnostic::{Rejection, Warning};

/// An article's text and how it was decoded. UTF-8, nearly every file, is borrowed from the
/// bytes read; other encodings are decoded into a new string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    pub text: Cow<'a, str>,
    /// The encoding's name as `check` shows it (`UTF-8`, `GB18030`, ...).
    pub encoding: &'static str,
    pub warnings: Vec<Warning>,
}

/// Decodes an article's bytes: UTF-8 (with or without byte-order mark), UTF-16 with a
/// byte-order mark, or, for bytes that are not UTF-8, the Chinese legacy encoding that
/// chardetng recognises (GB18030/GBK, or Big5).
pub fn decode(bytes: &[u8]) -> Result<Text<'_>, Rejection> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return if encoding == encoding_rs::UTF_8 {
            utf8(body, "UTF-8 (with BOM)")
        } else {
            let name = if encoding == UTF_16LE {
                "UTF-16LE"
            } else {
                "UTF-16BE"
            };
            strict(encoding, body, name)
        };
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Err(Rejection {
            line: line_at(bytes, at),
            reason: "not a text file: NUL byte".into(),
        });
    }
    utf8(bytes, "UTF-8").or_else(|utf8_error| {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
        let (encoding, name) = if guess == encoding_rs::GBK || guess == GB18030 {
            (GB18030, "GB18030")
        } else if guess == BIG5 {
            (BIG5, "Big5")
        } else {
            return Err(Rejection {
                line: utf8_error.line,
                reason: format!(
                    "not UTF-8, GB18030 or Big5 text ({}; it looks most like {})",
                    utf8_error.reason,
                    guess.name()
                ),
            });
        };
        strict(encoding, bytes, name)
    })
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1
}

/// UTF-8 text, validated with SIMD (Chinese text has no ASCII fast path), or why not.
fn utf8<'a>(bytes: &'a [u8], name: &'static str) -> Result<Text<'a>, Rejection> {
    let cut = match simdutf8::compat::from_utf8(bytes) {
        Ok(text) => {
            return Ok(Text {
                text: Cow::Borrowed(text),
                encoding: name,
                warnings: Vec::new(),
            });
        }
        Err(e) => e,
    };
    let line = line_at(bytes, cut.valid_up_to());
    // Cut inside the last character: a file still being written. Keep what is complete;
    // the next change event will bring the rest.
    if cut.error_len().is_none() {
        let complete = &bytes[..cut.valid_up_to()];
        return Ok(Text {
            text: Cow::Borrowed(simdutf8::basic::from_utf8(complete).unwrap_or_default()),
            encoding: name,
            warnings: vec![Warning {
                line,
                message: "the file ends inside a UTF-8 character (still being written?); \
                          the partial character was dropped"
                    .into(),
            }],
        });
    }
    Err(Rejection {
        line,
        reason: format!("invalid UTF-8 at byte {}", cut.valid_up_to()),
    })
}

fn strict<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    name: &'static str,
) -> Result<Text<'a>, Rejection> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Text {
            text,
            encoding: name,
            warnings: Vec::new(),
        }),
        None => Err(Rejection {
            line: 1,
            reason: format!("bytes that are not valid {name}"),
        }),
    }
}
