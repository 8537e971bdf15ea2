//! Any bytes as an article file, parsed and rendered: never a panic, and every feed and the
//! OPML list are well-formed XML without characters XML 1.0 forbids.
#![no_main]

use bifeed::{Context, parse};
use bifeed::Config;
use bifeed::render;
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
    let Ok(parsed) = parse(&text.text, &ctx) else { return };
    let site = Config::default().site;
    for file in render(&site, &[&parsed.article], &[], 50).expect("every feed renders") {
        if file.path == "index.html" {
            continue;
        }
        let xml = std::str::from_utf8(&file.bytes).expect("feeds are UTF-8");
        if let Err(e) = roxmltree::Document::parse(xml) {
            panic!("{} is not well-formed: {e}\n{xml}", file.path);
        }
        assert!(
            !xml.chars().any(|c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')),
            "{} holds a character XML forbids",
            file.path
        );
    }
});
