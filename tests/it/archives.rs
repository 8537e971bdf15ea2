//! RFC 5005 archived feeds: the subscription feed holds the newest articles and links the
//! newest archive; walking `prev-archive` from it, with a parser bifeed does not write with,
//! meets every article of the language exactly once; archives change only when an article
//! of their month does; the language pages link the months; `serve` lets clients keep the
//! archives that no longer change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::serving::Server;
use crate::common::{self, Site};

const BASE: &str = "https://news.example.com/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const HISTORY_NS: &str = "http://purl.org/syndication/history/1.0";

/// Article `n`'s date: two a day, back from the end of 2024, so that `n` articles span
/// months and days with several articles.
fn date_of(n: usize) -> String {
    let day =
        chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap() - chrono::Days::new((n / 2) as u64);
    day.format("%Y/%m-%d").to_string()
}

fn article_name(n: usize) -> String {
    format!("a{n:05}.txt")
}

/// A site of `n` articles, `limit` items per feed, no topic feeds (what this tests does not
/// need them, and they cost time).
fn site_of(n: usize, limit: usize) -> Site {
    let site = Site::new();
    for i in 0..n {
        site.article(
            &article_name(i),
            common::article(
                &format!("新闻{i}"),
                &format!("Story {i}"),
                &date_of(i),
                "port",
            ),
        );
    }
    site.config(&format!(
        "base_url: {BASE}\nlimit: {limit}\ntopics:\n  min_articles: 0\n"
    ));
    site
}

/// One document of the walk: its entry ids and its RFC 5005 links.
struct Document {
    ids: Vec<String>,
    links: BTreeMap<String, String>,
    archive: bool,
}

fn read(out: &Path, url: &str) -> Document {
    let path = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not on the site"));
    let bytes = std::fs::read(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    // feed-rs reads it as a feed too.
    let feed = common::Feed::from_bytes(&bytes);
    let doc = roxmltree::Document::parse(&feed.xml).unwrap();
    let rss = doc.root_element().tag_name().name() == "rss";
    let ids = doc
        .descendants()
        .filter(|n| {
            if rss {
                n.tag_name().name() == "guid"
            } else {
                n.tag_name().name() == "id"
                    && n.parent().is_some_and(|p| p.tag_name().name() == "entry")
            }
        })
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    let links = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "link" && n.tag_name().namespace() == Some(ATOM_NS))
        .filter_map(|n| {
            Some((
                n.attribute("rel")?.to_string(),
                n.attribute("href")?.to_string(),
            ))
        })
        .collect();
    let archive = doc
        .descendants()
        .any(|n| n.tag_name().name() == "archive" && n.tag_name().namespace() == Some(HISTORY_NS));
    assert_eq!(
        feed.parsed.entries.len(),
        doc.descendants()
            .filter(|n| { n.tag_name().name() == if rss { "item" } else { "entry" } })
            .count()
    );
    Document {
        ids,
        links,
        archive,
    }
}

/// Walks `prev-archive` from a language's subscription feed in `file` (`atom.xml`), checking
/// each archive's marker and links; returns every entry id met, in order, and the documents.
fn walk(out: &Path, lang: &str, file: &str) -> (Vec<String>, Vec<String>) {
    let current = format!("{BASE}{lang}/{file}");
    let feed = read(out, &current);
    assert!(!feed.archive, "the subscription feed is no archive");
    let mut ids = feed.ids;
    let mut visited = vec![current.clone()];
    let mut next = feed.links.get("prev-archive").cloned();
    while let Some(url) = next {
        assert!(visited.len() < 1000, "a loop of archives: {visited:?}");
        let doc = read(out, &url);
        assert!(doc.archive, "{url}: fh:archive");
        assert_eq!(doc.links.get("current"), Some(&current), "{url}");
        assert_eq!(doc.links.get("self"), Some(&url), "{url}");
        // The archive after it is the one the walk came from (none for the newest).
        let came_from = visited.last().filter(|u| **u != current);
        assert_eq!(doc.links.get("next-archive"), came_from, "{url}");
        assert!(!doc.ids.is_empty(), "{url}: an archive holds articles");
        ids.extend(doc.ids);
        next = doc.links.get("prev-archive").cloned();
        visited.push(url);
    }
    (ids, visited)
}

