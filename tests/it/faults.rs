//! Write failures: the command fails with a clear message, the previous feeds are untouched,
//! and `watch` keeps running and succeeds once the problem is gone.
#![cfg(unix)]

use crate::common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::watching::Watching;
use common::{FEEDS, Site, article, stderr};

fn site_with(n: u32) -> Site {
    let site = Site::new();
    for i in 1..=n {
        add(&site, i);
    }
    site
}

fn add(site: &Site, i: u32) {
    site.article(
        &format!("{i:04}_{i:016x}.txt"),
        article(
            &format!("新闻{i}"),
            &format!("Story {i}"),
            &format!("2024/05-{:02}", i % 28 + 1),
            "k",
        ),
    );
}

fn snapshot(out: &Path) -> Vec<Option<Vec<u8>>> {
    FEEDS.iter().map(|f| fs::read(out.join(f)).ok()).collect()
}

fn temp_files(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [out.to_path_buf(), out.join("zh"), out.join("en")] {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".bifeed-") {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn an_output_folder_that_cannot_be_written_is_a_clear_error() {
    let site = site_with(2);
    site.build();
    let before = snapshot(&site.out());
    // A file where the Chinese feeds' folder should be: no permission bits involved, so this
    // fails for root as well.
    fs::remove_dir_all(site.out().join("zh")).unwrap();
    fs::write(site.out().join("zh"), "in the way").unwrap();
    add(&site, 3);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot write feeds/zh"), "{err}");
    // The English feeds were not touched either: nothing is replaced when a write fails.
    assert_eq!(snapshot(&site.out())[2..], before[2..]);
}

/// A tmpfs of 96 KiB mounted at `out`, if this machine lets us (root on Linux); unmounted on
/// drop.
struct SmallDisk {
    path: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(path: &Path) -> Option<SmallDisk> {
        fs::create_dir_all(path).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
            .arg(path)
            .stderr(Stdio::null())
            .status()
            .ok()?
            .success();
        ok.then(|| SmallDisk {
            path: path.to_path_buf(),
        })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

#[test]
fn a_full_disk_fails_the_build_and_keeps_the_previous_feeds() {
    let site = site_with(3);
    let disk = SmallDisk::mount(&site.out());
    site.build();
    let before = snapshot(&site.out());
    assert!(before.iter().all(Option::is_some));
    // Enough articles that the feeds no longer fit.
    for i in 4..=120 {
        add(&site, i);
    }
    let out = match &disk {
        Some(_) => site.run(&["build"]),
        // No tmpfs here: a file size limit fails the writes the same way (EFBIG).
        None => Command::new("sh")
            .args([
                "-c",
                &format!(
                    "ulimit -f 64 && exec {} build",
                    env!("CARGO_BIN_EXE_bifeed")
                ),
            ])
            .current_dir(site.dir.path())
            .output()
            .unwrap(),
    };
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write feeds/"), "{err}");
    assert!(
        err.contains("No space left on device") || err.contains("File too large"),
        "{err}"
    );
    // Not one feed replaced: a failed build leaves all the old ones, not a mix.
    assert!(
        snapshot(&site.out()) == before,
        "a feed changed in a failed build"
    );
    assert!(
        temp_files(&site.out()).is_empty(),
        "{:?}",
        temp_files(&site.out())
    );
    drop(disk);
}

#[test]
fn watch_survives_a_write_failure_and_recovers_when_it_is_gone() {
    let w = Watching::start(site_with(2), &[]);
    let out = w.site.out();
    fs::remove_dir_all(out.join("en")).unwrap();
    fs::write(out.join("en"), "in the way").unwrap();
    add(&w.site, 3);
    w.wait_for("the failure to be reported", |w| {
        w.log().contains("cannot write feeds/en") && w.log().contains("retrying in")
    });
    // Still running; the problem goes away without any new article event.
    fs::remove_file(out.join("en")).unwrap();
    w.wait_for("the retry to write the feeds", |_| {
        fs::read_to_string(out.join("en/rss.xml")).is_ok_and(|f| f.contains("Story 3"))
    });
    w.assert_matches_fresh_build();
    w.stop();
}

#[test]
fn watch_recreates_an_output_folder_that_disappeared() {
    let w = Watching::start(site_with(2), &[]);
    let out = w.site.out();
    fs::remove_dir_all(&out).unwrap();
    add(&w.site, 3);
    w.wait_for("the feeds to come back", |_| {
        FEEDS.iter().all(|f| {
            fs::read_to_string(out.join(f))
                .is_ok_and(|t| t.contains("Story 3") || t.contains("新闻3"))
        })
    });
    w.assert_matches_fresh_build();
    w.stop();
}
