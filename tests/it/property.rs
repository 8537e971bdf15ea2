//! Whatever text an article holds, the feeds are well-formed XML that feed-rs can read.

use crate::common;

use bifeed::Config;
use bifeed::render;
use bifeed::{Context, parse};
use chrono::{FixedOffset, TimeZone};
use proptest::prelude::*;

fn context() -> Context {
    let bj = FixedOffset::east_opt(8 * 3600).unwrap();
    Context {
        id: "0123456789abcdef".into(),
        file_time: bj.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap(),
        now: bj.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(),
    }
}

/// Renders whatever `text` parses to and checks all four feeds.
fn assert_feeds_valid(text: &str) -> Option<bifeed::Article> {
    let parsed = parse(text, &context()).ok()?;
    let article = parsed.article;
    let files = render(&Config::default().site, &[&article], &[], 50).expect("every feed renders");
    let mut feeds = 0;
    for file in &files {
        if file.path == "feeds.opml" {
            common::assert_well_formed(std::str::from_utf8(&file.bytes).unwrap());
        }
        if !common::FEEDS.contains(&file.path.as_str()) {
            continue;
        }
        feeds += 1;
        let feed = common::Feed::from_bytes(&file.bytes);
        let lang_has_item = match &file.path[..2] {
            "zh" => article.zh.is_some(),
            _ => article.en.is_some(),
        };
        assert_eq!(
            feed.parsed.entries.len(),
            usize::from(lang_has_item),
            "{}",
            file.path
        );
    }
    assert_eq!(feeds, 4);
    Some(article)
}

/// Strings heavy in what breaks XML and HTML, besides arbitrary Unicode: markup, CDATA ends,
/// Markdown, control characters, and character references (`&#1;`), which Markdown decodes.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[<>&\"'\\]\\[!*_`#;x0-9A-F\\\\\u{0}-\u{1f}\u{7f}\u{fffe}\u{ffff}\u{feff}\u{200b}\u{202e}a-z 中文]{0,60}",
        "(&#x?[0-9A-Fa-f]{1,6};|<[a-z]{1,6}>|\\*\\*|]]>|[a-z 中]{1,5}){0,12}",
    ]
}

/// Titles and bodies of hostile text in the article format: each that parses must reach all
/// four feeds well-formed. Most must parse, or the test would check nothing: the share that
/// did is asserted.
#[test]
fn any_title_and_body_give_well_formed_feeds() {
    let accepted = std::cell::Cell::new(0usize);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
    let result = runner.run(&(hostile(), hostile()), |(title, body)| {
        let text = format!(
            "{title}\n{body}\n英语如下:\n### Title: {title}\n### Keywords: {body}\n{body}\n【来源】http://e.com/2024/05-20/1.html"
        );
        if let Some(article) = assert_feeds_valid(&text) {
            accepted.set(accepted.get() + 1);
            // Any title that survives parsing reaches the feed without XML-forbidden characters.
            for version in [&article.zh, &article.en].into_iter().flatten() {
                prop_assert!(!version.title.chars().any(|c| (c as u32) < 0x20 && c != '\t'));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(
        accepted.get() >= 150,
        "only {} of 300 generated articles parsed: the property was hardly checked",
        accepted.get()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_file_text_never_panics_and_gives_well_formed_feeds(text in hostile()) {
        assert_feeds_valid(&text);
    }
}
