//! The hostile corpus (`tests/corpus/`, outcomes in `expected.tsv`) plus what git cannot hold
//! (a 10 MB article, symbolic links, a fifo, an unreadable file, editor temporaries): every
//! file gets exactly its expected outcome, and the four feeds of the whole lot are valid.
#![cfg(unix)]

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{FEEDS, Site, stdout};

#[derive(Debug, Clone, PartialEq)]
struct Expected {
    outcome: String,
    phrase: String,
}

fn manifest() -> BTreeMap<String, Expected> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/expected.tsv"))
            .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let name = cols.next().unwrap().to_string();
            let outcome = cols.next().unwrap().to_string();
            let phrase = cols.next().unwrap_or("").to_string();
            (name, Expected { outcome, phrase })
        })
        .collect()
}

/// The corpus in a temporary site, with the generated cases added to the manifest.
fn corpus_site() -> (Site, BTreeMap<String, Expected>) {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let site = Site::new();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"),
        &site.articles(),
    );
    let mut expected = manifest();
    let mut add = |name: &str, outcome: &str, phrase: &str| {
        expected.insert(
            name.to_string(),
            Expected {
                outcome: outcome.to_string(),
                phrase: phrase.to_string(),
            },
        );
    };
    let articles = site.articles();
    let valid = fs::read(articles.join("v01_standard.txt")).unwrap();

    // 10 MB: over the default 4 MB cap.
    let mut huge = valid.clone();
    huge.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    fs::write(articles.join("g01_10mb_article.txt"), &huge).unwrap();
    add(
        "g01_10mb_article.txt",
        "rejected",
        "over the limit of 4194304 bytes",
    );

    let outside = site.dir.path().join("outside.txt");
    fs::write(&outside, &valid).unwrap();
    symlink(&outside, articles.join("g02_link_outside.txt")).unwrap();
    add(
        "g02_link_outside.txt",
        "rejected",
        "symbolic link to a file outside the articles folder",
    );
    symlink("g03_link_loop.txt", articles.join("g03_link_loop.txt")).unwrap();
    add(
        "g03_link_loop.txt",
        "rejected",
        "broken or looping symbolic link",
    );
    symlink("nowhere.txt", articles.join("g04_link_broken.txt")).unwrap();
    add(
        "g04_link_broken.txt",
        "rejected",
        "broken or looping symbolic link",
    );

    let fifo = articles.join("g05_fifo.txt");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    add("g05_fifo.txt", "rejected", "not a regular file");

    let locked = articles.join("g06_unreadable.txt");
    fs::write(&locked, &valid).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads whatever the permissions say; then the file is simply an article.
    if fs::read(&locked).is_ok() {
        add("g06_unreadable.txt", "zh+en", "");
    } else {
        add("g06_unreadable.txt", "rejected", "permission denied");
    }

    for temp in [
        ".v01_standard.txt.swp",
        "v01_standard.txt~",
        ".#v01_standard.txt",
        "4913",
        "x.tmp",
        "notes.md",
    ] {
        fs::write(articles.join(temp), &valid).unwrap();
    }
    (site, expected)
}

/// `check`'s report, per file (path inside `articles/`): `ok` or `rejected`, and every line
/// about the file.
fn report_by_file(report: &str) -> BTreeMap<String, (String, String)> {
    let prefix = "articles/";
    let mut files: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in report.lines() {
        if let Some(rest) = line.strip_prefix(prefix) {
            let name_end = rest.find(": ok").or_else(|| rest.find(':')).unwrap();
            let name = rest[..name_end].to_string();
            let entry = files.entry(name.clone()).or_default();
            if rest[name_end..].starts_with(": ok") {
                entry.0 = "ok".into();
            } else if rest.contains(": rejected: ") {
                entry.0 = "rejected".into();
            }
            entry.1.push_str(line);
            entry.1.push('\n');
            current = Some(name);
        } else if line.starts_with("  ") {
            if let Some(name) = &current {
                let entry = files.get_mut(name).unwrap();
                entry.1.push_str(line);
                entry.1.push('\n');
            }
        } else {
            current = None;
        }
    }
    files
}

