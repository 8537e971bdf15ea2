//! `bifeed serve` end to end: the real server on an ephemeral port, a real HTTP client.
#![cfg(unix)]

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::serving::{Reply, Server};
use common::watching::DEADLINE;
use common::{Feed, Site, article};

fn site_with(n: u32) -> Site {
    let site = Site::new();
    for i in 1..=n {
        site.article(
            &format!("{i:03}_{i:016x}.txt"),
            article(
                &format!("新闻{i}"),
                &format!("Story {i}"),
                &format!("2024/05-{i:02}"),
                "k",
            ),
        );
    }
    site
}

#[test]
fn feeds_are_served_with_their_media_types_and_validators() {
    let server = Server::start(site_with(2));
    for (path, media_type) in [
        ("/zh/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/zh/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/en/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/en/atom.xml", "application/atom+xml; charset=utf-8"),
    ] {
        let reply = server.get(path, &[]);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(media_type), "{path}");
        assert!(
            reply.header("etag").is_some_and(|e| e.starts_with('"')),
            "{path}: strong ETag"
        );
        assert!(reply.header("last-modified").is_some(), "{path}");
        assert_eq!(
            reply.header("cache-control"),
            Some("public, max-age=300"),
            "{path}"
        );
        assert_eq!(reply.header("content-encoding"), None, "{path}");
        // The bytes served are the bytes written, and they are a feed.
        assert_eq!(
            reply.body,
            fs::read(server.site.out().join(&path[1..])).unwrap(),
            "{path}"
        );
        assert_eq!(
            Feed::from_bytes(&reply.body).parsed.entries.len(),
            2,
            "{path}"
        );
    }
    server.stop();
}

