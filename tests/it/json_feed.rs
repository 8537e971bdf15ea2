//! JSON Feed 1.1: every `feed.json` passes the JSON Feed 1.1 JSON Schema (the
//! `jsonfeed-schema` package's, kept in `tests/schemas/` with its licence) and reads back, with
//! feed-rs, as the same items as the Atom feed beside it.

use crate::common;

use std::fs;

use common::serving::Server;

const SCHEMA: &str = "tests/schemas/jsonfeed-1.1.json";

fn every_json_feed_is_valid_and_holds_the_atom_feeds_items(articles: &str) {
    let Some(schema) = common::judge("the JSON Feed 1.1 schema", "BIFEED_JSONFEED_SCHEMA", SCHEMA)
    else {
        return;
    };
    let schema: serde_json::Value = serde_json::from_slice(&fs::read(schema).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let site = common::site_with_topics(articles);
    // With a WebSub hub, whose `hubs` entry the schema checks too.
    site.config(
        "base_url: https://news.example.com/\nlimit: 0\ntopics:\n  min_articles: 2\n\
         websub:\n  hubs: [\"https://hub.example.net/\"]\n",
    );
    site.build();
    let feeds = common::files_named(&site.out(), "feed.json");
    assert!(feeds.len() > 2, "{feeds:?}");
    for path in feeds {
        let bytes = fs::read(site.out().join(&path)).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:#?}");
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert!(json["language"].is_string() && json["authors"][0]["name"].is_string());
        assert_eq!(json["hubs"][0]["type"], "WebSub", "{path}");

        let read = feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{path}: {e}"));
        let atom = site.feed(&path.replace("feed.json", "atom.xml")).parsed;
        assert_eq!(read.entries.len(), atom.entries.len(), "{path}");
        for (j, a) in read.entries.iter().zip(&atom.entries) {
            assert_eq!(j.id, a.id, "{path}: same ids");
            assert_eq!(
                j.title.as_ref().map(|t| &t.content),
                a.title.as_ref().map(|t| &t.content),
                "{path}"
            );
            assert_eq!(j.links[0].href, a.links[0].href, "{path}: same link");
            assert_eq!(j.published, a.published, "{path}: same instant");
            let terms = |e: &feed_rs::model::Entry| {
                e.categories
                    .iter()
                    .map(|c| c.term.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(terms(j), terms(a), "{path}: tags are the keywords");
        }
    }
}

#[test]
fn json_feeds_of_the_sample_articles_pass_the_schema() {
    every_json_feed_is_valid_and_holds_the_atom_feeds_items("articles");
}

#[test]
fn json_feeds_of_the_hostile_corpus_pass_the_schema() {
    every_json_feed_is_valid_and_holds_the_atom_feeds_items("tests/corpus");
}

#[test]
fn json_feeds_are_served_as_json_feeds_and_pages_at_their_folder() {
    let server = Server::start(common::site_with_topics("articles"));
    let reply = server.get("/zh/feed.json", &[("accept-encoding", "gzip")]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/feed+json"));
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    let page = server.get("/en/", &[]);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        String::from_utf8(page.body)
            .unwrap()
            .contains("<article id=")
    );
    server.stop();
}