#[test]
fn every_file_of_the_corpus_gets_its_expected_outcome() {
    let (site, expected) = corpus_site();
    assert!(expected.len() >= 40 + 6, "{} cases", expected.len());
    let out = site.run(&["check"]);
    let report = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "rejected files make check fail:\n{report}"
    );
    let seen = report_by_file(&report);
    for (name, want) in &expected {
        let (status, lines) = seen
            .get(name)
            .unwrap_or_else(|| panic!("{name} is missing from the report:\n{report}"));
        let want_status = if want.outcome == "rejected" {
            "rejected"
        } else {
            "ok"
        };
        assert_eq!(status, want_status, "{name}:\n{lines}");
        assert!(
            lines.contains(&want.phrase),
            "{name}: no {:?} in\n{lines}",
            want.phrase
        );
        match want.outcome.as_str() {
            "zh" => assert!(lines.contains("(no en version)"), "{name}:\n{lines}"),
            "en" => assert!(lines.contains("(no zh version)"), "{name}:\n{lines}"),
            "zh+en" => assert!(!lines.contains(" version)"), "{name}:\n{lines}"),
            _ => {}
        }
    }
    let unexpected: Vec<&String> = seen.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(
        unexpected.is_empty(),
        "reported but not expected (editor temporaries?): {unexpected:?}"
    );
}

#[test]
fn the_feeds_of_the_whole_corpus_are_valid_and_hold_every_good_article() {
    let (site, expected) = corpus_site();
    site.config("limit: 0\n");
    site.build();
    let count = |lang: &str| {
        expected
            .values()
            .filter(|e| e.outcome == "zh+en" || e.outcome == lang)
            .count()
    };
    for path in FEEDS {
        let feed = site.feed(path);
        let lang = &path[..2];
        assert_eq!(feed.parsed.entries.len(), count(lang), "{path}");
        let titles = feed.titles();
        assert!(
            titles
                .iter()
                .any(|t| t == "重复的新闻(新)" || t == "Duplicate (new)"),
            "{path}"
        );
        assert!(
            !titles
                .iter()
                .any(|t| t == "重复的新闻(旧)" || t == "Duplicate (old)"),
            "{path}"
        );
        for entry in &feed.parsed.entries {
            for link in &entry.links {
                assert!(
                    link.href.starts_with("http://") || link.href.starts_with("https://"),
                    "{path}: link {}",
                    link.href
                );
            }
            let html = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .unwrap_or_default();
            assert_only_safe_markup(path, &html);
            let title = entry
                .title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default();
            assert!(
                !title.chars().any(|c| c < ' ' && c != '\t'),
                "{path}: control character in {title:?}"
            );
        }
    }
}

/// Article text is escaped, so every tag in the content is one the renderer made: the
/// subheading, paragraphs,
/// emphasis, code, and links to http(s) only. Escaped text (`&lt;script&gt;`) is harmless.
fn assert_only_safe_markup(path: &str, html: &str) {
    const ALLOWED: [&str; 7] = ["h3", "p", "strong", "em", "code", "a", "br"];
    for (at, _) in html.match_indices('<') {
        let tag = &html[at + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            ALLOWED.contains(&name.as_str()),
            "{path}: <{name}> in {html}"
        );
        if name == "a" && !tag.starts_with('/') {
            assert!(
                tag.starts_with("a href=\"http://") || tag.starts_with("a href=\"https://"),
                "{path}: link {tag}"
            );
        }
    }
}

#[test]
fn a_10mb_article_is_fine_when_the_cap_allows_it() {
    let site = Site::new();
    let mut text = common::article("很长的新闻", "A Long Story", "2024/05-01", "long");
    text.push('\n');
    text.push_str(&"长".repeat(3_500_000));
    site.article("001_1111111111111111.txt", &text);
    site.config("max_article_bytes: 16777216\n");
    site.build();
    for path in FEEDS {
        let feed = site.feed(path);
        assert_eq!(feed.parsed.entries.len(), 1, "{path}");
    }
}
