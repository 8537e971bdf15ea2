//! The watcher under abuse: a folder churning with thousands of files, a file rewritten a
//! thousand times a second, the folder replaced by a file and by a folder again. It survives,
//! its memory stays bounded, and its feeds converge to what a fresh build writes.
//!
//! The defaults keep CI short; `BIFEED_ABUSE_FILES` and `BIFEED_ABUSE_SECS` scale the churn up
//! (docs/robustness.md reports a run with 10,000 files for 60 s).
#![cfg(unix)]

use crate::common;

use std::fs;
use std::time::{Duration, Instant};

use common::watching::Watching;
use common::{Site, story};

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn name(n: u64) -> String {
    format!("{n:05}_{n:016x}.txt")
}

#[test]
fn thousands_of_files_created_and_deleted_in_a_loop() {
    let files = knob("BIFEED_ABUSE_FILES", 2_000);
    let seconds = knob("BIFEED_ABUSE_SECS", 4);
    let site = Site::new();
    site.article(&name(0), story(0));
    let w = Watching::start(site, &[]);
    let folder = w.articles();
    let text: Vec<String> = (1..=files).map(story).collect();
    let started = Instant::now();
    let mut rounds = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        for n in 1..=files {
            fs::write(folder.join(name(n)), &text[n as usize - 1]).unwrap();
        }
        for n in 1..=files {
            fs::remove_file(folder.join(name(n))).unwrap();
        }
        rounds += 1;
    }
    // Leave every other file in place: the feeds must end up exactly right.
    for n in (1..=files).step_by(2) {
        fs::write(folder.join(name(n)), &text[n as usize - 1]).unwrap();
    }
    w.assert_matches_fresh_build();
    let peak = w.peak_memory_kib();
    println!(
        "{rounds} rounds of {files} files created and deleted in {seconds} s; peak memory {} MB",
        peak / 1024
    );
    assert!(peak < 200 * 1024, "peak memory {} MB", peak / 1024);
    w.stop();
}

#[test]
fn a_file_rewritten_a_thousand_times_a_second() {
    let seconds = knob("BIFEED_ABUSE_SECS", 3).min(10);
    let site = Site::new();
    site.article(&name(0), story(0));
    let w = Watching::start(site, &[]);
    let path = w.articles().join(name(1));
    let started = Instant::now();
    let mut writes = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        let tick = Instant::now();
        fs::write(
            &path,
            story(1).replace("Story 1", &format!("Story 1 v{writes}")),
        )
        .unwrap();
        writes += 1;
        // About a thousand writes a second.
        while tick.elapsed() < Duration::from_millis(1) {
            std::hint::spin_loop();
        }
    }
    let last = format!("Story 1 v{}", writes - 1);
    w.wait_for_titles("en/rss.xml", &["Story 0", &last]);
    w.assert_matches_fresh_build();
    println!("{writes} rewrites in {seconds} s");
    w.stop();
}

#[test]
fn the_folder_replaced_by_a_file_then_by_a_folder_again() {
    let site = Site::new();
    site.article(&name(1), story(1));
    let w = Watching::start(site, &[]);
    let folder = w.articles();
    fs::remove_dir_all(&folder).unwrap();
    fs::write(&folder, "not a folder").unwrap();
    w.wait_for("the file to be reported", |w| {
        w.log().contains("is not a folder")
    });
    // The feeds published before are still there, whole.
    w.wait_for_titles("en/rss.xml", &["Story 1"]);
    fs::remove_file(&folder).unwrap();
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join(name(2)), story(2)).unwrap();
    w.wait_for_titles("en/rss.xml", &["Story 2"]);
    fs::write(folder.join(name(3)), story(3)).unwrap();
    w.wait_for_titles("en/rss.xml", &["Story 2", "Story 3"]);
    w.assert_matches_fresh_build();
    w.stop();
}

/// A watcher with `limit: 1` over a regular article (2) and an older one (1) that is a link to
/// a file in a hidden folder; `swap` then replaces that file, and the newer article is deleted,
/// so the feeds must read the linked one again.
fn linked_article_swapped(swap: impl FnOnce(&std::path::Path)) -> Watching {
    use std::os::unix::fs::symlink;
    let site = Site::new();
    site.config("limit: 1\n");
    let hidden = site.articles().join(".store");
    fs::create_dir(&hidden).unwrap();
    fs::write(hidden.join("target.txt"), story(1)).unwrap();
    symlink(".store/target.txt", site.articles().join(name(1))).unwrap();
    site.article(&name(2), story(2));
    let w = Watching::start(site, &[]);
    w.wait_for_titles("en/rss.xml", &["Story 2"]);
    swap(&w.articles().join(".store/target.txt"));
    fs::remove_file(w.articles().join(name(2))).unwrap();
    w
}

#[test]
fn a_fifo_behind_a_link_never_blocks_the_watcher() {
    let w = linked_article_swapped(|target| {
        fs::remove_file(target).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(target)
            .status()
            .unwrap();
        assert!(made.success());
    });
    // The rebuild after the deletion finishes (the fifo is refused, not waited on)...
    w.wait_for("the rebuild after the deletion", |w| {
        w.log().contains("0 added, 0 changed, 1 removed")
    });
    w.wait_for_titles("en/rss.xml", &[]);
    // ...and the watcher still answers SIGTERM.
    w.stop();
}

#[test]
fn a_link_swapped_to_a_file_outside_is_never_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    fs::write(&secret, story(9).replace("Story 9", "SECRET")).unwrap();
    let w = linked_article_swapped(|target| {
        fs::remove_file(target).unwrap();
        std::os::unix::fs::symlink(&secret, target).unwrap();
    });
    w.wait_for("the rebuild after the deletion", |w| {
        w.log().contains("0 added, 0 changed, 1 removed")
    });
    for feed in common::FEEDS {
        let xml = fs::read_to_string(w.site.out().join(feed)).unwrap();
        assert!(!xml.contains("SECRET"), "{feed}: {xml}");
    }
    w.assert_matches_fresh_build();
    w.stop();
}
