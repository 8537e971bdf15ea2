//! `bifeed watch` end to end: the real binary on a temporary folder, every kind of change,
//! then the watched output must equal a fresh `bifeed build` byte for byte.
#![cfg(unix)]

use crate::common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Site;
use common::watching::{DEADLINE, Watching};

fn story(n: u32) -> String {
    common::story(n.into())
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

fn started_with(stories: &[u32]) -> Watching {
    let site = Site::new();
    for &n in stories {
        site.article(&format!("{n:03}_{n:016x}.txt"), story(n));
    }
    Watching::start(site, &[])
}

fn name(n: u32) -> String {
    format!("{n:03}_{n:016x}.txt")
}

#[test]
fn create_modify_delete() {
    let w = started_with(&[1, 2]);
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2"]);
    write(&w.articles().join(name(3)), &story(3));
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2", "Story 3"]);
    write(
        &w.articles().join(name(2)),
        &story(2).replace("Story 2", "Story 2 revised"),
    );
    w.wait_for_titles("en/atom.xml", &["Story 1", "Story 2 revised", "Story 3"]);
    fs::remove_file(w.articles().join(name(1))).unwrap();
    w.wait_for_titles("zh/rss.xml", &["新闻2", "新闻3"]);
    w.assert_matches_fresh_build();
    let log = w.stop();
    assert!(log.contains("0 added, 1 changed, 0 removed (002_"), "{log}");
}

/// The story without its source line: its items link to its own pages.
fn linkless(n: u32) -> String {
    story(n)
        .lines()
        .filter(|l| !l.starts_with("【来源】"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pages_of_articles_without_a_link_follow_the_article() {
    let site = Site::new();
    site.article(&name(1), linkless(1));
    site.article(&name(2), story(2));
    let w = Watching::start(site, &[]);
    let page = |lang: &str| {
        w.site
            .out()
            .join(format!("{lang}/articles/{:016x}.html", 1))
    };
    let shows = |lang: &str, text: &str| {
        fs::read_to_string(page(lang)).is_ok_and(|html| html.contains(text))
    };
    assert!(shows("zh", "<h1>新闻1</h1>") && shows("en", "<h1>Story 1</h1>"));
    assert!(
        !page("zh")
            .with_file_name(format!("{:016x}.html", 2))
            .exists()
    );
    // Edited: the page follows.
    write(
        &w.articles().join(name(1)),
        &linkless(1).replace("Story 1", "Story 1 revised"),
    );
    w.wait_for("the page to show the edit", |_| {
        shows("en", "Story 1 revised")
    });
    // Given a source link: the items link there, and the pages go.
    write(&w.articles().join(name(1)), &story(1));
    w.wait_for("the pages to go", |_| {
        !page("zh").exists() && !page("en").exists()
    });
    // Without one again, then deleted.
    write(&w.articles().join(name(1)), &linkless(1));
    w.wait_for("the pages to come back", |_| {
        page("zh").exists() && page("en").exists()
    });
    w.assert_matches_fresh_build();
    fs::remove_file(w.articles().join(name(1))).unwrap();
    w.wait_for("the pages to go", |_| {
        !page("zh").exists() && !page("en").exists()
    });
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn renames_and_moves_in_and_out() {
    let w = started_with(&[1, 2]);
    let outside = w.site.dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    // Rename within the folder: the id stays, the item stays.
    fs::rename(
        w.articles().join(name(1)),
        w.articles().join("renamed_0000000000000001.txt"),
    )
    .unwrap();
    // Move out of the folder.
    fs::rename(w.articles().join(name(2)), outside.join(name(2))).unwrap();
    w.wait_for_titles("en/rss.xml", &["Story 1"]);
    // Move into the folder.
    write(&outside.join(name(5)), &story(5));
    fs::rename(outside.join(name(5)), w.articles().join(name(5))).unwrap();
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 5"]);
    // Renamed to a name that is not an article: it leaves the feeds.
    fs::rename(w.articles().join(name(5)), w.articles().join("005.txt.bak")).unwrap();
    w.wait_for_titles("en/rss.xml", &["Story 1"]);
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn editor_save_patterns() {
    let w = started_with(&[1, 2, 3]);
    // Write a temporary file, then rename it over the article (most editors, rsync).
    let tmp = w.articles().join(".001.txt.tmp");
    write(
        &tmp,
        &story(1).replace("Story 1", "Story 1 saved atomically"),
    );
    fs::rename(&tmp, w.articles().join(name(1))).unwrap();
    w.wait_for_titles(
        "en/rss.xml",
        &["Story 1 saved atomically", "Story 2", "Story 3"],
    );

    // vim: probe file 4913, rename the original to a backup, write anew, delete the backup.
    let target = w.articles().join(name(2));
    write(&w.articles().join("4913"), "");
    fs::remove_file(w.articles().join("4913")).unwrap();
    let backup = w.articles().join(format!("{}~", name(2)));
    fs::rename(&target, &backup).unwrap();
    write(&target, &story(2).replace("Story 2", "Story 2 from vim"));
    fs::remove_file(&backup).unwrap();
    w.wait_for_titles(
        "en/rss.xml",
        &["Story 1 saved atomically", "Story 2 from vim", "Story 3"],
    );

    // sed -i: a temporary in the same folder renamed over the file.
    let status = Command::new("sed")
        .args(["-i", "s/Story 3/Story 3 via sed/g"])
        .arg(w.articles().join(name(3)))
        .status()
        .unwrap();
    assert!(status.success());
    w.wait_for_titles(
        "en/rss.xml",
        &[
            "Story 1 saved atomically",
            "Story 2 from vim",
            "Story 3 via sed",
        ],
    );
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn editor_temporaries_trigger_nothing() {
    let w = started_with(&[1]);
    for temp in [
        ".001.txt.swp",
        "001.txt~",
        ".#001.txt",
        "4913",
        "x.tmp",
        ".hidden.txt",
        "notes.md",
    ] {
        write(&w.articles().join(temp), "not an article\u{0}");
    }
    write(&w.articles().join(name(2)), &story(2));
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2"]);
    w.assert_matches_fresh_build();
    let log = w.stop();
    // The article was picked up, and the log says so in the words checked below: the
    // temporaries were not even looked at (a look that finds nothing new logs `nothing
    // changed`, a file read and refused `rejected:`).
    assert!(
        log.contains("rebuilt in") && log.contains("1 added"),
        "the rebuild for the article:\n{log}"
    );
    assert!(
        !log.contains("nothing changed"),
        "a temporary file caused a rebuild:\n{log}"
    );
    assert!(!log.contains("rejected:"), "{log}");
}

#[test]
fn a_new_subfolder_with_files() {
    let w = started_with(&[1]);
    let sub = w.articles().join("2024/05");
    fs::create_dir_all(&sub).unwrap();
    // Written at once, before the watcher can have watched the new folders.
    write(&sub.join(name(2)), &story(2));
    write(&sub.join(name(3)), &story(3));
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2", "Story 3"]);
    // A later file in the new folder is seen too: the folder is watched now.
    write(&sub.join(name(4)), &story(4));
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2", "Story 3", "Story 4"]);
    fs::remove_dir_all(w.articles().join("2024")).unwrap();
    w.wait_for_titles("en/rss.xml", &["Story 1"]);
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn the_folder_deleted_and_created_again() {
    let w = started_with(&[1, 2]);
    fs::remove_dir_all(w.articles()).unwrap();
    fs::create_dir(w.articles()).unwrap();
    write(&w.articles().join(name(7)), &story(7));
    w.wait_for_titles("en/rss.xml", &["Story 7"]);
    // The new folder is watched, not just listed once.
    write(&w.articles().join(name(8)), &story(8));
    w.wait_for_titles("en/rss.xml", &["Story 7", "Story 8"]);
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn while_the_folder_is_missing_the_feeds_stay() {
    let w = started_with(&[1, 2]);
    let parked = w.site.dir.path().join("parked");
    fs::rename(w.articles(), &parked).unwrap();
    w.wait_for("the missing folder to be reported", |w| {
        w.log().contains("cannot read the articles folder")
    });
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2"]);
    fs::rename(&parked, w.articles()).unwrap();
    write(&w.articles().join(name(3)), &story(3));
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2", "Story 3"]);
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn a_burst_of_500_files() {
    let w = started_with(&[]);
    for n in 1..=500 {
        write(&w.articles().join(name(n)), &story(n));
    }
    w.wait_for("all 500 articles", |w| w.log().contains("500 articles"));
    w.assert_matches_fresh_build();
    let log = w.stop();
    let rebuilds = log.matches("rebuilt in").count();
    assert!(rebuilds < 50, "{rebuilds} rebuilds for one burst:\n{log}");
}

#[test]
fn bad_and_half_written_articles() {
    let w = started_with(&[1]);
    write(&w.articles().join("bad_0000000000000bad.txt"), "");
    w.wait_for("the bad file to be reported", |w| {
        w.log()
            .contains("bad_0000000000000bad.txt:1: rejected: empty file")
    });
    // Half an article: only its Chinese headline so far.
    let half = w.articles().join(name(2));
    let full = story(2);
    write(&half, full.lines().next().unwrap());
    w.wait_for("the half-written file to be reported", |w| {
        w.log().contains(&format!("{}:1: rejected", name(2)))
    });
    // The writer finishes: the next event brings the whole article.
    write(&half, &full);
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2"]);
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn config_changes_are_picked_up_and_bad_ones_ignored() {
    let site = Site::new();
    for n in 1..=3 {
        site.article(&name(n), story(n));
    }
    site.config("limit: 1\n");
    let w = Watching::start(site, &[]);
    w.wait_for("limit 1", |w| w.titles("en/rss.xml").len() == 1);
    w.site.config("limit: 2\n");
    w.wait_for("limit 2", |w| w.titles("en/rss.xml").len() == 2);
    w.site.config("limit: 2\nlimt: 3\n");
    w.wait_for("the bad config to be reported", |w| {
        w.log().contains("unknown field `limt`")
            && w.log().contains("keeping the previous configuration")
    });
    // Still running with the last good config.
    write(&w.articles().join(name(9)), &story(9));
    w.wait_for("the new article under limit 2", |w| {
        w.titles("en/rss.xml").contains(&"Story 9".to_string()) && w.titles("en/rss.xml").len() == 2
    });
    w.site.config("limit: 2\n");
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn an_output_folder_inside_the_articles_folder_is_not_watched() {
    let site = Site::new();
    site.article(&name(1), story(1));
    site.config("output: articles/feeds\n");
    let w = Watching::start(site, &[]);
    let feed = w.articles().join("feeds/en/rss.xml");
    write(&w.articles().join(name(2)), &story(2));
    w.wait_for("story 2", |_| {
        fs::read_to_string(&feed)
            .unwrap_or_default()
            .contains("Story 2")
    });
    write(&w.articles().join(name(3)), &story(3));
    w.wait_for("story 3", |_| {
        fs::read_to_string(&feed)
            .unwrap_or_default()
            .contains("Story 3")
    });
    let log = w.stop();
    assert!(
        !log.contains("nothing changed"),
        "writing the feeds caused rebuilds:\n{log}"
    );
    assert_eq!(log.matches("rebuilt in").count(), 2, "{log}");
}

#[test]
fn a_storm_of_writes_cannot_starve_the_feeds() {
    let w = started_with(&[1]);
    // Rewrite one article every 20 ms: there is never 100 ms of quiet, so only the maximum
    // delay (1 s) can bring a rebuild while the storm lasts.
    let path = w.articles().join(name(2));
    let start = Instant::now();
    let mut version = 0;
    let reflected = loop {
        version += 1;
        write(
            &path,
            &story(2).replace("Story 2", &format!("Storm {version}")),
        );
        if w.titles("en/rss.xml")
            .iter()
            .any(|t| t.starts_with("Storm"))
        {
            break true;
        }
        if start.elapsed() > DEADLINE {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(reflected, "no rebuild during the storm; log:\n{}", w.log());
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn polling_mode() {
    let site = Site::new();
    site.article(&name(1), story(1));
    let w = Watching::start(site, &["--poll", "50"]);
    assert!(w.log().contains("polling every 50 ms"), "{}", w.log());
    write(&w.articles().join(name(2)), &story(2));
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2"]);
    fs::remove_file(w.articles().join(name(1))).unwrap();
    w.wait_for_titles("en/rss.xml", &["Story 2"]);
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn a_clash_made_while_watching_is_reported_and_the_later_name_wins() {
    let w = started_with(&[1]);
    // Another file with the id of story 1, sorting before it: story 1 keeps its place...
    write(
        &w.articles().join(format!("000_{:016x}.txt", 1)),
        &story(1).replace("Story 1", "Story 1 copy"),
    );
    w.wait_for("the clash to be reported", |w| {
        w.log().contains("is also used by")
            && w.log().contains("001_0000000000000001.txt, which wins")
    });
    w.wait_for_titles("en/rss.xml", &["Story 1"]);
    // ...and one sorting after it takes it, reported again.
    write(
        &w.articles().join(format!("002_{:016x}.txt", 1)),
        &story(1).replace("Story 1", "Story 1 later"),
    );
    w.wait_for_titles("en/rss.xml", &["Story 1 later"]);
    w.wait_for("the second clash to be reported", |w| {
        w.log().contains("002_0000000000000001.txt, which wins")
    });
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn an_article_written_in_chunks_is_published_only_whole() {
    use std::io::Write;
    let w = started_with(&[1]);
    let whole = story(2);
    let cut: Vec<usize> = [whole.len() / 3, 2 * whole.len() / 3]
        .into_iter()
        .map(|mut at| {
            while !whole.is_char_boundary(at) {
                at += 1;
            }
            at
        })
        .collect();
    let chunks = [&whole[..cut[0]], &whole[cut[0]..cut[1]], &whole[cut[1]..]];
    let path = w.articles().join(name(2));
    let mut file = fs::File::create(&path).unwrap();
    let published_whole = |w: &Watching| {
        // Any version of story 2 in the feeds must be the whole article.
        let xml = fs::read_to_string(w.site.out().join("zh/rss.xml")).unwrap_or_default();
        match xml.find("<title>新闻2</title>") {
            None => false,
            Some(at) => {
                let item = &xml[at..xml[at..].find("</item>").map_or(xml.len(), |e| at + e)];
                assert!(
                    item.contains("chinanews.com/cj/2024/05-03/123456.shtml")
                        && item.contains("港口航运企业可以更快装卸"),
                    "a partial article was published:\n{item}"
                );
                true
            }
        }
    };
    // A slow writer: a third, then 0.7 s, then the next third.
    for (i, chunk) in chunks.iter().enumerate() {
        file.write_all(chunk.as_bytes()).unwrap();
        file.flush().unwrap();
        if i + 1 < chunks.len() {
            let paused = Instant::now();
            while paused.elapsed() < Duration::from_millis(700) {
                assert!(!published_whole(&w) || i + 1 == chunks.len());
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    drop(file);
    w.wait_for("the whole article", |w| published_whole(w));
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn hup_reloads_usr1_reports_and_neither_kills() {
    let w = started_with(&[1]);
    w.signal("HUP");
    w.wait_for("the reload", |w| {
        w.log().contains("SIGHUP: reading the configuration again")
    });
    w.signal("USR1");
    w.wait_for("the status line", |w| {
        w.log().contains("status: 1 articles")
    });
    w.signal("USR2");
    w.wait_for("another status line", |w| {
        w.log().matches("status: 1 articles").count() == 2
    });
    // Still watching.
    write(&w.articles().join(name(2)), &story(2));
    w.wait_for_titles("en/rss.xml", &["Story 1", "Story 2"]);
    w.stop();
}

#[test]
fn deleted_outputs_come_back() {
    let w = started_with(&[1, 2]);
    let out = w.site.out();
    fs::remove_file(out.join("zh/rss.xml")).unwrap();
    fs::remove_file(out.join("en/atom.xml.gz")).unwrap();
    fs::remove_file(out.join("index.html")).unwrap();
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn a_second_bifeed_on_the_same_output_folder_is_refused() {
    let w = started_with(&[1]);
    let out = w.site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let log = common::stderr(&out);
    assert!(log.contains("another bifeed (pid "), "{log}");
    assert!(log.contains("is writing"), "{log}");
    w.stop();
}
