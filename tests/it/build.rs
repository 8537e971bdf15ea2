//! `bifeed build` end to end: real binary, real files, feeds read back by feed-rs and
//! roxmltree.

use crate::common;

use std::fs;

use common::{FEEDS, Feed, Site, article, stderr, stdout};

fn three_articles() -> Site {
    let site = Site::new();
    site.article(
        "001_aaaaaaaaaaaaaaa1.txt",
        article(
            "港口扩建完工",
            "Port Expansion Done",
            "2024/05-20",
            "port, shipping",
        ),
    );
    site.article(
        "002_aaaaaaaaaaaaaaa2.txt",
        article(
            "新航线开通",
            "New Route Opens",
            "2024/06-01",
            "route; shipping",
        ),
    );
    site.article(
        "003_aaaaaaaaaaaaaaa3.txt",
        article(
            "集装箱增长",
            "Containers Grow",
            "2023/12-31",
            "containers，growth",
        ),
    );
    site
}

#[test]
fn writes_each_languages_feeds_and_page_their_gzip_copies_the_index_and_the_opml_lists() {
    let site = three_articles();
    // Topic feeds are tested on their own (topics.rs).
    site.config("topics:\n  min_articles: 0\n");
    site.build();
    let mut written: Vec<String> = walk(&site.out());
    written.sort();
    let expected = [
        ".bifeed.lock",
        "en/atom.xml",
        "en/atom.xml.gz",
        "en/feed.json",
        "en/feed.json.gz",
        "en/index.html",
        "en/index.html.gz",
        "en/rss.xml",
        "en/rss.xml.gz",
        "feeds.opml",
        "index.html",
        "index.html.gz",
        "topics.opml",
        "zh/atom.xml",
        "zh/atom.xml.gz",
        "zh/feed.json",
        "zh/feed.json.gz",
        "zh/index.html",
        "zh/index.html.gz",
        "zh/rss.xml",
        "zh/rss.xml.gz",
    ];
    assert_eq!(written, expected);
    for path in FEEDS {
        let feed = site.feed(path);
        assert_eq!(feed.parsed.entries.len(), 3, "{path}");
        let gz = fs::read(site.out().join(format!("{path}.gz"))).unwrap();
        let mut unzipped = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped)
            .unwrap();
        assert_eq!(
            unzipped,
            feed.xml.as_bytes(),
            "{path}.gz holds the same feed"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            for inner in walk(&entry.path()) {
                out.push(format!("{}/{inner}", entry.file_name().to_string_lossy()));
            }
        } else {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn items_are_newest_first_with_titles_in_each_language() {
    let site = three_articles();
    site.build();
    for path in ["zh/rss.xml", "zh/atom.xml"] {
        assert_eq!(
            site.feed(path).titles(),
            ["新航线开通", "港口扩建完工", "集装箱增长"],
            "{path}"
        );
    }
    for path in ["en/rss.xml", "en/atom.xml"] {
        assert_eq!(
            site.feed(path).titles(),
            ["New Route Opens", "Port Expansion Done", "Containers Grow"],
            "{path}"
        );
    }
}

#[test]
fn dates_are_beijing_midnight_with_the_offset_written_out() {
    let site = three_articles();
    site.build();
    let rss = site.feed("zh/rss.xml");
    assert_eq!(
        rss.texts("pubDate"),
        [
            "Sat, 1 Jun 2024 00:00:00 +0800",
            "Mon, 20 May 2024 00:00:00 +0800",
            "Sun, 31 Dec 2023 00:00:00 +0800"
        ]
    );
    assert_eq!(
        rss.texts("lastBuildDate"),
        ["Sat, 1 Jun 2024 00:00:00 +0800"]
    );
    let first = rss.parsed.entries[0].published.unwrap();
    assert_eq!(first.to_rfc3339(), "2024-05-31T16:00:00+00:00");

    // Atom in UTC: some readers drop the offset of an Atom date.
    let atom = site.feed("en/atom.xml");
    assert_eq!(
        atom.texts("published"),
        [
            "2024-05-31T16:00:00Z",
            "2024-05-19T16:00:00Z",
            "2023-12-30T16:00:00Z"
        ]
    );
}

#[test]
fn atom_updated_is_the_date_told_apart_within_a_day() {
    let site = three_articles();
    site.article(
        "004_aaaaaaaaaaaaaaa0.txt",
        article("同日新闻", "Same Day", "2024/06-01", "news"),
    );
    site.build();
    for path in ["zh/atom.xml", "en/atom.xml"] {
        let atom = site.feed(path);
        // The feed's, then its entries' (ids ...0 and ...2 share 2024-06-01): the same
        // second as the date, which is what readers that show `updated` show.
        assert_eq!(
            atom.texts("updated"),
            [
                "2024-05-31T16:00:00.000000001Z",
                "2024-05-31T16:00:00Z",
                "2024-05-31T16:00:00.000000001Z",
                "2024-05-19T16:00:00Z",
                "2023-12-30T16:00:00Z",
            ],
            "{path}"
        );
    }
}

#[test]
fn keywords_become_categories() {
    let site = three_articles();
    site.build();
    let en = site.feed("en/rss.xml");
    let categories: Vec<Vec<String>> = en
        .parsed
        .entries
        .iter()
        .map(|e| e.categories.iter().map(|c| c.term.clone()).collect())
        .collect();
    assert_eq!(
        categories,
        [
            vec!["route", "shipping"],
            vec!["port", "shipping"],
            vec!["containers", "growth"]
        ]
    );
    let zh = site.feed("zh/atom.xml");
    for entry in &zh.parsed.entries {
        let terms: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
        assert!((3..=6).contains(&terms.len()), "{terms:?}");
        assert!(
            terms.contains(&"港口") && terms.contains(&"集装箱"),
            "{terms:?}"
        );
        assert!(terms.iter().all(|t| t.chars().count() >= 2), "{terms:?}");
    }
}

#[test]
fn links_language_and_self_links_are_absolute() {
    let site = three_articles();
    site.config("base_url: https://news.example.org/feeds/\n");
    site.build();
    for (path, lang) in [
        ("zh/rss.xml", "zh-cn"),
        ("en/rss.xml", "en"),
        ("zh/atom.xml", "zh-cn"),
        ("en/atom.xml", "en"),
    ] {
        let feed = site.feed(path);
        assert_eq!(
            feed.parsed
                .language
                .as_deref()
                .map(str::to_lowercase)
                .as_deref(),
            Some(lang),
            "{path}"
        );
        let entry = &feed.parsed.entries[0];
        assert_eq!(
            entry.links[0].href, "http://www.chinanews.com/cj/2024/06-01/123456.shtml",
            "{path}"
        );
        let selfs = feed.self_links();
        assert_eq!(
            selfs,
            [format!("https://news.example.org/feeds/{path}")],
            "{path}"
        );
    }
    let atom = site.feed("zh/atom.xml");
    assert_eq!(atom.attrs("feed", "lang"), ["zh-CN"]);
    let other = atom
        .parsed
        .links
        .iter()
        .find(|l| l.href_lang.as_deref() == Some("en"))
        .unwrap();
    assert_eq!(other.href, "https://news.example.org/feeds/en/atom.xml");
    assert_eq!(site.feed("zh/rss.xml").texts("language"), ["zh-CN"]);
}

#[test]
fn ids_are_stable_distinct_per_language_and_taken_from_the_file_name() {
    let site = three_articles();
    site.build();
    let zh = site.feed("zh/atom.xml").ids();
    let en = site.feed("en/atom.xml").ids();
    assert_eq!(zh[0], "tag:localhost,2026:zh/aaaaaaaaaaaaaaa2");
    assert_eq!(en[0], "tag:localhost,2026:en/aaaaaaaaaaaaaaa2");
    assert!(zh.iter().all(|id| !en.contains(id)));
    // RSS guids are the same ids, marked as not being links.
    let rss = site.feed("zh/rss.xml");
    assert_eq!(rss.ids(), zh);
    assert_eq!(
        rss.attrs("guid", "isPermaLink"),
        ["false", "false", "false"]
    );
    // Renaming the sequence part of a file keeps the id.
    fs::rename(
        site.articles().join("002_aaaaaaaaaaaaaaa2.txt"),
        site.articles().join("917_aaaaaaaaaaaaaaa2.txt"),
    )
    .unwrap();
    site.build();
    assert_eq!(site.feed("zh/atom.xml").ids(), zh);
}

#[test]
fn summary_and_content() {
    let site = three_articles();
    site.build();
    let en = site.feed("en/atom.xml");
    let entry = &en.parsed.entries[0];
    // The summary is the first paragraph without its bold dateline.
    assert_eq!(
        entry.summary.as_ref().unwrap().content,
        "The port expansion is done."
    );
    let content = entry.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(content.contains("<p><strong>China News Service, Hangzhou, May 20th (Reporter Wang Ming)</strong> – The port expansion is <strong>done</strong>.</p>"), "{content}");
    assert!(
        content.contains("<p>Capacity rose by a third.</p>"),
        "{content}"
    );
    let zh = site.feed("zh/rss.xml");
    assert_eq!(
        zh.texts("description")[1],
        "杭州港口扩建工程完工,集装箱码头新增泊位。",
        "the Chinese summary leaves out the dateline"
    );
}

#[test]
fn markup_in_articles_is_shown_never_run() {
    let site = Site::new();
    let text = article(
        "警惕<script>alert(1)</script>攻击 ]]> & 更多",
        "Beware <script>alert(1)</script> & ]]>",
        "2024/05-20",
        "a",
    )
    .replace(
        "港口负责人表示",
        "<img src=x onerror=alert(1)>港口负责人表示",
    )
    .replace("Capacity rose", "<script>bad()</script> ]]> Capacity rose");
    site.article("001_bbbbbbbbbbbbbbbb.txt", text);
    site.build();
    for path in FEEDS {
        let feed = site.feed(path);
        let entry = &feed.parsed.entries[0];
        let title = &entry.title.as_ref().unwrap().content;
        assert!(
            title.contains("<script>alert(1)</script>") && title.contains("]]>"),
            "{path}: {title}"
        );
        let content = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        assert!(!content.contains("<script"), "{path}: {content}");
        assert!(!content.contains("<img"), "{path}: {content}");
        assert!(
            content.contains("&lt;script&gt;") || content.contains("&lt;img"),
            "{path}: {content}"
        );
    }
}

#[test]
fn the_item_limit_keeps_the_newest() {
    let site = Site::new();
    for day in 1..=9 {
        site.article(
            &format!("00{day}_cccccccccccccc0{day}.txt"),
            article(
                &format!("第{day}条新闻"),
                &format!("Story {day}"),
                &format!("2024/05-0{day}"),
                "k",
            ),
        );
    }
    site.config("limit: 4\n");
    site.build();
    assert_eq!(
        site.feed("en/rss.xml").titles(),
        ["Story 9", "Story 8", "Story 7", "Story 6"]
    );
    site.config("limit: 0\n");
    site.build();
    assert_eq!(site.feed("zh/atom.xml").parsed.entries.len(), 9);
}

#[test]
fn ties_on_date_are_ordered_by_id() {
    let site = Site::new();
    for id in ["dddddddddddddd03", "dddddddddddddd01", "dddddddddddddd02"] {
        site.article(&format!("x_{id}.txt"), article(id, id, "2024/05-01", "k"));
    }
    site.build();
    assert_eq!(
        site.feed("en/atom.xml").titles(),
        ["dddddddddddddd01", "dddddddddddddd02", "dddddddddddddd03"]
    );
}

#[test]
fn one_language_articles_go_to_that_language_only() {
    let site = three_articles();
    let zh_only = article("只有中文", "x", "2024/06-02", "k");
    let zh_only = zh_only.split("英语如下:").next().unwrap().to_string()
        + "【来源】http://www.chinanews.com/cj/2024/06-02/1.shtml";
    site.article("004_eeeeeeeeeeeeeee1.txt", zh_only);
    site.build();
    assert_eq!(site.feed("zh/rss.xml").titles()[0], "只有中文");
    assert_eq!(site.feed("zh/rss.xml").parsed.entries.len(), 4);
    assert_eq!(site.feed("en/rss.xml").parsed.entries.len(), 3);
}

#[test]
fn same_articles_same_bytes_and_unchanged_files_are_not_rewritten() {
    let site = three_articles();
    site.build();
    let before: Vec<(Vec<u8>, std::time::SystemTime)> = FEEDS
        .iter()
        .map(|p| {
            let path = site.out().join(p);
            (
                fs::read(&path).unwrap(),
                fs::metadata(&path).unwrap().modified().unwrap(),
            )
        })
        .collect();
    let out = site.build();
    assert!(
        stderr(&out).contains("; 0 files written, "),
        "{}",
        stderr(&out)
    );
    for (p, (bytes, mtime)) in FEEDS.iter().zip(&before) {
        let path = site.out().join(p);
        assert_eq!(&fs::read(&path).unwrap(), bytes, "{p}");
        assert_eq!(
            &fs::metadata(&path).unwrap().modified().unwrap(),
            mtime,
            "{p} was rewritten"
        );
    }
    // A fresh folder with the same articles gives the same bytes.
    let other = three_articles();
    other.build();
    for p in FEEDS {
        assert_eq!(
            fs::read(site.out().join(p)).unwrap(),
            fs::read(other.out().join(p)).unwrap(),
            "{p}"
        );
    }
}

#[test]
fn an_empty_folder_gives_empty_valid_feeds() {
    let site = Site::new();
    site.build();
    for path in FEEDS {
        let feed = site.feed(path);
        assert!(feed.parsed.entries.is_empty(), "{path}");
    }
}

#[test]
fn strict_mode_fails_on_a_rejected_file_and_leaves_the_feeds_alone() {
    let site = three_articles();
    site.build();
    let before = fs::read(site.out().join("zh/rss.xml")).unwrap();
    site.article("004_ffffffffffffffff.txt", "");
    site.article(
        "005_ffffffffffffff05.txt",
        article("新文章", "New", "2025/01-01", "k"),
    );
    let out = site.run(&["build", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("004_ffffffffffffffff.txt:1: rejected: empty file"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("--strict: 1 article file(s) rejected"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(site.out().join("zh/rss.xml")).unwrap(), before);
}

#[test]
fn articles_and_out_flags_override_the_config() {
    let site = three_articles();
    fs::rename(site.articles(), site.dir.path().join("elsewhere")).unwrap();
    let out = site.run(&["build", "--articles", "elsewhere", "--out", "public"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let feed = Feed::read(&site.dir.path().join("public/en/rss.xml"));
    assert_eq!(feed.parsed.entries.len(), 3);
}

#[test]
fn config_errors_name_the_file_key_line_and_column() {
    let site = three_articles();
    site.config("limit: 10\nzh:\n  titel: 新闻\n");
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("bifeed.yaml: zh: unknown field `titel`"),
        "{err}"
    );
    assert!(err.contains("line 3 column 3"), "{err}");
    assert!(!site.out().exists(), "nothing is written with a bad config");
}

#[test]
fn config_folders_are_relative_to_the_config_file() {
    let site = three_articles();
    let sub = site.dir.path().join("conf");
    fs::create_dir(&sub).unwrap();
    fs::write(
        sub.join("site.yaml"),
        "articles: ../articles\noutput: ../public\n",
    )
    .unwrap();
    let out = site.run(&["build", "--config", "conf/site.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.dir.path().join("public/zh/atom.xml").exists());
}

#[test]
fn help_on_every_command() {
    let site = Site::new();
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["watch", "--help"],
        &["serve", "--help"],
        &["check", "--help"],
    ] {
        let out = site.run(args);
        assert!(out.status.success(), "{args:?}");
        assert!(common::stdout(&out).contains("Usage: bifeed"), "{args:?}");
    }
}

#[test]
fn an_article_without_a_source_link_gets_a_page_its_items_link_to() {
    let site = Site::new();
    let linkless = |title: &str| {
        article("<b>无来源</b>", title, "2024/05-20", "k")
            .lines()
            .filter(|l| !l.starts_with("【来源】"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    site.article(
        "001_aaaaaaaaaaaaaaa1.txt",
        linkless("No Source & <i>Markup</i>"),
    );
    site.config("base_url: https://news.example.org/site/\n");
    site.build();
    for (lang, path) in [
        ("zh", "zh/rss.xml"),
        ("zh", "zh/atom.xml"),
        ("en", "en/rss.xml"),
    ] {
        let feed = site.feed(path);
        assert_eq!(
            feed.parsed.entries[0].links[0].href,
            format!("https://news.example.org/site/{lang}/articles/aaaaaaaaaaaaaaa1.html"),
            "{path}"
        );
    }
    let page = fs::read_to_string(site.out().join("en/articles/aaaaaaaaaaaaaaa1.html")).unwrap();
    // The article's text as text, its translation linked, dated in Beijing time.
    assert!(
        page.contains("<h1>No Source &amp; &lt;i&gt;Markup&lt;/i&gt;</h1>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<link rel=\"alternate\" hreflang=\"zh-CN\" \
             href=\"https://news.example.org/site/zh/articles/aaaaaaaaaaaaaaa1.html\">"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "<time datetime=\"2025-05-20T00:00:00+08:00\">May 20, 2025</time> · Wang Ming"
        ),
        "{page}"
    );
    let zh = fs::read_to_string(site.out().join("zh/articles/aaaaaaaaaaaaaaa1.html")).unwrap();
    assert!(zh.contains("<h1>&lt;b&gt;无来源&lt;/b&gt;</h1>"), "{zh}");
    assert!(zh.contains("2025年5月20日</time> · 王明"), "{zh}");

    // With a source link the items link there, and the next build removes the pages.
    site.article(
        "001_aaaaaaaaaaaaaaa1.txt",
        article("有来源", "Now With A Source", "2024/05-20", "k"),
    );
    let log = stderr(&site.build());
    assert!(log.contains("2 removed"), "{log}");
    assert!(
        !site
            .out()
            .join("zh/articles/aaaaaaaaaaaaaaa1.html")
            .exists()
    );
    assert!(
        !site
            .out()
            .join("en/articles/aaaaaaaaaaaaaaa1.html")
            .exists()
    );
    assert_eq!(
        site.feed("en/atom.xml").parsed.entries[0].links[0].href,
        "http://www.chinanews.com/cj/2024/05-20/123456.shtml"
    );
}

#[test]
fn bylines_become_authors_and_the_feed_author_stands_in() {
    let site = Site::new();
    site.article(
        "001_aaaaaaaaaaaaaaa1.txt",
        article("两位记者", "Two Reporters", "2024/05-20", "k")
            .replace("(记者 王明)", "（记者 王明、李华）")
            .replace("(Reporter Wang Ming)", "(Reporters Wang Ming and Li Hua)"),
    );
    site.article(
        "002_aaaaaaaaaaaaaaa2.txt",
        article("无记者", "No Reporter", "2024/05-19", "k")
            .replace("(记者 王明)", "")
            .replace(" (Reporter Wang Ming)", ""),
    );
    site.config("author:\n  name: The Desk\n");
    site.build();
    for (path, first) in [
        ("zh/rss.xml", "王明、李华"),
        ("zh/atom.xml", "王明、李华"),
        ("en/rss.xml", "Wang Ming, Li Hua"),
        ("en/atom.xml", "Wang Ming, Li Hua"),
    ] {
        let feed = site.feed(path);
        let authors: Vec<Vec<String>> = feed
            .parsed
            .entries
            .iter()
            .map(|e| e.authors.iter().filter_map(|p| p.name.clone()).collect())
            .collect();
        assert_eq!(
            authors,
            [vec![first.to_string()], vec!["The Desk".into()]],
            "{path}"
        );
    }
    // RSS carries names in dc:creator: its <author> must be an e-mail address.
    let rss = site.feed("en/rss.xml");
    assert_eq!(rss.texts("creator"), ["Wang Ming, Li Hua", "The Desk"]);
    assert!(rss.texts("author").is_empty());
    let report = stdout(&site.run(&["check"]));
    assert!(report.contains("  zh author: 王明、李华\n"), "{report}");
    assert!(
        report.contains("  en author: Wang Ming, Li Hua\n"),
        "{report}"
    );
}

#[test]
fn the_news_content_headline_leads_the_english_content() {
    let site = Site::new();
    site.article(
        "001_aaaaaaaaaaaaaaa1.txt",
        article("标题", "The Title", "2024/05-20", "k").replace(
            "### News Content: The Title",
            "### News Content: A <Subheading> & More",
        ),
    );
    site.build();
    for path in ["en/rss.xml", "en/atom.xml"] {
        let feed = site.feed(path);
        let body = feed.parsed.entries[0]
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap();
        assert!(
            body.starts_with("<h3>A &lt;Subheading&gt; &amp; More</h3>\n<p>"),
            "{path}: {body}"
        );
    }
}

#[test]
fn a_stale_gzip_copy_is_replaced_though_the_feed_is_unchanged() {
    // A build killed between renaming a feed and its gzip copy leaves the old copy behind.
    let site = three_articles();
    site.build();
    let gz = site.out().join("zh/rss.xml.gz");
    let current = fs::read(&gz).unwrap();
    site.article(
        "004_aaaaaaaaaaaaaaa4.txt",
        article("新文章", "New One", "2024/06-02", "k"),
    );
    site.build();
    let newer = fs::read(&gz).unwrap();
    assert_ne!(newer, current);
    fs::write(&gz, &current).unwrap();
    site.build();
    assert_eq!(
        fs::read(&gz).unwrap(),
        newer,
        "the next build rewrites the stale copy"
    );
}
