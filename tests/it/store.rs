//! Publishing to object storage, against a real S3-compatible server (moto's): the bucket
//! holds exactly what the output folder holds, with the headers a CDN needs, put in an
//! order that never leaves a published link dangling; a change sends exactly the objects
//! whose bytes changed, a removal removes them; a store that is down costs nothing locally
//! and is caught up with after.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::hub::Hub;
use crate::common::s3::{Object, PREFIX, Request, S3};
use crate::common::watching::{DEADLINE, Watching};
use crate::common::{self, Site};

const BASE: &str = "https://news.example.com/";

/// The sample articles (topics, an article with a page of its own) and nine more over three
/// months, three items per feed: archives of several months.
fn site_for(s3: &S3, extra: &str) -> Site {
    let site = common::site_with_topics("articles");
    for n in 0..9u64 {
        let date = format!("2024/{:02}-{:02}", 3 + n / 3, 10 + n);
        site.article(
            &format!("story{n}.txt"),
            common::article(&format!("新闻{n}"), &format!("Story {n}"), &date, "port"),
        );
    }
    site.config(&format!(
        "base_url: {BASE}\nlimit: 3\ntopics:\n  min_articles: 2\n{}{extra}",
        s3.config()
    ));
    site
}

fn puts(requests: &[Request]) -> Vec<String> {
    keys(requests, "PUT")
}

fn keys(requests: &[Request], method: &str) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.method == method)
        .map(|r| below_prefix(&r.key))
        .collect()
}

fn below_prefix(key: &str) -> String {
    key.strip_prefix(&format!("{PREFIX}/"))
        .unwrap_or(key)
        .to_string()
}

/// The objects removed, one at a time or in bulk.
fn removed(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .flat_map(Request::removes)
        .map(|key| below_prefix(&key))
        .collect()
}

/// The bucket holds exactly the output folder's files, byte for byte.
fn assert_mirrors(site: &Site, objects: &BTreeMap<String, Object>) {
    let local = common::tree(&site.out());
    let stored: BTreeMap<&String, &Vec<u8>> = objects.iter().map(|(k, o)| (k, &o.bytes)).collect();
    let local: BTreeMap<&String, &Vec<u8>> = local.iter().collect();
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        local.keys().collect::<Vec<_>>(),
        "the bucket's objects are not the output folder's files"
    );
    for (key, bytes) in &local {
        assert!(stored[key] == *bytes, "{key}: the object's bytes differ");
    }
}

/// The files whose bytes differ between two trees, or that only `after` has.
fn changed(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| path.clone())
        .collect()
}

fn expected_type(path: &str) -> &'static str {
    let document = path.strip_suffix(".gz").unwrap_or(path);
    match document.rsplit('/').next().unwrap() {
        "rss.xml" => "application/rss+xml; charset=utf-8",
        "atom.xml" => "application/atom+xml; charset=utf-8",
        "feed.json" => "application/feed+json",
        name if name.ends_with(".opml") => "text/x-opml; charset=utf-8",
        name if name.ends_with(".html") => "text/html; charset=utf-8",
        other => panic!("unexpected file {other}"),
    }
}

