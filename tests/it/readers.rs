//! What real feed readers show is what the articles say.
//!
//! The sample articles and the hostile corpus are served by `bifeed serve`; newsboat, sfeed and
//! feedparser subscribe to every feed over HTTP (newsboat also by importing `feeds.opml`), and
//! what each shows of every item (title, the instant of its date, link, categories, author, the
//! text of its content) is compared with what the article files say.
//!
//! The readers are outside programs: `.ci/run` installs them (newsboat and sfeed from Debian,
//! feedparser into a venv at `target/readers-venv`, or wherever `BIFEED_READERS_PYTHON` points).
//! Where one is missing the test says so and skips it, except with `BIFEED_REQUIRE_READERS=1`
//! (CI), where a missing reader fails.
#![cfg(unix)]

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Site;
use common::serving::Server;

const ID_PREFIX: &str = "tag:readers.test,2026:";
const FEED_AUTHOR: &str = "the news desk";
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/readers/show.py");

/// One item as a reader shows it (see `tests/readers/show.py`).
#[derive(Debug, serde::Deserialize)]
struct Shown {
    feed: String,
    id: Option<String>,
    title: Option<String>,
    date: Option<i64>,
    link: Option<String>,
    author: Option<String>,
    categories: Option<Vec<String>>,
    text: String,
}

/// What an item must show, from the article file.
#[derive(Debug)]
struct Expected {
    title: String,
    date: i64,
    link: String,
    author: String,
    categories: Vec<String>,
    /// Subheading and paragraphs, one per line, as a person reads them.
    text: String,
}

/// The Python that has feedparser, or why there is none.
fn python() -> Result<PathBuf, String> {
    let python = std::env::var_os("BIFEED_READERS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/readers-venv/bin/python")
        });
    match Command::new(&python)
        .args(["-c", "import feedparser"])
        .output()
    {
        Ok(out) if out.status.success() => Ok(python),
        _ => Err(format!(
            "feedparser: no Python with feedparser at {} (set BIFEED_READERS_PYTHON)",
            python.display()
        )),
    }
}

fn program(name: &str, probe: &[&str]) -> Result<(), String> {
    match Command::new(name).args(probe).output() {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("{name}: not installed ({e})")),
    }
}

/// The readers that can run here. A missing one fails the test when readers are required,
/// and is named on stderr otherwise: never a silent pass.
fn readers() -> (Option<PathBuf>, Vec<&'static str>) {
    let required = std::env::var_os("BIFEED_REQUIRE_READERS").is_some();
    let python = python();
    let mut available = Vec::new();
    let mut missing = Vec::new();
    for (reader, found) in [
        ("newsboat", program("newsboat", &["--version"])),
        ("sfeed", program("sfeed", &["--invalid-option-probe"])),
        (
            "feedparser",
            python.as_ref().map(drop).map_err(Clone::clone),
        ),
    ] {
        match found {
            Ok(()) => available.push(reader),
            Err(why) => missing.push(why),
        }
    }
    if !missing.is_empty() {
        assert!(!required, "readers required but missing: {missing:?}");
        eprintln!(
            "SKIPPED readers (install them as .ci/run does): {}",
            missing.join("; ")
        );
    }
    (python.ok(), available)
}

