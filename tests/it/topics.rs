//! Topic feeds: a feed per keyword that enough articles carry, in every format, listed in
//! `topics.opml`, kept current by `watch`, never turned into a 404 while it has an article.

use crate::common;

use std::collections::BTreeSet;
use std::fs;

use common::Site;
use common::watching::Watching;

const FILES: [&str; 4] = ["rss.xml", "atom.xml", "feed.json", "index.html"];

/// An article whose English keywords are `keywords`, on day `day` of May 2024.
fn tagged(n: u32, keywords: &str) -> String {
    common::article(
        &format!("新闻{n}"),
        &format!("Story {n}"),
        &format!("2024/05-{n:02}"),
        keywords,
    )
}

fn topic_dirs(site: &Site, lang: &str) -> BTreeSet<String> {
    match fs::read_dir(site.out().join(lang).join("topics")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

#[test]
fn keywords_enough_articles_carry_become_topic_feeds() {
    let site = Site::new();
    site.config("base_url: https://news.example.com/\n");
    // Two spellings of one keyword are one topic; Hangzhou is carried by two articles only,
    // below the default threshold of three.
    site.article("a1.txt", tagged(1, "AI & Coding, Hangzhou"));
    site.article("a2.txt", tagged(2, "ai coding, Suzhou"));
    site.article("a3.txt", tagged(3, "AI & Coding; Hangzhou"));
    site.article("a4.txt", tagged(4, "Suzhou"));
    site.build();

    assert_eq!(
        topic_dirs(&site, "en"),
        BTreeSet::from(["ai-coding".to_string()])
    );
    let base = "https://news.example.com/en/topics/ai-coding/";
    let main_ids: BTreeSet<String> = site.feed("en/atom.xml").ids().into_iter().collect();
    for format in ["rss.xml", "atom.xml"] {
        let feed = site.feed(&format!("en/topics/ai-coding/{format}"));
        assert_eq!(feed.titles(), ["Story 3", "Story 2", "Story 1"], "{format}");
        assert_eq!(feed.self_links(), [format!("{base}{format}")]);
        let title = feed.parsed.title.as_ref().unwrap().content.clone();
        assert_eq!(
            title, "News · AI & Coding",
            "the spelling most articles use"
        );
        // Ids of its own: unique, and not the language feed's.
        let ids: BTreeSet<String> = feed.ids().into_iter().collect();
        assert_eq!(ids.len(), 3);
        assert!(ids.is_disjoint(&main_ids), "{ids:?}");
    }
    let json: serde_json::Value = serde_json::from_slice(
        &fs::read(site.out().join("en/topics/ai-coding/feed.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["feed_url"], format!("{base}feed.json"));
    assert_eq!(json["items"].as_array().unwrap().len(), 3);

    // The Chinese text of every article names 杭州 (extracted keywords): a Chinese topic,
    // its folder in characters, its URLs percent-encoded.
    let zh = topic_dirs(&site, "zh");
    assert!(zh.contains("杭州"), "{zh:?}");
    for file in FILES {
        assert!(
            site.out().join("zh/topics/杭州").join(file).is_file(),
            "{file}"
        );
    }
    let feed = site.feed("zh/topics/杭州/atom.xml");
    assert_eq!(
        feed.self_links(),
        ["https://news.example.com/zh/topics/%E6%9D%AD%E5%B7%9E/atom.xml"]
    );
    assert_eq!(feed.titles().len(), 4);
}

#[test]
fn topics_opml_lists_every_topic_feed_per_language() {
    let site = Site::new();
    site.config("base_url: https://news.example.com/\ntopics:\n  min_articles: 2\n");
    site.article("a1.txt", tagged(1, "coffee, Pu'er"));
    site.article("a2.txt", tagged(2, "Coffee, Yunnan"));
    site.article("a3.txt", tagged(3, "Pu'er"));
    site.build();
    let opml = fs::read_to_string(site.out().join("topics.opml")).unwrap();
    let doc = roxmltree::Document::parse(&opml).unwrap();
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name("body"))
        .expect("body");
    let groups: Vec<roxmltree::Node> = body.children().filter(|n| n.is_element()).collect();
    assert_eq!(groups.len(), 2, "a group per language:\n{opml}");
    let mut listed = BTreeSet::new();
    for group in groups {
        let lang = group.attribute("language").unwrap();
        for feed in group.children().filter(|n| n.is_element()) {
            assert_eq!(feed.attribute("language"), Some(lang));
            let url = feed.attribute("xmlUrl").unwrap().to_string();
            let path = url.strip_prefix("https://news.example.com/").unwrap();
            let path = percent_encoding::percent_decode_str(path)
                .decode_utf8()
                .unwrap()
                .into_owned();
            // Each one a feed on disk whose self link is the listed URL.
            assert_eq!(site.feed(&path).self_links(), std::slice::from_ref(&url));
            listed.insert(path);
        }
    }
    let on_disk: BTreeSet<String> = ["zh", "en"]
        .iter()
        .flat_map(|lang| {
            topic_dirs(&site, lang)
                .into_iter()
                .map(move |t| format!("{lang}/topics/{t}/atom.xml"))
        })
        .collect();
    assert_eq!(listed, on_disk);
    assert!(listed.contains("en/topics/coffee/atom.xml"), "{listed:?}");
    assert!(listed.contains("en/topics/pu-er/atom.xml"), "{listed:?}");
}

#[test]
fn a_topic_keeps_its_feed_while_it_has_an_article() {
    let site = Site::new();
    site.article("a1.txt", tagged(1, "coffee"));
    site.article("a2.txt", tagged(2, "coffee"));
    site.article("a3.txt", tagged(3, "coffee"));
    site.build();
    assert!(topic_dirs(&site, "en").contains("coffee"));

    // Below the threshold: its subscribers keep a feed of the articles it still has.
    fs::remove_file(site.articles().join("a3.txt")).unwrap();
    site.build();
    assert_eq!(
        site.feed("en/topics/coffee/atom.xml").titles(),
        ["Story 2", "Story 1"]
    );
    // A keyword that never reached the threshold gets no feed.
    site.article("a5.txt", tagged(5, "tea"));
    site.article("a6.txt", tagged(6, "tea"));
    site.build();
    assert!(!topic_dirs(&site, "en").contains("tea"));

    // No article left: the topic goes, and with it its entry in topics.opml.
    fs::remove_file(site.articles().join("a1.txt")).unwrap();
    fs::remove_file(site.articles().join("a2.txt")).unwrap();
    site.build();
    assert!(!site.out().join("en/topics/coffee").exists());
    let opml = fs::read_to_string(site.out().join("topics.opml")).unwrap();
    assert!(!opml.contains("coffee"), "{opml}");
}

#[test]
fn watch_keeps_topic_feeds_current() {
    let site = Site::new();
    site.article("a1.txt", tagged(1, "coffee"));
    site.article("a2.txt", tagged(2, "coffee"));
    let watching = Watching::start(site, &[]);
    let out = watching.site.out();
    assert!(!out.join("en/topics/coffee").exists());

    watching.site.article("a3.txt", tagged(3, "coffee"));
    watching.wait_for("the coffee topic feed", |w| {
        w.site.out().join("en/topics/coffee/atom.xml").is_file()
    });
    assert_eq!(
        watching.site.feed("en/topics/coffee/atom.xml").titles(),
        ["Story 3", "Story 2", "Story 1"]
    );

    // An edit that leaves the topic's items alone does not rewrite its feed.
    let before = fs::metadata(out.join("en/topics/coffee/atom.xml"))
        .unwrap()
        .modified()
        .unwrap();
    watching.site.article("a4.txt", tagged(4, "tea"));
    watching.wait_for("the new article in the language feed", |w| {
        w.titles("en/atom.xml").contains(&"Story 4".to_string())
    });
    let after = fs::metadata(out.join("en/topics/coffee/atom.xml"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "the coffee feed was written again");

    // An edit of one of its articles reaches it; a file of it deleted comes back.
    watching.site.article(
        "a2.txt",
        tagged(2, "coffee").replace("Story 2", "Story two"),
    );
    watching.wait_for("the edited title in the topic feed", |w| {
        w.titles("en/topics/coffee/atom.xml") == ["Story 3", "Story two", "Story 1"]
    });
    fs::remove_file(out.join("en/topics/coffee/feed.json")).unwrap();
    watching.wait_for("the deleted topic file to come back", |w| {
        w.site.out().join("en/topics/coffee/feed.json").is_file()
    });

    for n in 1..=3 {
        fs::remove_file(watching.articles().join(format!("a{n}.txt"))).unwrap();
    }
    watching.wait_for("the coffee topic to go", |w| {
        !w.site.out().join("en/topics/coffee").exists()
    });
    watching.assert_matches_fresh_build();
    watching.stop();
}

#[test]
fn an_edit_of_an_articles_keywords_or_date_reaches_its_topic_feeds() {
    // The watcher gathers topics again only when an article's date or keywords changed:
    // such an edit of an article already there must still move it.
    let site = Site::new();
    for n in 1..=3 {
        site.article(&format!("a{n}.txt"), tagged(n, "coffee"));
        site.article(&format!("b{n}.txt"), tagged(n + 10, "tea"));
    }
    let watching = Watching::start(site, &[]);
    watching.wait_for("both topic feeds", |w| {
        w.titles("en/topics/coffee/atom.xml").len() == 3
            && w.titles("en/topics/tea/atom.xml").len() == 3
    });

    // Its keywords: Story 2 goes from coffee to tea.
    watching.site.article("a2.txt", tagged(2, "tea"));
    watching.wait_for("Story 2 in the tea feed", |w| {
        w.titles("en/topics/tea/atom.xml") == ["Story 13", "Story 12", "Story 11", "Story 2"]
    });
    assert_eq!(
        watching.titles("en/topics/coffee/atom.xml"),
        ["Story 3", "Story 1"]
    );

    // Its date: Story 1 moves to the top of the coffee feed (same title, same keywords).
    watching.site.article(
        "a1.txt",
        tagged(1, "coffee").replace("2024/05-01", "2024/05-20"),
    );
    watching.wait_for("Story 1 first in the coffee feed", |w| {
        w.titles("en/topics/coffee/atom.xml") == ["Story 1", "Story 3"]
    });
    watching.assert_matches_fresh_build();
    watching.stop();
}

#[test]
fn more_topics_than_a_build_renders_at_once_are_all_written_and_listed() {
    // More topics than a build renders at once: every one is written, whole, and listed.
    let site = Site::new();
    site.config("base_url: https://news.example.com/\ntopics:\n  min_articles: 2\n");
    for n in 1..=150u32 {
        let keywords = format!("theme {}, theme {}", n % 75, (n + 1) % 75);
        site.article(
            &format!("{n:03}_many{n:012}.txt"),
            tagged(n % 28 + 1, &keywords)
                .replace(&format!("Story {}", n % 28 + 1), &format!("Story {n}")),
        );
    }
    site.build();
    let dirs = topic_dirs(&site, "en");
    assert_eq!(dirs.len(), 75, "{dirs:?}");
    let opml = fs::read_to_string(site.out().join("topics.opml")).unwrap();
    for dir in &dirs {
        for file in FILES {
            let path = site.out().join("en/topics").join(dir).join(file);
            let text = fs::read_to_string(&path).unwrap();
            assert!(text.contains("Story"), "{}", path.display());
        }
        assert!(
            opml.contains(&format!("en/topics/{dir}/")),
            "{dir} not in topics.opml"
        );
    }
}

#[test]
fn topics_turned_on_while_watching_appear_and_the_next_build_agrees() {
    // The watcher read the files with topics off (no keywords gathered): turning them on
    // reads every file again, and what it leaves in the articles cache is what a fresh
    // build reads.
    let site = Site::new();
    site.config("base_url: https://news.example.com/\ntopics:\n  min_articles: 0\n");
    for n in 1..=3 {
        site.article(&format!("a{n}.txt"), tagged(n, "coffee"));
    }
    let watching = Watching::start(site, &[]);
    watching
        .site
        .config("base_url: https://news.example.com/\ntopics:\n  min_articles: 2\n");
    watching.wait_for("the coffee topic feed", |w| {
        w.site.out().join("en/topics/coffee/atom.xml").is_file()
    });
    watching.assert_matches_fresh_build();
    // Stopped, it leaves the articles cache; a build from it publishes what one without does.
    watching.signal("TERM");
    watching.wait_for("the watcher to stop", |w| w.log().contains("stopped"));
    let site = &watching.site;
    let fresh = site.dir.path().join("fresh");
    for args in [
        vec!["build"],
        vec!["build", "--no-cache", "--out", fresh.to_str().unwrap()],
    ] {
        let out = site.run(&args);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    assert!(site.out().join("en/topics/coffee/atom.xml").is_file());
    assert_eq!(common::tree(&site.out()), common::tree(&fresh));
}