#[test]
fn the_bucket_mirrors_the_output_with_its_headers_and_links_never_dangle() {
    let Some(s3) = S3::start() else { return };
    let site = site_for(&s3, "");
    site.build();
    let objects = s3.objects();
    assert_mirrors(&site, &objects);

    for (path, object) in &objects {
        assert_eq!(
            object.content_type.as_deref(),
            Some(expected_type(path)),
            "{path}"
        );
        let gzip = path.ends_with(".gz");
        assert_eq!(
            object.content_encoding.as_deref(),
            gzip.then_some("gzip"),
            "{path}"
        );
        if gzip {
            let mut plain = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(&object.bytes[..]),
                &mut plain,
            )
            .unwrap();
            assert_eq!(plain, objects[path.strip_suffix(".gz").unwrap()].bytes);
        }
    }
    // Archives no longer taking articles may be kept a day; the newest month and everything
    // else no longer than serve's max age.
    for lang in ["zh", "en"] {
        let months: BTreeSet<&str> = objects
            .keys()
            .filter_map(|k| k.strip_prefix(&format!("{lang}/archive/")))
            .filter_map(|rest| rest.split('/').next())
            .collect();
        assert!(months.len() >= 2, "{lang}: archives of {months:?}");
        let newest = months.last().unwrap();
        for (path, object) in objects
            .iter()
            .filter(|(k, _)| k.starts_with(&format!("{lang}/archive/")))
        {
            let want = if path.contains(&format!("/{newest}/")) {
                "public, max-age=300"
            } else {
                "public, max-age=86400"
            };
            assert_eq!(object.cache_control.as_deref(), Some(want), "{path}");
        }
    }
    for path in [
        "index.html",
        "zh/rss.xml",
        "en/topics/coffee/atom.xml",
        "feeds.opml",
    ] {
        assert_eq!(
            objects[path].cache_control.as_deref(),
            Some("public, max-age=300"),
            "{path}"
        );
    }

    // The order: what a document links to is up before it.
    let order = puts(&s3.take_requests());
    let at = |path: &str| {
        order
            .iter()
            .position(|p| p == path)
            .unwrap_or_else(|| panic!("{path} was not put"))
    };
    let (last, before_last) = (order.len() - 1, order.len() - 2);
    let mut entry_page = [order[before_last].as_str(), order[last].as_str()];
    entry_page.sort();
    assert_eq!(
        entry_page,
        ["index.html", "index.html.gz"],
        "the entry page went up last"
    );
    for lang in ["zh", "en"] {
        let feed = at(&format!("{lang}/atom.xml"));
        let page = at(&format!("{lang}/index.html"));
        for (n, path) in order.iter().enumerate() {
            let linked = path.starts_with(&format!("{lang}/archive/"))
                || path.starts_with(&format!("{lang}/topics/"))
                || path.starts_with(&format!("{lang}/articles/"));
            if linked {
                assert!(
                    n < feed,
                    "{path} went up after {lang}/atom.xml, which links it"
                );
            }
        }
        assert!(feed < page, "{lang}/index.html went up before its feeds");
        assert!(page < at("feeds.opml").max(at("index.html")));
    }
}

#[test]
fn a_change_sends_exactly_the_changed_objects_and_a_removal_removes_them() {
    let Some(s3) = S3::start() else { return };
    let site = site_for(&s3, "");
    site.build();
    let first = s3.take_requests();
    assert_eq!(puts(&first).len(), common::tree(&site.out()).len());

    // Nothing changed: nothing is sent, not even a listing (the manifest says what is there).
    site.build();
    assert_eq!(s3.take_requests(), Vec::<Request>::new());

    // One headline edited: exactly the files whose bytes changed go up.
    let before = common::tree(&site.out());
    site.article(
        "story8.txt",
        common::article("新闻八号改", "Story 8 edited", "2024/05-18", "port"),
    );
    site.build();
    let after = common::tree(&site.out());
    let requests = s3.take_requests();
    let sent: BTreeSet<String> = puts(&requests).into_iter().collect();
    assert_eq!(puts(&requests).len(), sent.len(), "an object was put twice");
    let want = changed(&before, &after);
    assert!(!want.is_empty() && want.len() < after.len() / 2, "{want:?}");
    assert_eq!(sent, want);
    assert_eq!(removed(&requests), Vec::<String>::new());
    assert_mirrors(&site, &s3.objects());

    // The article with a page of its own removed: its pages go from the bucket too.
    let before = common::tree(&site.out());
    let pages: Vec<String> = before
        .keys()
        .filter(|k| k.contains("/articles/"))
        .cloned()
        .collect();
    assert!(!pages.is_empty());
    // A page is named after its article's file.
    let id = pages[0]
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".html");
    let with_page = std::fs::read_dir(site.articles())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(id))
        .expect("the article of a page");
    std::fs::remove_file(with_page).unwrap();
    site.build();
    let after = common::tree(&site.out());
    let removed: BTreeSet<String> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    assert!(pages.iter().all(|p| removed.contains(p)), "{removed:?}");
    let requests = s3.take_requests();
    let deleted = self::removed(&requests);
    assert_eq!(deleted.len(), removed.len(), "{deleted:?}");
    assert_eq!(deleted.into_iter().collect::<BTreeSet<_>>(), removed);
    // Removed only after everything that linked them was replaced.
    let last_put = requests.iter().rposition(|r| r.method == "PUT").unwrap();
    let first_delete = requests
        .iter()
        .position(|r| !r.removes().is_empty())
        .unwrap();
    assert!(last_put < first_delete);
    assert_mirrors(&site, &s3.objects());
}

