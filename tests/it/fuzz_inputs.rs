//! Inputs kept from fuzzing (`fuzz/`, the `render` target), replayed on every test run: 400
//! of its minimised corpus, spread over sizes up to 4 KB, each reaching some branch of
//! decoding, parsing or rendering. Each must decode and parse without panicking and, when
//! accepted, render into well-formed feeds.

use crate::common;

use bifeed::Config;
use bifeed::decode;
use bifeed::render;
use bifeed::{Context, parse};
use chrono::{FixedOffset, TimeZone};

#[test]
fn every_kept_fuzz_input_still_renders_well_formed_feeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_inputs");
    let bj = FixedOffset::east_opt(8 * 3600).unwrap();
    let ctx = Context {
        id: "0123456789abcdef".into(),
        file_time: bj.with_ymd_and_hms(2025, 1, 2, 3, 4, 5).unwrap(),
        now: bj.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(),
    };
    let site = Config::default().site;
    let (mut inputs, mut accepted) = (0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        inputs += 1;
        let Ok(text) = decode(&bytes) else { continue };
        let Ok(parsed) = parse(&text.text, &ctx) else {
            continue;
        };
        accepted += 1;
        for file in render(&site, &[&parsed.article], &[], 50).expect("every feed renders") {
            if common::FEEDS.contains(&file.path.as_str()) {
                common::Feed::from_bytes(&file.bytes);
            } else if file.path.ends_with(".opml") {
                common::assert_well_formed(std::str::from_utf8(&file.bytes).unwrap());
            }
        }
    }
    assert_eq!(inputs, 400);
    assert!(
        accepted > 50,
        "only {accepted} inputs parse: the kept inputs lost their point"
    );
}