#[test]
fn conditional_gets_answer_304_until_the_feed_changes() {
    let server = Server::start(site_with(2));
    let first = server.get("/en/rss.xml", &[]);
    let etag = first.header("etag").unwrap().to_string();
    let modified = first.header("last-modified").unwrap().to_string();
    let reply = server.get("/en/rss.xml", &[("If-None-Match", &etag)]);
    assert_eq!(reply.status, 304);
    assert!(reply.body.is_empty());
    assert_eq!(reply.header("etag"), Some(etag.as_str()));
    assert_eq!(
        server
            .get("/en/rss.xml", &[("If-Modified-Since", &modified)])
            .status,
        304
    );
    assert_eq!(
        server
            .get("/en/rss.xml", &[("If-None-Match", "\"other\"")])
            .status,
        200
    );

    // A rebuild that changes nothing changes no validator.
    let same = fs::read(server.site.articles().join("001_0000000000000001.txt")).unwrap();
    server
        .site
        .article_at("001_0000000000000001.txt", same, 1_700_000_000);
    let start = Instant::now();
    while !server.log().contains("no feed changed") {
        assert!(start.elapsed() < DEADLINE, "no rebuild:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        server
            .get("/en/rss.xml", &[("If-None-Match", &etag)])
            .status,
        304
    );
    // A new article: the next GET has a new ETag and the new item.
    server.site.article(
        "009_0000000000000009.txt",
        article("新闻9", "Story 9", "2024/06-09", "k"),
    );
    let start = Instant::now();
    let reply = loop {
        let reply = server.get("/en/rss.xml", &[("If-None-Match", &etag)]);
        if reply.status == 200 {
            break reply;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "the feed never changed:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_ne!(reply.header("etag"), Some(etag.as_str()));
    assert_eq!(Feed::from_bytes(&reply.body).titles()[0], "Story 9");
    server.stop();
}

#[test]
fn gzip_is_negotiated_with_its_own_validator() {
    let server = Server::start(site_with(2));
    let plain = server.get("/zh/atom.xml", &[]);
    let zipped = server.get("/zh/atom.xml", &[("Accept-Encoding", "gzip, deflate, br")]);
    assert_eq!(zipped.status, 200);
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    assert!(
        zipped
            .header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    );
    assert_eq!(
        zipped.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert_ne!(
        zipped.header("etag"),
        plain.header("etag"),
        "gzip bytes need their own ETag"
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain.body);
    let etag = zipped.header("etag").unwrap();
    let reply = server.get(
        "/zh/atom.xml",
        &[("Accept-Encoding", "gzip"), ("If-None-Match", etag)],
    );
    assert_eq!(reply.status, 304);
    assert!(
        plain.header("vary").is_some(),
        "caches must know the identity copy varies too"
    );
    server.stop();
}

#[test]
fn head_gives_the_headers_without_the_body() {
    let server = Server::start(site_with(1));
    let get = server.get("/en/atom.xml", &[]);
    let head = Reply::from(
        server
            .agent
            .head(server.url("/en/atom.xml"))
            .call()
            .unwrap(),
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    assert_eq!(
        head.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    server.stop();
}

/// Sends a request line as written (clients would normalise `..` away) and returns the status.
fn raw_status(server: &Server, target: &str) -> u16 {
    let addr = server
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    response.parse(&reply).unwrap();
    response.code.unwrap()
}

#[test]
fn only_the_output_folder_is_served() {
    let site = site_with(1);
    let secret = site.dir.path().join("secret.txt");
    fs::write(&secret, "secret").unwrap();
    let server = Server::start(site);
    let out = server.site.out();
    std::os::unix::fs::symlink(&secret, out.join("leak.xml")).unwrap();
    std::os::unix::fs::symlink(server.site.dir.path(), out.join("up")).unwrap();
    fs::write(out.join(".hidden.xml"), "hidden").unwrap();
    fs::write(out.join("zh/.bifeed-abc.tmp"), "temp").unwrap();
    for target in [
        "/../secret.txt",
        "/zh/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/zh/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "http://evil.example/../secret.txt",
        "/leak.xml",
        "/up/secret.txt",
        "/.hidden.xml",
        "/zh/.bifeed-abc.tmp",
        "/zh/",
        "/zh",
        "/articles/001_0000000000000001.txt",
    ] {
        let status = raw_status(&server, target);
        assert!(status == 404 || status == 400, "{target}: {status}");
    }
    assert_eq!(raw_status(&server, "/zh/rss.xml"), 200);
    server.stop();
}

#[test]
fn the_index_page_lets_readers_discover_the_feeds() {
    let server = Server::start(site_with(2));
    let page = server.get("/", &[]);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = String::from_utf8(page.body).unwrap();
    let mut found = Vec::new();
    for line in html
        .lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\""))
    {
        let href = line
            .split("href=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let media_type = line
            .split("type=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            href.starts_with(&server.base),
            "autodiscovery links are absolute: {href}"
        );
        let reply = Reply::from(server.agent.get(href).call().unwrap());
        assert_eq!(reply.status, 200, "{href}");
        assert!(
            reply
                .header("content-type")
                .unwrap()
                .starts_with(media_type),
            "{href}"
        );
        found.push(Feed::from_bytes(&reply.body));
    }
    // Subscribing to everything the page offers gives each article once per language.
    assert_each_article_once_per_language(&found, 2);
    // The other format is still there for people who pick one by hand.
    for path in ["zh/rss.xml", "en/rss.xml"] {
        assert!(html.contains(&format!("<a href=\"{path}\"")), "{html}");
    }
    server.stop();
}

/// Every item id once across `feeds`, and `articles` items per language.
fn assert_each_article_once_per_language(feeds: &[Feed], articles: usize) {
    let ids: Vec<String> = feeds.iter().flat_map(Feed::ids).collect();
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an id in two feeds: {ids:?}");
    for lang in ["zh", "en"] {
        let in_lang = ids
            .iter()
            .filter(|id| id.contains(&format!(":{lang}/")))
            .count();
        assert_eq!(in_lang, articles, "{lang}: {ids:?}");
    }
}

#[test]
fn the_opml_file_subscribes_to_each_language_once() {
    let server = Server::start(site_with(1));
    let reply = server.get("/feeds.opml", &[]);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/x-opml; charset=utf-8")
    );
    let text = String::from_utf8(reply.body).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(doc.root_element().attribute("version"), Some("2.0"));
    let urls: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("outline"))
        .filter_map(|n| n.attribute("xmlUrl"))
        .collect();
    assert_eq!(
        urls,
        [server.url("/zh/atom.xml"), server.url("/en/atom.xml")]
    );
    let feeds: Vec<Feed> = urls
        .iter()
        .map(|url| Feed::from_bytes(&Reply::from(server.agent.get(*url).call().unwrap()).body))
        .collect();
    assert_each_article_once_per_language(&feeds, 1);
    server.stop();
}

#[test]
fn self_links_follow_the_configured_base_url() {
    let site = site_with(1);
    site.config("base_url: https://news.example.org/\nserve:\n  cache_max_age_secs: 60\n");
    let server = Server::start(site);
    let reply = server.get("/zh/atom.xml", &[]);
    assert_eq!(reply.header("cache-control"), Some("public, max-age=60"));
    let feed = Feed::from_bytes(&reply.body);
    let own = feed.self_links();
    assert_eq!(own, ["https://news.example.org/zh/atom.xml"]);
    server.stop();
}

#[test]
fn without_a_base_url_links_name_the_served_address() {
    let server = Server::start(site_with(1));
    let feed = Feed::from_bytes(&server.get("/en/rss.xml", &[]).body);
    let own = feed.self_links();
    assert_eq!(own, [server.url("/en/rss.xml")]);
    server.stop();
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let site = site_with(1);
    let out = site.run(&["serve", "--addr", &addr]);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!(
            "cannot listen on {addr}: the address is already in use"
        )),
        "{err}"
    );
}

#[test]
fn requests_are_logged_at_debug_level() {
    let server = Server::start(site_with(1));
    server.get("/zh/rss.xml", &[]);
    let start = Instant::now();
    while !server.log().contains("GET /zh/rss.xml 200") {
        assert!(start.elapsed() < DEADLINE, "{}", server.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    server.stop();
}
