//! WebSub, publisher side: every feed names its hubs and itself (in the document and, when
//! served, in `Link` headers), and the hubs are told of exactly the feeds whose bytes
//! changed, by `build` and by `watch`, again after a hub failed.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::common::hub::Hub;
use crate::common::serving::Server;
use crate::common::watching::{DEADLINE, Watching};
use crate::common::{self, Site};

const BASE: &str = "https://news.example.com/";

fn site_told(hubs: &[String]) -> Site {
    let site = common::site_with_topics("articles");
    let list: Vec<String> = hubs.iter().map(|h| format!("    - {h}\n")).collect();
    site.config(&format!(
        "base_url: {BASE}\nlimit: 0\ntopics:\n  min_articles: 2\nwebsub:\n  hubs:\n{}",
        list.concat()
    ));
    site
}

fn is_feed(path: &str) -> bool {
    ["rss.xml", "atom.xml", "feed.json"].contains(&path.rsplit('/').next().unwrap_or(path))
}

/// The feed files of the output folder, by path, with their bytes.
fn feeds(site: &Site) -> BTreeMap<String, Vec<u8>> {
    common::tree(&site.out())
        .into_iter()
        .filter(|(path, _)| is_feed(path))
        .collect()
}

/// The URL a feed at `path` is published under: what its self link says.
fn url_of(path: &str) -> String {
    url::Url::parse(BASE)
        .unwrap()
        .join(path)
        .unwrap()
        .to_string()
}

#[test]
fn every_feed_names_its_hubs_and_its_own_url() {
    let hubs = [
        "https://hub.example.net/".to_string(),
        "https://push.example.org/websub".to_string(),
    ];
    let site = site_told(&hubs);
    site.build();
    let feeds = feeds(&site);
    assert!(
        feeds.keys().any(|p| p.contains("/topics/")),
        "topic feeds too: {:?}",
        feeds.keys()
    );
    for (path, bytes) in &feeds {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let (hub_links, self_links): (Vec<String>, Vec<String>) = if path.ends_with(".json") {
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let hubs = json["hubs"]
                .as_array()
                .unwrap_or_else(|| panic!("{path}: no hubs"))
                .iter()
                .map(|hub| {
                    assert_eq!(hub["type"], "WebSub", "{path}");
                    hub["url"].as_str().unwrap().to_string()
                })
                .collect();
            (hubs, vec![json["feed_url"].as_str().unwrap().to_string()])
        } else {
            let doc = roxmltree::Document::parse(&text).unwrap();
            let links = |rel: &str| -> Vec<String> {
                doc.descendants()
                    .filter(|n| n.tag_name().name() == "link" && n.attribute("rel") == Some(rel))
                    .filter(|n| n.tag_name().namespace() == Some("http://www.w3.org/2005/Atom"))
                    .map(|n| n.attribute("href").unwrap().to_string())
                    .collect()
            };
            (links("hub"), links("self"))
        };
        assert_eq!(hub_links, hubs, "{path}");
        assert_eq!(self_links, [url_of(path)], "{path}");
    }
}

#[test]
fn a_site_without_hubs_names_none() {
    let site = common::site_with_topics("articles");
    site.build();
    for (path, bytes) in feeds(&site) {
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains("\"hub\"") && !text.contains("\"hubs\""),
            "{path}"
        );
    }
}

