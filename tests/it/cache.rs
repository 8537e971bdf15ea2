//! The articles cache: a build after a build reads only the files that changed, and what it
//! publishes is always what a build without the cache publishes, whatever happened to the
//! articles or to the cache in between.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{FIXTURE_MTIME, Site, article, stderr, tree};

/// A site of a dozen articles with topic feeds (every article carries `港口`, some `航运`).
fn site() -> Site {
    let site = Site::new();
    site.config("base_url: https://news.example.com/\nlimit: 8\ntopics:\n  min_articles: 2\n");
    for n in 1..=12u64 {
        let keywords = if n % 3 == 0 {
            "港口, 航运"
        } else {
            "港口"
        };
        site.article(&name(n), tagged(n, keywords));
    }
    site
}

fn name(n: u64) -> String {
    format!("{n:03}_story{n:011}.txt")
}

/// Article `n` with Chinese keywords `keywords` (so topics come from the Chinese lines too).
fn tagged(n: u64, keywords: &str) -> String {
    let text = article(
        &format!("港口新闻{n:02}"),
        &format!("Port story {n:02}"),
        &format!("2024/05-{:02}", n % 28 + 1),
        "port",
    );
    text.replacen("英语如下:", &format!("关键词: {keywords}\n英语如下:"), 1)
}

/// `bifeed build`, trusting the stamps of files written any time before it starts (rather
/// than 3 s before: the articles here were all just written).
fn build(site: &Site, extra: &[&str]) -> Output {
    build_settled(site, extra, "0")
}

fn build_settled(site: &Site, extra: &[&str], settled_ms: &str) -> Output {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    let out = site
        .command(&args, "debug")
        .env("BIFEED_CACHE_SETTLED_MS", settled_ms)
        .output()
        .unwrap();
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    out
}

/// How many files the build took from the cache, from its debug log (`N of M files taken`).
fn taken(out: &Output) -> usize {
    let log = stderr(out);
    log.lines()
        .find_map(|l| {
            let rest = l.split("DEBUG").nth(1)?;
            let n = rest.trim().split(" of ").next()?.rsplit(' ').next()?;
            l.contains("files taken from the articles cache")
                .then(|| n.parse().ok())?
        })
        .unwrap_or(0)
}