#[test]
fn a_store_that_is_down_costs_nothing_locally_and_the_next_build_catches_up() {
    let Some(s3) = S3::start() else { return };
    let site = site_for(&s3, "");
    s3.set_down(true);
    let out = site.run(&["build"]);
    assert!(
        !out.status.success(),
        "a build that could not publish said it did"
    );
    let log = common::stderr(&out);
    assert!(
        log.contains("s3://feeds-bucket/site") && log.contains("the feeds in"),
        "the error names neither the store nor what happened locally:\n{log}"
    );
    // The local feeds are whole: the same as a build that publishes nowhere.
    let local = common::tree(&site.out());
    let fresh = Site::new();
    common::copy_dir(&site.articles(), &fresh.articles());
    fresh.config(&format!(
        "base_url: {BASE}\nlimit: 3\ntopics:\n  min_articles: 2\n"
    ));
    fresh.build();
    assert_eq!(local, common::tree(&fresh.out()));

    s3.set_down(false);
    site.build();
    assert_mirrors(&site, &s3.objects());

    // A new machine (no manifest): the store is listed, and what it holds is not sent again.
    std::fs::remove_dir_all(site.cache()).unwrap();
    s3.take_requests();
    site.build();
    let requests = s3.take_requests();
    assert_eq!(puts(&requests), Vec::<String>::new(), "{requests:?}");
    assert!(requests.iter().any(|r| r.method == "GET"), "no listing");
}

#[test]
fn watch_publishes_each_change_catches_up_after_an_outage_and_tells_hubs_after() {
    let Some(s3) = S3::start() else { return };
    let hub = Hub::start();
    let site = site_for(&s3, &format!("websub:\n  hubs: [\"{}\"]\n", hub.url()));
    let watching = Watching::start(site, &[]);
    let mirrors = |w: &Watching| {
        let objects = s3.objects();
        let local = common::tree(&w.site.out());
        objects.len() == local.len() && objects.iter().all(|(k, o)| local.get(k) == Some(&o.bytes))
    };
    watching.wait_for("the first publish", mirrors);

    s3.set_down(true);
    let feed = format!("{BASE}en/atom.xml");
    let told = |hub: &Hub| hub.told().get(&feed).copied().unwrap_or(0);
    let told_before = told(&hub);
    // Dated after every other article: it leads the feeds.
    watching.site.article_at(
        "story8.txt",
        common::article("新闻八号改", "Story 8 edited", "2026/07-01", "port"),
        common::FIXTURE_MTIME + 400 * 86_400,
    );
    let atom = watching.site.out().join("en/atom.xml");
    watching.wait_for("the edit in the local feed", |_| {
        std::fs::read_to_string(&atom).is_ok_and(|feed| feed.contains("Story 8 edited"))
    });
    // The feed is written here, but not in the store: the hubs are not told yet (they would
    // fetch the old feed from the store).
    assert_eq!(told(&hub), told_before, "{:?}", hub.told());

    s3.set_down(false);
    watching.wait_for("the store caught up", mirrors);
    let start = std::time::Instant::now();
    while told(&hub) == told_before {
        assert!(
            start.elapsed() < DEADLINE,
            "the hub was not told after the store caught up"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    watching.stop();
}