fn show(python: &Path, reader: &str, args: &[String]) -> Vec<Shown> {
    let out = Command::new(python)
        .arg(SCRIPT)
        .arg(reader)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{reader} failed: {}",
        common::stderr(&out)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A site whose config the expectations know: every article in the feeds, links to the
/// served address.
fn site_of(articles: &Path) -> Site {
    let site = Site::new();
    common::copy_dir(articles, &site.articles());
    site.config(&format!(
        "limit: 0\nid_prefix: \"{ID_PREFIX}\"\nauthor:\n  name: {FEED_AUTHOR}\n"
    ));
    site
}

/// Every item of every feed, by feed path and item id, from the article files.
fn expectations(site: &Site, base: &str) -> BTreeMap<(&'static str, String), Expected> {
    let config = bifeed::Sources {
        file: Some(site.dir.path().join("bifeed.yaml")),
        articles: Some(site.articles()),
        ..Default::default()
    }
    .load()
    .unwrap();
    let mut expected = BTreeMap::new();
    for file in bifeed::outcomes(&config).unwrap() {
        let Ok(parsed) = file.result else { continue };
        let a = parsed.article;
        for (lang, version) in [("zh", &a.zh), ("en", &a.en)] {
            let Some(v) = version else { continue };
            let id = percent_encoding::utf8_percent_encode(&a.id, ID_ESCAPE).to_string();
            let link = match &a.link {
                Some(url) => url.to_string(),
                None => format!("{base}{lang}/articles/{id}.html"),
            };
            let separator = if lang == "zh" { "、" } else { ", " };
            let mut text = String::new();
            for line in v.subheading.iter().chain(&v.paragraphs) {
                text.push_str(line);
                text.push('\n');
            }
            let item = Expected {
                title: v.title.clone(),
                date: a.date.timestamp(),
                link,
                author: if v.authors.is_empty() {
                    FEED_AUTHOR.to_string()
                } else {
                    v.authors.join(separator)
                },
                categories: v.feed_keywords().to_vec(),
                text,
            };
            // A later file name wins an id, as in the feeds.
            expected.insert((lang, format!("{ID_PREFIX}{lang}/{id}")), item);
        }
    }
    expected
}

/// Ids keep RFC 3986's unreserved characters and escape the rest.
const ID_ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Whitespace runs as one space: readers and HTML differ in line breaks and indentation.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text as a person reads it once inline Markdown is rendered: the marks that make emphasis,
/// code and links are gone, every other character stays (a reference such as `&lt;` is four
/// characters to read, not `<`). Applied to both sides, so it only forgives those marks.
fn readable(text: &str) -> String {
    let links = regex::Regex::new(r"!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)").unwrap();
    let autolinks = regex::Regex::new(r"<([A-Za-z][A-Za-z0-9+.-]*:[^<>\s]*)>").unwrap();
    let text = links.replace_all(text, "$1");
    let text = autolinks.replace_all(&text, "$1");
    squeeze(&text.replace(['*', '_', '`', '\\'], ""))
}

/// What a reader gets wrong whatever the feed says, so bifeed cannot help it; everything
/// else must match exactly. Each is seen in the reader's code or behaviour, not guessed.
fn known_limit(reader: &str, url: &str, field: &str, e: &Expected) -> Option<&'static str> {
    let reads_as_markup = regex::Regex::new(r"<[A-Za-z/]|&#").unwrap();
    match (reader, field) {
        // newsboat keeps dates as unsigned 32-bit seconds: 1900 comes back as 2036.
        (r, "date") if r.starts_with("newsboat") && e.date < 0 => {
            Some("newsboat cannot show dates before 1970")
        }
        // feedparser takes an RSS title that looks like HTML for HTML and sanitizes it
        // (attributes dropped, references rewritten), however it is encoded: the RSS
        // profile leaves a title's type open. Atom says `type="text"`, and there it is right.
        ("feedparser", "title")
            if url.ends_with("rss.xml") && reads_as_markup.is_match(&e.title) =>
        {
            Some("feedparser sniffs RSS titles for HTML")
        }
        _ => None,
    }
}

