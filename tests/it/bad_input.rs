//! Bad input: the bad files are named and left out, every good article is still published,
//! and the feeds stay valid.

use crate::common;

use common::{FEEDS, Site, article, stderr, stdout};

fn good(site: &Site) {
    site.article(
        "001_1111111111111111.txt",
        article("好新闻一", "Good One", "2024/05-01", "a"),
    );
    site.article(
        "002_2222222222222222.txt",
        article("好新闻二", "Good Two", "2024/05-02", "b"),
    );
}

/// Writes the bad files of the list next to two good articles.
fn bad(site: &Site) {
    site.article("101_badbadbadbad0001.txt", "");
    site.article(
        "102_badbadbadbad0002.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    );
    site.article(
        "103_badbadbadbad0003.txt",
        "【来源】http://www.chinanews.com/gn/2024/05-17/1.shtml\nViews: 9",
    );
    site.article(
        "104_badbadbadbad0004.txt",
        "只有标题\n英语如下:\n### Title: Only a title\n",
    );
}

#[test]
fn check_names_each_bad_file_with_line_and_reason_and_exits_1() {
    let site = Site::new();
    good(&site);
    bad(&site);
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = stdout(&out);
    for expected in [
        "articles/101_badbadbadbad0001.txt:1: rejected: empty file",
        "articles/102_badbadbadbad0002.txt:3: rejected: not a text file: NUL byte",
        "articles/103_badbadbadbad0003.txt:1: rejected: only footer lines",
        "articles/104_badbadbadbad0004.txt:1: rejected: no headline with a body in either language",
        "articles/001_1111111111111111.txt: ok (UTF-8)",
        "6 files: 2 accepted, 4 rejected",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in\n{report}"
        );
    }
}

#[test]
fn build_publishes_every_good_article_and_reports_the_bad_ones() {
    let site = Site::new();
    good(&site);
    bad(&site);
    let out = site.build();
    let log = stderr(&out);
    assert!(
        log.contains("101_badbadbadbad0001.txt:1: rejected: empty file"),
        "{log}"
    );
    assert!(log.contains("2 articles (zh 2, en 2), 4 rejected"), "{log}");
    for path in FEEDS {
        assert_eq!(site.feed(path).parsed.entries.len(), 2, "{path}");
    }
}

#[test]
fn a_good_article_in_gb18030_is_published() {
    let site = Site::new();
    good(&site);
    let text = article(
        "苏州古城墙修缮完工",
        "Suzhou Wall Restored",
        "2024/05-03",
        "wall",
    );
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    site.article("003_3333333333333333.txt", bytes);
    let check = site.run(&["check"]);
    assert!(
        stdout(&check).contains("003_3333333333333333.txt: ok (GB18030)"),
        "{}",
        stdout(&check)
    );
    site.build();
    assert_eq!(site.feed("zh/atom.xml").titles()[0], "苏州古城墙修缮完工");
}

#[test]
fn control_characters_and_cdata_ends_leave_the_feeds_valid() {
    let site = Site::new();
    good(&site);
    let text = article(
        "控制\u{1}字符\u{8}标题]]>",
        "Control\u{b} chars \u{1f}]]>",
        "2024/05-04",
        "x\u{7}y",
    )
    .replace("Capacity rose", "Bell\u{7} ]]> <![CDATA[ Capacity rose");
    site.article("003_3333333333333333.txt", text);
    let check = site.run(&["check"]);
    assert!(
        stdout(&check).contains(
            "003_3333333333333333.txt:1: warning: removed characters that XML 1.0 forbids"
        ),
        "{}",
        stdout(&check)
    );
    site.build();
    for path in FEEDS {
        let feed = site.feed(path);
        assert_eq!(feed.parsed.entries.len(), 3, "{path}");
        let title = &feed.parsed.entries[0].title.as_ref().unwrap().content;
        assert!(title.ends_with("]]>"), "{path}: {title}");
        assert!(
            !title.contains('\u{1}') && !title.contains('\u{b}'),
            "{path}: {title:?}"
        );
    }
}