/// How many articles the walk test writes: 10,000, or `BIFEED_ARCHIVE_ARTICLES`
/// (a quicker run while working on it).
fn articles_to_walk() -> usize {
    std::env::var("BIFEED_ARCHIVE_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

#[test]
fn walking_prev_archive_from_the_feed_meets_every_article_exactly_once() {
    let n = articles_to_walk();
    let site = site_of(n, 50);
    site.build();
    for lang in ["zh", "en"] {
        let expected: BTreeSet<String> = (0..n)
            .map(|i| format!("tag:news.example.com,2026:{lang}/a{i:05}"))
            .collect();
        for file in ["atom.xml", "rss.xml"] {
            let (ids, visited) = walk(&site.out(), lang, file);
            let distinct: BTreeSet<String> = ids.iter().cloned().collect();
            assert_eq!(
                distinct.len(),
                ids.len(),
                "{lang}/{file}: an article met twice"
            );
            assert_eq!(distinct, expected, "{lang}/{file}");
            // One archive per month that has an article past the feed's 50, newest first.
            assert!(visited.len() > 3, "{visited:?}");
            let months: Vec<&str> = visited[1..]
                .iter()
                .map(|u| u.rsplit('/').nth(1).unwrap())
                .collect();
            let mut sorted = months.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(months, sorted, "{lang}/{file}: newest month first");
        }
    }
}

/// Every archive file of the output, with its bytes and modification time.
fn archive_files(site: &Site) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    common::tree(&site.out())
        .into_iter()
        .filter(|(path, _)| path.contains("/archive/"))
        .map(|(path, bytes)| {
            let mtime = std::fs::metadata(site.out().join(&path))
                .unwrap()
                .modified()
                .unwrap();
            (path, (bytes, mtime))
        })
        .collect()
}

/// The months (`2024-05`) whose archive files differ between two snapshots.
fn months_changed(
    before: &BTreeMap<String, (Vec<u8>, std::time::SystemTime)>,
    after: &BTreeMap<String, (Vec<u8>, std::time::SystemTime)>,
) -> BTreeSet<String> {
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    paths
        .into_iter()
        .filter(|p| before.get(*p) != after.get(*p))
        .map(|p| p.split('/').nth(2).unwrap().to_string())
        .collect()
}

#[test]
fn an_archive_is_rewritten_only_when_an_article_of_its_month_changes() {
    // 300 articles, two a day from 2024-12-31 back: past the feed's 20 they span August to
    // December.
    let site = site_of(300, 20);
    site.build();
    let first = archive_files(&site);
    assert!(
        first.keys().any(|p| p.starts_with("zh/archive/2024-08/")),
        "{first:?}"
    );

    site.build();
    assert_eq!(
        archive_files(&site),
        first,
        "nothing changed, nothing rewritten"
    );

    // An article of September is edited: September's documents change, in both languages,
    // and no other month's.
    let september = (0..300)
        .find(|&i| date_of(i).starts_with("2024/09"))
        .unwrap();
    site.article(
        &article_name(september),
        common::article("新闻已更正", "Story corrected", &date_of(september), "port"),
    );
    site.build();
    let edited = archive_files(&site);
    assert_eq!(
        months_changed(&first, &edited),
        BTreeSet::from(["2024-09".to_string()])
    );

    // A new article, the newest: the oldest of the feed moves to the newest archive, and
    // only that archive changes (December's: the feed's 20 are all of December).
    site.article(
        "new.txt",
        common::article("新新闻", "New story", "2025/01-02", "port"),
    );
    site.build();
    let slid = archive_files(&site);
    assert_eq!(
        months_changed(&edited, &slid),
        BTreeSet::from(["2024-12".to_string()])
    );

    // Every August article removed: August's archive goes, and September's, which linked it
    // as its prev-archive, changes.
    for i in (0..300).filter(|&i| date_of(i).starts_with("2024/08")) {
        std::fs::remove_file(site.articles().join(article_name(i))).unwrap();
    }
    site.build();
    let removed = archive_files(&site);
    assert!(
        !removed.keys().any(|p| p.contains("2024-08")),
        "{:?}",
        removed.keys()
    );
    assert_eq!(
        months_changed(&slid, &removed),
        BTreeSet::from(["2024-08".to_string(), "2024-09".to_string()])
    );
}

#[test]
fn a_language_page_links_every_month_of_its_archive() {
    let site = site_of(200, 20);
    site.build();
    for lang in ["zh", "en"] {
        let html = std::fs::read_to_string(site.out().join(lang).join("index.html")).unwrap();
        let page = scraper::Html::parse_document(&html);
        let links: BTreeSet<String> = page
            .select(&scraper::Selector::parse("nav.history a").unwrap())
            .filter_map(|a| a.value().attr("href").map(String::from))
            .collect();
        let months: BTreeSet<String> = common::files_named(&site.out(), "index.html")
            .into_iter()
            .filter(|p| p.starts_with(&format!("{lang}/archive/")))
            .map(|p| format!("{BASE}{p}"))
            .collect();
        assert!(months.len() >= 4, "{months:?}");
        assert_eq!(links, months, "{lang}");
    }
}

#[test]
fn no_archives_when_the_feed_holds_every_article_or_they_are_off() {
    let site = site_of(60, 0);
    site.build();
    assert!(!site.out().join("zh/archive").exists());
    assert!(
        !common::tree(&site.out())
            .values()
            .any(|b| { String::from_utf8_lossy(b).contains("prev-archive") })
    );

    let site = site_of(60, 10);
    site.build();
    assert!(site.out().join("zh/archive").exists());
    // Turned off: the archives go, and the feeds link none.
    site.config(&format!(
        "base_url: {BASE}\nlimit: 10\narchives: false\ntopics:\n  min_articles: 0\n"
    ));
    site.build();
    let files = common::tree(&site.out());
    assert!(
        !files.keys().any(|p| p.contains("/archive/")),
        "{:?}",
        files.keys()
    );
    assert!(!String::from_utf8_lossy(&files["zh/atom.xml"]).contains("prev-archive"));
}

#[test]
fn serve_lets_clients_keep_the_archives_that_no_longer_change() {
    let site = site_of(200, 20);
    let server = Server::start(site);
    let months: BTreeSet<String> = common::files_named(&server.site.out(), "atom.xml")
        .into_iter()
        .filter(|p| p.starts_with("zh/archive/"))
        .collect();
    let newest = months.iter().next_back().unwrap().clone();
    for path in &months {
        let reply = server.get(&format!("/{path}"), &[]);
        assert_eq!(reply.status, 200, "{path}");
        let cache = reply
            .header("cache-control")
            .unwrap_or_default()
            .to_string();
        if *path == newest {
            assert_eq!(
                cache, "public, max-age=300",
                "{path}: takes the feed's leavers"
            );
        } else {
            assert_eq!(cache, "public, max-age=86400", "{path}");
        }
    }
    assert_eq!(
        server.get("/zh/atom.xml", &[]).header("cache-control"),
        Some("public, max-age=300")
    );
    server.stop();
}

#[test]
fn watch_keeps_the_archives_as_a_fresh_build_writes_them() {
    use crate::common::watching::Watching;
    let watching = Watching::start(site_of(120, 10), &[]);
    // A new article pushes the feed's oldest into the newest archive; an old one is removed
    // from its month's archive.
    std::fs::write(
        watching.articles().join("new.txt"),
        common::article("新新闻", "New story", "2025/01-02", "port"),
    )
    .unwrap();
    std::fs::remove_file(watching.articles().join(article_name(100))).unwrap();
    watching.wait_for("the new article in the feed", |w| {
        std::fs::read_to_string(w.site.out().join("zh/atom.xml"))
            .is_ok_and(|t| t.contains("新新闻"))
    });
    watching.assert_matches_fresh_build();
    let (ids, _) = walk(&watching.site.out(), "zh", "atom.xml");
    assert_eq!(ids.len(), 120, "120 - 1 + 1 articles, each once");
    watching.stop();
}