/// Compares what `reader` showed of the feeds with the expectations; returns the mismatches.
fn compare(
    reader: &str,
    shown: &[Shown],
    expected: &BTreeMap<(&'static str, String), Expected>,
    feeds: &[(&'static str, String)],
) -> Vec<String> {
    let mut problems = Vec::new();
    for (lang, url) in feeds {
        let items: Vec<&Shown> = shown.iter().filter(|s| &s.feed == url).collect();
        let want = expected.keys().filter(|(l, _)| l == lang).count();
        if items.len() != want {
            problems.push(format!(
                "{reader} {url}: {} items, want {want}",
                items.len()
            ));
        }
        for item in items {
            let id = item.id.clone().unwrap_or_default();
            let Some(e) = expected.get(&(*lang, id.clone())) else {
                problems.push(format!("{reader} {url}: unexpected item {item:?}"));
                continue;
            };
            let mut check = |field: &str, got: String, want: String| {
                if got == want {
                    return;
                }
                let report =
                    format!("{reader} {url} {id} {field}:\n   shows {got:?}\n    says {want:?}");
                match known_limit(reader, url, field, e) {
                    Some(why) => eprintln!("known reader limit ({why}): {report}"),
                    None => problems.push(report),
                }
            };
            check(
                "title",
                squeeze(item.title.as_deref().unwrap_or("")),
                squeeze(&e.title),
            );
            check(
                "date",
                format!("{:?}", item.date),
                format!("{:?}", Some(e.date)),
            );
            check(
                "link",
                item.link.clone().unwrap_or_default(),
                e.link.clone(),
            );
            check(
                "author",
                item.author.clone().unwrap_or_default(),
                e.author.clone(),
            );
            if let Some(categories) = &item.categories {
                check(
                    "categories",
                    format!("{categories:?}"),
                    format!("{:?}", e.categories),
                );
            }
            let (got, want) = if *lang == "zh" {
                (squeeze(&item.text), squeeze(&e.text))
            } else {
                (readable(&item.text), readable(&e.text))
            };
            check("text", got, want);
        }
    }
    problems
}

fn every_reader_shows_what_the_articles_say(articles: &Path) {
    let (python, readers) = readers();
    let Some(python) = python.filter(|_| !readers.is_empty()) else {
        return;
    };
    let server = Server::start(site_of(articles));
    let expected = expectations(&server.site, &server.base);
    assert!(!expected.is_empty());
    let feeds: Vec<(&str, String)> = ["zh/rss.xml", "zh/atom.xml", "en/rss.xml", "en/atom.xml"]
        .into_iter()
        .map(|path| (&path[..2], server.url(&format!("/{path}"))))
        .collect();
    let urls: Vec<String> = feeds.iter().map(|(_, url)| url.clone()).collect();
    let mut problems = Vec::new();
    for reader in &readers {
        // One feed at a time: a reader that merges items with one id across feeds (newsboat)
        // is tested on that through the OPML list below.
        let mut shown = Vec::new();
        for url in &urls {
            shown.extend(show(&python, reader, std::slice::from_ref(url)));
        }
        problems.extend(compare(reader, &shown, &expected, &feeds));
    }
    if readers.contains(&"newsboat") {
        // Importing the OPML list subscribes to one feed per language: every article once,
        // no feed empty.
        let opml = server.site.out().join("feeds.opml");
        let shown = show(
            &python,
            "newsboat",
            &["--opml".into(), opml.display().to_string()],
        );
        let listed: Vec<(&str, String)> = feeds
            .iter()
            .filter(|(_, url)| url.ends_with("atom.xml"))
            .cloned()
            .collect();
        problems.extend(compare("newsboat (OPML)", &shown, &expected, &listed));
    }
    // The links of articles without a source open their page, which shows the article.
    for ((_, _), e) in expected
        .iter()
        .filter(|(_, e)| e.link.starts_with(&server.base))
    {
        let page = server.get(&e.link[server.base.len() - 1..], &[]);
        assert_eq!(page.status, 200, "{}", e.link);
        let html = String::from_utf8(page.body).unwrap();
        assert!(html.contains("<h1>"), "{}: {html}", e.link);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    server.stop();
}

#[test]
fn newsboat_sfeed_and_feedparser_show_the_sample_articles() {
    every_reader_shows_what_the_articles_say(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("articles"),
    );
}

#[test]
fn newsboat_sfeed_and_feedparser_show_the_hostile_corpus() {
    every_reader_shows_what_the_articles_say(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"),
    );
}

/// Topic feeds as a person subscribes to them: by importing `topics.opml` (newsboat), or by a
/// URL found there (feedparser). Every topic feed listed shows its articles: all of them,
/// once, as the independent parser reads the same feed.
#[test]
fn newsboat_and_feedparser_read_the_topic_feeds_of_topics_opml() {
    let (python, readers) = readers();
    let Some(python) = python.filter(|_| readers.contains(&"newsboat")) else {
        return;
    };
    let site = Site::new();
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("articles"),
        &site.articles(),
    );
    site.config("limit: 0\ntopics:\n  min_articles: 2\n");
    let server = Server::start(site);
    let opml_path = server.site.out().join("topics.opml");
    let opml = std::fs::read_to_string(&opml_path).unwrap();
    let doc = roxmltree::Document::parse(&opml).unwrap();
    let urls: Vec<String> = doc
        .descendants()
        .filter_map(|n| n.attribute("xmlUrl").map(str::to_string))
        .collect();
    assert!(urls.len() >= 4, "{opml}");
    // What each topic feed holds, as feed-rs reads it over HTTP: (id, title, link).
    let mut want: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for url in &urls {
        let reply = server.get(&url[server.base.len() - 1..], &[]);
        assert_eq!(reply.status, 200, "{url}");
        let feed = feed_rs::parser::parse(&reply.body[..]).unwrap();
        assert!(!feed.entries.is_empty(), "{url}");
        let mut items: Vec<_> = feed
            .entries
            .iter()
            .map(|e| {
                let title = e
                    .title
                    .as_ref()
                    .map(|t| t.content.clone())
                    .unwrap_or_default();
                (e.id.clone(), title, e.links[0].href.clone())
            })
            .collect();
        items.sort();
        want.insert(url.clone(), items);
    }
    let imported = show(
        &python,
        "newsboat",
        &["--opml".into(), opml_path.display().to_string()],
    );
    let mut readers_shown = vec![("newsboat (topics.opml)", imported)];
    if readers.contains(&"feedparser") {
        readers_shown.push(("feedparser", show(&python, "feedparser", &urls)));
    }
    for (reader, shown) in readers_shown {
        let mut got: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
        for item in shown {
            got.entry(item.feed).or_default().push((
                item.id.unwrap_or_default(),
                item.title.unwrap_or_default(),
                item.link.unwrap_or_default(),
            ));
        }
        got.values_mut().for_each(|items| items.sort());
        assert_eq!(got, want, "{reader}");
    }
    server.stop();
}
