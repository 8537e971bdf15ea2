//! Any bytes as an article file: decoding and parsing never panic.
#![no_main]

use bifeed::{Context, parse};
use bifeed::decode;
use chrono::{FixedOffset, TimeZone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = decode(bytes) else { return };
    let Some(zone) = FixedOffset::east_opt(8 * 3600) else { return };
    let Some(file_time) = zone.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).single() else { return };
    let ctx = Context {
        id: "0123456789abcdef".into(),
        file_time,
        now: file_time,
    };
    if let Ok(parsed) = parse(&text.text, &ctx) {
        // Keywords are extracted lazily; make the fuzzer reach that code too.
        for version in [&parsed.article.zh, &parsed.article.en].into_iter().flatten() {
            let _ = version.feed_keywords();
        }
    }
});
