//! `bifeed serve` end to end: the real server on an ephemeral port, a real HTTP client.
#![cfg(unix)]

use crate::common;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::serving::{Reply, Server};
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
    server.site.article_at(
        "001_0000000000000001.txt",
        same,
        common::FIXTURE_MTIME + 86_400,
    );
    server.wait_for("a rebuild", |s| s.log().contains("no feed changed"));
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
    server.wait_for("the feed to change", |s| {
        s.get("/en/rss.xml", &[("If-None-Match", &etag)]).status == 200
    });
    let reply = server.get("/en/rss.xml", &[("If-None-Match", &etag)]);
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
        "/zh",
        "/articles/001_0000000000000001.txt",
    ] {
        let status = raw_status(&server, target);
        assert!(status == 404 || status == 400, "{target}: {status}");
    }
    assert_eq!(raw_status(&server, "/zh/rss.xml"), 200);
    // A folder of the output is its page.
    assert_eq!(raw_status(&server, "/zh/"), 200);
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
    // The feeds it names (the other alternates are the language pages).
    for line in html
        .lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\" type="))
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
    server.wait_for("the request's log line", |s| {
        s.log().contains("GET /zh/rss.xml 200")
    });
    server.stop();
}

/// Sends `request` as it is (no client fixes it up) and returns the status and the headers.
fn raw(server: &Server, request: &str) -> (u16, Vec<(String, String)>) {
    let addr = server
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(request.replace("{addr}", addr).as_bytes())
        .unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    response.parse(&reply).unwrap();
    (response.code.unwrap(), common::headers(response.headers))
}

#[test]
fn a_range_of_another_version_gets_the_whole_new_one() {
    let server = Server::start(site_with(1));
    let first = server.get("/zh/rss.xml", &[]);
    let etag = first.header("etag").unwrap().to_string();
    let modified = first.header("last-modified").unwrap().to_string();
    // Same version: the range.
    let part = server.get(
        "/zh/rss.xml",
        &[("range", "bytes=0-9"), ("if-range", &etag)],
    );
    assert_eq!(part.status, 206);
    // A new version: the whole of it (RFC 9110 13.1.5), whether named by ETag or date.
    server.site.article(
        "002_0000000000000002.txt",
        article("新", "New", "2024/05-02", "k"),
    );
    server.wait_for("a rebuild", |s| {
        s.get("/zh/rss.xml", &[]).header("etag") != Some(&etag)
    });
    for validator in [&etag, &modified] {
        let whole = server.get(
            "/zh/rss.xml",
            &[("range", "bytes=0-9"), ("if-range", validator)],
        );
        assert_eq!(whole.status, 200, "{validator}");
        Feed::from_bytes(&whole.body);
    }
    server.stop();
}

#[test]
fn a_feed_rewritten_within_a_second_gets_a_later_last_modified() {
    let server = Server::start(site_with(1));
    let first = server.get("/zh/rss.xml", &[]);
    let modified = first.header("last-modified").unwrap().to_string();
    let etag = first.header("etag").unwrap().to_string();
    server.site.article(
        "002_0000000000000002.txt",
        article("新", "New", "2024/05-02", "k"),
    );
    server.wait_for("a rebuild", |s| {
        s.get("/zh/rss.xml", &[]).header("etag") != Some(&etag)
    });
    let since = server.get("/zh/rss.xml", &[("if-modified-since", &modified)]);
    assert_eq!(
        since.status, 200,
        "a changed feed is modified since {modified}"
    );
    server.stop();
}