#[test]
fn editor_temporaries_and_other_files_are_ignored_silently() {
    let site = Site::new();
    good(&site);
    for name in [
        ".001_1111111111111111.txt.swp",
        "001_1111111111111111.txt~",
        ".#001.txt",
        "4913",
        "x.tmp",
        "notes.md",
        ".hidden.txt",
    ] {
        site.article(name, "junk\u{0}");
    }
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("2 files: 2 accepted, 0 rejected"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn articles_in_subfolders_count() {
    let site = Site::new();
    good(&site);
    site.article(
        "2024/06/003_3333333333333333.txt",
        article("子目录新闻", "Sub", "2024/06-01", "s"),
    );
    site.build();
    assert_eq!(site.feed("zh/rss.xml").titles()[0], "子目录新闻");
}

#[test]
fn the_later_file_name_wins_an_id_clash_and_check_reports_it() {
    let site = Site::new();
    good(&site);
    site.article(
        "900_1111111111111111.txt",
        article("重发的新闻", "Republished", "2024/05-01", "a"),
    );
    let out = site.run(&["check"]);
    assert!(out.status.success());
    let report = stdout(&out);
    assert!(
        report.contains("articles/001_1111111111111111.txt:1: warning: id 1111111111111111 is also used by articles/900_1111111111111111.txt, which wins"),
        "{report}"
    );
    site.build();
    let titles = site.feed("zh/atom.xml").titles();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"重发的新闻".to_string()), "{titles:?}");
}

#[test]
fn a_missing_articles_folder_is_a_clear_error() {
    let site = Site::new();
    let out = site.run(&["build", "--articles", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read the articles folder nowhere"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn symlinks_leaving_the_folder_loops_and_fifos_are_rejected_not_followed() {
    use std::os::unix::fs::symlink;
    let site = Site::new();
    good(&site);
    let outside = site.dir.path().join("secret.txt");
    std::fs::write(&outside, article("外部文件", "Outside", "2024/05-09", "o")).unwrap();
    symlink(&outside, site.articles().join("201_link_outside.txt")).unwrap();
    symlink("202_loop.txt", site.articles().join("202_loop.txt")).unwrap();
    symlink(
        site.articles().join("001_1111111111111111.txt"),
        site.articles().join("203_inside.txt"),
    )
    .unwrap();
    let fifo = site.articles().join("204_fifo.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());

    let out = site.run(&["check"]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains(
            "201_link_outside.txt:1: rejected: symbolic link to a file outside the articles folder"
        ),
        "{report}"
    );
    assert!(
        report.contains("202_loop.txt:1: rejected: broken or looping symbolic link"),
        "{report}"
    );
    assert!(
        report.contains("204_fifo.txt:1: rejected: not a regular file"),
        "{report}"
    );
    assert!(report.contains("203_inside.txt: ok"), "{report}");
    site.build();
    assert!(
        !site
            .feed("zh/rss.xml")
            .titles()
            .contains(&"外部文件".to_string())
    );
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_stay_distinct_articles_with_readable_names() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::new();
    // 新闻 and 旧闻 in GBK: both would read as "��" with the bytes replaced.
    for (gbk, title) in [
        (&b"\xd0\xc2\xce\xc5.txt"[..], "新"),
        (&b"\xbe\xc9\xce\xc5.txt"[..], "旧"),
    ] {
        let path = site.articles().join(std::ffi::OsStr::from_bytes(gbk));
        std::fs::write(path, article(title, title, "2024/05-01", "k")).unwrap();
    }
    let out = site.run(&["check"]);
    let report = stdout(&out);
    assert!(report.contains("articles/新闻.txt: ok"), "{report}");
    assert!(report.contains("articles/旧闻.txt: ok"), "{report}");
    assert!(!report.contains("also used by"), "{report}");
    site.build();
    assert_eq!(site.feed("zh/atom.xml").titles().len(), 2);
}

#[cfg(unix)]
#[test]
fn a_newline_in_a_file_name_cannot_forge_a_log_line() {
    let site = Site::new();
    site.article("bad\n ERROR disk full.txt", "");
    let out = site.run(&["build"]);
    let log = stderr(&out);
    assert!(
        !log.lines().any(|l| l.starts_with(" ERROR disk full")),
        "{log}"
    );
    assert!(log.contains("bad\\n ERROR disk full.txt"), "{log}");
}

#[test]
fn a_tree_1500_folders_deep_is_listed_without_stalling() {
    // Resolving every folder's path made listing cubic in the depth: 15 s here. A generous
    // bound, so only that kind of cost can fail it.
    let site = Site::new();
    let mut dir = site.articles();
    for _ in 0..1500 {
        dir.push("d");
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("001_1111111111111111.txt"),
        article("深处的新闻", "Deep", "2024/05-01", "k"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    site.build();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(site.feed("zh/atom.xml").titles(), ["深处的新闻"]);
}