/// What a build without any cache publishes from the site's articles now, next to `site`'s
/// output: the two trees must be equal.
fn assert_as_without_cache(site: &Site) {
    let fresh = site.dir.path().join("fresh");
    let _ = fs::remove_dir_all(&fresh);
    let out = site.run(&["build", "--no-cache", "--out", fresh.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cached = tree(&site.out());
    let fresh = tree(&fresh);
    let differing: Vec<&String> = cached
        .keys()
        .chain(fresh.keys())
        .filter(|k| cached.get(*k) != fresh.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "the cached build differs from a fresh one in {differing:?}"
    );
}

fn cache_files(site: &Site) -> Vec<PathBuf> {
    fs::read_dir(site.cache().join("bifeed"))
        .map(|d| d.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default()
}

fn set_mtime(path: &Path, unix: u64) {
    let file = fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix))
        .unwrap();
}

#[test]
fn a_second_build_reads_nothing_and_publishes_the_same() {
    let site = site();
    let first = build(&site, &[]);
    assert_eq!(taken(&first), 0);
    let before = tree(&site.out());
    let second = build(&site, &[]);
    assert_eq!(taken(&second), 12, "{}", stderr(&second));
    assert!(
        stderr(&second).contains("0 files written"),
        "{}",
        stderr(&second)
    );
    assert_eq!(tree(&site.out()), before);
    assert_as_without_cache(&site);
    // It lives in the user's cache folder: nothing in the articles or the output folder.
    assert_eq!(cache_files(&site).len(), 1);
    for dir in [site.articles(), site.out()] {
        assert!(
            tree(&dir).keys().all(|p| !p.contains("cache")),
            "{}",
            dir.display()
        );
    }
}

#[test]
fn a_file_rewritten_with_the_same_size_and_time_is_read_again() {
    let site = site();
    build(&site, &[]);
    // Same length, same modification time to the nanosecond: only the change time and the
    // inode tell, as with an editor that restores the time, or `cp -p`.
    let path = site.articles().join(name(5));
    let old = fs::read_to_string(&path).unwrap();
    let new = old.replace("港口新闻05", "港口快讯05");
    assert_eq!(old.len(), new.len());
    fs::write(&path, &new).unwrap();
    set_mtime(&path, FIXTURE_MTIME);
    let out = build(&site, &[]);
    assert_eq!(taken(&out), 11, "{}", stderr(&out));
    let zh = fs::read_to_string(site.out().join("zh/rss.xml")).unwrap();
    assert!(zh.contains("港口快讯05") && !zh.contains("港口新闻05"));
    let topic = fs::read_to_string(site.out().join("zh/topics/港口/atom.xml")).unwrap();
    assert!(
        topic.contains("港口快讯05"),
        "the topic feed shows the edit"
    );
    assert_as_without_cache(&site);

    // Replaced by a rename (a new inode), same size and time: read again too.
    let tmp = site.articles().join(".swap");
    fs::write(&tmp, new.replace("港口快讯05", "港口简讯05")).unwrap();
    set_mtime(&tmp, FIXTURE_MTIME);
    fs::rename(&tmp, &path).unwrap();
    build(&site, &[]);
    let zh = fs::read_to_string(site.out().join("zh/rss.xml")).unwrap();
    assert!(zh.contains("港口简讯05"));
    assert_as_without_cache(&site);
}

#[test]
fn a_file_whose_time_is_not_safely_before_the_build_is_never_trusted() {
    // Git's "racily clean" rule: a file written in the same tick of the file system's clock
    // as the listing that took its stamp could change again keeping size and times. A file
    // dated after the listing (here a day ahead, as from a file server whose clock is) is
    // never taken from the cache; the others are.
    let site = site();
    let ahead = site.articles().join(name(13));
    fs::write(&ahead, tagged(13, "港口")).unwrap();
    let tomorrow = std::time::SystemTime::now() + std::time::Duration::from_secs(86_400);
    fs::File::options()
        .write(true)
        .open(&ahead)
        .unwrap()
        .set_modified(tomorrow)
        .unwrap();
    build(&site, &[]);
    let out = build(&site, &[]);
    assert_eq!(taken(&out), 12, "{}", stderr(&out));
    assert_as_without_cache(&site);
}

#[test]
fn additions_deletions_and_renames_between_builds_publish_what_a_fresh_build_does() {
    let site = site();
    build(&site, &[]);
    // A new article that makes a new topic (航线 on two articles), one deleted, one renamed
    // (its id changes), one whose keywords change (leaves 航运).
    site.article(&name(20), tagged(20, "港口, 航线"));
    site.article(&name(21), tagged(21, "航线"));
    fs::remove_file(site.articles().join(name(2))).unwrap();
    fs::rename(
        site.articles().join(name(4)),
        site.articles().join("004_renamed00000004.txt"),
    )
    .unwrap();
    site.article(&name(6), tagged(6, "港口"));
    build(&site, &[]);
    assert!(site.out().join("zh/topics/航线/rss.xml").is_file());
    assert_as_without_cache(&site);
    // Back to no article with 航线: its topic goes.
    fs::remove_file(site.articles().join(name(20))).unwrap();
    fs::remove_file(site.articles().join(name(21))).unwrap();
    build(&site, &[]);
    assert!(!site.out().join("zh/topics/航线").exists());
    assert_as_without_cache(&site);
}

#[test]
fn problems_are_told_again_by_a_build_that_takes_the_file_from_the_cache() {
    let site = site();
    site.article("050_broken000000050.txt", "只有一行");
    let first = build(&site, &[]);
    let second = build(&site, &[]);
    assert_eq!(taken(&second), 13);
    let rejected = |out: &Output| {
        stderr(out)
            .lines()
            .filter(|l| l.contains("050_broken000000050.txt") && l.contains("rejected"))
            .map(|l| l.split(" WARN ").nth(1).unwrap_or(l).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(rejected(&first).len(), 1, "{}", stderr(&first));
    assert_eq!(rejected(&second), rejected(&first));
}

#[test]
fn a_corrupt_foreign_or_missing_cache_is_ignored_and_rebuilt() {
    let site = site();
    build(&site, &[]);
    let [cache] = cache_files(&site).try_into().unwrap();
    let good = fs::read(&cache).unwrap();
    // Each damage, with an article changed meanwhile: the feeds must show the change.
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("a flipped byte", {
            let mut b = good.clone();
            let at = b.len() / 2;
            b[at] ^= 0x40;
            b
        }),
        ("truncated", good[..good.len() / 3].to_vec()),
        ("another program's", {
            let mut b = good.clone();
            b[9] ^= 1;
            b
        }),
        ("not a cache", b"{\"articles\": []}".to_vec()),
        ("empty", Vec::new()),
    ];
    for (n, (what, bytes)) in damages.into_iter().enumerate() {
        fs::write(&cache, &bytes).unwrap();
        site.article(&name(7), tagged(7, &format!("港口, 变化{n}")));
        set_mtime(&site.articles().join(name(7)), FIXTURE_MTIME + n as u64 + 1);
        let out = build(&site, &[]);
        assert_eq!(taken(&out), 0, "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains("ignored"), "{what}: {}", stderr(&out));
        assert_as_without_cache(&site);
        assert_ne!(fs::read(&cache).unwrap(), bytes, "{what}: rebuilt");
    }
    fs::remove_file(&cache).unwrap();
    build(&site, &[]);
    assert!(cache.is_file());
    assert_as_without_cache(&site);
}

#[test]
fn a_cache_that_cannot_be_written_costs_nothing_but_time() {
    let site = site();
    // The cache folder is a file: nothing can be written under it.
    fs::write(site.dir.path().join("blocked"), "").unwrap();
    site.config(
        "base_url: https://news.example.com/\nlimit: 8\ncache: blocked/inside\n\
         topics:\n  min_articles: 2\n",
    );
    let out = build(&site, &[]);
    assert!(
        stderr(&out).contains("cannot write the articles cache"),
        "{}",
        stderr(&out)
    );
    assert_as_without_cache(&site);
}

#[test]
fn no_cache_reads_everything_and_keeps_nothing() {
    let site = site();
    build(&site, &["--no-cache"]);
    assert!(cache_files(&site).is_empty());
    build(&site, &[]);
    let out = build(&site, &["--no-cache"]);
    assert_eq!(taken(&out), 0);
    // The cache folder the config names is used instead of the user's.
    site.config(
        "base_url: https://news.example.com/\nlimit: 8\ncache: my-cache\n\
         topics:\n  min_articles: 2\n",
    );
    build(&site, &[]);
    assert_eq!(
        fs::read_dir(site.dir.path().join("my-cache"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn one_changed_article_rewrites_only_the_feeds_that_show_it() {
    let site = site();
    for n in 30..40u64 {
        site.article(&name(n), tagged(n, &format!("港口, 专题{}", n % 2)));
    }
    build(&site, &[]);
    let mtime = |p: &str| {
        fs::metadata(site.out().join(p))
            .unwrap()
            .modified()
            .unwrap()
    };
    let untouched = "zh/topics/专题0/rss.xml";
    let before = mtime(untouched);
    // Article 31 is in topic 专题1 only (besides 港口): 专题0's feed has nothing to do.
    let path = site.articles().join(name(31));
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("港口新闻31", "港口要闻31")).unwrap();
    set_mtime(&path, FIXTURE_MTIME + 5);
    let out = build(&site, &[]);
    assert_eq!(mtime(untouched), before, "{}", stderr(&out));
    // Of all the feeds only 专题1's and the archives of its month show article 31 (the
    // others' newest eight do not): only those were rendered again (the English archive too:
    // a file's version is the file's; its bytes come out the same and are not written).
    assert!(
        stderr(&out).contains(" 3 of ") && stderr(&out).contains("feeds due"),
        "{}",
        stderr(&out)
    );
    for feed in ["zh/topics/专题1/rss.xml", "zh/archive/2024-05/rss.xml"] {
        let text = fs::read_to_string(site.out().join(feed)).unwrap();
        assert!(text.contains("港口要闻31"), "{feed}");
    }
    assert_as_without_cache(&site);
}