#[test]
fn http_details_of_a_server_on_the_open_network() {
    let site = site_with(1);
    let server = Server::start(site);
    // Stray files in the output folder, even named like ours, are not published.
    fs::write(server.site.out().join("notes.xml"), "<x/>").unwrap();
    fs::write(server.site.out().join("zh/extra.html"), "x").unwrap();
    for target in ["/notes.xml", "/zh/extra.html", "/zh%2frss.xml"] {
        assert_eq!(raw_status(&server, target), 404, "{target}");
    }
    let long = format!("/{}", "a".repeat(256));
    assert_eq!(raw_status(&server, &long), 404);
    // The media type follows the decoded name.
    let (status, headers) = raw(
        &server,
        "GET /zh/rss%2exml HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(headers.contains(&(
        "content-type".into(),
        "application/rss+xml; charset=utf-8".into()
    )));
    // Several ranges, or a malformed one: the whole file.
    for range in ["bytes=0-1,5-6", "bytes=x-y", "bytes=-"] {
        let reply = server.get("/zh/rss.xml", &[("range", range)]);
        assert_eq!(reply.status, 200, "{range}");
    }
    // A 304 says what it varies on, as the 200 did.
    let etag = server
        .get("/zh/rss.xml", &[])
        .header("etag")
        .unwrap()
        .to_string();
    let not_modified = server.get("/zh/rss.xml", &[("if-none-match", &etag)]);
    assert_eq!(not_modified.status, 304);
    assert_eq!(not_modified.header("vary"), Some("accept-encoding"));
    // HTTP/1.1 takes exactly one Host.
    for request in [
        "GET /zh/rss.xml HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /zh/rss.xml HTTP/1.1\r\nHost: {addr}\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    ] {
        assert_eq!(raw(&server, request).0, 400, "{request:?}");
    }
    assert_eq!(
        raw(&server, "GET /zh/rss.xml HTTP/1.0\r\n\r\n").0,
        200,
        "HTTP/1.0 needs no Host"
    );
    server.stop();
}

#[test]
fn the_output_folder_swapped_for_a_link_serves_nothing_new() {
    let server = Server::start(site_with(1));
    let elsewhere = server.site.dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("passwd"), "root:x:0:0").unwrap();
    let out = server.site.out();
    fs::rename(&out, server.site.dir.path().join("old-feeds")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &out).unwrap();
    assert_eq!(raw_status(&server, "/passwd"), 404);
    server.stop();
}

#[test]
fn serve_follows_the_output_folder_a_reload_names() {
    let site = site_with(1);
    site.config("output: feeds\n");
    let server = Server::start(site);
    fs::write(
        server.site.dir.path().join("bifeed.yaml"),
        "output: moved\n",
    )
    .unwrap();
    let moved = server.site.dir.path().join("moved/zh/rss.xml");
    server.wait_for("the moved output", |_| moved.exists());
    // The old folder is no longer what is published.
    fs::write(server.site.out().join("zh/rss.xml"), "stale").unwrap();
    server.wait_for("the new folder to be served", |s| {
        s.get("/zh/rss.xml", &[]).body != b"stale"
    });
    assert_eq!(
        server.get("/zh/rss.xml", &[]).body,
        fs::read(&moved).unwrap()
    );
    server.stop();
}

#[test]
fn articles_inside_the_output_folder_are_refused() {
    let site = site_with(1);
    site.config("output: .\n");
    for command in [&["build"][..], &["serve", "--addr", "127.0.0.1:0"]] {
        // Build first: before the refusal, serve ran on, publishing the articles.
        let out = site.run(command);
        assert!(!out.status.success(), "{command:?}");
        let log = common::stderr(&out);
        assert!(log.contains("lies inside the output folder"), "{log}");
    }
}

#[test]
fn a_flood_of_idle_connections_shuts_out_neither_readers_nor_articles() {
    // A low open-file limit, as under systemd's default, that the flood alone would exhaust.
    let site = site_with(1);
    let server = Server::start_with(site, "ulimit -n 256 &&");
    let addr = server
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let flood: Vec<TcpStream> = (0..400)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .collect();
    assert!(flood.len() > 300, "{} connections", flood.len());
    // A new article arrives while the flood holds its connections...
    server.site.article(
        "002_0000000000000002.txt",
        article("新", "New", "2024/05-02", "k"),
    );
    // ...and a reader is served meanwhile.
    let start = Instant::now();
    let reply = server.get("/zh/rss.xml", &[]);
    assert_eq!(reply.status, 200);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    std::thread::sleep(Duration::from_millis(350));
    drop(flood);
    server.wait_for("the article", |s| {
        Feed::from_bytes(&s.get("/zh/rss.xml", &[]).body)
            .titles()
            .contains(&"新".to_string())
    });
    let log = server.log();
    let accept_lines = log.matches("accepting a connection").count();
    assert!(accept_lines <= 2, "{accept_lines} lines:\n{log}");
    server.stop();
}

#[test]
fn hup_and_usr1_leave_the_server_running() {
    let server = Server::start(site_with(1));
    for (signal, line) in [
        ("HUP", "SIGHUP: reading the configuration again"),
        ("USR1", "status: 1 articles"),
    ] {
        server.signal(signal);
        server.wait_for(signal, |s| s.log().contains(line));
    }
    assert_eq!(server.get("/zh/rss.xml", &[]).status, 200);
    server.stop();
}
