//! The pages a browser reads: each language's and each topic's newest items, with their
//! sources, topics and translations; read back with an HTML parser bifeed does not write
//! with (html5ever, through scraper), checked by the W3C HTML checker (vnu) and rendered by
//! headless Chromium.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use scraper::{ElementRef, Html, Selector};

const BASE: &str = "https://news.example.com/";
const VNU: &str = "target/judges/vnu-jar/package/build/dist/vnu.jar";

fn select(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

fn page(out: &Path, path: &str) -> Html {
    Html::parse_document(&fs::read_to_string(out.join(path)).unwrap())
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>()
}

/// The file of the output folder a URL of the site names (`None`: not the site's).
fn file_of(url: &str) -> Option<String> {
    let path = url.strip_prefix(BASE)?.split('#').next()?;
    Some(
        percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .ok()?
            .into_owned(),
    )
}

/// Every feed page of the output and the Atom feed beside it.
fn feed_pages(out: &Path) -> Vec<(String, String)> {
    common::files_named(out, "index.html")
        .into_iter()
        .filter(|p| p.contains('/'))
        .map(|p| {
            let atom = p.replace("index.html", "atom.xml");
            (p, atom)
        })
        .collect()
}

/// [`common::site_with_topics`] with five items per feed: the rest go to monthly archives,
/// whose pages are checked too.
fn site_with_archives(articles: &str) -> common::Site {
    let site = common::site_with_topics(articles);
    site.config("base_url: https://news.example.com/\nlimit: 5\ntopics:\n  min_articles: 2\n");
    site
}

fn every_page_shows_its_feeds_items(articles: &str) {
    let site = site_with_archives(articles);
    site.build();
    let out = site.out();
    let pages = feed_pages(&out);
    assert!(pages.len() > 2, "{pages:?}");
    for (path, atom) in &pages {
        let html = page(&out, path);
        let feed = site.feed(atom);
        let shown: Vec<ElementRef> = html.select(&select("main > article")).collect();
        assert_eq!(shown.len(), feed.parsed.entries.len(), "{path}");
        // Nothing from an article becomes markup: no script, no image, no handler.
        assert_eq!(
            html.select(&select("script, img, iframe, [onerror]"))
                .count(),
            0
        );
        for (item, entry) in shown.iter().zip(&feed.parsed.entries) {
            let title = entry.title.as_ref().unwrap().content.clone();
            let headline = item.select(&select("h2 a")).next().expect("a headline");
            assert_eq!(text(headline), title, "{path}");
            assert_eq!(headline.attr("href"), Some(entry.links[0].href.as_str()));
            let time = item.select(&select("time")).next().expect("a date");
            let instant =
                chrono::DateTime::parse_from_rfc3339(time.attr("datetime").unwrap()).unwrap();
            assert_eq!(Some(instant.to_utc()), entry.published, "{path}: {title}");
            assert_eq!(instant.offset().local_minus_utc(), 8 * 3600, "Beijing time");
            let keywords: Vec<String> = item.select(&select(".keywords li")).map(text).collect();
            let terms: Vec<String> = entry.categories.iter().map(|c| c.term.clone()).collect();
            assert_eq!(keywords, terms, "{path}: {title}");
            // A keyword's link opens its topic page.
            for link in item.select(&select(".keywords a")) {
                let target = file_of(link.attr("href").unwrap()).unwrap();
                assert!(target.contains("/topics/"), "{target}");
                assert!(out.join(&target).is_file(), "{path}: {target}");
            }
        }
    }
}

#[test]
fn pages_show_the_items_of_their_feeds() {
    every_page_shows_its_feeds_items("articles");
}

#[test]
fn pages_show_the_hostile_corpus_as_text() {
    every_page_shows_its_feeds_items("tests/corpus");
}

#[test]
fn every_article_links_its_translation() {
    let site = common::site_with_topics("articles");
    site.build();
    let out = site.out();
    for (lang, other) in [("zh", "en"), ("en", "zh")] {
        let html = page(&out, &format!("{lang}/index.html"));
        // The head names both languages' pages and the entry page.
        let alternates: BTreeMap<String, String> = html
            .select(&select("head link[rel=alternate][hreflang]"))
            .map(|l| {
                (
                    l.attr("hreflang").unwrap().into(),
                    l.attr("href").unwrap().into(),
                )
            })
            .collect();
        assert_eq!(alternates["x-default"], format!("{BASE}index.html"));
        assert_eq!(alternates["en"], format!("{BASE}en/index.html"));
        assert_eq!(alternates["zh-CN"], format!("{BASE}zh/index.html"));
        let feeds: BTreeSet<&str> = html
            .select(&select("head link[rel=alternate][type]"))
            .map(|l| l.attr("type").unwrap())
            .collect();
        assert!(feeds.contains("application/feed+json") && feeds.contains("application/atom+xml"));

        let atom = site.feed(&format!("{lang}/atom.xml"));
        let translations = atom.attrs("link", "hreflang").len();
        let mut linked = 0;
        for item in html.select(&select("main > article")) {
            let Some(link) = item.select(&select("a[hreflang]")).next() else {
                continue;
            };
            linked += 1;
            let href = link.attr("href").unwrap();
            let other_tag = if other == "zh" { "zh-CN" } else { "en" };
            assert_eq!(link.attr("hreflang"), Some(other_tag));
            // The link lands on the same article on the other language's page.
            let (target, fragment) = href.split_once('#').unwrap();
            assert_eq!(target, format!("{BASE}{other}/index.html"));
            assert_eq!(fragment, item.attr("id").unwrap(), "one id per article");
            let there = page(&out, &format!("{other}/index.html"));
            assert_eq!(
                there
                    .select(&select(&format!("article[id=\"{fragment}\"]")))
                    .count(),
                1,
                "{href}"
            );
            // The Atom entry links the same place.
            assert!(atom.xml.contains(&format!("href=\"{href}\"")), "{href}");
        }
        assert!(linked >= 10, "{lang}: {linked} translations linked");
        assert!(translations >= linked, "{lang}: Atom links {translations}");
    }
}

#[test]
fn pages_pass_the_w3c_html_checker() {
    let Some(vnu) = common::judge("the W3C HTML checker (vnu.jar)", "BIFEED_VNU_JAR", VNU) else {
        return;
    };
    for articles in ["articles", "tests/corpus"] {
        let site = site_with_archives(articles);
        site.build();
        assert!(site.out().join("zh/archive").is_dir());
        let pages: Vec<String> = common::tree(&site.out())
            .into_keys()
            .filter(|p| p.ends_with(".html"))
            .map(|p| site.out().join(p).display().to_string())
            .collect();
        let out = Command::new("java")
            .arg("-jar")
            .arg(&vnu)
            .args(["--Werror", "--format", "text"])
            .args(&pages)
            .output()
            .expect("java runs vnu.jar");
        assert!(
            out.status.success(),
            "{articles}: {}{}",
            common::stdout(&out),
            common::stderr(&out)
        );
    }
}

/// Headless Chromium, as the machine's browser tests run it: no sandbox (root), no network.
fn chromium(chromium: &Path, profile: &Path) -> Command {
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

#[test]
fn chromium_renders_the_pages_with_chinese_glyphs() {
    let Some(browser) = common::judge("Chromium", "BIFEED_CHROMIUM", "/usr/bin/chromium") else {
        return;
    };
    let site = common::site_with_topics("tests/corpus");
    site.build();
    let out = site.out();
    let profile = site.dir.path().join("chromium");
    for (path, atom) in feed_pages(&out) {
        let rendered = chromium(&browser, &profile)
            .arg("--dump-dom")
            .arg(format!("file://{}", out.join(&path).display()))
            .output()
            .unwrap();
        assert!(rendered.status.success(), "{}", common::stderr(&rendered));
        // What the browser built from the page: every headline as text, nothing injected.
        let dom = Html::parse_document(&common::stdout(&rendered));
        let titles: Vec<String> = dom.select(&select("main > article h2")).map(text).collect();
        assert_eq!(titles, site.feed(&atom).titles(), "{path}");
        assert_eq!(
            dom.select(&select("script, img, iframe")).count(),
            0,
            "{path}"
        );
    }
    // Chinese text is drawn with a font that has its glyphs, not as empty boxes: the printed
    // page embeds a CJK font.
    let pdf = site.dir.path().join("zh.pdf");
    let printed = chromium(&browser, &profile)
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("zh/index.html").display()))
        .output()
        .unwrap();
    assert!(printed.status.success(), "{}", common::stderr(&printed));
    let bytes = fs::read(&pdf).unwrap();
    let fonts: BTreeSet<String> = bytes
        .windows(9)
        .enumerate()
        .filter(|(_, w)| w == b"/FontName")
        .map(|(i, _)| {
            let rest = &bytes[i + 9..(i + 80).min(bytes.len())];
            String::from_utf8_lossy(rest)
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert!(
        fonts.iter().any(|f| f.contains("CJK")),
        "no CJK font drew the page (fonts-noto-cjk installed?): {fonts:?}"
    );
}