#[test]
fn build_tells_the_hub_of_exactly_the_feeds_whose_bytes_changed() {
    let hub = Hub::start();
    let site = site_told(&[hub.url()]);
    site.build();
    // The first build writes every feed: each is told once.
    let all: BTreeMap<String, usize> = feeds(&site).keys().map(|p| (url_of(p), 1)).collect();
    assert!(all.len() > 6, "{all:?}");
    assert_eq!(hub.told(), all);

    hub.clear();
    site.build();
    assert_eq!(hub.told(), BTreeMap::new(), "nothing changed: nothing told");

    // One article's Chinese headline changes: its language's feeds, and the topic feeds
    // holding it, change; the English ones do not.
    let before = feeds(&site);
    let article = std::fs::read_dir(site.articles())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .min()
        .unwrap();
    let text = std::fs::read_to_string(&article).unwrap();
    let (headline, rest) = text.split_once('\n').unwrap();
    std::fs::write(&article, format!("{headline}(更新)\n{rest}")).unwrap();
    hub.clear();
    site.build();
    let after = feeds(&site);
    let changed: BTreeMap<String, usize> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(bytes))
        .map(|(path, _)| (url_of(path), 1))
        .collect();
    assert!(
        changed.keys().any(|u| u.contains("/zh/")) && !changed.keys().any(|u| u.contains("/en/")),
        "{changed:?}"
    );
    assert_eq!(hub.told(), changed);
}

#[test]
fn watch_tells_the_hub_of_a_new_article_and_keeps_trying_a_hub_that_fails() {
    let hub = Hub::start();
    let site = site_told(&[hub.url()]);
    let watching = Watching::start(site, &[]);
    // Every notice of the first build, so that none is still on its way once the hub
    // starts failing and its record is cleared.
    let first: BTreeSet<String> = feeds(&watching.site).keys().map(|p| url_of(p)).collect();
    hub.wait_for("the first build's notices", DEADLINE, |hub| {
        let told = hub.told();
        first.iter().all(|url| told.contains_key(url))
    });

    hub.answer_with(503);
    hub.clear();
    std::fs::write(
        watching.articles().join("zz-new.txt"),
        common::article("港口新闻", "Port news", "2024/05-30", "port"),
    )
    .unwrap();
    watching.wait_for("the hub's refusal in the log", |w| {
        w.log().contains("cannot tell it that") && w.log().contains("hub is down")
    });
    assert!(hub.told().is_empty());

    // The hub is back: what it missed reaches it, without another change.
    hub.answer_with(204);
    hub.wait_for("the notices held back", DEADLINE, |hub| {
        let told = hub.told();
        ["zh/rss.xml", "zh/atom.xml", "zh/feed.json", "en/atom.xml"]
            .iter()
            .all(|path| told.contains_key(&url_of(path)))
    });
    let told = hub.told();
    assert!(told.values().all(|&n| n == 1), "told once each: {told:?}");
    let feeds: BTreeSet<String> = feeds(&watching.site).keys().map(|p| url_of(p)).collect();
    assert!(told.keys().all(|url| feeds.contains(url)), "{told:?}");
    watching.stop();
}

#[test]
fn served_feeds_name_their_hubs_and_themselves_in_link_headers() {
    let site = Site::new();
    site.article("a.txt", common::story(1));
    site.config("websub:\n  hubs: [\"https://hub.example.net/\"]\n");
    let server = Server::start(site);
    for path in ["/zh/atom.xml", "/en/rss.xml", "/zh/feed.json"] {
        let reply = server.get(path, &[]);
        assert_eq!(reply.status, 200, "{path}");
        let link = reply
            .header("link")
            .unwrap_or_else(|| panic!("{path}: no Link"));
        assert_eq!(
            link,
            format!(
                "<https://hub.example.net/>; rel=\"hub\", <{}>; rel=\"self\"",
                server.url(path)
            ),
            "{path}"
        );
    }
    let page = server.get("/zh/", &[]);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("link"), None, "pages are no feeds");
    server.stop();
}

#[test]
fn a_hub_that_is_down_does_not_fail_the_build() {
    // Nothing listens on this port: the build writes its feeds, warns, and succeeds.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = Site::new();
    site.article("a.txt", common::story(1));
    site.config(&format!(
        "websub:\n  hubs: [\"http://127.0.0.1:{port}/\"]\n"
    ));
    let started = std::time::Instant::now();
    let out = site.build();
    assert!(site.out().join("zh/atom.xml").exists());
    assert!(
        common::stderr(&out).contains("cannot tell it that"),
        "{}",
        common::stderr(&out)
    );
    // Within the build's wait for hubs (10 s), with room for a slow machine.
    assert!(started.elapsed() < Duration::from_secs(25));
}
